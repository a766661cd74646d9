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


# -- files.py's functions, called directly ------------------------------------------------------

import errno  # noqa: E402
import fcntl  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import hsmshell.world.files as files_module  # noqa: E402

need_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to give a file to another user")
NO_NAME_UID = 54321  # a uid with no name on this machine


def in_thread(call, timeout: float = 5.0):
    """call() in a thread: (finished, result or exception), so that a hang fails, not hangs."""
    outcome = []

    def run_it():
        try:
            outcome.append(call())
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=run_it, daemon=True)
    thread.start()
    thread.join(timeout)
    return (not thread.is_alive()), (outcome[0] if outcome else None)


def unblock_fifo(fifo: Path) -> None:
    """Release a reader blocked opening `fifo` (a mutant that forgot O_NONBLOCK)."""
    with contextlib_suppress():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def contextlib_suppress():
    import contextlib
    return contextlib.suppress(OSError)


def test_a_planted_temporary_name_is_passed_over_never_reused(tmp_path, monkeypatch):
    target = tmp_path / "world.yaml"
    names = iter([b"\x01" * 8, b"\x02" * 8])
    monkeypatch.setattr(os, "urandom", lambda n: next(names))
    planted = tmp_path / f".world.yaml.{'01' * 8}.tmp"
    planted.write_text("planted")
    fd, path = files.new_temporary(target, os.O_APPEND)
    try:
        assert path == tmp_path / f".world.yaml.{'02' * 8}.tmp"
        assert planted.read_text() == "planted"
        assert stat.S_IMODE(os.fstat(fd).st_mode) == 0o600
        assert fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND  # the caller's flags are kept
        assert fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC
    finally:
        os.close(fd)


def test_a_temporary_name_holds_sixteen_random_hex_digits(tmp_path):
    """`.<target>.<64 random bits>.tmp`: 2**64 names, none of which another user can guess."""
    import re
    made = []
    try:
        for _ in range(2):
            made.append(files.new_temporary(tmp_path / "world.yaml"))
        names = [path.name for _, path in made]
        for name in names:
            assert re.fullmatch(r"\.world\.yaml\.[0-9a-f]{16}\.tmp", name), name
        assert names[0] != names[1]
    finally:
        for fd, _ in made:
            os.close(fd)


