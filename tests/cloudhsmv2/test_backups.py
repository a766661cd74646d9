"""Backups' own rules (hsmshell/cloudhsmv2/backups.py): what DescribeBackups lists and refuses,
which states DeleteBackup, RestoreBackup and CopyBackupToRegion take, what a backup holds,
and which backups the retention policy and the seven-day wait act on (kms-spec §6.2, §6.7,
§6.9, §6.10).

Backups the control plane never makes itself (one being created, one already DELETED, one of a
cluster that is gone) are written into the world by hand, as a fixture or a hand-edited world
holds them."""

from __future__ import annotations

import copy

import pytest

from hsmshell.cli import main as hsmshell
from hsmshell.cloudhsm import sessions

CLUSTER = "cluster-1a23b4cdefg"
BACKUP = "backup-9g87f6edcba"  # the fixture's, from 2018, NeverExpires
BELOW, ABOVE = "cluster-0000000000a", "cluster-zzzzzzzzzzz"  # gone clusters, sorting either side of CLUSTER
T0 = 1_800_000_000.0
DAY = 86400


@pytest.fixture
def frozen(store):
    with store.transaction() as world:
        world.clock.frozen_at = T0


def add_backup(store, backup_id: str, created: float, *, cluster_id: str = CLUSTER, state: str = "READY",
               **fields) -> None:
    """A backup written into the world by hand: the fixture's, under another id."""
    with store.transaction() as world:
        backup = copy.deepcopy(world.backups[BACKUP])
        backup.backup_id, backup.cluster_id, backup.create_timestamp = backup_id, cluster_id, created
        backup.state, backup.never_expires = state, False
        for name, value in fields.items():
            setattr(backup, name, value)
        world.backups[backup_id] = backup


def states(api) -> dict[str, tuple[str, float | None]]:
    return {b["BackupId"]: (b["BackupState"], b.get("DeleteTimestamp"))
            for b in api.cloudhsmv2.DescribeBackups()["Backups"]}


# -- DescribeBackups --------------------------------------------------------------------------

def test_describe_backups_names_the_first_unknown_filter_and_checks_never_expires(api):
    """GAP: the messages are ours (the reference gives the error, not its words)."""
    error = api.error("cloudhsmv2", "DescribeBackups", Filters={"size": ["1"], "colour": ["red"]})
    assert (error.code, error.message) == (
        "CloudHsmInvalidRequestException",
        "Invalid filter: colour. Valid filters are backupIds, sourceBackupIds, clusterIds, states, neverExpires.")
    error = api.error("cloudhsmv2", "DescribeBackups", Filters={"neverExpires": ["true", "maybe"]})
    assert (error.code, error.message) == (
        "CloudHsmInvalidRequestException", "Invalid value maybe for filter neverExpires: use true or false.")


def test_describe_backups_lists_a_backup_being_created_but_not_a_deleted_one(api, store):
    """A backup in CREATE_IN_PROGRESS is one (kms-spec §6.9: a copy starts so); a DELETED one is
    gone (§6.7: unrecoverable).  GAP: whether DELETED backups are listed is not documented."""
    add_backup(store, "backup-0creating000", T0, state="CREATE_IN_PROGRESS")
    add_backup(store, "backup-0deleted0000", T0, state="DELETED")
    assert states(api) == {"backup-0creating000": ("CREATE_IN_PROGRESS", None), BACKUP: ("READY", None)}
    assert api.cloudhsmv2.DescribeBackups(Filters={"states": ["DELETED"]})["Backups"] == []


# -- DeleteBackup, RestoreBackup, CopyBackupToRegion ------------------------------------------

def test_delete_backup_takes_only_a_ready_backup(api, frozen):
    """GAP: the reference does not say which states DeleteBackup refuses; ours: all but READY,
    so a backup pending deletion keeps its DeleteTimestamp."""
    api.cloudhsmv2.DeleteBackup(BackupId=BACKUP)
    hsmshell(["clock", "advance", "1d"])
    error = api.error("cloudhsmv2", "DeleteBackup", BackupId=BACKUP)
    assert (error.code, error.message) == (
        "CloudHsmInvalidRequestException",
        f"Backup {BACKUP} is in state PENDING_DELETION; only a READY backup can be deleted.")
    assert states(api)[BACKUP] == ("PENDING_DELETION", T0 + 7 * DAY)


