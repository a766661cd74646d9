"""What AWS refuses for a key in an AWS CloudHSM key store is refused with AWS's exception, after
the key is found (issue 20; kms-spec §2.13)."""

from __future__ import annotations

import pytest

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
ARN = f"arn:aws:kms:us-west-2:111122223333:key/{KEY}"
B64 = "Y292ZXJhZ2U="
ORIGIN = f"{ARN} origin is AWS_CLOUDHSM which is not valid for this operation."

REFUSALS = [
    ("EnableKeyRotation", {}, "UnsupportedOperationException", ORIGIN),
    ("DisableKeyRotation", {}, "UnsupportedOperationException", ORIGIN),
    ("GetKeyRotationStatus", {}, "UnsupportedOperationException", ORIGIN),
    ("ListKeyRotations", {}, "UnsupportedOperationException", ORIGIN),
    ("RotateKeyOnDemand", {}, "UnsupportedOperationException", ORIGIN),
    ("GetParametersForImport", {"WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_4096"},
     "UnsupportedOperationException", ORIGIN),
    ("ImportKeyMaterial", {"ImportToken": B64, "EncryptedKeyMaterial": B64}, "UnsupportedOperationException", ORIGIN),
    ("DeleteImportedKeyMaterial", {}, "UnsupportedOperationException", ORIGIN),
    ("GenerateDataKeyPair", {"KeyPairSpec": "RSA_2048"}, "UnsupportedOperationException", ORIGIN),
    ("GenerateDataKeyPairWithoutPlaintext", {"KeyPairSpec": "ECC_NIST_P256"}, "UnsupportedOperationException", ORIGIN),
    ("Sign", {"Message": B64, "SigningAlgorithm": "RSASSA_PSS_SHA_256"}, "InvalidKeyUsageException",
     f"{ARN} key usage is ENCRYPT_DECRYPT which is not valid for Sign."),
    ("Verify", {"Message": B64, "Signature": B64, "SigningAlgorithm": "ECDSA_SHA_256"}, "InvalidKeyUsageException",
     f"{ARN} key usage is ENCRYPT_DECRYPT which is not valid for Verify."),
    ("GenerateMac", {"Message": B64, "MacAlgorithm": "HMAC_SHA_256"}, "InvalidKeyUsageException",
     f"{ARN} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac."),
    ("VerifyMac", {"Message": B64, "MacAlgorithm": "HMAC_SHA_256", "Mac": B64}, "InvalidKeyUsageException",
     f"{ARN} key usage is ENCRYPT_DECRYPT which is not valid for VerifyMac."),
    ("DeriveSharedSecret", {"KeyAgreementAlgorithm": "ECDH", "PublicKey": B64}, "InvalidKeyUsageException",
     f"{ARN} key usage is ENCRYPT_DECRYPT which is not valid for DeriveSharedSecret."),
    ("GetPublicKey", {}, "UnsupportedOperationException", f"{ARN} is not an asymmetric KMS key: it has no public key."),
    ("ReplicateKey", {"ReplicaRegion": "us-east-1"}, "UnsupportedOperationException", f"{ARN} is not a multi-Region key."),
    ("UpdatePrimaryRegion", {"PrimaryRegion": "us-east-1"}, "UnsupportedOperationException",
     f"{ARN} is not a multi-Region key."),
]


@pytest.mark.parametrize("operation, params, code, message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_with_aws_s_exception(api, operation, params, code, message):
    error = api.error("kms", operation, KeyId=KEY, **params)
    assert (error.code, error.message) == (code, message)
    # The key is looked up first, and the model's required members checked before that.
    missing = api.error("kms", operation, KeyId="0000dcba-09fe-87dc-65ba-ab0987654321", **params)
    assert missing.code == "NotFoundException"
    for member in params:
        assert api.error("kms", operation, KeyId=KEY, **{k: v for k, v in params.items() if k != member}).code == \
            "ValidationException"


def test_every_refusal_is_tested():
    from hsmshell.kms.refusals import REFUSED

    assert sorted(r[0] for r in REFUSALS) == sorted(REFUSED)


def test_get_key_last_usage_reads_cloudtrail(api, store):
    import base64

    before = api.kms.GetKeyLastUsage(KeyId=KEY)
    assert "KeyLastUsage" not in before and before["KeyId"] == ARN
    api.kms.Encrypt(KeyId=KEY, Plaintext=base64.b64encode(b"x").decode())
    api.kms.DescribeKey(KeyId=KEY)  # not cryptographic
    usage = api.kms.GetKeyLastUsage(KeyId=KEY)["KeyLastUsage"]
    event = next(e for e in reversed(store.read().trail) if e["eventName"] == "Encrypt")
    assert (usage["Operation"], usage["CloudTrailEventId"], usage["KmsRequestId"]) == (
        "Encrypt", event["eventID"], event["requestID"])


@pytest.mark.parametrize("operation, spec", [("GenerateDataKeyPair", "RSA_2048"),
                                             ("GenerateDataKeyPairWithoutPlaintext", "ECC_NIST_P256")])
def test_a_standard_key_s_data_key_pairs_are_not_simulated_rather_than_refused_by_origin(api, operation, spec):
    standard = api.kms.CreateKey()["KeyMetadata"]["KeyId"]
    error = api.error("kms", operation, KeyId=standard, KeyPairSpec=spec)
    assert (error.code, error.message) == ("UnsupportedOperationException",
                                           f"This range does not simulate {operation}.")


def test_get_key_last_usage_reports_only_cryptographic_events_with_that_very_key(api):
    import base64

    first, middle, last = (m["KeyId"] for m in sorted((api.kms.CreateKey()["KeyMetadata"] for _ in range(3)),
                                                        key=lambda m: m["Arn"]))
    # Each key's CreateKey event names it, and is no cryptographic operation.
    assert "KeyLastUsage" not in api.kms.GetKeyLastUsage(KeyId=first)
    api.kms.Encrypt(KeyId=middle, Plaintext=base64.b64encode(b"x").decode())
    # An Encrypt with a key whose ARN sorts after or before is not this key's use.
    assert "KeyLastUsage" not in api.kms.GetKeyLastUsage(KeyId=first)
    assert "KeyLastUsage" not in api.kms.GetKeyLastUsage(KeyId=last)
    assert api.kms.GetKeyLastUsage(KeyId=middle)["KeyLastUsage"]["Operation"] == "Encrypt"
