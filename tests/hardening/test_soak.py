"""Faults: the endpoint with four boto3 clients, a cloudhsm_mgmt_util and a key_mgmt_util
committing to one world while a writer is killed with SIGKILL every few seconds.  Afterwards
every acknowledged change is there, a fresh Store loads the world, the revision counter is
exactly the number of commits, and CloudTrail holds exactly one event for every call (the
killed writer may lose the event of the commit it was killed after, and nothing else).

Counting commits, the transactions that changed the world: a CreateAlias that succeeds is one;
a describe, a list or a refused call only records its CloudTrail event, which is appended to
the log beside the world; every command of the scripted shell sessions that changes the world
is one commit per transaction it opens, fixed because every step is checked to succeed; the
killed writer counts its commits in the world itself, in the same write as the commit.

The default run lasts SECONDS; `pytest -m soak tests/hardening` runs the long one.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from hsmshell.aws.server import Endpoint
from hsmshell.services import open_store
from hsmshell.world.store import Store

SECONDS = 30
LONG_SECONDS = 300
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
STORE_ID = "cks-1234567890abcdef0"
KMU_USER, KMU_PASSWORD = "soak_cu", "soakPassword1"

WRITER = r"""
import sys, time
from hsmshell.cloudtrail import events as trail
from hsmshell.services import open_store

store = open_store(sys.argv[1])
store.read()
print("ready", flush=True)
while True:
    with store.transaction() as world:
        # Its commits counted by a fault that changes nothing (no key store has its id).
        mine = next((f for f in world.faults if f.get("custom_key_store_id") == "soak-writer"), None)
        if mine is None:
            mine = {"kind": "connect_error", "code": "INTERNAL_ERROR", "custom_key_store_id": "soak-writer", "times": 0}
            world.faults.append(mine)
        mine["times"] += 1  # saved in the same write as the commit it counts
        # appended to the CloudTrail log after the world is written: a kill may come between
        trail.record(world, "SoakWriter", request={"commit": mine["times"]})
    time.sleep(0.002)  # let the others at the lock between commits
"""

# One session of each shell, and the commits it makes when every step succeeds.
CMU_SESSION = "loginHSM CO admin co12345\ncreateUser CU {name} password1\ny\nlogoutHSM\nquit\n"
CMU_COMMITS = 1 + 3 + 1  # login; createUser, one transaction per HSM; logout (quit has none left)
KMU_SESSION = (f"loginHSM -u CU -s {KMU_USER} -p {KMU_PASSWORD}\ngenSymKey -t 31 -s 32 -l {{label}}\n"
               "logoutHSM\nexit\n")
KMU_COMMITS = 1 + 1 + 1  # login; genSymKey; logout (exit has none left)
HANDLE = re.compile(r"Key Handle: (\d+)")


class Tally:
    """What the soak's parties were told was done, and anything that went wrong."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = self.commits = self.refused = self.kills = 0
        self.aliases: list[str] = []
        self.users: list[str] = []
        self.keys: dict[int, str] = {}
        self.errors: list[str] = []

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def boto3_client(endpoint: Endpoint, number: int, tally: Tally, deadline: float) -> None:
    # A session per thread: boto3's default session is not thread-safe.
    kms = boto3.session.Session().client(
        "kms", endpoint_url=endpoint.url, region_name="us-west-2", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}, read_timeout=120))
    n = 0
    while time.monotonic() < deadline:
        alias = f"alias/soak-{number}-{n}"
        steps = [lambda: kms.create_alias(AliasName=alias, TargetKeyId=KEY_ID),
                 lambda: kms.describe_key(KeyId=alias),
                 lambda: kms.list_aliases(KeyId=KEY_ID, Limit=5) if n % 2 else
                 kms.describe_custom_key_stores(CustomKeyStoreId=STORE_ID)]
        if n % 5 == 4:  # a refused call: only its CloudTrail event
            steps.append(lambda: kms.create_alias(AliasName=alias, TargetKeyId=KEY_ID))
        for i, step in enumerate(steps):
            try:
                step()
                refused = False
            except botocore.exceptions.ClientError as exc:
                if i != 3 or exc.response["Error"]["Code"] != "AlreadyExistsException":
                    return tally.error(f"client {number}: {exc}")
                refused = True
            except Exception as exc:  # noqa: BLE001 - unacknowledged: its commit cannot be counted
                return tally.error(f"client {number}: {type(exc).__name__}: {exc}")
            with tally.lock:
                tally.calls += 1
                tally.commits += i == 0
                tally.refused += refused
                if i == 0:
                    tally.aliases.append(alias)
        n += 1


