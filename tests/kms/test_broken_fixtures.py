"""The broken-state fixtures labs start from: each loads in the state it names and is repaired
the way the runbook says, through `hsmshell aws` and the shells."""

from __future__ import annotations

import json

import pytest

from hsmshell.services import open_store

from ..conftest import STORE_ID, Doors
from .test_connection_errors import NEW_SUBNETS, aws, change_password_and_tell_kms, connect

CLUSTER = "cluster-1a23b4cdefg"


@pytest.fixture
def world_from(tmp_path, monkeypatch):
    def make(fixture: str) -> Doors:
        path = tmp_path / "world.yaml"
        open_store(path).create(fixture)
        monkeypatch.setenv("HSMSHELL_WORLD", str(path))
        return Doors(path)
    return make


def state(doors) -> tuple[str, str | None]:
    entry = doors.describe()
    return entry["ConnectionState"], entry.get("ConnectionErrorCode")


def test_invalid_credentials(world_from):
    doors = world_from("invalid-credentials")
    assert state(doors) == ("FAILED", "INVALID_CREDENTIALS")
    change_password_and_tell_kms(doors)
    connect(doors)
    assert state(doors) == ("CONNECTED", None)


@pytest.mark.parametrize("fixture, code", [("cluster-deleted", "CLUSTER_NOT_FOUND"),
                                           ("subnet-deleted", "SUBNET_NOT_FOUND")])
def test_restore_a_cluster_from_the_backup(world_from, fixture, code):
    doors = world_from(fixture)
    assert state(doors) == ("FAILED", code)
    backups = aws(doors, "cloudhsmv2", "describe-backups", "--filters", f"clusterIds={CLUSTER}")["Backups"]
    cluster = aws(doors, "cloudhsmv2", "create-cluster", "--hsm-type", "hsm1.medium", "--subnet-ids",
                  *NEW_SUBNETS, "--source-backup-id", backups[0]["BackupId"])["Cluster"]
    for zone in cluster["SubnetMapping"]:
        aws(doors, "cloudhsmv2", "create-hsm", "--cluster-id", cluster["ClusterId"], "--availability-zone", zone)
    aws(doors, "kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)
    aws(doors, "kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
        "--cloud-hsm-cluster-id", cluster["ClusterId"])
    connect(doors)
    assert state(doors) == ("CONNECTED", None)
    assert aws(doors, "kms", "describe-key", "--key-id", "1234abcd-12ab-34cd-56ef-1234567890ab")[
        "KeyMetadata"]["CloudHsmClusterId"] == cluster["ClusterId"]


def test_orphaned_key_material(world_from):
    doors = world_from("orphaned-key-material")
    (event,) = aws(doors, "cloudtrail", "lookup-events", "--lookup-attributes",
                   "AttributeKey=EventName,AttributeValue=DeleteKey")["Events"]
    status = json.loads(json.loads(event["CloudTrailEvent"])["additionalEventData"]["backingKeysDeletionStatus"])
    assert (status[0]["keyHandle"], status[0]["deletionStatus"]) == ("262162", "FAILURE")
    doors.cmu("loginHSM CO admin co12345\nchangePswd CU kmsuser tempPassword\ny\nquit\n")
    out = doors.kmu("loginHSM -u CU -s kmsuser -p tempPassword\ndeleteKey -k 262162\nlogoutHSM\nexit\n")
    assert "Cfm3DeleteKey returned: 0x00 : HSM Return: SUCCESS" in out
    assert 262162 not in open_store(doors.path).read().clusters[CLUSTER].keys
