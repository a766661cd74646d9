"""Backups the service takes by itself: one a day."""

from __future__ import annotations

import io
import json

from hsmshell.cli import main

CLUSTER = "cluster-1a23b4cdefg"


def hsmshell(world_path, *argv) -> str:
    out = io.StringIO()
    assert main(["--world", str(world_path), *argv], out, io.StringIO()) == 0
    return out.getvalue()


def backups(doors) -> list[dict]:
    status, out, err = doors.aws("cloudhsmv2", "describe-backups", "--filters", f"clusterIds={CLUSTER}",
                                 "--sort-ascending")
    assert status == 0, err
    return json.loads(out)["Backups"]


def test_a_backup_a_day_once_the_cluster_has_had_one(world_path, store, doors):
    with store.transaction() as world:
        world.clock.frozen_at = 1_800_000_000.0
    assert len(backups(doors)) == 1  # the fixture's own, from 2018: no backup on loading
    hsmshell(world_path, "clock", "advance", "3d")
    assert len(backups(doors)) == 1
    taken = hsmshell(world_path, "cluster", "backup", CLUSTER).strip()
    hsmshell(world_path, "clock", "advance", "23h")
    assert [b["BackupId"] for b in backups(doors)][-1] == taken
    hsmshell(world_path, "clock", "advance", "1h")
    after = backups(doors)
    assert len(after) == 3 and after[-1]["CreateTimestamp"] == 1_800_000_000.0 + 4 * 86400


def test_a_cluster_without_hsms_takes_no_backup_and_tries_again(world_path, store, doors):
    with store.transaction() as world:
        world.clock.frozen_at = 1_800_000_000.0
    hsmshell(world_path, "cluster", "backup", CLUSTER)
    with store.transaction() as world:
        for hsm in world.clusters[CLUSTER].hsms:
            hsm.state = "DELETE_IN_PROGRESS"
    hsmshell(world_path, "clock", "advance", "2d")
    assert len(backups(doors)) == 2
    with store.transaction() as world:
        for hsm in world.clusters[CLUSTER].hsms:
            hsm.state = "ACTIVE"
    hsmshell(world_path, "clock", "advance", "1d")
    assert len(backups(doors)) == 3