def test_replace_fsyncs_only_when_asked(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    files.replace(tmp_path / "a", b"one", sync=False)
    assert synced == [] and (tmp_path / "a").read_bytes() == b"one"
    files.replace(tmp_path / "a", b"two", sync=True)
    assert len(synced) == 1 and (tmp_path / "a").read_bytes() == b"two"


def test_a_failed_replace_leaves_no_temporary(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("x")  # a folder that is not empty: no rename over it
    with pytest.raises(OSError):
        files.replace(target, b"data", sync=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_a_failed_replace_whose_temporary_is_gone_raises_its_own_error(tmp_path, monkeypatch):
    class Interrupted(Exception):
        pass

    def write_all(fd, data):
        os.unlink(os.readlink(f"/proc/self/fd/{fd}"))  # removed meanwhile, as a stale one
        raise Interrupted

    monkeypatch.setattr(files_module, "write_all", write_all)
    with pytest.raises(Interrupted):
        files.replace(tmp_path / "world.yaml", b"data", sync=False)
    assert list(tmp_path.iterdir()) == []


@need_root
def test_stale_temporaries_removed_are_this_users_and_the_targets_only(tmp_path):
    target = tmp_path / "world.yaml"
    mine = tmp_path / ".world.yaml.aaaa.tmp"
    mine.write_text("mine")
    others = tmp_path / ".world.yaml.bbbb.tmp"
    others.write_text("theirs")
    os.chown(others, OTHER_UID, OTHER_UID)
    unrelated = tmp_path / "notes.tmp"
    unrelated.write_text("not a temporary of the world")
    elsewhere = tmp_path / ".other.yaml.cccc.tmp"
    elsewhere.write_text("another file's")
    link = tmp_path / ".world.yaml.dddd.tmp"  # mine, to a file of another user: the link goes
    link.symlink_to(others)
    dangling = tmp_path / ".world.yaml.eeee.tmp"
    dangling.symlink_to("missing")
    folder = tmp_path / ".world.yaml.ffff.tmp"  # not removable by unlink: left, no error
    folder.mkdir()
    files.remove_stale_temporaries(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.yaml.cccc.tmp", ".world.yaml.bbbb.tmp",
                                                          ".world.yaml.ffff.tmp", "notes.tmp"]
    assert others.read_text() == "theirs"


@need_root
def test_another_users_stale_temporary_is_left_even_where_this_user_could_remove_it(as_nobody):
    """In a folder open to all without the sticky bit, this user could unlink root's file: a
    temporary not made by this user is still not ours to remove (root's uid is below ours)."""
    os.seteuid(0)
    with shared_folder(0o777) as folder:
        roots = folder / ".world.yaml.aaaa.tmp"
        roots.write_text("root's writer, still writing")
        mine = folder / ".world.yaml.bbbb.tmp"
        mine.write_text("left by this user's writer, killed")
        os.chown(mine, OTHER_UID, OTHER_UID)
        os.seteuid(OTHER_UID)
        try:
            files.remove_stale_temporaries(folder / "world.yaml")
            names = sorted(p.name for p in folder.iterdir())
        finally:
            os.seteuid(0)
    assert names == [".world.yaml.aaaa.tmp"]


# -- folders ----------------------------------------------------------------------------------

def test_a_file_in_place_of_the_folder_is_left_for_the_open_to_report(tmp_path):
    (tmp_path / "plain").write_text("a file")
    files.make_folder(tmp_path / "plain")  # made meanwhile, or a file: no error here
    assert (tmp_path / "plain").read_text() == "a file"


def test_a_new_folder_is_never_open_to_others_even_before_its_chmod(tmp_path, monkeypatch):
    seen = []
    real = os.chmod
    monkeypatch.setattr(os, "chmod", lambda path, mode: (seen.append(stat.S_IMODE(os.stat(path).st_mode)),
                                                         real(path, mode)))
    old = os.umask(0)
    try:
        files.make_folder(tmp_path / "a" / "b")
    finally:
        os.umask(old)
    assert seen == [0o700, 0o700]


def test_a_folder_that_cannot_be_made_says_why(tmp_path):
    (tmp_path / "plain").write_text("a file")
    folder = tmp_path / "plain" / "sub"
    with pytest.raises(WorldError) as refused:
        files.make_folder(folder)
    assert str(refused.value) == f"{folder}: cannot create the world's folder: Not a directory"


# -- the files beside the world -----------------------------------------------------------------

def private_file(path: Path, mode: int = 0o600) -> Path:
    path.write_text("x")
    os.chmod(path, mode)
    return path


def test_each_kind_of_file_is_named(tmp_path):
    import socket
    os.mkfifo(tmp_path / "fifo")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "socket"))
        (tmp_path / "file").write_text("x")
        (tmp_path / "link").symlink_to("file")
        kinds = {name: files.kind(os.lstat(tmp_path / name).st_mode)
                 for name in ("fifo", "socket", "file", "link")}
    assert kinds == {"fifo": "a FIFO", "socket": "a socket", "file": "a regular file", "link": "not a file"}
    assert files.kind(os.stat(tmp_path).st_mode) == "a folder"
    assert files.kind(os.stat("/dev/null").st_mode) == "a character device"
    assert files.kind(stat.S_IFBLK | 0o600) == "a block device"


def test_a_private_file_of_this_user_is_opened(tmp_path):
    fd = files.open_private(private_file(tmp_path / "key"), "the key", os.O_RDONLY)
    try:
        assert fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC
        assert fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK
    finally:
        os.close(fd)
    assert files.open_private(tmp_path / "missing", "the key", os.O_RDONLY) is None


def test_a_link_in_place_of_a_private_file_is_refused(tmp_path):
    target = private_file(tmp_path / "target")
    link = tmp_path / "key"
    link.symlink_to(target)
    with pytest.raises(WorldError) as refused:
        files.open_private(link, "the key", os.O_RDONLY)
    assert str(refused.value) == f"{link}: refused: the key is a symbolic link"


def test_a_fifo_in_place_of_a_private_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "key"
    os.mkfifo(fifo, 0o600)
    try:
        finished, outcome = in_thread(lambda: files.open_private(fifo, "the key", os.O_RDONLY), 3.0)
    finally:
        unblock_fifo(fifo)
    assert finished, "open_private waited for a writer to the FIFO"
    assert isinstance(outcome, WorldError)
    assert str(outcome) == f"{fifo}: refused: the key is a FIFO, not a regular file"


def test_a_folder_in_place_of_a_private_file_is_refused(tmp_path):
    (tmp_path / "key").mkdir(mode=0o700)
    with pytest.raises(WorldError) as refused:
        files.open_private(tmp_path / "key", "the key", os.O_RDONLY)
    assert str(refused.value) == f"{tmp_path / 'key'}: refused: the key is a folder, not a regular file"
    with pytest.raises(WorldError) as refused:  # opened for writing: the open itself fails
        files.open_private(tmp_path / "key", "the key", os.O_RDWR, create=True)
    assert str(refused.value) == f"{tmp_path / 'key'}: cannot open the key: Is a directory"


def test_a_path_through_a_file_cannot_be_opened(tmp_path):
    (tmp_path / "plain").write_text("x")
    path = tmp_path / "plain" / "key"
    with pytest.raises(WorldError) as refused:
        files.open_private(path, "the key", os.O_RDONLY)
    assert str(refused.value) == f"{path}: cannot open the key: Not a directory"


def test_a_private_file_open_to_the_group_is_refused(tmp_path):
    path = private_file(tmp_path / "key", 0o640)
    with pytest.raises(WorldError) as refused:
        files.open_private(path, "the key", os.O_RDONLY)
    assert str(refused.value) == (f"{path}: refused: the key is open to group or others (mode 0640); "
                                  f"make it private: chmod 600 {path}")


@pytest.mark.parametrize("bit", [0o040, 0o020, 0o010, 0o004, 0o002, 0o001], ids=oct)
def test_any_one_bit_for_group_or_others_refuses_a_private_file(tmp_path, bit):
    """Even execute for others alone (0601): the file is not private."""
    path = private_file(tmp_path / "key", 0o600 | bit)
    with pytest.raises(WorldError) as refused:
        files.open_private(path, "the key", os.O_RDONLY)
    assert f"refused: the key is open to group or others (mode {0o600 | bit:04o})" in str(refused.value)


@need_root
def test_a_private_file_of_another_user_is_refused(tmp_path):
    for uid, name in ((OTHER_UID, f"nobody (uid {OTHER_UID})"), (NO_NAME_UID, f"uid {NO_NAME_UID}")):
        path = private_file(tmp_path / f"key-{uid}")
        os.chown(path, uid, uid)
        with pytest.raises(WorldError) as refused:
            files.open_private(path, "the key", os.O_RDONLY)
        assert str(refused.value) == f"{path}: refused: the key belongs to {name}, not to you (root (uid 0))"


@pytest.fixture
def as_nobody():
    """This process with the other user's effective uid, for the length of a test."""
    if os.geteuid() != 0:
        pytest.skip("needs root, to act as another user")
    os.setegid(OTHER_UID)
    os.seteuid(OTHER_UID)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@need_root
def test_a_file_that_cannot_be_created_or_opened_says_which(tmp_path, as_nobody):
    import shutil
    import tempfile
    os.seteuid(0)
    looked = Path(tempfile.mkdtemp(prefix="hsmshell-files-"))  # the other user may look, not write
    os.chmod(looked, 0o755)
    rooted = private_file(looked / "roots", 0o644)
    os.seteuid(OTHER_UID)
    new = tmp_path / "new"  # in a folder the other user cannot even search: "create" still
    with pytest.raises(WorldError) as refused:
        files.open_private(new, "the lock file", os.O_RDWR, create=True)
    assert str(refused.value) == f"{new}: cannot create the lock file: Permission denied"
    with pytest.raises(WorldError) as refused:
        files.open_private(rooted, "the lock file", os.O_RDWR, create=True)
    assert str(refused.value) == f"{rooted}: cannot open the lock file: Permission denied"
    with pytest.raises(WorldError) as refused:  # readable by all, but root's
        files.open_private(rooted, "the key", os.O_RDONLY)
    assert str(refused.value) == (f"{rooted}: refused: the key belongs to root (uid 0), "
                                  f"not to you (nobody (uid {OTHER_UID}))")
    os.seteuid(0)
    shutil.rmtree(looked)
    for path in (looked / "new",):
        os.seteuid(OTHER_UID)
        with pytest.raises(WorldError) as refused:
            files.open_private(path, "the lock file", os.O_RDWR, create=True)
        assert str(refused.value) == f"{path}: cannot create the lock file: the folder does not exist"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT], ids=errno.errorcode.get)
