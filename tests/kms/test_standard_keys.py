"""KMS keys outside custom key stores (origin AWS_KMS): what CreateKey makes with no origin, so
that a trainee can move data between a standard key and a key store key, and tooling that
creates both works; their material rotates (issue 20)."""

from __future__ import annotations

import base64
import json

import pytest

from hsmshell.cli import main as hsmshell

from ..conftest import STORE_ID

STORE_KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def new_key(api) -> dict:
    return api.kms.CreateKey(Description="standard")["KeyMetadata"]


def test_create_key_without_an_origin_makes_a_symmetric_aws_kms_key(api, store):
    meta = new_key(api)
    assert (meta["Origin"], meta["KeyState"], meta["Enabled"], meta["KeySpec"], meta["Description"]) == (
        "AWS_KMS", "Enabled", True, "SYMMETRIC_DEFAULT", "standard")
    assert "CustomKeyStoreId" not in meta and "CloudHsmClusterId" not in meta
    assert len(meta["CurrentKeyMaterialId"]) == 64
    event = next(e for e in reversed(store.read().trail) if e["eventName"] == "CreateKey")
    assert event["requestParameters"]["origin"] == "AWS_KMS" and "additionalEventData" not in event
    # What the range does not simulate is refused, not mistaken for a symmetric key.
    assert api.error("kms", "CreateKey", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY").code == "UnsupportedOperationException"
    assert api.error("kms", "CreateKey", Origin="EXTERNAL").code == "UnsupportedOperationException"
    assert api.error("kms", "CreateKey", Origin="AWS_KMS", CustomKeyStoreId=STORE_ID).code == \
        "UnsupportedOperationException"


def test_re_encrypt_between_a_standard_key_and_a_key_store_key(api):
    standard = new_key(api)["Arn"]
    blob = api.kms.Encrypt(KeyId=standard, Plaintext=b64(b"ledger"))["CiphertextBlob"]
    moved = api.kms.ReEncrypt(CiphertextBlob=blob, DestinationKeyId=STORE_KEY)
    assert moved["SourceKeyId"] == standard
    back = api.kms.ReEncrypt(CiphertextBlob=moved["CiphertextBlob"], DestinationKeyId=standard)
    assert api.kms.Decrypt(CiphertextBlob=back["CiphertextBlob"])["Plaintext"] == b64(b"ledger")
    # A standard key does not depend on the key store: disconnected, it still works.
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert api.kms.Decrypt(CiphertextBlob=blob)["KeyId"] == standard
    assert api.error("kms", "Decrypt", CiphertextBlob=moved["CiphertextBlob"]).code == "KMSInvalidStateException"


def test_rotation_keeps_old_ciphertext_readable(api):
    key = new_key(api)["KeyId"]
    assert api.kms.GetKeyRotationStatus(KeyId=key)["KeyRotationEnabled"] is False
    old = api.kms.Encrypt(KeyId=key, Plaintext=b64(b"before"))["CiphertextBlob"]
    material = api.kms.DescribeKey(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert api.kms.RotateKeyOnDemand(KeyId=key)["KeyId"].endswith(key)
    assert api.kms.DescribeKey(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"] != material
    new = api.kms.Encrypt(KeyId=key, Plaintext=b64(b"after"))["CiphertextBlob"]
    assert api.kms.Decrypt(CiphertextBlob=old)["Plaintext"] == b64(b"before")
    assert api.kms.Decrypt(CiphertextBlob=new)["Plaintext"] == b64(b"after")
    assert [r["RotationType"] for r in api.kms.ListKeyRotations(KeyId=key)["Rotations"]] == ["ON_DEMAND"]


def test_automatic_rotation_on_the_world_s_clock(api):
    key = new_key(api)["KeyId"]
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=90)
    status = api.kms.GetKeyRotationStatus(KeyId=key)
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 90)
    assert hsmshell(["clock", "advance", "91d"]) == 0
    assert [r["RotationType"] for r in api.kms.ListKeyRotations(KeyId=key)["Rotations"]] == ["AUTOMATIC"]
    assert api.kms.GetKeyRotationStatus(KeyId=key)["NextRotationDate"] > status["NextRotationDate"]
    api.kms.DisableKeyRotation(KeyId=key)
    assert hsmshell(["clock", "advance", "91d"]) == 0
    assert len(api.kms.ListKeyRotations(KeyId=key)["Rotations"]) == 1
    error = api.error("kms", "EnableKeyRotation", KeyId=key, RotationPeriodInDays=30)
    assert error.code == "ValidationException"


def test_rotation_follows_the_key_state(api):
    key = new_key(api)["KeyId"]
    api.kms.DisableKey(KeyId=key)
    assert api.error("kms", "EnableKeyRotation", KeyId=key).code == "DisabledException"
    api.kms.EnableKey(KeyId=key)
    api.kms.ScheduleKeyDeletion(KeyId=key, PendingWindowInDays=7)
    assert api.error("kms", "RotateKeyOnDemand", KeyId=key).code == "KMSInvalidStateException"
    assert hsmshell(["clock", "advance", "7d"]) == 0
    assert api.error("kms", "DescribeKey", KeyId=key).code == "NotFoundException"


def create_key_requests(store) -> list[dict]:
    return [e["requestParameters"] for e in store.read().trail if e["eventName"] == "CreateKey"]


@pytest.mark.parametrize("where", [{}, {"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": STORE_ID}])
def test_create_key_s_event_names_the_policy_only_when_one_was_given(api, store, where):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]})
    api.kms.CreateKey(Description="with a policy", Policy=policy, **where)
    api.kms.CreateKey(Description="default policy", **where)
    given, default = create_key_requests(store)[-2:]
    assert given["policy"] == policy and "policy" not in default


def test_the_deletion_of_a_standard_key_is_kms_s_own_event(api, store):
    key = new_key(api)["KeyId"]
    api.kms.ScheduleKeyDeletion(KeyId=key, PendingWindowInDays=7)
    assert hsmshell(["clock", "advance", "7d"]) == 0
    event = next(e for e in reversed(store.read().trail) if e["eventName"] == "DeleteKey")
    assert (event["eventType"], event["userIdentity"]) == (
        "AwsServiceEvent", {"accountId": "111122223333", "invokedBy": "AWS Internal"})
    assert "additionalEventData" not in event  # no backing key: its material was KMS's own
