"""A batch of transactions (Store.batch): one lock, one commit, and a failing transaction inside
undone alone.  A single `cloudhsm-cli` command is one (tests/shells/cli/test_program.py)."""

from __future__ import annotations

import pytest

from hsmshell.services import open_store
from hsmshell.world.store import Store, WorldError

CLUSTER_ID = "cluster-1a23b4cdefg"
HANDLE = 262162


def label(world) -> str:
    return world.clusters[CLUSTER_ID].keys[HANDLE].label


def test_a_batch_commits_once_at_its_end(store, world_path):
    before = world_path.read_bytes()
    revision = store.read().revision
    with store.batch():
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "first"
        with store.transaction() as world:
            assert label(world) == "first"
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "second"
        assert world_path.read_bytes() == before, "written before the batch ended"
    seen = open_store(world_path).read()
    assert (label(seen), seen.revision) == ("second", revision + 1)


def test_a_batch_that_undoes_what_it_did_writes_nothing(store, world_path):
    before, was = world_path.read_bytes(), label(store.read())
    with store.batch():
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "for a moment"
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = was
    assert world_path.read_bytes() == before


def test_a_failing_transaction_in_a_batch_is_undone_alone(store, world_path):
    with store.batch():
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "kept"
        with pytest.raises(RuntimeError):
            with store.transaction() as world:
                world.clusters[CLUSTER_ID].keys[HANDLE].label = "undone"
                del world.clusters[CLUSTER_ID].keys[262168]
                world.trail.append({"eventName": "Undone"})
                raise RuntimeError("refused half-way")
        with store.transaction() as world:
            assert label(world) == "kept" and 262168 in world.clusters[CLUSTER_ID].keys
            assert world.trail.recorded == []
    seen = open_store(world_path).read()
    assert label(seen) == "kept" and 262168 in seen.clusters[CLUSTER_ID].keys
    assert "Undone" not in [e.get("eventName") for e in seen.trail]


def test_what_a_batch_did_is_committed_even_if_it_ends_in_an_error(store, world_path):
    with pytest.raises(KeyError):
        with store.batch():
            with store.transaction() as world:
                world.clusters[CLUSTER_ID].keys[HANDLE].label = "done before the error"
            raise KeyError("after the transaction")
    assert label(open_store(world_path).read()) == "done before the error"


def test_a_batch_holds_the_lock_until_it_lets_go(store, world_path, monkeypatch):
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "0.2")
    other = open_store(world_path)
    with store.batch():
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "batched"
        with pytest.raises(WorldError, match="gave up waiting"):
            with other.transaction():
                pass
        store.let_go()  # as before a prompt: what it did is committed, and others may go on
        assert label(other.read()) == "batched"
        with other.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "by another"
        with store.transaction() as world:  # on its own now: sees the other's commit
            assert label(world) == "by another"


def test_a_read_in_a_batch_sees_the_batch_and_cannot_change_it(store):
    with store.batch():
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "in the batch"
        seen = store.read()
        assert label(seen) == "in the batch"
        seen.clusters[CLUSTER_ID].keys[HANDLE].label = "changed by a reader"
        with store.transaction() as world:
            assert label(world) == "in the batch"


def test_a_read_that_begins_a_batch_sees_the_file_and_later_reads_the_batch(store, world_path):
    was = label(open_store(world_path).read())
    with store.batch():
        assert label(store.read()) == was
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "in the batch"
        assert label(store.read()) == "in the batch"
    assert label(store.read()) == label(open_store(world_path).read()) == "in the batch"


@pytest.mark.parametrize("state", ["read from the file", "committed by this store", "changed by settling"])
def test_a_failing_first_transaction_of_a_batch_is_undone(store, world_path, state):
    # The batch's first transaction is put back to the world as loaded and settled, which the
    # store may know packed already: whichever way it was loaded, and not if settling changed it.
    was = label(store.read())
    if state == "committed by this store":
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = was = "committed"
    elif state == "read from the file":
        store = open_store(world_path)
    else:
        def settle(world):
            key = world.clusters[CLUSTER_ID].keys[HANDLE]
            changed, key.label = key.label != "settled", "settled"
            return changed

        store, was = Store(world_path, settle=settle), "settled"
    with store.batch():
        with pytest.raises(RuntimeError):
            with store.transaction() as world:
                world.clusters[CLUSTER_ID].keys[HANDLE].label = "undone"
                del world.clusters[CLUSTER_ID].keys[262168]
                raise RuntimeError("refused half-way")
        with store.transaction() as world:
            assert label(world) == was and 262168 in world.clusters[CLUSTER_ID].keys
    seen = open_store(world_path).read()
    assert label(seen) == was and 262168 in seen.clusters[CLUSTER_ID].keys


def test_a_batch_s_first_transaction_is_put_back_from_the_world_packed_as_loaded(store, monkeypatch):
    # Packed already (as read, or to be committed): packing it again for the checkpoint costs
    # 20 ms for a full hsm2m.medium, and a single command's batch took four such packs.
    from hsmshell.world import cache

    store.read()
    packs = []
    monkeypatch.setattr(cache, "pack", lambda w, _pack=cache.pack: packs.append(1) or _pack(w))
    with store.batch():
        with store.transaction() as world:
            assert packs == []
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "first"
    assert label(store.read()) == "first"


def test_a_part_that_cannot_be_put_back_is_refused_before_it_begins(store, world_path):
    """The world as a part begins is packed to put it back; one that holds a value the file
    cannot (left by the part before, refused when the batch commits) is refused at once."""
    before = world_path.read_bytes()
    refused = []
    with pytest.raises(WorldError, match="not saved, the world file cannot hold a value"):
        with store.batch():
            with store.transaction() as world:
                world.faults.append({"kind": "subnet_deleted", "subnet_id": object()})
            with pytest.raises(WorldError, match="the world holds a value the file cannot"):
                with store.transaction() as world:
                    refused.append("not begun")
            refused.append("refused")
    assert refused == ["refused"]
    assert world_path.read_bytes() == before


@pytest.mark.parametrize("part", [{"write": False}, {"undo": False}])
def test_a_look_or_a_part_without_undo_is_not_packed_and_drops_its_events_if_it_fails(
        store, world_path, monkeypatch, part):
    # Neither needs the world packed to put it back (a full hsm2m.medium packs in 15 ms):
    # a look promises no change, a part without undo leaves what it did (Store.transaction).
    from hsmshell.world import cache

    with store.batch():
        with store.transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = "kept"
        packs = []
        monkeypatch.setattr(cache, "pack", lambda w, _pack=cache.pack: packs.append(1) or _pack(w))
        with pytest.raises(RuntimeError):
            with store.transaction(**part) as world:
                world.trail.append({"eventName": "Dropped"})
                if part == {"undo": False}:
                    world.clusters[CLUSTER_ID].keys[HANDLE].label = "left as it was made"
                raise RuntimeError("refused half-way")
        assert packs == []
        with store.transaction(write=False) as world:
            assert world.trail.recorded == []
    seen = open_store(world_path).read()
    assert label(seen) == ("kept" if part == {"write": False} else "left as it was made")
    assert "Dropped" not in [e.get("eventName") for e in seen.trail]
