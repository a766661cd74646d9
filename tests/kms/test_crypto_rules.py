"""The rules of kms/crypto.py a round trip alone does not show: the blob's layout kept from one
release to the next, which key a ciphertext belongs to, what a short blob is, the cluster a
store's cryptography needs, data key sizes, and the CloudTrail request each operation logs."""

from __future__ import annotations

import base64
import json
import uuid

import pytest


from ..aws.botocore_check import b64
from ..conftest import STORE_ID

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER = "0987dcba-09fe-87dc-65ba-ab0987654321"  # sorts before KEY
CLUSTER = "cluster-1a23b4cdefg"
NO_CLUSTER = "KMS cannot communicate with your CloudHSM cluster."
# "kept" encrypted under KEY in the default world with the context {"app": "pay", "run": "1"}:
# header, key ID, nonce, ciphertext and tag as this range has always written them.
KEPT = "AQICABI0q80SqzTNVu8SNFZ4kKuKMQMWMhGJwiTZPuJDCmWxUuH4Xy6cwnpxzLeC6Mfwsg=="


def encrypt(api, data=b"hello", key=KEY, **extra) -> str:
    return api.kms.Encrypt(KeyId=key, Plaintext=b64(data), **extra)["CiphertextBlob"]


def last_event(store, name: str) -> dict:
    return next(e for e in reversed(store.read().trail) if e["eventName"] == name)


def test_a_ciphertext_made_before_still_decrypts_whatever_the_order_of_its_context(api):
    for context in ({"app": "pay", "run": "1"}, {"run": "1", "app": "pay"}):
        response = api.kms.Decrypt(CiphertextBlob=KEPT, EncryptionContext=context)
        assert base64.b64decode(response["Plaintext"]) == b"kept"


def test_a_context_is_the_same_in_any_order(api):
    blob = encrypt(api, EncryptionContext={"b": "2", "a": "1"})
    assert base64.b64decode(api.kms.Decrypt(CiphertextBlob=blob, EncryptionContext={"a": "1", "b": "2"})
                            ["Plaintext"]) == b"hello"


def test_decrypt_names_the_key_of_the_ciphertext_or_refuses(api):
    blob = encrypt(api, key=OTHER)
    error = api.error("kms", "Decrypt", CiphertextBlob=blob, KeyId=KEY)  # a key that sorts after
    assert error.code == "IncorrectKeyException"
    assert api.kms.Decrypt(CiphertextBlob=blob, KeyId=OTHER)["KeyId"].endswith(OTHER)


def test_a_blob_too_short_to_hold_a_nonce_and_tag_is_no_ciphertext(api):
    short = b"\x01\x02\x02\x00" + uuid.UUID(KEY).bytes + bytes(5)
    assert api.error("kms", "Decrypt", CiphertextBlob=b64(short)).code == "InvalidCiphertextException"


def test_a_backing_key_on_no_hsm_that_answers_fails_cryptography(api, store):
    with store.transaction() as world:
        cluster = world.clusters[CLUSTER]
        cluster.keys[262162].hsms = [cluster.hsms[2].hsm_id]
        cluster.hsms[2].reachable = False
    error = api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x"))
    assert (error.code, error.message) == ("KMSInvalidStateException", NO_CLUSTER)


def test_a_backing_key_gone_from_the_cluster_fails_cryptography(api, store):
    with store.transaction() as world:
        del world.clusters[CLUSTER].keys[262162]
    error = api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x"))
    assert (error.code, error.message) == ("KMSInvalidStateException", NO_CLUSTER)


def test_generate_random_from_a_store_needs_an_hsm_that_answers(api, store):
    with store.transaction() as world:
        for hsm in world.clusters[CLUSTER].hsms:
            hsm.reachable = False
    error = api.error("kms", "GenerateRandom", NumberOfBytes=8, CustomKeyStoreId=STORE_ID)
    assert (error.code, error.message) == ("CustomKeyStoreInvalidStateException", NO_CLUSTER)


def test_generate_random_names_the_store_in_cloudtrail_only_when_asked_from_one(api, store):
    api.kms.GenerateRandom(NumberOfBytes=8, CustomKeyStoreId=STORE_ID)
    assert last_event(store, "GenerateRandom")["additionalEventData"] == {"customKeyStoreId": STORE_ID}
    api.kms.GenerateRandom(NumberOfBytes=8)
    assert "additionalEventData" not in last_event(store, "GenerateRandom")