@pytest.mark.parametrize("state", ["READY", "CREATE_IN_PROGRESS"])
def test_restore_backup_takes_only_a_backup_pending_deletion(api, store, state):
    """kms-spec §6.7: RestoreBackup's backup must be PENDING_DELETION.  GAP: the message."""
    add_backup(store, "backup-0other00000", T0, state=state)
    error = api.error("cloudhsmv2", "RestoreBackup", BackupId="backup-0other00000")
    assert (error.code, error.message) == (
        "CloudHsmInvalidRequestException", f"Backup backup-0other00000 is in state {state}; only a backup "
                                           "pending deletion can be restored.")


def test_copy_backup_to_region_checks_the_region_then_the_backup_s_state(api, store):
    """GAP (copy_to_region): a world of one Region refuses every copy, after the checks AWS
    makes; the messages are ours."""
    def message(backup_id: str, region: str) -> str:
        error = api.error("cloudhsmv2", "CopyBackupToRegion", BackupId=backup_id, DestinationRegion=region)
        assert error.code == "CloudHsmInvalidRequestException"
        return error.message

    assert message(BACKUP, "us-west-2") == "Destination Region us-west-2 is the backup's own Region."
    api.cloudhsmv2.DeleteBackup(BackupId=BACKUP)
    assert message(BACKUP, "us-east-1") == (
        f"Backup {BACKUP} is in state PENDING_DELETION; only a READY backup can be copied.")
    assert message(BACKUP, "us-west-2") == "Destination Region us-west-2 is the backup's own Region."
    api.cloudhsmv2.RestoreBackup(BackupId=BACKUP)
    with store.transaction() as world:
        world.region = "eu-west-1"  # a world of another Region: us-east-1 sorts after it
    assert message(BACKUP, "us-east-1") == (
        f"This world simulates only the Region eu-west-1: there is no us-east-1 to copy backup {BACKUP} to.")


# -- what a backup holds ----------------------------------------------------------------------

def test_a_backup_holds_the_cluster_s_token_keys_placed_on_no_hsm(store):
    """A session key belongs to its login, not to the cluster (it vanishes with it); the keys a
    backup holds are on no HSM until a cluster made from it gets one (clusters.create_hsm)."""
    with store.transaction() as world:
        cluster = world.clusters[CLUSTER]
        hsms = [h.hsm_id for h in cluster.hsms]
        sessions.open_session(world, "kms-session", "kms", CLUSTER, "kmsuser", "CU", hsms, None)
        token = sorted(cluster.keys)
        session_key = copy.deepcopy(cluster.keys[token[0]])
        session_key.session_id, session_key.hsms = "kms-session", hsms
        cluster.keys[cluster.next_handle] = session_key
        cluster.next_handle += 1
    assert hsmshell(["cluster", "backup", CLUSTER]) == 0
    world = store.read()
    backup = max(world.backups.values(), key=lambda b: b.create_timestamp)
    assert sorted(backup.keys) == token
    assert [k.hsms for k in backup.keys.values()] == [[]] * len(token)
    assert all(world.clusters[CLUSTER].keys[h].hsms == hsms for h in token)  # the cluster's are not moved


def test_a_backup_whose_cluster_is_gone_keeps_its_mode(api, store):
    """The backup's own Mode first (kms-spec §6 Backup shape); its cluster's only for a backup
    written before backups kept it."""
    add_backup(store, "backup-0nonfips0000", T0, cluster_id=BELOW, hsm_type="hsm2m.medium", mode="NON_FIPS")
    (backup,) = api.cloudhsmv2.DescribeBackups(Filters={"backupIds": ["backup-0nonfips0000"]})["Backups"]
    assert (backup["HsmType"], backup["Mode"]) == ("hsm2m.medium", "NON_FIPS")


# -- retention and the seven-day wait ---------------------------------------------------------

