"""The seed's procedures that involve key material, end to end through `hsmshell aws`, the
shells and the world's clock: "How to recover deleted key material for a CMK" and "How to
delete orphaned key material" (seed-fix-keystore.md)."""

from __future__ import annotations

import base64
import json

from hsmshell.cli import main as hsmshell

from ..conftest import STORE_ID
from .test_connection_errors import aws, delete_all_hsms, restore_cluster_from_latest_backup

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
ARN = f"arn:aws:kms:us-west-2:111122223333:key/{KEY}"
CLUSTER = "cluster-1a23b4cdefg"


def encrypt(doors, text: bytes) -> str:
    return aws(doors, "kms", "encrypt", "--key-id", KEY, "--plaintext", text.decode())["CiphertextBlob"]


def decrypt(doors, blob: str, tmp_path) -> tuple[int, str, str]:
    path = tmp_path / "ciphertext"
    path.write_bytes(base64.b64decode(blob))
    return doors.aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{path}",
                     "--query", "Plaintext", "--output", "text")


def kmsuser_session(doors, script: str) -> str:
    """Disconnect (if connected), give kmsuser a known password, work in key_mgmt_util, log
    out, tell KMS the password."""
    if doors.describe()["ConnectionState"] != "DISCONNECTED":
        aws(doors, "kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)
    doors.cmu("loginHSM CO admin co12345\nchangePswd CU kmsuser tempPassword\ny\nquit\n")
    out = doors.kmu(f"loginHSM -u CU -s kmsuser -p tempPassword\n{script}logoutHSM\nexit\n")
    aws(doors, "kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
        "--key-store-password", "tempPassword")
    return out


def test_recover_deleted_key_material_from_a_backup(doors, tmp_path):
    blob = encrypt(doors, b"made before the loss")
    # The cluster is lost: its HSMs removed (each removal backs it up), then the cluster.
    delete_all_hsms(doors)
    aws(doors, "cloudhsmv2", "delete-cluster", "--cluster-id", CLUSTER)
    assert doors.describe()["ConnectionState"] == "CONNECTED"  # KMS does not notice ...
    status, _, err = decrypt(doors, blob, tmp_path)  # ... but nothing decrypts
    assert status == 255 and "(KMSInvalidStateException)" in err
    # 1. find a backup with the key material; 2. create a cluster from it; 3.-4. disconnect and
    # edit the cluster ID (related: it shares the backup history); 5. reconnect.
    restore_cluster_from_latest_backup(doors, ["subnet-0aa1bb2cc3dd4ee5f", "subnet-0ff6ee5dd4cc3bb2a"])
    aws(doors, "kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert doors.describe()["ConnectionState"] == "CONNECTED"
    status, out, err = decrypt(doors, blob, tmp_path)
    assert (status, base64.b64decode(out)) == (0, b"made before the loss"), err


def test_key_material_deleted_from_the_hsms_fails_cryptography_until_recovered(doors, store, tmp_path):
    blob = encrypt(doors, b"secret")
    out = kmsuser_session(doors, "deleteKey -k 262162\n")
    assert "Cfm3DeleteKey returned: 0x00 : HSM Return: SUCCESS" in out
    aws(doors, "kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    meta = aws(doors, "kms", "describe-key", "--key-id", KEY)["KeyMetadata"]
    assert meta["KeyState"] == "Enabled"  # the key state does not change (kms-spec §3.3)
    status, _, err = decrypt(doors, blob, tmp_path)
    assert status == 255 and err.endswith("KMS cannot communicate with your CloudHSM cluster.\n")
    # The default world's backup predates the loss and holds the key (handle 262162), but
    # also kmsuser's password of that time, which KMS rotated since: the restored cluster
    # needs the invalid-credentials repair, which is the seed's tip to use a recent backup.
    cluster_id = restore_cluster_from_latest_backup(doors, ["subnet-0aa1bb2cc3dd4ee5f", "subnet-0ff6ee5dd4cc3bb2a"])
    assert 262162 in store.read().clusters[cluster_id].keys
    aws(doors, "kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert doors.describe()["ConnectionErrorCode"] == "INVALID_CREDENTIALS"
    with store.transaction() as world:  # the client host's tools now point at the new cluster
        world.client.cluster_id = cluster_id
        world.client.cmu_servers = [h.eni_ip for h in world.clusters[cluster_id].hsms]
    kmsuser_session(doors, "")
    aws(doors, "kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    status, out, err = decrypt(doors, blob, tmp_path)
    assert (status, base64.b64decode(out)) == (0, b"secret"), err


def test_orphaned_key_material_is_found_in_cloudtrail_and_deleted(doors, store):
    aws(doors, "kms", "schedule-key-deletion", "--key-id", KEY, "--pending-window-in-days", "7")
    aws(doors, "kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert hsmshell(["clock", "advance", "7d"]) == 0
    events = aws(doors, "cloudtrail", "lookup-events",
                 "--lookup-attributes", "AttributeKey=EventName,AttributeValue=DeleteKey")["Events"]
    assert len(events) == 1 and events[0]["Resources"] == [{"ResourceType": "AWS::KMS::Key", "ResourceName": ARN}]
    record = json.loads(events[0]["CloudTrailEvent"])
    assert (record["eventType"], record["userIdentity"]) == (
        "AwsServiceEvent", {"accountId": "111122223333", "invokedBy": "AWS Internal"})
    status = json.loads(record["additionalEventData"]["backingKeysDeletionStatus"])
    assert [(s["keyHandle"], s["deletionStatus"]) for s in status] == [("262162", "FAILURE")]
    assert record["additionalEventData"]["clusterId"] == CLUSTER
    assert doors.aws("kms", "describe-key", "--key-id", KEY)[0] == 255  # the KMS key is gone ...
    assert 262162 in store.read().clusters[CLUSTER].keys  # ... its material is not
    # The procedure: log in as kmsuser and delete the handle the trail names.
    out = kmsuser_session(doors, f"deleteKey -k {status[0]['keyHandle']}\n")
    assert "Cfm3DeleteKey returned: 0x00 : HSM Return: SUCCESS" in out
    world = store.read()
    assert not any(key.label == ARN for key in world.clusters[CLUSTER].keys.values())
    assert 262162 not in world.clusters[CLUSTER].keys  # on no node
    aws(doors, "kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert doors.describe()["ConnectionState"] == "CONNECTED"
