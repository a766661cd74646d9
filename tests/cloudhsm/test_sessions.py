"""Which logins a world keeps (cloudhsm/sessions.py): a shell's session lasts as long as its
process, told by its pid and the kernel's start time of that process (so that a pid the kernel
has given to another process since does not keep it), and telling must not disturb the process.
Rules no test broke before, found by benchmarks/mutation.py."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from hsmshell.cloudhsm import sessions
from hsmshell.cloudhsm.sessions import open_session

CLUSTER = "cluster-1a23b4cdefg"
# A process with a `)` in its name (its /proc/<pid>/stat reads `pid (hsm) shell) S ...`), which
# does what a shell does with SIGHUP (dies), and answers each line it reads until its input ends.
CHILD = """
import signal, sys
signal.signal(signal.SIGHUP, signal.SIG_DFL)
with open("/proc/self/comm", "w") as comm:
    comm.write("hsm) shell")
print("ready", flush=True)
for line in sys.stdin:
    print("alive", flush=True)
"""


def start_time(pid: int) -> int:
    """Field 22 of /proc/<pid>/stat (proc(5)): the process's start time, in clock ticks after boot.
    The fields are counted after the name, which may hold spaces and parentheses."""
    stat = open(f"/proc/{pid}/stat", "rb").read()
    return int(stat[stat.rindex(b")") + 2:].split()[22 - 3])


@pytest.fixture
def child():
    process = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline() == "ready\n"
    yield process
    process.kill()
    process.wait()


def still_alive(process: subprocess.Popen) -> bool:
    try:
        process.stdin.write("?\n")
        process.stdin.flush()
    except BrokenPipeError:
        return False
    return process.stdout.readline() == "alive\n"


def login(store, pid: int, **recorded) -> None:
    """alice logged in with key_mgmt_util by process `pid`, recorded as the shell records it, then
    with `recorded` fields written over (as a world written by hand, or by an older hsmshell)."""
    with store.transaction() as world:
        session = open_session(world, "s1", "key_mgmt_util", CLUSTER, "alice", "CU",
                               [h.hsm_id for h in world.clusters[CLUSTER].hsms], pid)
        for name, value in recorded.items():
            setattr(session, name, value)


def test_a_living_process_keeps_its_session_and_is_not_signalled(store, child):
    login(store, child.pid)
    assert "s1" in store.read().sessions
    assert still_alive(child)  # asked with signal 0, which only checks


def test_a_session_written_with_its_process_start_time_is_kept(store, child):
    login(store, child.pid, pid_start=start_time(child.pid))
    assert "s1" in store.read().sessions


def test_a_session_whose_pid_now_names_another_process_is_swept(store, child):
    """The start time recorded at login (of the process named `hsm) shell`) is not this
    process's: the pid, as the world holds it now, names a process that started at another time."""
    login(store, child.pid)
    with store.transaction() as world:
        world.sessions["s1"].pid = os.getpid()
    assert "s1" not in store.read().sessions


def test_a_session_written_without_a_start_time_lasts_while_its_pid_lives(store, child):
    login(store, child.pid, pid_start=None)
    assert "s1" in store.read().sessions
    child.kill()
    child.wait()
    assert "s1" not in store.read().sessions


def test_a_process_of_another_user_keeps_its_session(store, child, monkeypatch):
    """kill(pid, 0) answers EPERM for a process this user may not signal: it exists."""
    login(store, child.pid)
    kill = os.kill

    def not_permitted(pid, signal):
        if pid == child.pid:
            raise PermissionError(1, "Operation not permitted")
        return kill(pid, signal)

    with monkeypatch.context() as patched:  # until the child is ended, with the real kill
        patched.setattr(sessions.os, "kill", not_permitted)
        assert "s1" in store.read().sessions
