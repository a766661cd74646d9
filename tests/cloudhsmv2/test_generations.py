"""Clusters of both generations on the control plane: HSM type and mode, hsm1.medium refused
in the current generation, the hsm1.medium -> hsm2m.medium migration and its rollback window.
Every response is checked against botocore's model (tests/aws/botocore_check.py)."""

from __future__ import annotations

import json

import pytest

from hsmshell.cli import main as hsmshell

CLUSTER = "cluster-1a23b4cdefg"
BACKUP = "backup-9g87f6edcba"
SUBNETS = ["subnet-0aa1bb2cc3dd4ee5f", "subnet-0ff6ee5dd4cc3bb2a"]
T0 = 1_700_000_000.0
DAY = 86400


def current(store, *, delay: float = 0.0) -> None:
    with store.transaction() as world:
        world.generation = "current"
        world.clock.frozen_at = T0
        world.settings.control_plane_delay = delay


def cluster_of(api, cluster_id: str = CLUSTER) -> dict:
    return api.cloudhsmv2.DescribeClusters(Filters={"clusterIds": [cluster_id]})["Clusters"][0]


def test_an_old_world_s_cluster_and_backup_show_what_they_are(api):
    cluster = cluster_of(api)
    assert (cluster["HsmType"], cluster["Mode"]) == ("hsm1.medium", "FIPS")
    assert "HsmTypeRollbackExpiration" not in cluster
    assert {h["HsmType"] for h in cluster["Hsms"]} == {"hsm1.medium"}
    (backup,) = api.cloudhsmv2.DescribeBackups(Filters={"backupIds": [BACKUP]})["Backups"]
    assert (backup["HsmType"], backup["Mode"]) == ("hsm1.medium", "FIPS")


@pytest.mark.parametrize("mode", ["FIPS", "NON_FIPS", None])
def test_create_an_hsm2m_cluster_in_a_mode(api, store, mode):
    current(store)
    made = api.cloudhsmv2.CreateCluster(HsmType="hsm2m.medium", SubnetIds=SUBNETS,
                                        **({"Mode": mode} if mode else {}))["Cluster"]
    # GAP: with no Mode the cluster is FIPS (clusters.mode_of says why).
    assert (made["HsmType"], made["Mode"], made["State"]) == ("hsm2m.medium", mode or "FIPS", "CREATE_IN_PROGRESS")
    assert cluster_of(api, made["ClusterId"])["Mode"] == (mode or "FIPS")


def test_a_mode_outside_the_enum_is_a_validation_error(api, store):
    error = api.error("cloudhsmv2", "CreateCluster", HsmType="hsm2m.medium", SubnetIds=SUBNETS, Mode="FIPS_140_3")
    assert (error.code, error.message) == (
        "ValidationException", "1 validation error detected: Value 'FIPS_140_3' at 'mode' failed to satisfy "
        "constraint: Member must satisfy enum value set: [FIPS, NON_FIPS]")
    assert len(store.read().clusters) == 1


def test_the_current_generation_creates_no_hsm1_cluster(api, store):
    current(store)
    for params in ({}, {"SourceBackupId": BACKUP}):
        error = api.error("cloudhsmv2", "CreateCluster", HsmType="hsm1.medium", SubnetIds=SUBNETS, **params)
        assert error.code == "CloudHsmInvalidRequestException"
        assert "hsm1.medium has reached end of support" in error.message
    assert len(store.read().clusters) == 1
    with store.transaction() as world:
        world.generation = None  # the SDK 3 era, as in 2024: both types
    assert api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)["Cluster"]["HsmType"] == "hsm1.medium"
    assert api.cloudhsmv2.CreateCluster(HsmType="hsm2m.medium", SubnetIds=SUBNETS)["Cluster"]["HsmType"] == "hsm2m.medium"


def test_hsm1_is_fips_only(api):
    error = api.error("cloudhsmv2", "CreateCluster", HsmType="hsm1.medium", SubnetIds=SUBNETS, Mode="NON_FIPS")
    assert error.code == "CloudHsmInvalidRequestException"


