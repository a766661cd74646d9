"""The world's files in shared folders and against clumsy edits: temporaries no one else can
plant or read, private folders, a held lock that ends in a message rather than a hang, a world
reached through a link written where it lives, and a world its owner made read-only left alone.
(The corpus of broken folders every front-end refuses is tests/hardening/hostile_worlds.py.)"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hsmshell.services import open_store
from hsmshell.testing.worlds import copy_world
from hsmshell.world import files
from hsmshell.world.store import Store, WorldError, fixture_path
from tests.hardening.hostile_worlds import OTHER_UID
from tests.hardening.users import give_away, need_second_user, run, shared_folder


@pytest.fixture
def cheap_fixture(tmp_path) -> Path:
    text = fixture_path("default").read_text(encoding="utf-8")
    path = tmp_path / "cheap-fixture.yaml"
    path.write_text(text.replace("password_cost: 14", "password_cost: 4"), encoding="utf-8")
    return path


def revision(path: Path) -> int:
    """The world's revision as its file says (readable whoever owns the files beside it)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["revision"]


def identity(path: Path) -> tuple:
    info = os.lstat(path)
    return info.st_ino, info.st_mode, info.st_mtime_ns, path.read_bytes()


# -- temporary files --------------------------------------------------------------------------

def test_a_temporary_planted_by_another_user_is_never_written(world_path):
    """Another user of a shared folder makes the names the world's writers used to use, open
    to all, and keeps them open: nothing the store writes (the derived cache, with every hash
    and the sealed kmsuser password, or the CloudTrail log) ever reaches them."""
    with open_store(world_path).transaction() as world:
        world.settings.trail_limit = 1  # a log rewritten after two events
    folder, pid = world_path.parent, os.getpid()
    world_path.with_name("world.yaml.cache").unlink()
    planted = [folder / f".world.yaml.cache.{pid}.tmp", folder / f".world.yaml.trail.{pid}.tmp"]
    spies = []
    for path in planted:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        os.fchmod(fd, 0o666)
        if os.geteuid() == 0:
            os.fchown(fd, OTHER_UID, OTHER_UID)
        spies.append(fd)
    try:
        store = open_store(world_path)
        store.read()  # parsed: the derived cache is written anew
        for n in range(3):  # events only: the world file stays, the log is rewritten
            with store.transaction(write=False) as world:
                world.trail.append({"eventID": f"planted-{n}", "eventName": "Encrypt"})
        assert [e["eventID"] for e in Store(world_path).read().trail] == ["planted-2"]
        for name in ("world.yaml.cache", "world.yaml.trail"):
            assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600, name
        for path, fd in zip(planted, spies):
            assert os.pread(fd, 100, 0) == b"", path
    finally:
        for fd in spies:
            os.close(fd)


