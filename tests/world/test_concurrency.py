"""Several processes share one world: the lock serialises their commits, none is lost, and a
writer killed at any moment leaves the old file or the new one, never a mixture."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time

from hsmshell.services import open_store
from hsmshell.world.store import Store

CLUSTER_ID = "cluster-1a23b4cdefg"
BACKUP_ID = "backup-9g87f6edcba"
HANDLE = 262162

# Each worker is its own interpreter, keeps one Store (and so one cache) for all its commits,
# and starts committing only when the test says go, so that all four really run at once.  Each
# commit counts itself in the worker's own marker (a fault that changes nothing: no key store
# has its id), kept compact: parsing is most of a commit's cost.  A lost update would leave a
# count short, as every later commit of that worker counts on from what it read.
WORKER = r"""
import sys
from hsmshell.services import open_store

path, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = open_store(path)
store.read()
print("ready", flush=True)
sys.stdin.readline()
for n in range(count):
    with store.transaction() as world:
        mine = [f for f in world.faults if f.get("custom_key_store_id") == f"worker-{worker}"]
        if not mine:
            mine.append({"kind": "connect_error", "code": "INTERNAL_ERROR", "custom_key_store_id": f"worker-{worker}",
                         "times": 0})
            world.faults.append(mine[0])
        mine[0]["times"] += 1
print("done", flush=True)
"""


def test_four_processes_committing_at_once_lose_nothing(world_path):
    workers, commits = 4, 200
    start = Store(world_path).read().revision
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(world_path), str(w), str(commits)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for w in range(workers)
    ]
    try:
        for proc in procs:
            assert proc.stdout.readline() == "ready\n", proc.stderr.read()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            assert out == "done\n"
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    world = Store(world_path).read()
    assert world.revision == start + workers * commits
    counted = {f["custom_key_store_id"]: f["times"] for f in world.faults}
    assert counted == {f"worker-{w}": commits for w in range(workers)}, "commits were lost"


# -- a writer killed at random moments -------------------------------------------------------

def _kill_marks(world) -> list[int]:
    return [f["times"] - 1 for f in world.faults if f.get("custom_key_store_id") == "killtest"]


def _writer(path: str, ready) -> None:
    """Commit forever; each change touches the top, the middle and the end of the file."""
    store = open_store(path)
    store.read()
    ready.send_bytes(b"ready")
    while True:
        with store.transaction() as world:
            n = len(_kill_marks(world))
            world.clock.offset = float(n + 1)
            world.clusters[CLUSTER_ID].keys[HANDLE].label = f"marker-{n}"
            world.backups[BACKUP_ID].keys[HANDLE].label = f"marker-{n}"
            world.faults.append({"kind": "connect_error", "code": "INTERNAL_ERROR",
                                 "custom_key_store_id": "killtest", "times": n + 1})


def test_a_writer_killed_at_any_moment_leaves_a_whole_world(world_path):
    rng = random.Random(20190611)
    kills = 100
    ctx = multiprocessing.get_context("fork")  # the child starts with hsmshell already imported
    first = Store(world_path).read()
    start, label = first.revision, first.clusters[CLUSTER_ID].keys[HANDLE].label
    committed, torn_temp_files = 0, 0
    deadline = time.monotonic() + 45

    for kill in range(kills):
        receiver, sender = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_writer, args=(str(world_path), sender), daemon=True)
        child.start()
        sender.close()
        try:
            assert receiver.poll(10), f"writer {kill} never became ready (exit code {child.exitcode})"
            receiver.recv_bytes()
            time.sleep(rng.uniform(0.002, 0.05))
            assert child.is_alive(), f"writer {kill} died by itself (exit code {child.exitcode})"
            os.kill(child.pid, signal.SIGKILL)
            child.join(10)
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
                child.join()
        assert child.exitcode == -signal.SIGKILL

        torn_temp_files += bool(list(world_path.parent.glob(".world.yaml.*.tmp")))
        world = Store(world_path).read()  # a fresh Store: loads the file, never a temp file
        marks = _kill_marks(world)
        n = len(marks)
        assert marks == list(range(n)), f"after kill {kill}: markers {marks[-5:]} are not 0..{n - 1}"
        assert n >= committed, f"after kill {kill}: commits were lost"
        assert world.revision == start + n, f"after kill {kill}: revision does not count the commits"
        expected = f"marker-{n - 1}" if n else label
        assert world.clusters[CLUSTER_ID].keys[HANDLE].label == expected, f"after kill {kill}"
        assert world.backups[BACKUP_ID].keys[HANDLE].label == expected, f"after kill {kill}"
        assert world.clock.offset == float(n), f"after kill {kill}"
        committed = n
        assert time.monotonic() < deadline, f"too slow: {kill + 1} kills took over 45 s"

    assert committed > 0, "no writer ever committed: the kills all came too early to test anything"
    # Whatever temp files the dead writers left are swept by the next commit.
    with open_store(world_path).transaction() as world:
        world.faults.append({"kind": "subnet_full", "subnet_id": "after"})
    assert not list(world_path.parent.glob(".world.yaml.*.tmp"))
    assert Store(world_path).read().revision == start + committed + 1
    print(f"{kills} kills, {committed} commits, {torn_temp_files} kills left a temp file behind")
