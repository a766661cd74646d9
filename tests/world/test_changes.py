"""Telling a transaction that changed nothing: a snapshot of the world says "unchanged" exactly
when the world's text would be what it was, whatever commands did to it, in place or by
replacement."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hsmshell.world import cache
from hsmshell.world.changes import Snapshot
from hsmshell.world.model import CliCluster
from hsmshell.world.store import Store

from .test_emitter import ACTIONS, CLUSTER_ID, change, safe_text, text_of


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 50), safe_text), min_size=1, max_size=12))
@example([("replace key equal", 0, ""), ("label", 0, "yes")])  # the replacement changed afterwards
@example([("attribute", 0, "x")])  # deep inside plain data a key holds
@example([("share", 0, "")])  # a list of scalars, in place
@example([("event", 1, "a"), ("event in place", 0, "b")])
@example([("user in place", 1, "")])
def test_a_snapshot_sees_every_change_and_nothing_else(template_world, changes):
    world = Store(template_world / "world.yaml").read()
    for action, n, text in changes:
        snapshot, before = Snapshot(world), text_of(world)
        change(world, action, n, text)
        assert snapshot.unchanged(world) == (text_of(world) == before), (action, n, text)


def test_a_change_undone_or_an_equal_copy_is_no_change(template_world):
    world = Store(template_world / "world.yaml").read()
    snapshot = Snapshot(world)
    cluster = world.clusters[CLUSTER_ID]
    handle = next(iter(cluster.keys))
    cluster.keys[handle] = copy.deepcopy(cluster.keys[handle])
    world.faults.append({"kind": "x"})
    world.faults.pop()
    assert snapshot.unchanged(world)
    assert not snapshot.unchanged(copy.deepcopy(world))  # another world is never taken for this one


def test_what_is_not_saved_in_the_world_file_is_no_change(template_world):
    world = Store(template_world / "world.yaml").read()
    snapshot = Snapshot(world)
    world.trail.append({"eventName": "Encrypt"})  # kept beside the world file
    assert snapshot.unchanged(world)
    world.clock.offset += 1
    assert not snapshot.unchanged(world)


@pytest.fixture(scope="module")
def current_world(tmp_path_factory):
    """A world of the current generation: its client holds the CloudHSM CLI's configuration, a
    record of one field (its clusters) in a field that may be None."""
    store = Store(tmp_path_factory.mktemp("current") / "world.yaml")
    store.create("current")
    return store


@pytest.mark.parametrize("change", [
    lambda cli: setattr(cli.clusters[0], "disable_key_availability_check", True),
    lambda cli: cli.clusters[0].hsm_addresses.append("10.0.3.11"),
    lambda cli: cli.clusters.append(CliCluster(cluster_id="cluster-2b34c5defgh")),
], ids=["a cluster's field", "a cluster's addresses", "its clusters"])
def test_a_snapshot_sees_a_change_inside_the_cloudhsm_cli_s_configuration(current_world, change):
    world = cache.copy(current_world.read())
    snapshot = Snapshot(world)
    assert world.client.cli.clusters and snapshot.unchanged(world)
    change(world.client.cli)
    assert not snapshot.unchanged(world)
