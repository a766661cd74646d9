"""Encrypt, Decrypt, ReEncrypt, data keys and GenerateRandom: real AES-GCM under the backing
key's material, ciphertext bound to its KMS key (kms-spec §2.13, §2.14)."""

from __future__ import annotations

import base64

from ..aws.botocore_check import b64
from ..conftest import STORE_ID

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER = "0987dcba-09fe-87dc-65ba-ab0987654321"
ARN = f"arn:aws:kms:us-west-2:111122223333:key/{KEY}"


def encrypt(api, data=b"hello", key=KEY, **extra) -> str:
    return api.kms.Encrypt(KeyId=key, Plaintext=b64(data), **extra)["CiphertextBlob"]


def test_round_trip_needs_no_key_id_and_binds_the_context(api):
    blob = encrypt(api, EncryptionContext={"purpose": "test"})
    response = api.kms.Decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "test"})
    assert (base64.b64decode(response["Plaintext"]), response["KeyId"]) == (b"hello", ARN)
    assert api.error("kms", "Decrypt", CiphertextBlob=blob).code == "InvalidCiphertextException"
    assert api.error("kms", "Decrypt", CiphertextBlob=blob, EncryptionContext={"purpose": "other"}
                     ).code == "InvalidCiphertextException"
    assert api.error("kms", "Decrypt", CiphertextBlob=blob, EncryptionContext={"purpose": "test"},
                     KeyId=OTHER).code == "IncorrectKeyException"
    tampered = bytearray(base64.b64decode(blob))
    tampered[-1] ^= 1
    assert api.error("kms", "Decrypt", CiphertextBlob=b64(bytes(tampered)),
                     EncryptionContext={"purpose": "test"}).code == "InvalidCiphertextException"


def test_ciphertext_really_depends_on_the_backing_material(api, store):
    blob = encrypt(api)
    with store.transaction() as world:  # same handle, other bytes: as if the key were replaced
        key = world.clusters["cluster-1a23b4cdefg"].keys[262162]
        key.material = world.sealer.seal(bytes(32))
    assert api.error("kms", "Decrypt", CiphertextBlob=blob).code == "InvalidCiphertextException"


def test_re_encrypt_moves_a_ciphertext_to_another_key(api):
    response = api.kms.ReEncrypt(CiphertextBlob=encrypt(api), DestinationKeyId=OTHER)
    assert (response["SourceKeyId"], response["KeyId"]) == (ARN, f"arn:aws:kms:us-west-2:111122223333:key/{OTHER}")
    assert base64.b64decode(api.kms.Decrypt(CiphertextBlob=response["CiphertextBlob"])["Plaintext"]) == b"hello"


def test_data_keys(api):
    with_plaintext = api.kms.GenerateDataKey(KeyId=KEY, KeySpec="AES_256")
    plaintext = base64.b64decode(with_plaintext["Plaintext"])
    assert len(plaintext) == 32
    decrypted = api.kms.Decrypt(CiphertextBlob=with_plaintext["CiphertextBlob"])["Plaintext"]
    assert base64.b64decode(decrypted) == plaintext
    without = api.kms.GenerateDataKeyWithoutPlaintext(KeyId=KEY, NumberOfBytes=16)
    assert len(base64.b64decode(api.kms.Decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"])) == 16
    assert api.error("kms", "GenerateDataKey", KeyId=KEY).code == "ValidationException"
    assert api.error("kms", "GenerateDataKey", KeyId=KEY, KeySpec="AES_128", NumberOfBytes=16
                     ).code == "ValidationException"


def test_key_states_refuse_cryptography(api):
    api.kms.DisableKey(KeyId=KEY)
    error = api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x"))
    assert (error.code, error.message) == ("DisabledException", f"{ARN} is disabled.")
    api.kms.ScheduleKeyDeletion(KeyId=KEY)
    assert api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x")).message == f"{ARN} is pending deletion."
    blob = encrypt(api, key=OTHER)
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    error = api.error("kms", "Decrypt", CiphertextBlob=blob)
    assert (error.code, error.message) == ("KMSInvalidStateException",
                                           f"arn:aws:kms:us-west-2:111122223333:key/{OTHER} is unavailable.")
    assert api.error("kms", "GenerateDataKeyWithoutPlaintext", KeyId=OTHER, KeySpec="AES_256"
                     ).code == "KMSInvalidStateException"
    assert api.error("kms", "ReEncrypt", CiphertextBlob=blob, DestinationKeyId=OTHER
                     ).code == "KMSInvalidStateException"


def test_unreachable_hsms_fail_cryptography(api, store):
    with store.transaction() as world:
        for hsm in world.clusters["cluster-1a23b4cdefg"].hsms:
            hsm.reachable = False
    error = api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x"))
    assert (error.code, error.message) == ("KMSInvalidStateException",
                                           "KMS cannot communicate with your CloudHSM cluster.")


def test_request_checks(api):
    assert api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x"), DryRun=True).code == "DryRunOperationException"
    assert api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x"), EncryptionAlgorithm="RSAES_OAEP_SHA_1"
                     ).code == "InvalidKeyUsageException"
    assert api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x" * 4097)).code == "ValidationException"
    assert api.error("kms", "Decrypt", CiphertextBlob=b64(b"not a ciphertext")).code == "InvalidCiphertextException"


def test_generate_random_from_the_store_s_cluster(api):
    assert len(base64.b64decode(api.kms.GenerateRandom(NumberOfBytes=24, CustomKeyStoreId=STORE_ID)["Plaintext"])) == 24
    assert api.error("kms", "GenerateRandom", NumberOfBytes=8, CustomKeyStoreId="cks-0000000000000000f"
                     ).code == "CustomKeyStoreNotFoundException"
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert api.error("kms", "GenerateRandom", NumberOfBytes=8, CustomKeyStoreId=STORE_ID
                     ).code == "CustomKeyStoreInvalidStateException"
    # Without NumberOfBytes: AWS's request validation, before the store is looked at (issue 20).
    missing = api.error("kms", "GenerateRandom", CustomKeyStoreId=STORE_ID)
    assert (missing.code, missing.message) == ("ValidationException", "1 validation error detected: Value null at "
                                               "'numberOfBytes' failed to satisfy constraint: Member must not be null")


def test_the_cli_sends_blob_arguments_as_raw_bytes(doors, tmp_path):
    """CLI v1: `--plaintext aGVsbG8=` encrypts the eight characters, not "hello"."""
    status, out, _ = doors.aws("kms", "encrypt", "--key-id", KEY, "--plaintext", "aGVsbG8=",
                               "--query", "CiphertextBlob", "--output", "text")
    (tmp_path / "blob").write_bytes(base64.b64decode(out.strip()))
    status, out, err = doors.aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'blob'}",
                                 "--query", "Plaintext", "--output", "text")
    assert (status, base64.b64decode(out)) == (0, b"aGVsbG8="), err


def test_data_keys_drawn_by_separate_processes_differ(world_path):
    """In a seeded world a data key's bytes come from the world's random stream: each call moves
    it on in the file, or the next process would hand out the same key again."""
    from hsmshell.aws import dispatch
    from hsmshell.services import open_store

    drawn = [dispatch.call(open_store(world_path), "kms", "GenerateDataKey",
                           {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "NumberOfBytes": 32})["Plaintext"]
             for _ in range(2)]
    assert drawn[0] != drawn[1]