def test_a_lock_file_that_no_space_is_left_for_says_why(tmp_path, monkeypatch, code):
    """A full disk, or this user's quota used up (EDQUOT, an errno above ELOOP's): named as such,
    not taken for a symbolic link."""
    path = tmp_path / "world.yaml.lock"

    def full(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(os, "open", full)
    with pytest.raises(WorldError) as refused:
        files.open_private(path, "the lock file", os.O_RDWR, create=True)
    assert str(refused.value) == f"{path}: cannot open the lock file: {os.strerror(code)}"


# -- the world file -------------------------------------------------------------------------------

def test_only_a_link_to_a_regular_file_is_followed(tmp_path, monkeypatch):
    """A link to a file gives its target; anything else is returned as it is, however it was
    written (relative, or through a linked folder), for check_world to judge."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "world.yaml").write_text("x")
    (tmp_path / "via").symlink_to("real")
    link = tmp_path / "link.yaml"
    link.symlink_to("real/world.yaml")
    assert files.follow(link) == real / "world.yaml"
    to_folder = tmp_path / "folder.yaml"
    to_folder.symlink_to("real")
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to("real/missing.yaml")
    monkeypatch.chdir(tmp_path)
    for path in (tmp_path / "via" / "world.yaml", Path("real/world.yaml"), Path("real/../real/world.yaml"),
                 to_folder, dangling, tmp_path / "missing.yaml"):
        assert files.follow(path) == path, path


def test_reading_the_world_says_what_went_wrong(tmp_path):
    with pytest.raises(FileNotFoundError):  # missing: the caller's to say
        files.read_world(tmp_path / "missing.yaml")
    (tmp_path / "plain").write_text("x")
    with pytest.raises(WorldError) as refused:
        files.read_world(tmp_path / "plain" / "world.yaml")
    assert str(refused.value) == f"{tmp_path / 'plain' / 'world.yaml'}: cannot read the world: Not a directory"
    mem = Path("/proc/self/mem")  # a regular file to stat, whose first page is not mapped
    with pytest.raises(WorldError) as refused:
        files.read_world(mem)
    assert str(refused.value) == f"{mem}: cannot read the world: Input/output error"


def test_a_fifo_in_place_of_the_world_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "world.yaml"
    os.mkfifo(fifo, 0o600)
    try:
        finished, outcome = in_thread(lambda: files.read_world(fifo), 3.0)
    finally:
        unblock_fifo(fifo)
    assert finished, "read_world waited for a writer to the FIFO"
    assert str(outcome) == f"{fifo}: cannot read the world: it is a FIFO, not a regular file"


def test_a_world_path_that_cannot_be_reached_is_an_error_not_no(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    path = loop / "world.yaml"
    for ask in (files.exists, files.check_world):
        with pytest.raises(WorldError) as refused:
            ask(path)
        assert str(refused.value) == f"{path}: cannot reach the world: Too many levels of symbolic links"


# -- the lock -------------------------------------------------------------------------------------

def test_the_lock_timeout_is_ten_seconds_unless_set_and_never_negative(monkeypatch):
    monkeypatch.delenv("HSMSHELL_LOCK_TIMEOUT", raising=False)
    assert files.lock_timeout() == 10.0
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "0.5")
    assert files.lock_timeout() == 0.5
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "-3")
    assert files.lock_timeout() == 0.0


def test_the_lock_mark_names_this_process_at_the_start_of_the_file(tmp_path):
    lock = tmp_path / "world.yaml.lock"
    private_file(lock)
    lock.write_bytes(b"\xff" * 100)  # a longer, older content: the mark is written over its start
    with files.locked(lock):
        data = lock.read_bytes()
    mark = data[:40]
    assert mark.endswith(b"\n") and b"\n" not in mark[:-1], data
    pid, count = mark.split()
    assert int(pid) == os.getpid() and count.isdigit()
    assert data[40:] == b"\xff" * 60


@pytest.fixture
def held(tmp_path):
    """The lock file of a world, and a descriptor holding its lock (another open of it)."""
    lock = private_file(tmp_path / "world.yaml.lock")
    holder = os.open(lock, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    yield lock, holder
    os.close(holder)


def release_after(holder: int, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, fcntl.flock, (holder, fcntl.LOCK_UN))
    timer.start()
    return timer


def test_a_lock_let_go_before_the_timeout_is_taken(held, monkeypatch):
    lock, holder = held
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "1000")
    timer = release_after(holder, 0.2)
    with files.locked(lock):
        pass
    timer.join()


def test_a_lock_held_for_exactly_the_timeout_gives_up(held, monkeypatch):
    """With a clock that stands still and a timeout of 0, the first look gives up."""
    lock, holder = held
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "0")
    monkeypatch.setattr(files_module, "time", type("Clock", (), {"monotonic": staticmethod(lambda: 500.0)}))
    timer = release_after(holder, 2.0)  # a waiter that never gives up takes it then
    try:
        with pytest.raises(WorldError) as refused:
            with files.locked(lock):
                pass
    finally:
        timer.cancel()
        fcntl.flock(holder, fcntl.LOCK_UN)
    assert f"{lock}: the world is locked by process {os.getpid()} (" in str(refused.value)
    assert "which has held it for 0 s; gave up waiting (HSMSHELL_LOCK_TIMEOUT" in str(refused.value)


def test_a_waiting_flock_that_fails_ends_in_the_timeout_without_a_traceback(held, monkeypatch):
    """The waiting thread's flock failing (ENOLCK: the kernel out of lock records) is not
    printed as a thread's traceback: the wait goes on to its timeout and its one message."""
    lock, holder = held
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "0.2")
    real = fcntl.flock

    def flock(fd, operation):
        if operation == fcntl.LOCK_EX:  # the waiting thread's: it would block
            raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
        return real(fd, operation)

    escaped = []
    monkeypatch.setattr(fcntl, "flock", flock)
    monkeypatch.setattr(threading, "excepthook", lambda args: escaped.append(args.exc_type))
    with pytest.raises(WorldError) as refused:
        with files.locked(lock):
            pass
    for thread in threading.enumerate():
        if thread.name == "hsmshell world lock":
            thread.join(5)
    assert "gave up waiting" in str(refused.value)
    assert escaped == []