def test_an_hsm1_backup_restores_into_hsm2m_in_the_current_generation(api, store):
    current(store)
    made = api.cloudhsmv2.CreateCluster(HsmType="hsm2m.medium", SubnetIds=SUBNETS, SourceBackupId=BACKUP)["Cluster"]
    assert (made["HsmType"], made["Mode"], made["SourceBackupId"]) == ("hsm2m.medium", "FIPS", BACKUP)
    assert sorted(store.read().clusters[made["ClusterId"]].keys) == [262162, 262168]
    error = api.error("cloudhsmv2", "CreateCluster", HsmType="hsm2m.medium", SubnetIds=SUBNETS,
                      SourceBackupId=BACKUP, Mode="NON_FIPS")
    assert (error.code, error.message) == ("CloudHsmInvalidRequestException", f"Backup {BACKUP} was taken in FIPS "
                                           "mode; a cluster created from it must use the same mode.")


def test_backups_carry_their_cluster_s_type_and_mode(api, store):
    current(store)
    cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm2m.medium", SubnetIds=SUBNETS, Mode="NON_FIPS")["Cluster"]
    cluster_id = cluster["ClusterId"]
    api.cloudhsmv2.CreateHsm(ClusterId=cluster_id, AvailabilityZone="us-west-2a")
    with store.transaction() as world:
        world.clusters[cluster_id].state = "ACTIVE"  # as `cluster activate` leaves it, without its backup
    api.cloudhsmv2.CreateHsm(ClusterId=cluster_id, AvailabilityZone="us-west-2b")  # backs the cluster up
    (backup,) = api.cloudhsmv2.DescribeBackups(Filters={"clusterIds": [cluster_id]})["Backups"]
    assert (backup["HsmType"], backup["Mode"]) == ("hsm2m.medium", "NON_FIPS")
    error = api.error("cloudhsmv2", "CreateCluster", HsmType="hsm2m.medium", SubnetIds=SUBNETS,
                      SourceBackupId=backup["BackupId"], Mode="FIPS")
    assert error.code == "CloudHsmInvalidRequestException"
    restored = api.cloudhsmv2.CreateCluster(HsmType="hsm2m.medium", SubnetIds=SUBNETS,
                                            SourceBackupId=backup["BackupId"])["Cluster"]
    assert restored["Mode"] == "NON_FIPS"
    with store.transaction() as world:
        world.generation = None
    error = api.error("cloudhsmv2", "CreateCluster", HsmType="hsm1.medium", SubnetIds=SUBNETS,
                      SourceBackupId=backup["BackupId"])
    assert "cannot be restored to a cluster of HSM type hsm1.medium" in error.message


def test_migrate_then_roll_back_within_the_window(api, store):
    current(store, delay=600)
    backups_before = len(api.cloudhsmv2.DescribeBackups(Filters={"clusterIds": [CLUSTER]})["Backups"])
    modified = api.cloudhsmv2.ModifyCluster(ClusterId=CLUSTER, HsmType="hsm2m.medium")["Cluster"]
    assert (modified["State"], modified["HsmType"], modified["HsmTypeRollbackExpiration"]) == (
        "MODIFY_IN_PROGRESS", "hsm1.medium", T0 + DAY)
    # "Before migrating the first HSM, AWS CloudHSM creates a full backup of the entire cluster."
    assert len(api.cloudhsmv2.DescribeBackups(Filters={"clusterIds": [CLUSTER]})["Backups"]) == backups_before + 1
    error = api.error("cloudhsmv2", "ModifyCluster", ClusterId=CLUSTER, HsmType="hsm1.medium")
    assert "MODIFY_IN_PROGRESS" in error.message  # not ACTIVE yet
    assert hsmshell(["clock", "advance", "10m"]) == 0
    migrated = cluster_of(api)
    assert (migrated["State"], migrated["HsmType"], migrated["HsmTypeRollbackExpiration"], migrated["Mode"]) == (
        "ACTIVE", "hsm2m.medium", T0 + DAY, "FIPS")
    assert {h["HsmType"] for h in migrated["Hsms"]} == {"hsm2m.medium"}
    assert len(migrated["Hsms"]) == 3  # replaced HSMs keep their addresses

    rolling = api.cloudhsmv2.ModifyCluster(ClusterId=CLUSTER, HsmType="hsm1.medium")["Cluster"]
    assert (rolling["State"], rolling["HsmType"]) == ("ROLLBACK_IN_PROGRESS", "hsm2m.medium")
    assert hsmshell(["clock", "advance", "10m"]) == 0
    back = cluster_of(api)
    assert (back["State"], back["HsmType"]) == ("ACTIVE", "hsm1.medium")
    assert "HsmTypeRollbackExpiration" not in back
    events = [json.loads(e["CloudTrailEvent"]) for e in api.cloudtrail.LookupEvents(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "ModifyCluster"}])["Events"]]
    assert [(e["requestParameters"]["hsmType"], e.get("errorCode")) for e in reversed(events)] == [
        ("hsm2m.medium", None), ("hsm1.medium", "CloudHsmInvalidRequestException"), ("hsm1.medium", None)]


