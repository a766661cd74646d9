"""The Store: one transaction per command, atomic commits, a cache that never lies, errors that
name the file and the line, and a world file that never holds a password in clear."""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

import pytest

from hsmshell.cli import main as hsmshell_main
from hsmshell.services import open_store
from hsmshell.world import cache, credentials, files, reader
from hsmshell.world import store as store_module
from hsmshell.world.model import Due
from hsmshell.world.store import Store, WorldError, fixture_path

STORE_ID = "cks-1234567890abcdef0"
CLUSTER_ID = "cluster-1a23b4cdefg"
PASSWORDS = ("co12345", "tempPassword", "appUserSecret01", "Zq7hW2mV9pLx4RcT8bNf3KdY6sGj1uEo")


def identity(path: Path) -> tuple:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns


def marker(n: int, tag: str = "test") -> dict:
    """A fault that changes nothing (no key store has that id) and carries a number."""
    return {"kind": "connect_error", "code": "INTERNAL_ERROR", "custom_key_store_id": f"marker-{tag}", "times": n + 1}


def markers(world, tag: str = "test") -> list[int]:
    return [f["times"] - 1 for f in world.faults if f.get("custom_key_store_id") == f"marker-{tag}"]


@pytest.fixture
def cheap_fixture(tmp_path) -> Path:
    """The default fixture with cheap password hashing, so a test can make worlds quickly."""
    text = fixture_path("default").read_text(encoding="utf-8")
    assert "password_cost: 14" in text
    path = tmp_path / "cheap-fixture.yaml"
    path.write_text(text.replace("password_cost: 14", "password_cost: 4"), encoding="utf-8")
    return path


# -- commits and revisions -------------------------------------------------------------------

def test_each_changing_transaction_raises_the_revision_by_exactly_one(store, world_path):
    start = store.read().revision
    for n in range(1, 4):
        with store.transaction() as world:
            world.faults.append(marker(n))
        assert store.read().revision == start + n
        # What another process would see, not only this Store's cache:
        fresh = Store(world_path).read()
        assert fresh.revision == start + n
        assert markers(fresh) == list(range(1, n + 1))
    # A write transaction that happens to change nothing leaves the file as it is.
    before = identity(world_path)
    with store.transaction() as world:
        world.faults.append(marker(4))
        world.faults.pop()
    assert identity(world_path) == before
    assert Store(world_path).read().revision == start + 3


def test_after_a_run_of_transactions_that_change_nothing_a_change_is_still_written(store, world_path):
    before = identity(world_path)
    for _ in range(5):  # the store takes to telling "unchanged" from a snapshot
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[262162].label = world.clusters[CLUSTER_ID].keys[262162].label
    assert identity(world_path) == before
    with store.transaction() as world:
        world.clusters[CLUSTER_ID].keys[262162].shared_with.append(77)  # deep, in place
    assert 77 in Store(world_path).read().clusters[CLUSTER_ID].keys[262162].shared_with


@pytest.mark.parametrize("history", ["cold", "after its own commit", "read twice"])
def test_a_world_read_is_a_snapshot_that_no_later_transaction_changes(store, history):
    if history == "after its own commit":
        with store.transaction() as world:
            world.faults.append(marker(1))
    seen = store.read()
    if history == "read twice":
        assert store.read() is not seen
    key = seen.clusters[CLUSTER_ID].keys[262162]
    label, faults, events = key.label, list(seen.faults), len(seen.trail)

    with store.transaction() as world:
        world.region = "eu-west-1"
        world.clusters[CLUSTER_ID].keys[262162].label = "changed later"
        world.faults.append(marker(2))
        world.trail.append({"eventName": "Later", "eventID": "later"})

    assert seen.region == "us-west-2"
    assert seen.clusters[CLUSTER_ID].keys[262162] is key and key.label == label
    assert seen.faults == faults
    assert len(seen.trail) == events
    now = store.read()
    assert (now.region, now.clusters[CLUSTER_ID].keys[262162].label) == ("eu-west-1", "changed later")
    assert now.trail[-1]["eventName"] == "Later"
    assert seen.sealer is not None and now.sealer is not None


def test_read_only_transaction_neither_rewrites_the_file_nor_counts(store, world_path):
    before_bytes = world_path.read_bytes()
    before = identity(world_path)
    revision = Store(world_path).read().revision
    for _ in range(3):
        with store.transaction(write=False) as world:
            assert world.revision == revision
        store.read()
        open_store(world_path).read()  # a cold Store, with the settle rules, only looks too
    assert identity(world_path) == before
    assert world_path.read_bytes() == before_bytes
    assert Store(world_path).read().revision == revision


def test_read_only_transaction_still_commits_what_settling_changed(world_path):
    revision = Store(world_path).read().revision
    settling = Store(world_path, settle=lambda world: world.faults.append(marker(1)) or True)
    settling.read()
    fresh = Store(world_path).read()
    assert (fresh.revision, markers(fresh)) == (revision + 1, [1])