def test_a_waiter_looks_at_the_lock_file_now_and_then_not_in_a_busy_loop(held, monkeypatch):
    """Between two looks at the mark a waiter sleeps (50 ms): it does not spin a CPU for the
    whole wait.  Released after its fourth look, so that only the gaps between looks count, and
    load can only widen them."""
    lock, holder = held
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "1000")
    real, looks = os.pread, []

    def pread(fd, size, offset):
        looks.append(time.monotonic())
        if len(looks) == 4:
            fcntl.flock(holder, fcntl.LOCK_UN)
        return real(fd, size, offset)

    monkeypatch.setattr(os, "pread", pread)
    with files.locked(lock):
        pass
    gaps = [b - a for a, b in zip(looks, looks[1:4])]
    assert min(gaps) >= 0.04, gaps


@pytest.mark.parametrize("step", [-1, 1], ids=["downwards", "upwards"])
def test_a_lock_whose_holders_keep_changing_is_waited_for(held, monkeypatch, step):
    """Holders come and go (the mark's first byte changes, one way or the other): no one holds it
    for the timeout, so the waiter waits."""
    lock, holder = held
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "0.5")
    stop = threading.Event()

    def churn():
        for n in range(200):
            os.pwrite(holder, bytes([0x80 + step * n]), 0)
            if stop.wait(0.02):
                return
            if n == 50:  # about a second
                fcntl.flock(holder, fcntl.LOCK_UN)
                return

    thread = threading.Thread(target=churn, daemon=True)
    thread.start()
    try:
        with files.locked(lock):
            pass
    finally:
        stop.set()
        thread.join()