def shell_sessions(tool: str, world_path, tally: Tally, deadline: float) -> None:
    program = shutil.which(tool)
    k = 0
    while time.monotonic() < deadline:
        name = f"soak_{tool[:3]}_{k}"
        script = CMU_SESSION.format(name=name) if tool == "cloudhsm_mgmt_util" else KMU_SESSION.format(label=name)
        done = subprocess.run([program, "--world", str(world_path)], input=script, capture_output=True,
                              text=True, timeout=120)
        out = done.stdout
        if tool == "cloudhsm_mgmt_util":
            ok = (out.count("loginHSM success") == 3 and f"Creating User {name}(CU) on 3 nodes" in out
                  and "createUser failed" not in out and out.count("logoutHSM success") == 3)
        else:
            ok = out.count("returned: 0x00 : HSM Return: SUCCESS") == 3 and HANDLE.search(out)
        if done.returncode or done.stderr or not ok:
            return tally.error(f"{tool} session {k}: exit {done.returncode}\n{out}\n{done.stderr}")
        with tally.lock:
            tally.commits += CMU_COMMITS if tool == "cloudhsm_mgmt_util" else KMU_COMMITS
            if tool == "cloudhsm_mgmt_util":
                tally.users.append(name)
            else:
                tally.keys[int(HANDLE.search(out).group(1))] = name
        k += 1


def kill_writers(world_path, tally: Tally, deadline: float, rng: random.Random) -> None:
    while time.monotonic() < deadline:
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(world_path)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            assert writer.stdout.readline() == "ready\n", writer.stderr.read()
            time.sleep(rng.uniform(0.5, 3.0))
            assert writer.poll() is None, f"the writer died by itself: {writer.stderr.read()}"
            os.kill(writer.pid, signal.SIGKILL)
            assert writer.wait(10) == -signal.SIGKILL
            tally.kills += 1
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()


def soak(world_path, seconds: float) -> Tally:
    # kmsuser is KMS's while the key store is connected: key_mgmt_util works as a CU of its own.
    setup = subprocess.run([shutil.which("cloudhsm_mgmt_util"), "--world", str(world_path)],
                           input=CMU_SESSION.format(name=KMU_USER).replace("password1", KMU_PASSWORD),
                           capture_output=True, text=True, timeout=60)
    assert "Creating User soak_cu(CU) on 3 nodes" in setup.stdout, setup.stdout + setup.stderr
    with open_store(world_path).transaction() as world:  # settled: nothing falls due from here on
        world.settings.trail_limit = 1_000_000  # every event of the soak is kept, to be counted
        start, events_before = world.revision + 1, len(world.trail)
    tally = Tally()
    endpoint = Endpoint(world_path).start()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=boto3_client, args=(endpoint, n, tally, deadline)) for n in range(4)]
    threads += [threading.Thread(target=shell_sessions, args=(tool, world_path, tally, deadline))
                for tool in ("cloudhsm_mgmt_util", "key_mgmt_util")]
    started = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        kill_writers(world_path, tally, deadline, random.Random(20190611))
        for thread in threads:
            thread.join(timeout=180)
            assert not thread.is_alive(), f"{thread.name} never finished"
    finally:
        endpoint.stop()
    elapsed = time.monotonic() - started
    assert not tally.errors, "\n".join(tally.errors[:5])

    world = Store(world_path).read()  # a fresh Store: parses the file as it lies on disk
    writer_commits = next((f["times"] for f in world.faults if f.get("custom_key_store_id") == "soak-writer"), 0)
    assert world.revision - start == tally.commits + writer_commits, \
        f"{world.revision - start} revisions for {tally.commits} acknowledged commits and {writer_commits} of the writer"
    writer_events = sum(e["eventName"] == "SoakWriter" for e in world.trail)
    assert writer_commits - tally.kills <= writer_events <= writer_commits
    assert len(world.trail) - events_before - writer_events == tally.calls  # none lost to a cut line
    assert set(tally.aliases) <= set(world.aliases)
    cluster = next(iter(world.clusters.values()))
    for hsm in cluster.hsms:
        assert set(tally.users) <= {u.name for u in hsm.users}, hsm.hsm_id
    assert {h: cluster.keys[h].label for h in tally.keys if h in cluster.keys} == tally.keys
    open_store(world_path).read()  # and it settles and validates as every command's world does

    # Every party had its turn: a soak where one starved proves little.
    assert tally.kills >= seconds // 4 and writer_commits > 0
    assert len(tally.aliases) >= 4 and tally.users and tally.keys and tally.refused
    print(f"\nsoak: {elapsed:.0f} s, {tally.calls} boto3 calls ({tally.refused} refused), "
          f"{len(tally.users)} cloudhsm_mgmt_util and {len(tally.keys)} key_mgmt_util sessions, "
          f"{tally.kills} writers killed after {writer_commits} commits; "
          f"{world.revision - start} commits in all, {(world.revision - start) / elapsed:.0f}/s")
    return tally


def test_soak(world_path):
    soak(world_path, SECONDS)


@pytest.mark.soak
def test_long_soak(world_path, request):
    if "soak" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the long soak runs when asked for: pytest -m soak")
    soak(world_path, LONG_SECONDS)
