"""CloudTrail's log beside the world: a call that only records an event leaves the world file
alone, every process sees every event, a failed call records nothing, and the log is trimmed,
replaced and mended without losing or mixing up what it holds."""

from __future__ import annotations

import base64
import json
import os
import uuid

import pytest

from hsmshell.cloudtrail import events as trail
from hsmshell.services import open_store
from hsmshell.world import ids
from hsmshell.world.store import Store, WorldError

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def identity(path) -> tuple:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns


def record(store: Store, name: str, count: int = 1) -> None:
    with store.transaction() as world:
        for _ in range(count):
            trail.record(world, name, request=None, read_only=True)


def names(store: Store) -> list[str]:
    return [e["eventName"] for e in store.read().trail]


def logged(world_path) -> list[dict]:
    lines = (world_path.parent / "world.yaml.trail").read_bytes().splitlines()
    return [json.loads(line) for line in lines[1:]]


def test_encrypt_and_decrypt_leave_the_world_file_alone_and_are_logged(doors, world_path):
    # The fixture's backing key gets its material at its first use: a change of the world.
    assert doors.aws("kms", "encrypt", "--key-id", KEY_ID, "--plaintext", "first")[0] == 0
    before = identity(world_path)
    status, out, err = doors.aws("kms", "encrypt", "--key-id", KEY_ID, "--plaintext", "hello",
                                 "--query", "CiphertextBlob", "--output", "text")
    assert status == 0, err
    blob_file = world_path.parent / "blob"
    blob_file.write_bytes(base64.b64decode(out))
    status, out, err = doors.aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob_file}",
                                 "--query", "Plaintext", "--output", "text")
    assert (status, out) == (0, "aGVsbG8=\n"), err
    assert identity(world_path) == before
    assert [e["eventName"] for e in logged(world_path)] == ["Encrypt", "Encrypt", "Decrypt"]
    status, out, _ = doors.aws("cloudtrail", "lookup-events", "--query", "Events[].EventName", "--output", "text")
    assert out.split() == ["Decrypt", "Encrypt", "Encrypt"]


def test_a_change_to_the_world_and_its_event_are_both_kept(doors, world_path):
    status, _, err = doors.aws("kms", "disable-key", "--key-id", KEY_ID)
    assert status == 0, err
    fresh = open_store(world_path).read()
    assert fresh.kms_keys[KEY_ID].enabled is False
    assert fresh.trail[-1]["eventName"] == "DisableKey"
    assert "eventName" not in world_path.read_text()  # events live only in the log


def test_every_store_sees_the_events_of_the_others(world_path):
    first, second = Store(world_path), Store(world_path)
    record(first, "One")
    assert names(second) == ["One"]
    record(second, "Two", 2)
    record(first, "Three")
    assert names(first) == names(second) == names(Store(world_path)) == ["One", "Two", "Two", "Three"]


def test_a_failed_transaction_records_nothing(store, world_path):
    record(store, "Kept")
    with pytest.raises(RuntimeError):
        with store.transaction() as world:
            trail.record(world, "Lost", request=None)
            raise RuntimeError("the call failed")
    assert names(store) == names(Store(world_path)) == ["Kept"]


def test_the_log_keeps_the_newest_events_and_readers_follow_it_across_trimming(store, world_path):
    with store.transaction() as world:
        world.settings.trail_limit = 3
    follower = Store(world_path)
    for n in range(20):
        record(store, f"E{n}")
        if n % 4 == 0:
            assert names(follower) == [f"E{k}" for k in range(max(0, n - 2), n + 1)]
    assert names(store) == names(follower) == names(Store(world_path)) == ["E17", "E18", "E19"]
    assert len(logged(world_path)) <= 6  # trimmed to the limit whenever it doubles


def test_a_store_that_only_read_the_log_trims_it_without_losing_an_event(store, world_path):
    with store.transaction() as world:
        world.settings.trail_limit = 4
    record(store, "Theirs", 7)
    mine = Store(world_path)  # reads the log's lines, parsed only when looked at
    record(mine, "Mine", 2)  # the log passes twice the limit: rewritten by this store
    assert names(Store(world_path)) == names(store) == ["Theirs", "Theirs", "Mine", "Mine"]