def test_after_the_window_no_rollback(api, store):
    current(store)
    api.cloudhsmv2.ModifyCluster(ClusterId=CLUSTER, HsmType="hsm2m.medium")
    assert cluster_of(api)["State"] == "ACTIVE"
    assert hsmshell(["clock", "advance", "24h"]) == 0
    error = api.error("cloudhsmv2", "ModifyCluster", ClusterId=CLUSTER, HsmType="hsm1.medium")
    assert (error.code, error.message) == ("CloudHsmInvalidRequestException", f"The rollback window of cluster "
                                           f"{CLUSTER} has expired: it can no longer be rolled back to HSM type "
                                           "hsm1.medium.")
    assert cluster_of(api)["HsmType"] == "hsm2m.medium"


def test_other_type_changes_are_refused(api, store):
    current(store)
    error = api.error("cloudhsmv2", "ModifyCluster", ClusterId=CLUSTER, HsmType="hsm3.large")
    assert error.message == "Invalid HSM type hsm3.large. Valid HSM types are hsm1.medium, hsm2m.medium."
    made = api.cloudhsmv2.CreateCluster(HsmType="hsm2m.medium", SubnetIds=SUBNETS)["Cluster"]["ClusterId"]
    error = api.error("cloudhsmv2", "ModifyCluster", ClusterId=made, HsmType="hsm1.medium")
    assert "UNINITIALIZED" in error.message  # not ACTIVE
    with store.transaction() as world:
        world.clusters[made].state = "ACTIVE"
    error = api.error("cloudhsmv2", "ModifyCluster", ClusterId=made, HsmType="hsm1.medium")
    assert error.message == f"Cluster {made} of HSM type hsm2m.medium cannot be modified to HSM type hsm1.medium."
    assert store.read().clusters[made].hsm_type == "hsm2m.medium"


def test_the_sdk3_era_migrates_too(api, store):
    """As in 2024-2025, when AWS offered the migration to hsm1.medium clusters."""
    api.cloudhsmv2.ModifyCluster(ClusterId=CLUSTER, HsmType="hsm2m.medium")
    assert cluster_of(api)["HsmType"] == "hsm2m.medium"


def test_the_mode_shows_in_the_hsm_certificate_and_cluster_hsm_info(api, store):
    from cryptography import x509

    from ..shells.cli.conftest import Cli

    def partition_name() -> str:
        pem = cluster_of(api)["Certificates"]["HsmCertificate"]
        subject = x509.load_pem_x509_certificate(pem.encode()).subject
        return subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value

    assert partition_name().endswith(":PARTN:0, for FIPS mode")
    fips_states = {h["fips-state"] for h in Cli(store)("cluster", "hsm-info").json["data"]["hsms"]}
    assert fips_states == {"2 [FIPS mode with single factor authentication]"}
    with store.transaction() as world:
        world.clusters[CLUSTER].hsm_type, world.clusters[CLUSTER].mode = "hsm2m.medium", "NON_FIPS"
    assert partition_name().endswith(":PARTN:0, for NON-FIPS mode")
    fips_states = {h["fips-state"] for h in Cli(store)("cluster", "hsm-info").json["data"]["hsms"]}
    assert fips_states == {"0 [non-FIPS mode with single factor authentication]"}