def fake_proc_locks(monkeypatch, text: str | None) -> None:
    import io

    def fake_open(path, *args, **kwargs):
        assert path == "/proc/locks"
        if text is None:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return io.StringIO(text)

    monkeypatch.setattr(files_module, "open", fake_open, raising=False)


def where(fd: int) -> str:
    info = os.fstat(fd)
    return f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"


def test_the_holder_is_the_flock_holder_proc_locks_names(tmp_path, monkeypatch):
    fd = os.open(private_file(tmp_path / "lock"), os.O_RDWR)
    try:
        here = where(fd)
        me = os.getpid()
        expected = files._process(me)
        mark = b"4194999 7"  # no such process
        lines = [f"1: DELEG  ADVISORY  READ  11 {here} 0 EOF",   # other kinds of lock on the file
                 f"2: POSIX  ADVISORY  WRITE 12 {here} 0 EOF",
                 f"3: FLOCK  ADVISORY  WRITE 13 00:00:1 0 EOF",  # a flock on another file
                 f"4: FLOCK  ADVISORY  WRITE 14",
                 f"5: FLOCK  ADVISORY  WRITE {me} {here}"]        # six fields: enough
        fake_proc_locks(monkeypatch, "\n".join(lines) + "\n")
        assert files._holder(fd, mark) == expected
        # /proc/locks unreadable, or naming no pid: the mark names the holder
        for text in (None, f"1: FLOCK  ADVISORY  WRITE pid {here} 0 EOF\n", ""):
            fake_proc_locks(monkeypatch, text)
            assert files._holder(fd, mark) == "process 4194999"
            assert files._holder(fd, b"4194999 taken") == "process 4194999"
            assert files._holder(fd, b"") == "another process"
    finally:
        os.close(fd)