def test_a_trimmed_log_keeps_its_lines_as_they_were_appended(store, world_path):
    with store.transaction() as world:
        world.settings.trail_limit = 3
    log = world_path.parent / "world.yaml.trail"
    appended, start = [], os.stat(log).st_ino
    while os.stat(log).st_ino == start:  # until it passes twice the limit and is rewritten
        record(store, f"E{len(appended)}")
        appended.append(log.read_bytes().splitlines()[-1])
    assert log.read_bytes().splitlines()[1:] == appended[-3:]


def test_event_ids_follow_the_seed_and_never_repeat(template_world, tmp_path):
    ids = []
    for name in ("a", "b"):
        store = open_store(tmp_path / name / "world.yaml")
        store.create("default")
        record(store, "Event", 50)
        ids.append([(e["eventID"], e["requestID"]) for e in store.read().trail])
    assert ids[0] == ids[1]  # a seeded world: the same calls give the same ids
    flat = [i for pair in ids[0] for i in pair]
    assert len(set(flat)) == len(flat)


def test_a_new_world_from_a_fixture_starts_its_log_with_the_fixtures_events(tmp_path):
    store = open_store(tmp_path / "world.yaml")
    store.create("default")
    record(store, "Old")
    store.create("orphaned-key-material", force=True)
    assert names(store) == names(Store(tmp_path / "world.yaml")) == ["DeleteKey"]
    assert "trail:" not in (tmp_path / "world.yaml").read_text()


HAND_WRITTEN = "trail:\n  - {eventName: HandWritten, eventID: 11111111-2222-3333-4444-555555555555}\n"


@pytest.mark.parametrize("written", [lambda text: text + HAND_WRITTEN,
                                     # a text that sorts before the one the store would write
                                     lambda text: "# Events from the old log\n" + HAND_WRITTEN + text],
                         ids=["appended", "on_top_under_a_comment"])
def test_events_written_into_the_world_file_by_hand_move_into_the_log(store, world_path, written):
    record(store, "Logged")
    world_path.write_text(written(world_path.read_text()))
    assert names(Store(world_path)) == ["Logged", "HandWritten"]
    assert "trail:" not in world_path.read_text()
    assert names(Store(world_path)) == names(store) == ["Logged", "HandWritten"]  # moved once


def test_a_malformed_trail_in_the_world_file_is_an_error_naming_its_line(world_path):
    text = world_path.read_text()
    world_path.write_text(text + "trail: 7\n")
    with pytest.raises(WorldError, match=rf"line {text.count(chr(10)) + 1}: trail: expected a list"):
        Store(world_path).read()


def test_a_line_cut_short_is_skipped_and_not_glued_to_the_next(store, world_path):
    record(store, "Before")
    with open(world_path.parent / "world.yaml.trail", "ab") as log:
        log.write(b'{"eventName": "Cut", "even')  # a writer that stopped mid-line
    assert names(Store(world_path)) == ["Before"]
    record(Store(world_path), "After")
    assert names(store) == names(Store(world_path)) == ["Before", "After"]


def test_a_replaced_log_is_read_afresh(store, world_path):
    record(store, "First")
    reader = Store(world_path)
    assert names(reader) == ["First"]
    (world_path.parent / "world.yaml.trail").unlink()
    assert names(reader) == []
    record(store, "Second")
    assert names(reader) == ["Second"]


def test_a_log_replaced_by_another_process_is_read_afresh(store, world_path):
    record(store, "Mine")
    assert names(store) == ["Mine"]
    open_store(world_path).create("orphaned-key-material", force=True)  # rotation works the same way
    assert names(store) == ["DeleteKey"]
    record(store, "After")
    assert names(Store(world_path)) == ["DeleteKey", "After"]


def test_a_copy_of_the_world_shares_the_log_and_records_on_its_own(store):
    import copy

    record(store, "Logged")
    with store.transaction() as world:
        twin = copy.deepcopy(world)
        trail.record(twin, "OnTheCopy", request=None)
        assert [e["eventName"] for e in twin.trail] == ["Logged", "OnTheCopy"]
        assert [e["eventName"] for e in world.trail] == ["Logged"]
        assert twin.trail._logged is world.trail._logged  # a thousand events are not copied
    assert names(store) == ["Logged"]


def test_a_world_made_in_code_records_events_as_one_read_from_a_file():
    from hsmshell.world.model import Client, World

    world = World(client=Client(cluster_id="cluster-1a23b4cdefg"))
    trail.record(world, "Encrypt", request=None)
    assert [e["eventName"] for e in world.trail] == ["Encrypt"] and world.trail.last_event_id()