# -- a read's promise (write=False) ------------------------------------------------------------

@pytest.mark.parametrize("region", ["eu-west-1", "us-west-9"])  # packed, one sorts before the file's, one after
def test_a_read_that_changes_the_world_breaks_its_promise_and_says_how(store, world_path, region):
    """The test suite checks every read's promise (conftest.py sets HSMSHELL_CHECK_PROMISES)."""
    before = world_path.read_bytes()
    with pytest.raises(store_module.BrokenPromise) as broken:
        with store.transaction(write=False) as world:
            world.region = region
    told = str(broken.value).splitlines()
    assert told[:3] == [f"{world_path}: a transaction that promised not to write (write=False) changed the world:",
                        "--- before", "+++ after"]
    # one line of context either side
    assert told[4:] == [' account_id: "111122223333"', "-region: us-west-2", f"+region: {region}",
                        f" revision: {store.read().revision}"]
    assert world_path.read_bytes() == before
    assert store.read().region == "us-west-2"  # the changed world in memory is not used again


def test_a_broken_promise_names_its_change_in_forty_lines_at_most(store):
    with pytest.raises(store_module.BrokenPromise) as broken:
        with store.transaction(write=False) as world:
            world.faults += [marker(n) for n in range(30)]
    assert len(str(broken.value).splitlines()) == 1 + 40


def test_a_read_s_events_are_logged_without_comparing_the_world(store, world_path, monkeypatch):
    """Unchecked, as outside the tests, a read is taken at its word: its commit logs its events
    and neither compares nor writes the world, so what a read changes against its promise is
    not saved."""
    monkeypatch.setattr(store_module, "_CHECK_PROMISES", False)
    revision = store.read().revision
    before = identity(world_path)
    with store.transaction(write=False) as world:
        world.region = "eu-west-1"
        world.trail.append({"eventName": "Looked", "eventID": "looked"})
    assert identity(world_path) == before
    fresh = Store(world_path).read()
    assert (fresh.region, fresh.revision, fresh.trail[-1]["eventName"]) == ("us-west-2", revision, "Looked")


def test_a_read_that_makes_key_material_on_first_use_writes_it(store, world_path):
    """Material made on first use is kept, even by a read: a key's material must not change
    from one process to the next (its sealing differs at every making)."""
    from hsmshell.cloudhsm import keys

    handle = next(h for h, k in store.read().clusters[CLUSTER_ID].keys.items() if k.material is None)
    with store.transaction(write=False) as world:
        cluster = world.clusters[CLUSTER_ID]
        made = keys.material(world, cluster, cluster.keys[handle])
    fresh = Store(world_path).read()
    cluster = fresh.clusters[CLUSTER_ID]
    assert cluster.keys[handle].material is not None
    assert keys.material(fresh, cluster, cluster.keys[handle]) == made


# -- failed transactions ---------------------------------------------------------------------

def test_a_store_without_a_settle_hook_keeps_what_is_due_as_it_is(world_path):
    """`settle` is the services' (open_store): a Store made without one reads and changes the
    world and leaves the queue of due transitions alone, even what has fallen due."""
    due = Due(at=0.0, kind="kms.connect_attempt", args={"store_id": "cks-1234567890abcdef0"})
    with Store(world_path).transaction() as world:
        world.due.append(due)
    with Store(world_path).transaction() as world:
        world.faults.append(marker(1))
    seen = Store(world_path).read()
    assert (seen.due, markers(seen)) == ([due], [1])


def test_an_exception_inside_a_transaction_changes_nothing(store, world_path):
    before = world_path.read_bytes()
    old = store.read()
    revision, label = old.revision, old.clusters[CLUSTER_ID].keys[262162].label

    with pytest.raises(RuntimeError, match="boom"):
        with store.transaction() as world:
            world.faults.append(marker(1))
            world.clusters[CLUSTER_ID].keys[262162].label = "half-made"
            world.clusters[CLUSTER_ID].hsms[0].reachable = False
            world.revision += 41
            raise RuntimeError("boom")

    assert world_path.read_bytes() == before
    for seen in (store.read(), Store(world_path).read()):  # the same Store's cache, and a fresh one
        assert seen.revision == revision
        assert markers(seen) == []
        assert seen.clusters[CLUSTER_ID].keys[262162].label == label
        assert seen.clusters[CLUSTER_ID].hsms[0].reachable is True
    # The next transaction starts from the old state and commits normally.
    with store.transaction() as world:
        assert markers(world) == []
        world.faults.append(marker(2))
    assert markers(Store(world_path).read()) == [2]
    assert Store(world_path).read().revision == revision + 1