def test_a_stale_temporary_of_another_user_does_not_stop_a_write(template_world):
    """In a shared folder (mode 1777), a `.tmp` left by another user cannot be removed by this
    one: it is left where it is, and the write goes on."""
    need_second_user()
    with shared_folder() as outer:
        folder = outer / "shared"
        copy_world(template_world, folder)
        give_away(folder)
        os.chown(folder, 0, 0)
        os.chmod(folder, 0o1777)
        stale = folder / ".world.yaml.4194301.tmp"
        stale.write_text("left by root's writer, killed")
        before = revision(folder / "world.yaml")

        done = run(["hsmshell", "clock", "advance", "1h"], folder / "world.yaml", as_other=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert revision(folder / "world.yaml") == before + 1
        assert stale.read_text() == "left by root's writer, killed"


# -- folders ----------------------------------------------------------------------------------

def test_folders_made_for_a_world_are_private_whatever_the_umask(tmp_path, monkeypatch, cheap_fixture):
    monkeypatch.setattr("hsmshell.world.store.fixture_path", lambda name: cheap_fixture)
    old = os.umask(0)
    try:
        with Store(tmp_path / "a" / "b" / "world.yaml").transaction():  # made on first use
            pass
        open_store(tmp_path / "c" / "d" / "world.yaml").create(str(cheap_fixture))
    finally:
        os.umask(old)
    for folder in ("a", "a/b", "c", "c/d"):
        assert stat.S_IMODE(os.stat(tmp_path / folder).st_mode) == 0o700, folder


# -- the lock ---------------------------------------------------------------------------------

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(120)
"""


def hold_lock(lock: Path, as_other: bool = False) -> subprocess.Popen:
    """A process that takes the lock and keeps it: a hung tool, or someone's `flock`."""
    # The other user cannot reach this environment's Python (it lives under /root): the
    # system's does for a lock.
    python = "/usr/bin/python3" if as_other else sys.executable
    holder = subprocess.Popen([python, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True,
                              user=OTHER_UID if as_other else None, group=OTHER_UID if as_other else None,
                              extra_groups=[] if as_other else None)
    assert holder.stdout.readline() == "held\n"
    return holder


def test_a_held_lock_ends_the_wait_with_a_message_naming_the_holder(world_path):
    holder = hold_lock(world_path.with_name("world.yaml.lock"))
    try:
        for argv, stdin in ((["hsmshell", "world", "show"], ""),
                            (["cloudhsm_mgmt_util", "cloudhsm_mgmt_util.cfg"], "listUsers\nquit\n")):
            done = run(argv, world_path, stdin=stdin, env={"HSMSHELL_LOCK_TIMEOUT": "0.5"})
            assert done.returncode == 1, done.stdout + done.stderr
            assert f"{world_path.with_name('world.yaml.lock')}: the world is locked by process {holder.pid} " \
                   f"(python" in done.stderr, done.stderr
            assert "HSMSHELL_LOCK_TIMEOUT" in done.stderr and "Traceback" not in done.stderr
    finally:
        holder.kill()
        holder.wait()
    assert run(["hsmshell", "world", "show"], world_path).returncode == 0  # free again: it works


def test_another_users_lock_file_is_refused_at_once_even_while_held(template_world):
    need_second_user()
    with shared_folder() as folder:
        world_path = copy_world(template_world, folder / "w")
        os.chmod(world_path.parent, 0o1777)  # a shared folder: the other user plants the lock
        lock = world_path.with_name("world.yaml.lock")
        holder = hold_lock(lock, as_other=True)
        try:
            assert os.stat(lock).st_uid == OTHER_UID
            done = run(["hsmshell", "world", "show"], world_path)  # the default timeout: 10 s
            assert done.returncode == 1
            assert done.stderr.strip() == (f"hsmshell: {lock}: refused: the lock file belongs to nobody "
                                           f"(uid {OTHER_UID}), not to you (root (uid 0))")
        finally:
            holder.kill()
            holder.wait()


def test_the_lock_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("HSMSHELL_LOCK_TIMEOUT", raising=False)
    assert files.lock_timeout() == files.LOCK_TIMEOUT
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "2.5")
    assert files.lock_timeout() == 2.5
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "soon")
    assert files.lock_timeout() == files.LOCK_TIMEOUT


# -- links --------------------------------------------------------------------------------------

@pytest.fixture
def linked(world_path, tmp_path) -> Path:
    """`elsewhere/world.yaml`, a link to the world in world_path's folder."""
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "world.yaml"
    link.symlink_to(os.path.relpath(world_path, link.parent))
    return link


def test_a_world_reached_through_a_link_is_written_where_it_lives(world_path, linked):
    before = revision(world_path)
    done = run(["hsmshell", "clock", "advance", "1h"], linked)
    assert done.returncode == 0, done.stderr
    assert linked.is_symlink() and linked.resolve() == world_path.resolve()
    assert revision(world_path) == before + 1
    assert sorted(p.name for p in linked.parent.iterdir()) == ["world.yaml"]  # its key, lock, log: the target's
    # the sealed kmsuser password opens with the target's key, through either name
    for path in (linked, world_path):
        world = Store(path).read()
        for store in world.custom_key_stores.values():
            world.sealer.unseal(store.key_store_password)