def test_event_ids_are_version_4_uuids_in_their_usual_text():
    for _ in range(200):
        raw = os.urandom(16)
        assert ids.uuid4_text(raw) == str(uuid.UUID(bytes=raw, version=4))


def test_the_event_after_a_broken_line_follows_the_last_whole_one(world_path, template_world, tmp_path):
    """A seeded world derives each event's ID from the one before it: a line that is no event
    between them (cut short, then ended by a writer that died) changes no ID: the same calls
    give the same IDs."""
    from hsmshell.testing.worlds import copy_world

    ids = []
    for path, cut in ((world_path, True), (copy_world(template_world, tmp_path / "uncut"), False)):
        record(Store(path), "Before")
        if cut:
            with open(path.parent / "world.yaml.trail", "ab") as log:
                log.write(b'{"eventName": "Cut", "even\n')
        record(Store(path), "After")
        ids.append([(e["eventName"], e["eventID"]) for e in Store(path).read().trail])
    assert ids[0] == ids[1] and [name for name, _ in ids[0]] == ["Before", "After"]


def test_the_log_is_cut_back_to_the_limit_once_it_holds_more_than_twice_the_limit(store, world_path):
    with store.transaction() as world:
        world.settings.trail_limit = 3
    held = []
    for n in range(7):
        record(store, f"E{n}")
        held.append(len(logged(world_path)))
    assert held == [1, 2, 3, 4, 5, 6, 3]
    assert [e["eventName"] for e in logged(world_path)] == names(store) == ["E4", "E5", "E6"]


# The log itself, as processes see it: each TrailLog on one path is the view of one process.

from hsmshell.world import trail_log  # noqa: E402
from hsmshell.world.trail_log import TrailLog, Trail  # noqa: E402

HEADER = b'{"hsmshellTrailLog": 1}\n'


def ev(n) -> dict:
    return {"eventName": f"E{n}", "eventID": f"id-{n}"}


def add(log: TrailLog, *numbers, limit: int = 100, view: bool = True) -> None:
    """What a call does under the world's lock: look at the log, then append to it."""
    if view:
        log.view(limit)
    events = [ev(n) for n in numbers]
    log.append(events, [trail_log.line(e) for e in events], limit)


def seen(log: TrailLog, limit: int = 100) -> list[str]:
    return [e["eventName"] for e in log.view(limit)]