def test_an_exception_while_settling_changes_nothing(world_path):
    before = world_path.read_bytes()

    def broken_rule(world):
        world.faults.append(marker(99))
        raise LookupError("no rule")

    breaking = Store(world_path, settle=broken_rule)
    with pytest.raises(LookupError):
        breaking.read()
    assert world_path.read_bytes() == before


def test_a_change_that_breaks_several_rules_is_refused_for_the_first(store, world_path):
    before = world_path.read_bytes()
    with pytest.raises(WorldError, match=r"not saved, the change would break the world: clusters\[0\]\.state: "):
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].state = "BOGUS"
            world.custom_key_stores[STORE_ID].connection_state = "BOGUS"
    assert world_path.read_bytes() == before


@pytest.mark.parametrize("value, problem", [(b"raw", "a bytes cannot be written"),
                                            (("a", "b"), "a tuple cannot be written"),
                                            ({"k" * 2000: 1}, "a mapping key is too long")])
def test_a_value_the_world_file_cannot_hold_is_refused_without_a_write(store, world_path, value, problem):
    """Values the derived cache could hold (msgpack) but the YAML could not read back."""
    before = world_path.read_bytes()
    with pytest.raises(WorldError, match=f"not saved, the world file cannot hold a value: {problem}"):
        with store.transaction() as world:
            world.faults.append({"kind": "subnet_deleted", "subnet_id": value})
    assert world_path.read_bytes() == before
    assert store.read().faults == []


def test_a_hand_written_world_the_file_cannot_hold_is_refused_at_its_first_commit(world_path):
    """A zone name the reader takes but the emitter cannot write back (a key too long): the
    world can be looked at, but a transaction, even one that changes nothing, is refused, since
    the first commit of a hand-written file writes it out; the file is left as written."""
    zone = "z" * 1001
    text = world_path.read_text().replace("    us-west-2a: subnet-", f"    {zone}: subnet-", 1)
    world_path.write_text(text)
    store = open_store(world_path)
    assert zone in store.read().clusters[CLUSTER_ID].subnets
    with pytest.raises(WorldError, match="not saved, the world file cannot hold a value: a mapping key is too long"):
        with store.transaction():
            pass
    assert world_path.read_text() == text


def test_a_commit_that_cannot_be_saved_does_not_poison_the_cache(store, world_path):
    """A change the file cannot hold fails at save time; the Store must forget it too."""
    before = world_path.read_bytes()
    revision = store.read().revision
    with pytest.raises(Exception):
        with store.transaction() as world:
            world.faults.append({"kind": "subnet_deleted", "subnet_id": object()})
    assert world_path.read_bytes() == before
    assert not list(world_path.parent.glob(".*.tmp"))

    seen = store.read()
    assert seen.revision == revision
    assert not seen.faults
    with store.transaction() as world:  # and the next command works
        world.faults.append(marker(1))
    assert Store(world_path).read().revision == revision + 1


# -- the cache -------------------------------------------------------------------------------

@pytest.fixture
def count_parses(monkeypatch):
    """Loads of the world from disk: a parse of the YAML, or a read of the derived cache that
    stands in for one when it matches the YAML's bytes."""
    calls = []
    real_load, real_read_derived = reader.load, cache.read

    def counting_load(*args, **kwargs):
        calls.append("yaml")
        return real_load(*args, **kwargs)

    def counting_read_derived(*args, **kwargs):
        found = real_read_derived(*args, **kwargs)
        if found is not None:
            calls.append("derived cache")
        return found

    monkeypatch.setattr(reader, "load", counting_load)
    monkeypatch.setattr(cache, "read", counting_read_derived)
    return calls


def test_an_unchanged_file_is_not_parsed_again(world_path, count_parses):
    store = open_store(world_path)
    store.read()
    assert len(count_parses) == 1
    for _ in range(5):
        store.read()
        with store.transaction(write=False):
            pass
    assert len(count_parses) == 1
    with store.transaction() as world:  # its own commit is remembered, not re-read
        world.faults.append(marker(1))
    store.read()
    assert len(count_parses) == 1


def test_reads_of_one_state_of_the_file_share_one_decoded_world(store, monkeypatch):
    """The first read hands its world to the readers and the next transaction decodes its own
    (the world packed, cache.unpack); reads after that share the first: nothing is decoded."""
    decoded = []
    monkeypatch.setattr(cache, "unpack", lambda *a, _unpack=cache.unpack: decoded.append(1) or _unpack(*a))
    first = store.read()
    store.read()
    decoded.clear()
    for _ in range(3):
        again = store.read()
        assert again.clusters is first.clusters  # the same contents, each its own trail view
    assert decoded == []