def test_an_aes_128_data_key_has_sixteen_bytes(api):
    assert len(base64.b64decode(api.kms.GenerateDataKey(KeyId=KEY, KeySpec="AES_128")["Plaintext"])) == 16


def test_cloudtrail_logs_a_data_key_s_spec_or_size_as_asked(api, store):
    api.kms.GenerateDataKey(KeyId=KEY, KeySpec="AES_256")
    request = last_event(store, "GenerateDataKey")["requestParameters"]
    assert (request.get("keySpec"), "numberOfBytes" in request) == ("AES_256", False)
    api.kms.GenerateDataKey(KeyId=KEY, NumberOfBytes=24)
    request = last_event(store, "GenerateDataKey")["requestParameters"]
    assert (request.get("numberOfBytes"), "keySpec" in request) == (24, False)


def test_cloudtrail_logs_the_encryption_context_only_when_there_is_one(api, store):
    encrypt(api, EncryptionContext={"app": "pay"})
    assert last_event(store, "Encrypt")["requestParameters"]["encryptionContext"] == {"app": "pay"}
    encrypt(api)
    assert "encryptionContext" not in last_event(store, "Encrypt")["requestParameters"]


def test_a_blob_of_header_key_id_nonce_and_tag_is_read_as_a_ciphertext_and_one_byte_less_is_not(api):
    # A blob long enough is read as one: the key it names is checked before it is opened.
    blob = b"\x01\x02\x02\x00" + uuid.UUID(KEY).bytes + bytes(12 + 16)
    assert api.error("kms", "Decrypt", CiphertextBlob=b64(blob), KeyId=OTHER).code == "IncorrectKeyException"
    assert api.error("kms", "Decrypt", CiphertextBlob=b64(blob[:-1]), KeyId=OTHER).code == \
        "InvalidCiphertextException"
    assert api.error("kms", "Decrypt", CiphertextBlob=b64(bytes(4) + blob[4:]), KeyId=OTHER).code == \
        "InvalidCiphertextException"


def test_cloudtrail_names_the_key_store_of_a_key_in_one_and_logs_cryptography_as_read_only(api):
    encrypt(api)
    event = last_event(api.store, "Encrypt")
    assert (event["additionalEventData"], event["readOnly"]) == ({"customKeyStoreId": STORE_ID}, True)
    encrypt(api, key=api.kms.CreateKey()["KeyMetadata"]["KeyId"])
    assert "additionalEventData" not in last_event(api.store, "Encrypt")


def test_a_connected_store_without_a_session_in_its_cluster_fails_cryptography(api, store):
    with store.transaction() as world:  # as a hand-written world may have it
        world.custom_key_stores[STORE_ID].kms_session_id = None
    error = api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x"))
    assert (error.code, error.message) == ("KMSInvalidStateException", NO_CLUSTER)


def test_a_rotated_key_encrypts_under_its_newest_material(api, store):
    key = api.kms.CreateKey()["KeyMetadata"]["KeyId"]
    api.kms.RotateKeyOnDemand(KeyId=key)
    blob = encrypt(api, key=key)
    with store.transaction() as world:  # only the newest material left
        world.kms_keys[key].materials = world.kms_keys[key].materials[-1:]
    assert base64.b64decode(api.kms.Decrypt(CiphertextBlob=blob)["Plaintext"]) == b"hello"


from .test_key_admin import ALICE, BOB, as_bob  # noqa: E402 - the callers the admin tests use


@pytest.fixture
def only_alice(store, api):
    """Key policies that allow Alice alone, enforced: Bob may do what a grant allows him."""
    alice_only = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "kms:*",
                                            "Resource": "*"}]})
    for key in (KEY, OTHER):
        api.kms.PutKeyPolicy(KeyId=key, Policy=alice_only)
    with store.transaction() as world:
        world.settings.enforce_key_policies = True
        world.principals = {"AKIAIOSFODNN7EXAMPLE": ALICE, "AKIABOBEXAMPLE000000": BOB}
    return store


def test_grants_let_their_grantee_re_encrypt_and_make_data_keys(only_alice, api):
    api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["ReEncryptFrom", "GenerateDataKey"])
    api.kms.CreateGrant(KeyId=OTHER, GranteePrincipal=BOB, Operations=["ReEncryptTo"])
    assert as_bob(only_alice, "GenerateDataKey", KeyId=KEY, KeySpec="AES_256")["KeyId"].endswith(KEY)
    moved = as_bob(only_alice, "ReEncrypt", CiphertextBlob=encrypt(api), DestinationKeyId=OTHER)
    assert moved["KeyId"].endswith(OTHER)