def test_the_two_names_of_a_linked_world_share_one_lock(world_path, linked):
    with open_store(linked).transaction(write=False):
        done = run(["hsmshell", "world", "show"], world_path, env={"HSMSHELL_LOCK_TIMEOUT": "0.3"})
    assert done.returncode == 1 and "the world is locked by process" in done.stderr, done.stderr
    with open_store(world_path).transaction(write=False):
        done = run(["hsmshell", "world", "show"], linked, env={"HSMSHELL_LOCK_TIMEOUT": "0.3"})
    assert done.returncode == 1 and "the world is locked by process" in done.stderr, done.stderr


def test_a_dangling_link_is_refused_not_replaced(tmp_path, cheap_fixture, monkeypatch):
    monkeypatch.setattr("hsmshell.world.store.fixture_path", lambda name: cheap_fixture)
    link = tmp_path / "world.yaml"
    link.symlink_to("missing/world.yaml")
    for attempt in (lambda: open_store(link).read(), lambda: open_store(link).create(str(cheap_fixture))):
        with pytest.raises(WorldError) as refused:
            attempt()
        assert str(refused.value) == (f"{link}: refused: a symbolic link to missing/world.yaml, which does not "
                                      "exist (create the world there, or remove the link)")
    assert os.readlink(link) == "missing/world.yaml"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cheap-fixture.yaml", "world.yaml"]


# -- a world made read-only ----------------------------------------------------------------------

def test_a_read_only_world_is_read_but_never_written(world_path):
    os.chmod(world_path, 0o400)
    before = identity(world_path)
    done = run(["hsmshell", "clock", "advance", "1h"], world_path)
    assert done.returncode == 1
    assert done.stderr == (f"hsmshell: {world_path}: not saved: the world file is read-only "
                           f"(make it writable to change the world: chmod u+w {world_path})\n")
    done = run(["cloudhsm_mgmt_util", "cloudhsm_mgmt_util.cfg"], world_path,
               stdin="loginHSM CO admin co12345\nquit\n")
    assert f"hsmshell: {world_path}: not saved: the world file is read-only" in done.stdout, done.stdout
    assert run(["hsmshell", "world", "show"], world_path).returncode == 0
    assert run(["hsmshell", "aws", "kms", "list-keys"], world_path).returncode == 0
    assert identity(world_path) == before


def marker(n: int) -> dict:
    """An inert fault (no key store has this id), numbered."""
    return {"kind": "connect_error", "code": "INTERNAL_ERROR", "custom_key_store_id": "cks-000000000000000ff",
            "times": n}


def test_a_read_of_a_read_only_world_keeps_what_settling_changed_in_memory(world_path):
    with open_store(world_path).transaction() as world:  # a session of a process that has gone
        world.faults.append(marker(1))
    os.chmod(world_path, 0o400)
    before = identity(world_path)
    calls = []

    def settle(world):
        calls.append(1)
        world.faults.append(marker(2))
        return True

    store = Store(world_path, settle=settle)
    assert [f["times"] for f in store.read().faults] == [1, 2]
    assert [f["times"] for f in store.read().faults] == [1, 2]  # parsed again, not settled twice over
    assert identity(world_path) == before


def test_a_read_only_world_is_exported_with_what_settling_changed(world_path, tmp_path):
    """An export (a lab keeping the trainee's world) only looks: a world its owner made
    read-only is exported as settled, and not written."""
    os.chmod(world_path, 0o400)
    before = identity(world_path)

    def settle(world):
        world.faults.append(marker(2))
        return True

    exported = tmp_path / "exported.yaml"
    exported.write_bytes(Store(world_path, settle=settle).export())
    assert identity(world_path) == before
    made = Store(tmp_path / "again" / "world.yaml")
    made.create(str(exported))
    assert [f["times"] for f in made.read().faults] == [2]


# -- a derived cache that is not a file ---------------------------------------------------------

def test_a_fifo_in_place_of_the_derived_cache_is_passed_over(world_path):
    cache = world_path.with_name("world.yaml.cache")
    cache.unlink(missing_ok=True)
    os.mkfifo(cache, 0o600)
    done = run(["hsmshell", "world", "show"], world_path, timeout=60)
    assert done.returncode == 0, done.stderr