def test_a_read_of_what_the_store_committed_packs_nothing_again(store, monkeypatch):
    """The commit packed the world (to tell whether it changed, and for the shortcut): the read
    that hands it to the readers keeps that packing for the next transaction."""
    with store.transaction() as world:
        world.faults.append(marker(1))
    packs = []
    monkeypatch.setattr(store_module, "_CHECK_PROMISES", False)  # checking a read's promise packs twice
    monkeypatch.setattr(cache, "pack", lambda w, _pack=cache.pack: packs.append(1) or _pack(w))
    assert markers(store.read()) == [1]
    assert packs == []
    with store.transaction() as world:  # decoded from that packing
        assert markers(world) == [1]


def test_a_change_by_another_store_is_picked_up(world_path, count_parses):
    mine, theirs = open_store(world_path), open_store(world_path)
    with mine.transaction() as world:
        world.faults.append(marker(1))
    with theirs.transaction() as world:
        assert markers(world) == [1]
        world.faults.append(marker(2))
    parses = len(count_parses)
    world = mine.read()
    assert len(count_parses) == parses + 1
    assert markers(world) == [1, 2]
    with mine.transaction() as world:  # and builds on it rather than on its stale copy
        world.faults.append(marker(3))
    assert markers(theirs.read()) == [1, 2, 3]


