"""The derived cache beside the world (`world.yaml.cache`): a new process loads the world from it
instead of parsing the YAML, but only while it matches the YAML's bytes exactly; anything else
(a hand edit, a torn or foreign file, another model, a payload that is not a world) falls back
to the YAML and rebuilds it, and nothing in it can run code."""

from __future__ import annotations

import math
import os
import pickle
import shutil
import stat
import struct
import subprocess
import sys
import types

import msgspec
import pytest
import yaml

from hsmshell.services import open_store
from hsmshell.world import cache as cache_module
from hsmshell.world import codec, emitter, reader
from hsmshell.world import store as store_module
from hsmshell.world.model import Due, Key
from hsmshell.world.store import Store, WorldError

CLUSTER_ID = "cluster-1a23b4cdefg"
HANDLE = 262162


@pytest.fixture
def parses(monkeypatch):
    calls = []
    real_load = reader.load

    def counting_load(*args, **kwargs):
        calls.append(1)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(reader, "load", counting_load)
    return calls


def commit_label(path, label: str) -> None:
    with open_store(path).transaction() as world:
        world.clusters[CLUSTER_ID].keys[HANDLE].label = label


def cache_of(path):
    return path.with_name(path.name + ".cache")


def test_a_new_process_after_a_commit_loads_the_cache_not_the_yaml(world_path, parses):
    commit_label(world_path, "after commit")
    assert len(parses) == 1  # the copied world had no cache yet
    for fresh in (Store(world_path), open_store(world_path)):
        world = fresh.read()
        assert world.clusters[CLUSTER_ID].keys[HANDLE].label == "after commit"
        assert world.sealer is not None  # re-attached: the key is never in the cache
    assert len(parses) == 1
    world = open_store(world_path).read()
    status = world.custom_key_stores["cks-1234567890abcdef0"].key_store_password
    assert world.sealer.unseal(status)  # sealed secrets still open


def test_the_cache_is_private_and_holds_no_key(world_path):
    old_umask = os.umask(0)
    try:
        commit_label(world_path, "private")
    finally:
        os.umask(old_umask)
    cache = cache_of(world_path)
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600
    key = (world_path.parent / "world.yaml.key").read_text().strip()
    import base64
    assert base64.b64decode(key) not in cache.read_bytes()
    assert not list(world_path.parent.glob(".*.tmp"))


def test_a_hand_edit_wins_over_the_cache_and_the_cache_follows_it(world_path, parses):
    commit_label(world_path, "before edit")
    text = world_path.read_text(encoding="utf-8")
    world_path.write_text(text.replace("label: before edit", "label: edited by hand"), encoding="utf-8")
    parsed = len(parses)
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "edited by hand"
    assert len(parses) == parsed + 1
    # That parse rebuilt the cache for the edited file: the next process does not parse again.
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "edited by hand"
    assert len(parses) == parsed + 1
    commit_label(world_path, "after edit")
    assert "label: after edit" in world_path.read_text(encoding="utf-8")


def test_a_broken_hand_edit_is_reported_with_its_line_even_with_a_cache(world_path):
    commit_label(world_path, "fine")
    text = world_path.read_text(encoding="utf-8")
    world_path.write_text(text.replace("region: us-west-2", "region: us-west-2: oops"), encoding="utf-8")
    line = 1 + text.splitlines().index("region: us-west-2")
    with pytest.raises(WorldError, match=rf"^{world_path}, line {line}: not valid YAML"):
        Store(world_path).read()