def write_private(path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


@pytest.fixture
def log_path(tmp_path):
    return tmp_path / "world.yaml.trail"


def new_log(log_path, *numbers, limit: int = 100) -> TrailLog:
    log = TrailLog(log_path)
    add(log, *numbers, limit=limit)
    return log


def test_a_trail_equals_a_trail_or_a_list_of_the_same_events_and_nothing_else():
    trail = Trail([ev(0), ev(1)], 10)
    assert trail == Trail([ev(0), ev(1)], 10) and trail == [ev(0), ev(1)] and [ev(0), ev(1)] == trail
    assert not trail != [ev(0), ev(1)]
    assert trail != [ev(0)] and trail != [ev(0), ev(1), ev(2)] and trail != Trail([ev(0)], 10)
    assert not trail == [ev(0)] and not trail == [ev(0), ev(1), ev(2)]
    assert trail.__eq__((ev(0), ev(1))) is NotImplemented and trail != (ev(0), ev(1)) and trail != 7


def test_a_view_holds_every_event_up_to_the_limit(log_path):
    log = new_log(log_path, 0, 1, limit=3)
    assert seen(log, 3) == ["E0", "E1"]
    assert seen(TrailLog(log_path), 3) == ["E0", "E1"]
    assert list(Trail([ev(0), ev(1), ev(2), ev(3)], 5)) == [ev(0), ev(1), ev(2), ev(3)]


def test_a_view_shows_the_newest_limit_when_a_transaction_records_more():
    trail = Trail([ev(0)], 2)
    for n in (1, 2, 3):
        trail.append(ev(n))
    assert list(trail) == [ev(2), ev(3)]


def test_a_reader_reads_only_what_was_appended_since_and_nothing_when_nothing_was(log_path, monkeypatch):
    writer, reader = new_log(log_path, 0), TrailLog(log_path)
    assert seen(reader) == ["E0"]
    reads = []
    real = os.pread
    monkeypatch.setattr(os, "pread", lambda fd, n, at: reads.append((n, at)) or real(fd, n, at))
    size = os.stat(log_path).st_size
    assert seen(reader) == ["E0"] and reads == []  # nothing new: a stat, no read
    add(writer, 1)
    assert seen(reader) == ["E0", "E1"]
    assert reads == [(len(trail_log.line(ev(1))), size)]  # just the new line


def test_a_reader_takes_what_the_file_held_when_it_looked_and_the_rest_next_time(log_path, monkeypatch):
    writer, reader = new_log(log_path, 0), TrailLog(log_path)
    assert seen(reader) == ["E0"]
    add(writer, 1)
    real = os.stat

    def stat_then_another_appends(path, *args, **kwargs):
        info = real(path, *args, **kwargs)
        if path == log_path:
            monkeypatch.setattr(os, "stat", real)
            add(writer, 2)
        return info

    monkeypatch.setattr(os, "stat", stat_then_another_appends)
    assert seen(reader) == ["E0", "E1"]
    assert seen(reader) == ["E0", "E1", "E2"]


def test_a_log_cut_back_by_hand_is_read_again_from_its_start(log_path):
    writer = new_log(log_path, 0, 1, 2, 3)
    reader = TrailLog(log_path)
    assert seen(reader) == ["E0", "E1", "E2", "E3"]
    with open(log_path, "r+b") as f:
        f.truncate(len(HEADER) + len(trail_log.line(ev(0)) + trail_log.line(ev(1))))
    assert seen(reader) == ["E0", "E1"]
    assert seen(writer) == ["E0", "E1"]
    add(writer, 4)
    assert seen(reader) == seen(TrailLog(log_path)) == ["E0", "E1", "E4"]


@pytest.mark.parametrize("first", [b'{"aaa": 1}\n', b'{"zzz": 1}\n', b"\n"], ids=["before", "after", "empty"])
def test_a_file_whose_first_line_is_not_the_header_is_no_log_and_is_replaced_by_one(log_path, first):
    write_private(log_path, first + trail_log.line(ev(0)))
    log = TrailLog(log_path)
    assert seen(log) == []
    add(log, 1)
    assert log_path.read_bytes() == HEADER + trail_log.line(ev(1))
    assert seen(TrailLog(log_path)) == ["E1"]


def test_a_file_without_a_whole_line_is_no_log_yet(log_path):
    write_private(log_path, HEADER[:10])
    assert seen(TrailLog(log_path)) == []
    write_private(log_path, b"")
    log = TrailLog(log_path)
    assert seen(log) == []
    add(log, 0)
    assert seen(TrailLog(log_path)) == ["E0"]


def test_appends_add_their_lines_and_nothing_else(log_path):
    log = new_log(log_path, 0)  # a new log: written whole
    add(log, 1)
    add(log, 2, view=False)  # twice in one locked section
    reader = TrailLog(log_path)
    assert seen(reader) == ["E0", "E1", "E2"]
    add(reader, 3)  # after reading the whole file
    assert log_path.read_bytes() == HEADER + b"".join(trail_log.line(ev(n)) for n in range(4))


def test_an_append_after_a_new_log_appends_to_that_file(log_path):
    log = TrailLog(log_path)
    log.replace([ev(0)], 10)
    inode = os.stat(log_path).st_ino
    add(log, 1, limit=10)
    assert os.stat(log_path).st_ino == inode
    assert seen(TrailLog(log_path)) == ["E0", "E1"]


def test_a_short_write_on_a_full_disk_fails_and_the_next_reader_skips_the_cut_line(log_path, monkeypatch):
    log = new_log(log_path, 0)
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data)[:5]))
    with pytest.raises(OSError, match="only 5 of"):
        add(log, 1)
    monkeypatch.setattr(os, "write", real)
    other = TrailLog(log_path)
    assert seen(other) == ["E0"]
    add(other, 2)
    assert seen(TrailLog(log_path)) == ["E0", "E2"]


def test_a_new_log_keeps_the_newest_limit_events_and_limit_zero_keeps_none(log_path):
    log = TrailLog(log_path)
    log.replace([ev(n) for n in range(5)], 3)
    assert seen(TrailLog(log_path)) == ["E2", "E3", "E4"]
    log.replace([ev(n) for n in range(5)], 0)
    assert log_path.read_bytes() == HEADER


