"""The backup retention policy: the service purges a cluster's backups older than its retention
period, except the cluster's newest and those marked NeverExpires (kms-spec §6.9, §6.10)."""

from __future__ import annotations

import io
import json

import pytest

from hsmshell.cli import main

CLUSTER = "cluster-1a23b4cdefg"
FIXTURE_BACKUP = "backup-9g87f6edcba"  # from 2018, NeverExpires in the fixture
T0 = 1_800_000_000.0
DAY = 86400


def hsmshell(world_path, *argv) -> str:
    out = io.StringIO()
    assert main(["--world", str(world_path), *argv], out, io.StringIO()) == 0
    return out.getvalue()


def aws(doors, *argv) -> dict:
    status, out, err = doors.aws("cloudhsmv2", *argv)
    assert status == 0, err
    return json.loads(out) if out else {}


def states(doors) -> dict[str, tuple[str, float | None]]:
    return {b["BackupId"]: (b["BackupState"], b.get("DeleteTimestamp"))
            for b in aws(doors, "describe-backups", "--filters", f"clusterIds={CLUSTER}")["Backups"]}


@pytest.fixture
def frozen(store):
    with store.transaction() as world:
        world.clock.frozen_at = T0


def test_a_backup_past_retention_is_purged_by_the_clock(world_path, doors, frozen):
    first = hsmshell(world_path, "cluster", "backup", CLUSTER).strip()
    hsmshell(world_path, "clock", "advance", "89d")  # the daily backup lands here
    assert states(doors)[first] == ("READY", None)
    hsmshell(world_path, "clock", "advance", "2d")
    now = states(doors)
    assert now[first] == ("PENDING_DELETION", T0 + 91 * DAY + 7 * DAY)  # as DeleteBackup does
    assert now[FIXTURE_BACKUP] == ("READY", None)  # NeverExpires
    assert [s for s, _ in now.values()].count("READY") == 3  # the two daily ones too
    hsmshell(world_path, "clock", "advance", "7d")
    assert first not in states(doors)  # after the seven days, gone for good
    status, _, err = doors.aws("cloudhsmv2", "restore-backup", "--backup-id", first)
    assert (status, err) == (255, "\nAn error occurred (CloudHsmResourceNotFoundException) when calling the "
                                  f"RestoreBackup operation: Backup {first} not found.\n")


def test_the_cluster_s_newest_backup_is_never_purged(world_path, doors, frozen):
    """Deleting a cluster's HSMs parks it with a fresh backup; parked for a year, that backup
    stays, the older ones go."""
    hsms = aws(doors, "describe-clusters")["Clusters"][0]["Hsms"]
    for hsm in hsms:
        aws(doors, "delete-hsm", "--cluster-id", CLUSTER, "--hsm-id", hsm["HsmId"])
        hsmshell(world_path, "clock", "advance", "1m")
    parked = aws(doors, "describe-backups", "--query", "Backups[0].BackupId")  # newest first
    hsmshell(world_path, "clock", "advance", "365d")
    after = states(doors)
    assert len(after) == 4  # no HSM, no daily backup
    assert {b: s for b, (s, _) in after.items() if s == "READY"} == {parked: "READY", FIXTURE_BACKUP: "READY"}


def test_never_expires_exempts_and_modify_backup_attributes_toggles_it(world_path, doors, frozen):
    kept = hsmshell(world_path, "cluster", "backup", CLUSTER).strip()
    backup = aws(doors, "modify-backup-attributes", "--backup-id", kept, "--never-expires")["Backup"]
    assert (backup["BackupId"], backup["BackupState"], backup["NeverExpires"]) == (kept, "READY", True)
    hsmshell(world_path, "clock", "advance", "100d")
    assert states(doors)[kept] == ("READY", None)
    assert aws(doors, "describe-backups", "--filters", "neverExpires=true", "--query",
               "Backups[].BackupId") == [kept, FIXTURE_BACKUP]
    assert aws(doors, "modify-backup-attributes", "--backup-id", kept, "--no-never-expires"
               )["Backup"]["NeverExpires"] is False
    assert states(doors)[kept] == ("PENDING_DELETION", T0 + 100 * DAY + 7 * DAY)  # the next command purges it


def test_modify_backup_attributes_errors(doors, api):
    assert doors.aws("cloudhsmv2", "modify-backup-attributes", "--backup-id", "backup-0000000000000",
                     "--never-expires") == (
        255, "", "\nAn error occurred (CloudHsmResourceNotFoundException) when calling the "
                 "ModifyBackupAttributes operation: Backup backup-0000000000000 not found.\n")
    assert doors.aws("cloudhsmv2", "modify-backup-attributes", "--backup-id", FIXTURE_BACKUP) == (
        255, "", '\nParameter validation failed:\nMissing required parameter in input: "NeverExpires"\n')
    status, _, err = doors.aws("cloudhsmv2", "modify-backup-attributes", "--never-expires")
    assert status == 2 and err.endswith("aws: error: the following arguments are required: --backup-id\n")
    # What only a raw JSON request can send reaches the service's own checks.
    assert api.error("cloudhsmv2", "ModifyBackupAttributes", BackupId=FIXTURE_BACKUP).message == (
        "1 validation error detected: Value null at 'neverExpires' failed to satisfy constraint: "
        "Member must not be null")
    assert api.error("cloudhsmv2", "ModifyBackupAttributes", NeverExpires=True).code == "ValidationException"
    assert api.error("cloudhsmv2", "ModifyBackupAttributes", BackupId=FIXTURE_BACKUP,
                     NeverExpires="yes").code == "SerializationException"
    assert api.cloudhsmv2.DescribeBackups(Filters={"backupIds": [FIXTURE_BACKUP]})["Backups"][0]["NeverExpires"]