def _truncate(blob: bytes) -> bytes:
    return blob[: len(blob) // 2]


def _flip_a_payload_byte(blob: bytes) -> bytes:
    middle = len(blob) - 100
    return blob[:middle] + bytes([blob[middle] ^ 0xFF]) + blob[middle + 1:]


def _garbage(blob: bytes) -> bytes:
    return os.urandom(len(blob))


def _empty(blob: bytes) -> bytes:
    return b""


_AT = len(cache_module.MAGIC)  # where the schema's hash starts; then the YAML's, then the payload's


def _an_older_version(blob: bytes) -> bytes:
    return blob.replace(b"cache v4", b"cache v3", 1)  # an older magic sorts before


def _another_model(blob: bytes) -> bytes:
    return blob[:_AT] + bytes(16) + blob[_AT + 16:]


def _payload_hash_not_its_own(blob: bytes) -> bytes:
    return blob[:_AT + 32] + b"\xff" * 16 + blob[_AT + 48:]


def _payload_hash_below_its_own(blob: bytes) -> bytes:
    return blob[:_AT + 32] + b"\x00" * 16 + blob[_AT + 48:]  # a hash is matched, not sorted


def _a_newer_version(blob: bytes) -> bytes:
    return blob.replace(b"cache v4", b"cache v5", 1)  # a newer magic sorts after


def _a_length_past_the_payload(blob: bytes) -> bytes:
    """The world alone, its layout dropped, under a length one byte past it, hashed right."""
    revision, length = struct.unpack_from(">qQ", blob, _AT + 48)
    world = blob[_AT + 64:_AT + 64 + length]
    payload = struct.pack(">qQ", revision, length + 1) + world
    return blob[:_AT + 32] + cache_module.digest_of(payload) + payload


def _a_payload_too_short_but_hashed_right(blob: bytes) -> bytes:
    payload = b"12345678"  # shorter than the revision and length it must start with
    return blob[:_AT + 32] + cache_module.digest_of(payload) + payload


@pytest.mark.parametrize("damage", [_truncate, _flip_a_payload_byte, _garbage, _empty, _an_older_version,
                                    _another_model, _payload_hash_not_its_own, _payload_hash_below_its_own,
                                    _a_payload_too_short_but_hashed_right,
                                    _a_newer_version, _a_length_past_the_payload])
def test_a_damaged_cache_is_ignored_and_rebuilt(world_path, parses, damage):
    commit_label(world_path, "intact")
    cache = cache_of(world_path)
    cache.write_bytes(damage(cache.read_bytes()))
    parsed = len(parses)
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "intact"
    assert len(parses) == parsed + 1
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "intact"
    assert len(parses) == parsed + 1  # rebuilt by the parse


@pytest.mark.parametrize("mode", [0o666, 0o601])
def test_a_cache_others_could_write_is_not_loaded(world_path, parses, mode):
    commit_label(world_path, "shared")
    os.chmod(cache_of(world_path), mode)
    parsed = len(parses)
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "shared"
    assert len(parses) == parsed + 1
    assert stat.S_IMODE(os.stat(cache_of(world_path)).st_mode) == 0o600  # replaced by a private one


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file away takes root")
def test_a_cache_of_another_user_is_not_loaded(world_path, parses):
    commit_label(world_path, "theirs")
    os.chown(cache_of(world_path), 65534, 65534)
    parsed = len(parses)
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "theirs"
    assert len(parses) == parsed + 1


def test_a_cache_of_a_user_before_us_is_not_loaded(world_path, parses, monkeypatch):
    """Read as user 1000 would read it, a cache that root owns is another user's too."""
    commit_label(world_path, "root's")
    os.chown(cache_of(world_path), 0, 0) if os.geteuid() == 0 else pytest.skip("giving a file away takes root")

    class AsUser1000:
        def __getattr__(self, name):
            return getattr(os, name)

        def geteuid(self):
            return 1000

    monkeypatch.setattr(cache_module, "os", AsUser1000())
    parsed = len(parses)
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "root's"
    assert len(parses) == parsed + 1


def test_reading_a_world_leaves_the_garbage_collector_as_it_found_it(world_path):
    """Decoding pauses the collector and moves what it made to the oldest generation, not
    what the process froze of its own."""
    import gc

    commit_label(world_path, "collected")
    assert gc.isenabled()
    Store(world_path).read()
    assert gc.isenabled()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        Store(world_path).read()
        assert gc.get_freeze_count() == frozen and gc.isenabled()
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("record, name", [("Settings", "trail_limit"), ("Cluster", "backup_retention_days")],
                         ids=["a record the world holds", "a record in a mapping the world holds"])
def test_a_cache_made_before_a_record_s_field_changed_is_not_loaded(world_path, parses, monkeypatch, record, name):
    """The schema's hash reads every record the world holds, down to its fields' types."""
    from hsmshell.world import model

    commit_label(world_path, "before")
    monkeypatch.setitem(getattr(model, record).__annotations__, name, float)
    cache_module.schema.cache_clear()
    try:
        parsed = len(parses)
        assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "before"
        assert len(parses) == parsed + 1
    finally:
        monkeypatch.undo()
        cache_module.schema.cache_clear()


def test_a_cache_that_is_a_symlink_is_not_followed(world_path, parses, tmp_path):
    commit_label(world_path, "linked")
    elsewhere = tmp_path / "elsewhere.cache"
    cache_of(world_path).rename(elsewhere)
    cache_of(world_path).symlink_to(elsewhere)
    parsed = len(parses)
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "linked"
    assert len(parses) == parsed + 1


def test_a_cache_made_for_another_model_is_not_loaded(world_path, parses, monkeypatch):
    """A model that gained or lost a field would decode into objects missing fields."""
    commit_label(world_path, "old model")
    monkeypatch.setattr(cache_module, "schema", lambda: b"\0" * 32)
    parsed = len(parses)
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "old model"
    assert len(parses) == parsed + 1


def test_an_unwritable_folder_still_serves_the_world(world_path, monkeypatch, parses):
    """The cache is a shortcut: failing to write it is not an error."""
    real_open = os.open

    def refuse_cache(path, *args, **kwargs):
        if str(path).endswith(".tmp") and ".cache." in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(store_module.os, "open", refuse_cache)
    commit_label(world_path, "no cache")
    assert not cache_of(world_path).exists()
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "no cache"
    assert not list(world_path.parent.glob(".*.tmp"))


def test_a_value_the_file_cannot_hold_is_refused_without_a_traceback_or_a_write(world_path):
    before = world_path.read_bytes()
    with pytest.raises(WorldError, match="not saved, the world file cannot hold a value: .*surrogate"):
        commit_label(world_path, "lone \ud800 surrogate")
    assert world_path.read_bytes() == before
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label != "lone \ud800 surrogate"


# -- a cache someone else made ----------------------------------------------------------------

class _WritesAMarker:
    """Unpickled, it creates the marker file: what an attacker's cache would do, less gently."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


def _forged(real: bytes, payload: bytes) -> list[bytes]:
    """Caches carrying `payload` whose every check passes, made as an attacker would from a
    cache of the same world (its first line names the format; the schema's hash and the
    YAML's follow): with the payload's hash, with and without a length field after it."""
    digest = cache_module.digest_of(payload)
    head = real[:real.index(b"\n") + 1 + 2 * len(digest)]
    return [head + digest + payload, head + digest + struct.pack(">Q", len(payload)) + payload]


def test_a_cache_holding_a_pickle_never_runs_it(world_path, tmp_path):
    commit_label(world_path, "from the YAML")
    cache = cache_of(world_path)
    marker = tmp_path / "code-ran"
    exploit = pickle.dumps((_WritesAMarker(marker), {}), protocol=5)
    for forged in _forged(cache.read_bytes(), exploit):
        cache.write_bytes(forged)
        os.chmod(cache, 0o600)  # as a tarball made under umask 077 unpacks it
        assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "from the YAML"
        with open_store(world_path).transaction() as world:
            assert world.clusters[CLUSTER_ID].keys[HANDLE].label == "from the YAML"
        assert not marker.exists(), "loading the world ran code from its cache"


def _rewrite_cache(world_path, world_part: bytes, layout: bytes, revision: int = 0) -> None:
    digest = cache_module.digest_of(world_path.read_bytes())
    cache_of(world_path).unlink()
    cache_module.write(cache_of(world_path), digest, world_part, revision, layout)


@pytest.mark.parametrize("world_part", [
    msgspec.msgpack.encode({"client": "not a mapping"}),
    msgspec.msgpack.encode([1, 2, 3]),
    msgspec.msgpack.encode(msgspec.msgpack.Ext(1, b"os.system")),
    b"\xc1" * 64,  # never used by MessagePack
], ids=["wrong-types", "not-a-world", "extension-type", "invalid-bytes"])
def test_a_cache_with_every_hash_right_but_no_world_inside_is_ignored(world_path, parses, world_part):
    commit_label(world_path, "from the YAML")
    _rewrite_cache(world_path, world_part, b"")
    parsed = len(parses)
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "from the YAML"
    assert len(parses) == parsed + 1


def _nan_clock(world):
    world.clock.offset = math.nan


def _fault_until_a_word(world):
    world.faults.append({"kind": "connect_error", "code": "INTERNAL_ERROR", "until": "yesterday"})


def _key_created_at_infinity(world):
    next(iter(world.kms_keys.values())).creation_date = math.inf


def _unknown_due_kind(world):
    world.due.append(Due(at=0.0, kind="kms.explode"))


@pytest.mark.parametrize("forge", [_nan_clock, _fault_until_a_word, _key_created_at_infinity, _unknown_due_kind])
def test_a_cache_whose_world_breaks_a_rule_is_ignored(world_path, parses, forge):
    """A forged cache is held to the rules a YAML file is held to."""
    commit_label(world_path, "from the YAML")
    world = cache_module.copy(Store(world_path).read())
    forge(world)
    _rewrite_cache(world_path, cache_module.pack(world), b"")
    parsed = len(parses)
    seen = open_store(world_path).read()
    assert seen == Store(world_path).read() and seen != world
    assert len(parses) == parsed + 1


def _shifted(layout, by: int):
    """The layout with every position moved: pointing into the file, at no part's start."""
    if isinstance(layout, emitter.Whole):
        return emitter.Whole(layout.start + by, layout.end + by)
    if isinstance(layout, emitter.Leaves):
        return emitter.Leaves([b + by for b in layout.bounds])
    if isinstance(layout, emitter.Branches):
        return emitter.Branches([_shifted(item, by) for item in layout.items])
    return emitter.Layout({name: _shifted(part, by) for name, part in layout.fields.items()})


def _layout_of(world_path) -> emitter.Layout:
    return cache_module.unpack_layout(cache_module.read(cache_of(world_path), cache_module.digest_of(
        world_path.read_bytes())).layout)


@pytest.mark.parametrize("damage", ["not-a-layout", "shifted"])
def test_a_damaged_layout_costs_a_whole_write_not_the_world(world_path, damage):
    """A cache whose hashes are right but whose layout points at the wrong text: the next
    commit writes the file as a fresh emitter would, never a piece of the text out of place."""
    commit_label(world_path, "first")
    world_part = Store(world_path).read()
    layout = (msgspec.msgpack.encode(([], [], [(("region",), ("NoSuchType", "region:", "x", "forged\n"))]))
              if damage == "not-a-layout" else cache_module.pack_layout(_shifted(_layout_of(world_path), 1)))
    _rewrite_cache(world_path, cache_module.pack(world_part), layout, world_part.revision)
    commit_label(world_path, "second")
    world = Store(world_path).read()
    assert world.clusters[CLUSTER_ID].keys[HANDLE].label == "second"
    assert world_path.read_bytes() == store_module._HEADER + emitter.Emitter().emit(
        world, cache_module.pack(world)) and b"forged" not in world_path.read_bytes()


# -- a new process's first commit reuses the file's own text ------------------------------------

def grown(world_path, keys: int) -> None:
    """The world with `keys` more keys in its cluster, committed."""
    with open_store(world_path).transaction() as world:
        cluster = world.clusters[CLUSTER_ID]
        for _ in range(keys):
            handle, cluster.next_handle = cluster.next_handle, cluster.next_handle + 1
            cluster.keys[handle] = Key(handle=handle, owner=3, key_class=4, key_type=31, size=32,
                                       label=f"key {handle}: yes", hsms=[h.hsm_id for h in cluster.hsms])


def fresh_text(world_path) -> bytes:
    """What a new emitter writes for the world the YAML holds (parsed, not from the cache)."""
    cache_of(world_path).unlink()
    world = open_store(world_path).read()
    return store_module._HEADER + emitter.Emitter().emit(world, cache_module.pack(world))


def change_in_a_new_process(world_path, change) -> None:
    with open_store(world_path).transaction() as world:
        change(world)


def _relabel(world):
    world.clusters[CLUSTER_ID].keys[HANDLE].label = "relabelled\nacross lines"


def _delete_and_add(world):
    keys = world.clusters[CLUSTER_ID].keys
    del keys[sorted(keys)[5]]
    keys[HANDLE].attributes[353] = "ok"
    keys[10**6] = Key(handle=10**6, owner=3, key_class=4, key_type=31, size=16)


def _user_and_fault(world):
    world.clusters[CLUSTER_ID].hsms[0].users[0].failed_logins += 1
    world.faults.append({"kind": "subnet_full", "subnet_id": "subnet-0f5a3c2b1d4e6f789"})


def _nothing(world):
    pass


@pytest.mark.parametrize("change, afresh", [
    (_relabel, ["Key"]), (_delete_and_add, ["Key", "Key"]), (_user_and_fault, ["User", "dict"]), (_nothing, [])])
def test_a_new_process_commits_what_a_fresh_emitter_would_write(world_path, parses, monkeypatch, change, afresh):
    """The first commit of a new process copies unchanged items from the file it read (by the
    cache's layout) and writes afresh only the items that changed: the file it writes is byte
    for byte what writing the world afresh gives, and PyYAML's safe loader reads it back as
    that world."""
    grown(world_path, 40)
    commit_label(world_path, "prepared")  # the cache now holds the layout of the file
    before, parsed = world_path.read_bytes(), len(parses)
    assert _layout_of_or_none(world_path) is not None
    written_afresh = []
    real_item = emitter.Emitter._item
    monkeypatch.setattr(emitter.Emitter, "_item", lambda self, value, *rest: written_afresh.append(
        type(value).__name__) or real_item(self, value, *rest))
    change_in_a_new_process(world_path, change)
    monkeypatch.undo()
    assert len(parses) == parsed  # loaded from the cache
    assert sorted(written_afresh) == afresh
    written = world_path.read_bytes()
    assert (written == before) == (change is _nothing)  # a commit that changed nothing writes nothing
    from_cache = Store(world_path).read()
    assert written == fresh_text(world_path)
    assert yaml.load(written, Loader=yaml.SafeLoader) == codec.encode(from_cache)
    assert Store(world_path).read() == from_cache  # parsed from the YAML: the same world


def test_a_hand_written_file_is_rewritten_whole_by_its_first_commit(world_path):
    """No layout is kept for a file the emitter did not write: its first commit writes every
    item afresh, even one that changed nothing, and later commits reuse that text."""
    text = world_path.read_text().replace("region: us-west-2", "region:    us-west-2   # by hand")
    world_path.write_text(text)
    open_store(world_path).read()  # parsed; the cache holds the world without a layout
    assert _layout_of_or_none(world_path) is None
    change_in_a_new_process(world_path, _nothing)
    assert world_path.read_bytes() == fresh_text(world_path)


def _layout_of_or_none(world_path):
    blob = cache_module.read(cache_of(world_path), cache_module.digest_of(world_path.read_bytes())).layout
    return cache_module.unpack_layout(blob) if blob else None


def test_a_stores_first_commit_leaves_the_next_process_its_shortcut_at_once(world_path, parses):
    """The throttle holds back only a burst's later commits: a store that lives on after one
    commit (the TUI, the endpoint) has written the shortcut already, so a shell started meanwhile
    loads the world from it instead of parsing the YAML."""
    store = open_store(world_path)
    with store.transaction() as world:
        world.clusters[CLUSTER_ID].keys[HANDLE].label = "one commit"
    raw = world_path.read_bytes()
    assert cache_module.read(cache_of(world_path), cache_module.digest_of(raw)) is not None
    parses.clear()
    assert open_store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "one commit"
    assert parses == []
    assert store.read().revision == open_store(world_path).read().revision  # the first store lives on


def test_a_commit_once_the_throttle_has_passed_writes_the_shortcut_at_once(world_path, monkeypatch):
    """A store writes the shortcut at most every DERIVED_EVERY seconds: a commit sooner leaves it
    to later, the first one that long after the last written writes it at once."""
    clock = [1000.0]
    monkeypatch.setattr(store_module, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    store = open_store(world_path)
    store.read()
    writes = []
    monkeypatch.setattr(cache_module, "write", lambda *a, _write=cache_module.write: writes.append(1) or _write(*a))

    def commit(label: str, at: float) -> tuple[bool, int]:
        """Whether the shortcut matches the file after a commit at `at`, and how many were written."""
        clock[0], writes[:] = 1000.0 + at, []
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = label
        raw = world_path.read_bytes()
        return cache_module.read(cache_of(world_path), cache_module.digest_of(raw)) is not None, len(writes)

    assert commit("first", 0) == (True, 1)
    assert commit("sooner", store_module.DERIVED_EVERY / 2) == (False, 0)
    # The shortcut left unwritten is superseded: dropped, not written before this one.
    assert commit("that long after", store_module.DERIVED_EVERY) == (True, 1)
    assert commit("sooner again", store_module.DERIVED_EVERY * 1.5) == (False, 0)


def test_a_live_stores_unwritten_shortcut_is_written_when_asked(world_path):
    """The throttle leaves a burst's last shortcut unwritten while its store lives; a process
    that ends without the interpreter's teardown (host.script) writes it with write_unwritten."""
    store = open_store(world_path)
    for label in ("first", "second"):  # within DERIVED_EVERY of each other
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = label
    raw = world_path.read_bytes()
    assert cache_module.read(cache_of(world_path), cache_module.digest_of(raw)) is None
    store_module.write_unwritten()
    assert cache_module.read(cache_of(world_path), cache_module.digest_of(raw)) is not None
    store_module.write_unwritten()  # nothing left: writes nothing again, and does not fail


def test_a_refused_transaction_after_a_burst_of_commits_reads_the_shortcut_not_the_yaml(world_path, parses):
    """A refused transaction makes the store forget the world in memory; the next one reads the
    file again, from the shortcut the throttle had left unwritten (written as the store forgets)."""
    store = open_store(world_path)
    for label in ("first", "second"):  # the second's shortcut is left to the throttle
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = label
    parses.clear()
    with pytest.raises(RuntimeError):
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "refused"
            raise RuntimeError("refused half-way")
    assert store.read().clusters[CLUSTER_ID].keys[HANDLE].label == "second"
    assert parses == []


@pytest.mark.parametrize("door", ["main", "console script"])
def test_a_process_that_commits_twice_leaves_the_next_one_a_cache_that_matches(world_path, tmp_path, door):
    """A `cloudhsm-cli` session logs in (a commit), creates a user (another) and logs out
    (a third) within the cache's throttle; the last commit's shortcut is written as the
    process ends, so the next command does not parse the YAML (seconds at full size).  The
    console script ends without the interpreter's teardown (host.script): it writes it first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HSMSHELL_", "CLOUDHSM_"))}
    env.update(HSMSHELL_WORLD=str(world_path), HOME=str(tmp_path))
    before = world_path.read_bytes()
    program = "import sys; from hsmshell.host import main; sys.argv[0] = 'cloudhsm-cli'; sys.exit(main())"
    command = [sys.executable, "-c", program] if door == "main" else [shutil.which("cloudhsm-cli")]
    lines = ("login --username admin --role admin --password co12345\n"
             "user create --username bob --role crypto-user --password bobPass1\nquit\n")
    done = subprocess.run([*command, "interactive"], input=lines,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.count('"error_code": 0') == 2, done.stdout + done.stderr
    raw = world_path.read_bytes()
    assert raw != before and b"bob" in raw
    assert cache_module.read(cache_of(world_path), cache_module.digest_of(raw)) is not None


def test_the_schema_tells_a_changed_default(monkeypatch):
    """A field left out of the YAML reads as its default: a cache made when the default was
    another holds another world, so the schema's hash reads defaults too."""
    from hsmshell.world import model

    def schema_with_password_cost_default(cost: int) -> bytes:
        settings = msgspec.defstruct("Settings", [("password_cost", int, cost)], bases=(model.Record,),
                                     module=model.Settings.__module__)
        monkeypatch.setitem(model.World.__annotations__, "settings", settings)
        cache_module.schema.cache_clear()
        return cache_module.schema()

    try:
        assert schema_with_password_cost_default(14) != schema_with_password_cost_default(15)
    finally:
        monkeypatch.undo()
        cache_module.schema.cache_clear()


def test_a_cache_that_cannot_be_read_is_ignored(world_path, parses, monkeypatch):
    import errno

    commit_label(world_path, "unreadable")
    real = os.fstat

    def failing(fd):
        if os.readlink(f"/proc/self/fd/{fd}") == str(cache_of(world_path)):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(fd)

    monkeypatch.setattr(cache_module.os, "fstat", failing)
    parsed = len(parses)
    assert Store(world_path).read().clusters[CLUSTER_ID].keys[HANDLE].label == "unreadable"
    assert len(parses) == parsed + 1
