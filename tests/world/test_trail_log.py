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
