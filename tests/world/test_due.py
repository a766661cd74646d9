"""Due transitions (world/due.py): cancelling one takes only that one (its kind, its resource),
and what fell due while no one looked is settled once, by the first look, and kept: every tool
that looks later sees it as that look did.  A look that settles nothing writes nothing."""

from __future__ import annotations

import types

import pytest
import yaml

from hsmshell.cli import main as hsmshell
from hsmshell.services import open_store
from hsmshell.world import clock

from ..aws.botocore_check import Api

CLUSTER = "cluster-1a23b4cdefg"
T0 = 1_700_000_000.0
DAY = 86400


@pytest.fixture
def api(store) -> Api:
    return Api(store)


def frozen(store, *, generation: str | None = None, delay: float = 0.0) -> None:
    with store.transaction() as world:
        world.clock.frozen_at = T0
        world.settings.control_plane_delay = delay
        if generation:
            world.generation = generation


def next_rotation(api, key: str) -> float | None:
    return api.kms.GetKeyRotationStatus(KeyId=key).get("NextRotationDate")


def test_enabling_one_key_s_rotation_again_reschedules_that_key_alone(api, store):
    """EnableKeyRotation with a new period cancels the key's rotation due and schedules the new
    one: the keys whose IDs sort before and after it keep theirs."""
    frozen(store)
    lo, mid, hi = sorted(api.kms.CreateKey(Description=name)["KeyMetadata"]["KeyId"] for name in "abc")
    for key in (lo, mid, hi):
        api.kms.EnableKeyRotation(KeyId=key)
    api.kms.EnableKeyRotation(KeyId=mid, RotationPeriodInDays=90)
    assert [next_rotation(api, k) for k in (lo, mid, hi)] == [T0 + 365 * DAY, T0 + 90 * DAY, T0 + 365 * DAY]
    assert len(store.read().due) == 3


def test_cancelling_a_key_s_deletion_keeps_its_rotation(api, store):
    """CancelKeyDeletion cancels the key's deletion due, not its rotation (a due of a kind that
    sorts after, for the same key): the key comes back disabled, rotation still on schedule."""
    frozen(store)
    key = api.kms.CreateKey(Description="rotating")["KeyMetadata"]["KeyId"]
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=90)
    api.kms.ScheduleKeyDeletion(KeyId=key, PendingWindowInDays=7)
    api.kms.CancelKeyDeletion(KeyId=key)
    assert next_rotation(api, key) == T0 + 90 * DAY
    api.kms.EnableKey(KeyId=key)
    assert hsmshell(["clock", "advance", "91d"]) == 0
    assert [r["RotationType"] for r in api.kms.ListKeyRotations(KeyId=key)["Rotations"]] == ["AUTOMATIC"]
    assert api.kms.DescribeKey(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"


def test_a_backup_taken_during_a_migration_lets_the_migration_finish(api, store):
    """A backup cancels the cluster's daily-backup due, not the migration's (a due of a kind
    that sorts before, for the same cluster)."""
    frozen(store, generation="current", delay=600)
    api.cloudhsmv2.ModifyCluster(ClusterId=CLUSTER, HsmType="hsm2m.medium")
    assert hsmshell(["cluster", "backup", CLUSTER]) == 0
    assert hsmshell(["clock", "advance", "10m"]) == 0
    cluster = api.cloudhsmv2.DescribeClusters(Filters={"clusterIds": [CLUSTER]})["Clusters"][0]
    assert (cluster["State"], cluster["HsmType"]) == ("ACTIVE", "hsm2m.medium")


@pytest.fixture
def wall_clock(monkeypatch) -> list[float]:
    """The wall clock the world's clock reads, moved by hand."""
    now = [T0]
    monkeypatch.setattr(clock, "time", types.SimpleNamespace(time=lambda: now[0]))
    return now


def test_what_fell_due_while_no_one_looked_is_kept_by_the_first_look(api, store, world_path, wall_clock):
    """Store.read, as the TUI looks, settles the key's rotation that fell due and writes it: a
    tool that looks an hour later sees the rotation of the time the first look made it, not one
    made again at its own time."""
    key = api.kms.CreateKey(Description="rotating")["KeyMetadata"]["KeyId"]
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=90)
    wall_clock[0] += 91 * DAY
    first = open_store(world_path).read().kms_keys[key].rotations
    assert [(r["rotation_type"], r["rotation_date"]) for r in first] == [("AUTOMATIC", T0 + 91 * DAY)]
    wall_clock[0] += 3600
    assert open_store(world_path).read().kms_keys[key].rotations == first
    saved = yaml.safe_load(world_path.read_text())
    assert [len(k.get("rotations", [])) for k in saved["kms_keys"] if k["key_id"] == key] == [1]


def test_a_look_that_settles_nothing_leaves_a_hand_written_world_as_written(api, world_path, wall_clock):
    """A look writes the world file only if settling changed the world: a rotation due in a
    year is no reason to rewrite a file someone wrote by hand (their comment stays)."""
    key = api.kms.CreateKey(Description="rotating")["KeyMetadata"]["KeyId"]
    api.kms.EnableKeyRotation(KeyId=key)
    text = "# Written by hand: one key that rotates yearly.\n" + world_path.read_text()
    world_path.write_text(text)
    wall_clock[0] += DAY
    assert open_store(world_path).read().kms_keys[key].rotation_period_days == 365
    assert world_path.read_text() == text