def test_a_new_log_that_cannot_be_put_in_place_leaves_no_temporary_file(log_path, monkeypatch):
    log = new_log(log_path, 0)

    def refuse(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        log.replace([ev(1)], 10)
    assert os.listdir(log_path.parent) == [log_path.name]


def test_a_rotation_rewrites_the_lines_as_this_process_appended_them(log_path):
    log = new_log(log_path, 0, limit=2)
    events = [ev(1), ev(2), ev(3), ev(4)]
    written = [json.dumps(e).encode() + b"\n" for e in events]  # not msgspec's spacing
    log.view(2)
    log.append(events, written, 2)  # five events: more than twice the limit
    assert log_path.read_bytes() == HEADER + b"".join(written[-2:])


def cut_line(log_path) -> None:
    """A line cut short by a full disk, ended by the next append: a line that is no event."""
    with open(log_path, "ab") as f:
        f.write(b'{"eventName": "Cut", "ev')


def test_a_line_that_is_no_event_holds_its_place_in_the_view_and_across_a_commit(log_path):
    log = new_log(log_path, 0, 1, 2, limit=10)
    cut_line(log_path)
    reader = TrailLog(log_path)
    add(reader, 3, limit=10)  # E0 E1 E2 (no event) E3
    trail = reader.view(4)
    assert [e["eventName"] for e in trail] == ["E1", "E2", "E3"]  # the newest four lines
    trail.append(ev(4))
    before = [e["eventName"] for e in trail]
    add(reader, 4, limit=10)
    assert before == seen(reader, 4) == ["E2", "E3", "E4"]


def test_a_rotation_shows_the_same_events_as_before_it(log_path):
    new_log(log_path, 0, 1, 2, 3, limit=10)
    cut_line(log_path)
    reader = TrailLog(log_path)
    add(reader, 4, limit=3)  # E0 E1 E2 E3 (no event) E4
    trail = reader.view(3)
    trail.append(ev(5))
    assert [e["eventName"] for e in trail] == ["E4", "E5"]
    add(reader, 5, limit=3)  # seven lines: more than twice the limit, rotated
    assert seen(reader, 3) == seen(TrailLog(log_path), 3) == ["E4", "E5"]  # E3 does not come back
    assert logged_lines(log_path) == ["E4", "E5"]


def logged_lines(log_path) -> list[str]:
    return [json.loads(line)["eventName"] for line in log_path.read_bytes().splitlines()[1:]]


def test_the_last_event_id_is_the_newest_events_skipping_lines_that_are_no_events(log_path):
    log = new_log(log_path, 0)
    assert TrailLog(log_path).view(10).last_event_id() == "id-0"
    add(log, 1)
    assert TrailLog(log_path).view(10).last_event_id() == "id-1"
    cut_line(log_path)
    reader = TrailLog(log_path)
    add(reader, 2)
    cut_line(log_path)
    add(TrailLog(log_path), 3)
    trail = TrailLog(log_path).view(10)
    assert trail.last_event_id() == "id-3"
    assert Trail([ev(0), None, None], 10).last_event_id() == "id-0"
    assert Trail([ev(0), ev(1), b"{cut", b"{cut"], 10).last_event_id() == "id-1"
    assert Trail([b"{cut"], 10).last_event_id() == "" and Trail([ev(0)], 0).last_event_id() == ""


def test_a_log_that_cannot_be_read_is_an_error_naming_it(log_path, monkeypatch):
    new_log(log_path, 0)

    def broken(*args):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "pread", broken)
    with pytest.raises(WorldError, match="cannot read the CloudTrail log: Input/output error"):
        TrailLog(log_path).view(10)


@pytest.mark.parametrize("value", [object(), "\udc80"], ids=["not_json", "lone_surrogate"])
def test_an_event_json_cannot_hold_is_a_value_error_saying_so(value):
    with pytest.raises(ValueError, match="a CloudTrail event cannot be written"):
        trail_log.line({"eventName": value})


def test_the_process_that_ends_a_cut_line_reads_the_log_as_every_other_does(log_path):
    new_log(log_path, 0)
    cut_line(log_path)
    appender = TrailLog(log_path)
    add(appender, 1)  # ends the cut line: E0 (no event) E1
    add(appender, 2)
    assert appender.view(3) == TrailLog(log_path).view(3) == [ev(1), ev(2)]
    assert appender.view(10) == TrailLog(log_path).view(10) == [ev(0), ev(1), ev(2)]