def test_retention_weighs_only_the_cluster_s_own_ready_backups(api, store, frozen):
    """The cluster's newest backup is its newest READY one, of its own (a newer one of another
    cluster, or one pending deletion, does not make it purgeable); backups of a cluster that is
    gone keep no policy (the User Guide: they are deleted by hand)."""
    add_backup(store, "backup-0pending0000", T0 - 10 * DAY)
    api.cloudhsmv2.DeleteBackup(BackupId="backup-0pending0000")
    add_backup(store, "backup-0own0000000", T0 - 200 * DAY)
    add_backup(store, "backup-0below000000", T0 - 100 * DAY, cluster_id=BELOW)
    add_backup(store, "backup-0above000000", T0 - 100 * DAY, cluster_id=ABOVE)
    assert states(api) == {"backup-0pending0000": ("PENDING_DELETION", T0 + 7 * DAY),
                           "backup-0below000000": ("READY", None), "backup-0above000000": ("READY", None),
                           "backup-0own0000000": ("READY", None), BACKUP: ("READY", None)}


def test_retention_purges_a_ready_backup_once_the_day_it_turns_the_period_old(api, store, frozen):
    """A backup is purged at the moment it is as old as the policy's days (GAP: the boundary is
    ours), once: a backup pending deletion keeps its DeleteTimestamp, and one still being
    created is left alone."""
    add_backup(store, "backup-0old0000000", T0 - 90 * DAY)
    add_backup(store, "backup-0creating000", T0 - 200 * DAY, state="CREATE_IN_PROGRESS")
    add_backup(store, "backup-1newest00000", T0 - DAY)
    assert states(api)["backup-0old0000000"] == ("PENDING_DELETION", T0 + 7 * DAY)
    hsmshell(["clock", "advance", "1d"])
    assert states(api) == {"backup-1newest00000": ("READY", None), "backup-0old0000000": (
        "PENDING_DELETION", T0 + 7 * DAY), "backup-0creating000": ("CREATE_IN_PROGRESS", None), BACKUP: ("READY", None)}


def test_a_purge_found_by_a_read_is_written_to_the_world(api, store, world_path, frozen):
    """The first command after a backup expires purges it, a read too: the world file then holds
    the backup pending deletion and its deletion due, as DeleteBackup leaves them."""
    add_backup(store, "backup-0old0000000", T0 - 100 * DAY)
    add_backup(store, "backup-1newest00000", T0 - DAY)
    assert "PENDING_DELETION" not in world_path.read_text()
    assert states(api)["backup-0old0000000"] == ("PENDING_DELETION", T0 + 7 * DAY)
    text = world_path.read_text()
    assert "state: PENDING_DELETION" in text and "kind: cloudhsmv2.backup_deleted" in text


@pytest.mark.parametrize("state", ["READY", "CREATE_IN_PROGRESS"])
def test_a_backup_no_longer_pending_deletion_when_the_wait_ends_is_kept(api, store, frozen, state):
    """Only a backup still PENDING_DELETION is deleted when its seven days end (kms-spec §6.7);
    here one a hand edit took out of that state while its deletion was due."""
    api.cloudhsmv2.DeleteBackup(BackupId=BACKUP)
    with store.transaction() as world:
        world.backups[BACKUP].state, world.backups[BACKUP].delete_timestamp = state, None
    assert hsmshell(["clock", "advance", "8d"]) == 0
    assert states(api) == {BACKUP: (state, None)}


def test_no_daily_backup_while_the_cluster_is_not_active(api, store, frozen):
    """A cluster being migrated (MODIFY_IN_PROGRESS) has active HSMs but takes no daily backup:
    the migration took one as it began, and the next day's is tried again a day later."""
    with store.transaction() as world:
        world.settings.control_plane_delay = 3 * DAY
    api.cloudhsmv2.ModifyCluster(ClusterId=CLUSTER, HsmType="hsm2m.medium")
    assert api.cloudhsmv2.DescribeClusters()["Clusters"][0]["State"] == "MODIFY_IN_PROGRESS"
    assert len(states(api)) == 2  # the fixture's, the migration's
    assert hsmshell(["clock", "advance", "2d"]) == 0
    assert len(states(api)) == 2