def test_a_shorter_retention_applies_at_the_next_command(world_path, doors, frozen):
    first = hsmshell(world_path, "cluster", "backup", CLUSTER).strip()
    hsmshell(world_path, "clock", "advance", "10d")
    assert states(doors)[first] == ("READY", None)
    policy = aws(doors, "modify-cluster", "--cluster-id", CLUSTER, "--backup-retention-policy",
                 "Type=DAYS,Value=7", "--query", "Cluster.BackupRetentionPolicy")
    assert policy == {"Type": "DAYS", "Value": "7"}
    assert aws(doors, "describe-clusters", "--query", "Clusters[0].BackupRetentionPolicy.Value") == "7"
    assert states(doors)[first] == ("PENDING_DELETION", T0 + 17 * DAY)


def test_modify_cluster_errors(doors):
    def error(*argv):
        status, out, err = doors.aws("cloudhsmv2", "modify-cluster", *argv)
        assert (status, out) == (255, "")
        return err.split(" when calling the ModifyCluster operation: ")

    assert error("--cluster-id", "cluster-jxhlf7644ne", "--backup-retention-policy", "Type=DAYS,Value=30") == [
        "\nAn error occurred (CloudHsmResourceNotFoundException)", "Cluster cluster-jxhlf7644ne not found.\n"]
    for value in ("6", "380", "ninety"):
        assert error("--cluster-id", CLUSTER, "--backup-retention-policy", f"Type=DAYS,Value={value}") == [
            "\nAn error occurred (CloudHsmInvalidRequestException)",
            "BackupRetentionPolicy must be of Type DAYS with a Value from 7 to 379.\n"]
    assert error("--cluster-id", CLUSTER)[0] == "\nAn error occurred (CloudHsmInvalidRequestException)"
    assert aws(doors, "describe-clusters", "--query", "Clusters[0].BackupRetentionPolicy.Value") == "90"


def test_a_purged_backup_restores_and_stays_once_exempt(world_path, doors, frozen):
    first = hsmshell(world_path, "cluster", "backup", CLUSTER).strip()
    hsmshell(world_path, "clock", "advance", "91d")
    assert states(doors)[first][0] == "PENDING_DELETION"
    restored = aws(doors, "restore-backup", "--backup-id", first)["Backup"]
    assert restored["BackupState"] == "READY" and "DeleteTimestamp" not in restored
    # Still past the policy, it is purged again: the race the User Guide warns of.
    assert states(doors)[first][0] == "PENDING_DELETION"
    aws(doors, "modify-backup-attributes", "--backup-id", first, "--never-expires")
    assert states(doors)[first][0] == "PENDING_DELETION"  # exempting does not restore
    aws(doors, "restore-backup", "--backup-id", first)
    hsmshell(world_path, "clock", "advance", "30d")
    assert states(doors)[first] == ("READY", None)
    # A cluster can be made from it again.
    cluster = aws(doors, "create-cluster", "--hsm-type", "hsm1.medium", "--subnet-ids",
                  "subnet-0aa1bb2cc3dd4ee5f", "--source-backup-id", first)["Cluster"]
    assert cluster["SourceBackupId"] == first


def test_a_longer_retention_keeps_a_restored_backup(world_path, doors, frozen):
    first = hsmshell(world_path, "cluster", "backup", CLUSTER).strip()
    hsmshell(world_path, "clock", "advance", "91d")
    aws(doors, "modify-cluster", "--cluster-id", CLUSTER, "--backup-retention-policy", "Type=DAYS,Value=379")
    aws(doors, "restore-backup", "--backup-id", first)
    hsmshell(world_path, "clock", "advance", "200d")
    assert states(doors)[first] == ("READY", None)
    hsmshell(world_path, "clock", "advance", "90d")  # 381 days old
    assert states(doors)[first][0] == "PENDING_DELETION"


def test_the_backups_of_a_deleted_cluster_keep_no_policy(world_path, doors, frozen):
    for hsm in aws(doors, "describe-clusters")["Clusters"][0]["Hsms"]:
        aws(doors, "delete-hsm", "--cluster-id", CLUSTER, "--hsm-id", hsm["HsmId"])
        hsmshell(world_path, "clock", "advance", "1m")
    aws(doors, "delete-cluster", "--cluster-id", CLUSTER)
    hsmshell(world_path, "clock", "advance", "400d")
    assert aws(doors, "describe-clusters") == {"Clusters": []}
    assert [s for s, _ in states(doors).values()] == ["READY"] * 4