def test_a_change_that_keeps_inode_size_and_mtime_is_picked_up(world_path):
    """Timestamps are coarse on many kernels and inode numbers are reused at once, so
    (inode, size, mtime) can stay the same while the content changes."""
    store = open_store(world_path)
    assert store.read().settings.lockout_threshold == 5
    before = os.stat(world_path)
    text = world_path.read_bytes()
    assert text.count(b"lockout_threshold: 5\n") == 1
    with open(world_path, "r+b") as out:  # edited in place, same length
        out.write(text.replace(b"lockout_threshold: 5\n", b"lockout_threshold: 7\n"))
    os.utime(world_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert identity(world_path) == (before.st_ino, before.st_size, before.st_mtime_ns)

    assert store.read().settings.lockout_threshold == 7


def test_a_world_removed_while_waiting_for_the_lock_is_an_error_not_a_traceback(world_path, monkeypatch):
    """The world is there when a transaction looks, and gone once it holds the lock: the
    process that held it (a person's `rm`, a lab putting a world away) removed it meanwhile."""
    real_locked = files.locked

    @contextlib.contextmanager
    def removed_by_the_holder(path):
        world_path.unlink()
        with real_locked(path):
            yield

    store = open_store(world_path)
    monkeypatch.setattr(files, "locked", removed_by_the_holder)
    with pytest.raises(WorldError, match=f"^{re.escape(str(world_path))}: no world here"):
        store.read()
    assert not world_path.exists()  # and none made in its place


@pytest.mark.parametrize("sealed", ["KMS's copy of the kmsuser password", "key material in the HSMs"])
def test_a_world_whose_key_file_is_missing_says_so_whatever_secret_it_seals(world_path, sealed):
    from hsmshell.cloudhsm import keys

    with open_store(world_path).transaction() as world:
        if sealed == "key material in the HSMs":
            kept = {k: v for k, v in world.kms_keys.items() if not v.custom_key_store_id}
            world.kms_keys, world.custom_key_stores = kept, {}
            world.grants = {g: v for g, v in world.grants.items() if v.key_id in kept}
            cluster = world.clusters[CLUSTER_ID]
            keys.material(world, cluster, cluster.keys[262162])
    world = Store(world_path).read()
    assert [bool(world.custom_key_stores), any(k.material for k in world.clusters[CLUSTER_ID].keys.values())] == (
        [True, False] if sealed == "KMS's copy of the kmsuser password" else [False, True])
    key = world_path.with_name(world_path.name + ".key")
    key.unlink()
    told = []
    Store(world_path, notify=told.append).read()
    assert len(told) == 1 and told[0].startswith(f"{world_path}: this world holds sealed secrets"), told
    assert not key.exists()  # no new key that opens nothing


# -- files and modes -------------------------------------------------------------------------

def test_new_world_and_key_files_are_private(tmp_path, cheap_fixture):
    old_umask = os.umask(0)  # even a permissive umask must not open them up
    try:
        path = tmp_path / "fresh" / "world.yaml"
        store = open_store(path)
        store.create(str(cheap_fixture))
        for name in ("world.yaml", "world.yaml.key"):
            assert stat.S_IMODE(os.stat(path.parent / name).st_mode) == 0o600, name
        with store.transaction() as world:  # a commit writes a new file: still private
            world.faults.append(marker(1))
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    finally:
        os.umask(old_umask)


def test_a_transaction_on_a_missing_world_creates_a_private_one(tmp_path, monkeypatch, cheap_fixture):
    monkeypatch.setattr(store_module, "fixture_path", lambda name: cheap_fixture)
    path = tmp_path / "auto" / "world.yaml"
    old_umask = os.umask(0)
    try:
        # (a Store's own default; open_store makes a missing world only at the default location)
        with Store(path).transaction() as world:
            world.faults.append(marker(1))
    finally:
        os.umask(old_umask)
    assert Store(path).read().revision == 1
    for name in ("world.yaml", "world.yaml.key"):
        assert stat.S_IMODE(os.stat(path.parent / name).st_mode) == 0o600, name


@pytest.mark.parametrize("environment", ["XDG_DATA_HOME", "HOME"])
def test_without_a_world_named_the_tools_use_the_per_user_one(tmp_path, monkeypatch, cheap_fixture, capsys,
                                                                environment):
    monkeypatch.delenv("HSMSHELL_WORLD", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv(environment, str(tmp_path / "user"))
    assert hsmshell_main(["world", "init", "--fixture", str(cheap_fixture)]) == 0
    made = tmp_path / "user" / ("hsmshell" if environment == "XDG_DATA_HOME" else ".local/share/hsmshell")
    assert str(made / "world.yaml") in capsys.readouterr().out
    assert open_store().read().settings.password_cost == 4
    assert sorted(p.name for p in made.iterdir() if not p.name.startswith(".")) == [
        "world.yaml", "world.yaml.cache", "world.yaml.key", "world.yaml.lock", "world.yaml.trail"]


def test_an_exported_world_is_made_again_whole_with_its_cloudtrail_events(doors, store, tmp_path):
    assert doors.aws("kms", "describe-custom-key-stores")[0] == 0
    with store.transaction() as world:
        world.faults.append(marker(1))
    exported = tmp_path / "exported.yaml"
    exported.write_bytes(store.export())
    again = Store(tmp_path / "again" / "world.yaml")
    again.create(str(exported))
    before, after = store.read(), again.read()
    assert cache.pack(after) == cache.pack(before)
    assert [e["eventName"] for e in after.trail] == [e["eventName"] for e in before.trail]
    assert [e["eventName"] for e in after.trail][-1] == "DescribeCustomKeyStores"


def test_a_world_the_file_cannot_hold_is_not_exported(world_path):
    def settle(world):  # a rule that left a value no world file can hold
        world.faults.append({"kind": "subnet_deleted", "subnet_id": object()})
        return True

    before = world_path.read_bytes()
    with pytest.raises(WorldError, match="cannot export, the world file cannot hold a value"):
        Store(world_path, settle=settle).export()
    assert world_path.read_bytes() == before


def test_a_commit_is_on_disk_before_it_replaces_the_world(store, world_path, monkeypatch):
    """Written to a temporary file and fsynced, then renamed over the world, then the folder
    fsynced: a power cut leaves the old world or the new one (the kernel's cache aside)."""
    done = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: done.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
                        or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: done.append(("replace", str(a), str(b))) or real_replace(a, b))
    with store.transaction() as world:
        world.faults.append(marker(1))
    temporary = rf"{re.escape(str(world_path.parent))}/\.world\.yaml\.[0-9a-f]{{16}}\.tmp"
    steps = [step for step in done if re.fullmatch(temporary, step[1]) or step[-1] == str(world_path.parent)]
    assert [step[0] for step in steps] == ["fsync", "replace", "fsync"], done
    assert steps[0][1] == steps[1][1] and steps[1][2] == str(world_path)


def test_world_init_refuses_to_replace_a_world_unless_forced(store, world_path, cheap_fixture):
    with store.transaction() as world:
        world.faults.append(marker(1))
    before = world_path.read_bytes()

    with pytest.raises(WorldError, match="already exists"):
        store.create("default")
    assert world_path.read_bytes() == before

    world = store.create(str(cheap_fixture), force=True)
    assert world.revision == 0
    fresh = Store(world_path).read()
    assert fresh.revision == 0 and markers(fresh) == []
    assert fresh.settings.password_cost == 4


def test_world_init_through_the_cli(world_path, cheap_fixture, capsys):
    before = world_path.read_bytes()
    assert hsmshell_main(["--world", str(world_path), "world", "init"]) == 1
    err = capsys.readouterr().err
    assert str(world_path) in err and "already exists" in err and "--force" in err
    assert world_path.read_bytes() == before

    args = ["--world", str(world_path), "world", "init", "--fixture", str(cheap_fixture), "--force"]
    assert hsmshell_main(args) == 0
    assert "Created" in capsys.readouterr().out
    assert Store(world_path).read().settings.password_cost == 4


def test_world_init_takes_a_fixture_by_its_file_name_too(world_path, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no such file here: the fixture shipped with hsmshell
    args = ["--world", str(world_path), "world", "init", "--fixture", "fixtures/cluster-deleted.yaml", "--force"]
    assert hsmshell_main(args) == 0, capsys.readouterr().err
    assert CLUSTER_ID not in Store(world_path).read().clusters  # that fixture's cluster is gone


def test_world_init_of_a_fixture_that_is_not_utf_8_says_so(world_path, tmp_path, capsys):
    fixture = tmp_path / "latin-1.yaml"
    fixture.write_bytes(fixture_path("default").read_bytes().replace(b"region: us-west-2", b"region: us-w\xe9st-2"))
    before = world_path.read_bytes()
    assert hsmshell_main(["--world", str(world_path), "world", "init", "--fixture", str(fixture), "--force"]) == 1
    assert f"{fixture}: cannot read the fixture: 'utf-8' codec can't decode byte 0xe9" in capsys.readouterr().err
    assert world_path.read_bytes() == before


def test_world_init_of_an_unknown_fixture_names_every_fixture(world_path, capsys):
    before = world_path.read_bytes()
    assert hsmshell_main(["--world", str(world_path), "world", "init", "--fixture", "nosuch", "--force"]) == 1
    shipped = sorted(p.stem for p in (Path(store_module.__file__).parent.parent / "fixtures").glob("*.yaml"))
    assert {"default", "current", "cluster-deleted"} <= set(shipped)
    assert f"nosuch: no such fixture (known: {', '.join(shipped)})" in capsys.readouterr().err
    assert world_path.read_bytes() == before


# -- malformed files -------------------------------------------------------------------------

def line_no(text: str, pattern: str, occurrence: int = 1) -> int:
    """The 1-based number of the line matching `pattern` (a regex), the nth time."""
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if re.fullmatch(pattern, line):
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"no line {occurrence} matching {pattern!r}")


def replace_line(text: str, number: int, new: str | None) -> str:
    lines = text.splitlines(keepends=True)
    if new is None:
        del lines[number - 1]
    else:
        lines[number - 1] = new + "\n"
    return "".join(lines)


def insert_after(text: str, number: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines.insert(number, new + "\n")
    return "".join(lines)


def syntax_error(text):
    n = line_no(text, r"region: us-west-2")
    return replace_line(text, n, "region: us-west-2: oops"), n, "not valid YAML: mapping values are not allowed"


def deep_wrong_type(text):
    hsm = line_no(text, r"  - hsm_id: hsm-ab2cdefg3hi")  # clusters[0].hsms[1]
    n = hsm + text.splitlines()[hsm:].index("    - user_id: 3") + 1  # its users[2]
    assert n == line_no(text, r"    - user_id: 3", occurrence=2)
    return (replace_line(text, n, "    - user_id: abc"), n,
            "clusters[0].hsms[1].users[2].user_id: expected an integer, found a string")


def unknown_field(text):
    n = line_no(text, r"    reachable: true", occurrence=3) + 1  # in clusters[0].hsms[2]
    return insert_after(text, n - 1, "    colour: blue"), n, "clusters[0].hsms[2].colour: unknown field 'colour' in Hsm"


def missing_field(text):
    gone = line_no(text, r"  lineage: lineage-1a23b4cdefg")
    n = line_no(text, rf"- cluster_id: {CLUSTER_ID}")  # the cluster that lacks it
    assert n < gone
    return replace_line(text, gone, None), n, "clusters[0]: missing field 'lineage' in Cluster"


def duplicate_handle(text):
    n = line_no(text, r"  - handle: 262168")  # clusters[0].keys[1]
    return replace_line(text, n, "  - handle: 262162"), n, "clusters[0].keys[1]: duplicate handle 262162"


def settings_left_empty(text):
    n = line_no(text, r"settings:")
    body = r"  [a-z_]+: .*"  # every field of settings, whatever fields it has
    while re.fullmatch(body, text.splitlines()[n]):
        text = replace_line(text, n + 1, None)
    return text, n, "settings: expected a mapping for Settings, found nothing"


def unclosed_quote(text):
    n = line_no(text, r"region: us-west-2")  # YAML notices it only at the end of the file
    return replace_line(text, n, 'region: "us-west-2'), n, "not valid YAML: a quote opened here is never closed"


def bad_escape(text):
    # Another error inside a quoted scalar: reported as it is, not as a quote never closed.
    n = line_no(text, r"region: us-west-2")
    return replace_line(text, n, r'region: "us-west-2\xZZ"'), n, "not valid YAML: "


def unknown_escape(text):
    n = line_no(text, r"region: us-west-2")
    return replace_line(text, n, r'region: "us-west-2\q"'), n, "not valid YAML: found unknown escape character"


def control_character(text):
    # A ReaderError gives a position, not a line: every line before counts, a blank first one too.
    n = line_no(text, r"region: us-west-2")
    return "\n" + replace_line(text, n, "region: us-west\x01-2"), n + 1, "not valid YAML: "


def rules_broken(text):
    # Decoded fine, refused by validate: for the first of its problems.
    n = line_no(text, r"  state: ACTIVE")  # clusters[0]
    later = line_no(text, r"  connection_state: CONNECTED")  # custom_key_stores[0]
    text = replace_line(replace_line(text, n, "  state: BOGUS"), later, "  connection_state: BOGUS")
    return text, n, "clusters[0].state: 'BOGUS' is not one of ACTIVE, "


def a_tab_after_a_colon_before_it(text):
    # libyaml reads a tab after a colon, PyYAML's pure-Python parser does not: the line of the
    # problem is found all the same.
    text = text.replace("region: us-west-2\n", "region:\tus-west-2\n", 1)
    n = line_no(text, r"  state: ACTIVE")  # clusters[0]
    return replace_line(text, n, "  state: BOGUS"), n, "clusters[0].state: 'BOGUS' is not one of ACTIVE, "


def subnets_keyed_by_1(text, first: str, second: str):
    """A zone written `1:` (a number, which the codec refuses) and `'1':` (a string) in one
    mapping: the number's line is named, whichever comes first."""
    n = line_no(text, r"    us-west-2a: subnet-\w+")
    text = insert_after(insert_after(text, n - 1, f"    {second}: subnet-0e358c43a2b4f8c1d"), n - 1,
                        f"    {first}: subnet-0e358c43a2b4f8c1d")
    return text, n if first == "1" else n + 1, "clusters[0].subnets[1]: expected a string, found int 1"


def a_key_as_a_number_then_as_a_string(text):
    return subnets_keyed_by_1(text, "1", "'1'")


def a_key_as_a_string_then_as_a_number(text):
    return subnets_keyed_by_1(text, "'1'", "1")


def m_values_keyed_by_1_then_by_1_as_a_string(text):
    # The other way round: a mapping keyed by numbers, and the string's line named.
    n = line_no(text, r"    m_values: \{\}")  # clusters[0].hsms[0]
    text = replace_line(text, n, "    m_values:\n      1: 2\n      '1': 3")
    return text, n + 2, "clusters[0].hsms[0].m_values.1: expected an integer, found a string"


def a_tag_key_that_reads_as_a_date(text):
    # A key YAML reads as a timestamp is not a string: named at its own line, not its mapping's.
    n = line_no(text, r"  tags: \{\}")  # clusters[0]
    text = replace_line(text, n, "  tags:\n    2024-01-01 00:00:00: created")
    return text, n + 1, "clusters[0].tags.2024-01-01 00:00:00: expected a string, found datetime"


def a_value_its_tag_cannot_hold(text):
    n = line_no(text, r"region: us-west-2")
    return replace_line(text, n, "region: !!int nine"), n, "not valid YAML: 'nine' is not a value of its tag int"


def password_cost_not_a_number(text):
    n = line_no(text, r"  password_cost: 14")
    problem = "settings.password_cost: expected an integer, found a string"
    return replace_line(text, n, "  password_cost: fast"), n, problem


def emptied(text):
    return "", 1, "(top): expected a mapping for World, found nothing"


def a_list_not_a_world(text):
    return "# by hand\n\n- cluster\n", 3, "(top): expected a mapping for World, found a list"


def an_event_not_a_mapping(text):
    n = text.count("\n") + 2
    return text + "trail:\n- 7\n", n, "trail[0]: expected a CloudTrail event (a mapping)"


@pytest.mark.parametrize("breakage", [syntax_error, deep_wrong_type, unknown_field, missing_field,
                                      duplicate_handle, settings_left_empty, unclosed_quote, bad_escape,
                                      unknown_escape, control_character, rules_broken,
                                      a_tab_after_a_colon_before_it, a_key_as_a_number_then_as_a_string,
                                      a_key_as_a_string_then_as_a_number, m_values_keyed_by_1_then_by_1_as_a_string,
                                      a_tag_key_that_reads_as_a_date, a_value_its_tag_cannot_hold,
                                      password_cost_not_a_number, emptied, a_list_not_a_world,
                                      an_event_not_a_mapping])
def test_a_malformed_world_names_file_line_and_problem(world_path, breakage):
    store = open_store(world_path)
    store.read()  # a cached good world must not hide the broken file either
    broken, line, problem = breakage(world_path.read_text(encoding="utf-8"))
    world_path.write_text(broken, encoding="utf-8")
    before = world_path.read_bytes(), identity(world_path)

    for attempt in (store.read, open_store(world_path).read, Store(world_path).read):
        with pytest.raises(WorldError) as caught:
            attempt()
        message = str(caught.value)
        assert message.startswith(f"{world_path}, line {line}: "), message
        assert problem in message, message
        if breakage is bad_escape:  # libyaml's words, or PyYAML's where it is built without
            assert re.search(r"hexa?decimal number", message) and "never closed" not in message, message
        if breakage is control_character:  # libyaml's "control characters", PyYAML's "special"
            assert message.endswith(" characters are not allowed"), message
    with pytest.raises(WorldError):
        with store.transaction() as world:
            world.faults.append(marker(1))

    assert (world_path.read_bytes(), identity(world_path)) == before
    assert not list(world_path.parent.glob(".*.tmp"))


def test_a_world_file_that_is_not_utf_8_names_the_file_and_the_problem(world_path):
    store = open_store(world_path)
    store.read()
    world_path.write_bytes(world_path.read_bytes().replace(b"region: us-west-2", b"region: us-w\xe9st-2", 1))
    with pytest.raises(WorldError, match=f"^{re.escape(str(world_path))}: cannot read the world: 'utf-8' codec "
                                         "can't decode byte 0xe9"):
        store.read()


# -- secrets ---------------------------------------------------------------------------------

def assert_no_password(text: str, extra: tuple[str, ...] = ()) -> None:
    for password in PASSWORDS + extra:
        assert password not in text, f"{password!r} is in the world file"


def test_a_new_world_holds_no_password(template_world):
    text = (template_world / "world.yaml").read_text(encoding="utf-8")
    assert "password_hash: scrypt$" in text
    assert "key_store_password: sealed:v1:" in text
    assert_no_password(text)


def test_the_runbook_leaves_no_password_in_clear(doors, world_path):
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)[0] == 0
    assert doors.describe()["ConnectionState"] == "DISCONNECTED"
    out = doors.cmu("loginHSM CO admin co12345\nchangePswd CU kmsuser tempPassword\ny\nquit\n")
    assert "loginHSM success" in out and "Changing password for kmsuser(CU) on 3 nodes" in out
    assert_no_password(world_path.read_text(encoding="utf-8"))
    status, _, err = doors.aws("kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
                               "--key-store-password", "tempPassword")
    assert status == 0, err
    assert_no_password(world_path.read_text(encoding="utf-8"))
    status, _, err = doors.aws("kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert status == 0, err
    assert doors.describe()["ConnectionState"] == "CONNECTED"

    world = open_store(world_path).read()
    rotated = world.sealer.unseal(world.custom_key_stores[STORE_ID].key_store_password).decode()
    assert rotated not in PASSWORDS  # KMS rotated kmsuser's password on connecting
    text = world_path.read_text(encoding="utf-8")
    assert_no_password(text, extra=(rotated,))
    assert rotated.encode() not in (world_path.parent / "world.yaml.key").read_bytes()


# -- temporary files -------------------------------------------------------------------------

def test_stale_temp_files_are_never_read_and_are_removed_by_the_next_write(world_path):
    stale_world = world_path.read_text(encoding="utf-8").replace("region: us-west-2", "region: stale-1")
    stale = [world_path.parent / f".world.yaml.{pid}.tmp" for pid in (4194301, 4194302)]
    stale[0].write_text(stale_world, encoding="utf-8")  # a whole file, written but not renamed
    stale[1].write_text(stale_world[: len(stale_world) // 2], encoding="utf-8")  # a torn one

    store = open_store(world_path)
    assert store.read().region == "us-west-2"
    assert Store(world_path).read().region == "us-west-2"
    assert all(p.exists() for p in stale)  # looking does not write, so does not clean

    with store.transaction() as world:
        world.faults.append(marker(1))
    assert not any(p.exists() for p in stale)
    assert not list(world_path.parent.glob(".*.tmp"))
    fresh = Store(world_path).read()
    assert fresh.region == "us-west-2" and markers(fresh) == [1]


@pytest.mark.parametrize("left_out", [r"  password_cost: 14\n", r"settings:\n(  .*\n)*"],
                         ids=["password_cost", "settings"])
def test_a_world_file_that_gives_no_password_cost_hashes_clear_passwords_at_14(world_path, left_out):
    text = world_path.read_text()
    assert len(re.findall(left_out, text)) == 1
    text = re.sub(r"password_hash: scrypt\$14\$\S+", "password: fresh123", re.sub(left_out, "", text), count=1)
    world_path.write_text(text)
    world = open_store(world_path).read()
    users = [u for c in world.clusters.values() for h in c.hsms for u in h.users]
    fresh = [u.password_hash for u in users if credentials.verify_password("fresh123", u.password_hash)]
    assert len(fresh) == 1 and fresh[0].startswith("scrypt$14$")


@pytest.mark.parametrize("cost, refused", [(0, True), (1, False), (20, False), (21, True)])
def test_the_password_cost_a_world_file_may_give_is_1_to_20(world_path, cost, refused):
    """Found untested by benchmarks/mutation.py: the bounds themselves."""
    text = world_path.read_text()
    world_path.write_text(text.replace("password_cost: 14", f"password_cost: {cost}", 1))
    if refused:
        with pytest.raises(WorldError, match="password_cost: must be an integer from 1 to 20"):
            open_store(world_path).read()
    else:
        assert open_store(world_path).read().settings.password_cost == cost
