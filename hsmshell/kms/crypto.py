"""Cryptographic operations with KMS keys in a custom key store (kms-spec §2.13, §2.14).

Ciphertext is real AES-256-GCM under the backing key's material in the cluster.  Like a real
KMS ciphertext blob it names the KMS key that made it, so Decrypt needs no KeyId, and the key
ID and encryption context are authenticated with it, so a ciphertext is bound to its KMS key
even when two keys share backing material.

Blob layout: b"\\x01\\x02\\x02\\x00" | 16-byte key ID | 12-byte nonce | ciphertext and tag.
"""

from __future__ import annotations

import functools
import json
import uuid

from ..cloudhsm.nodes import answers
from ..cloudhsmv2.clusters import active_hsms
from ..cloudtrail import events
from ..errors import ValidationException, validation
from ..errors.kms import (CustomKeyStoreInvalidStateException, DisabledException, IncorrectKeyException,
                               InvalidCiphertextException, KMSInvalidStateException)
from ..world import ids
from ..world.model import CONNECTED, KmsKey, World
from . import access, backing_keys, keys
from .grants import check_tokens
from .errors import invalid_state, not_found

_HEADER = b"\x01\x02\x02\x00"
_NONCE = 12
_MIN_BLOB = len(_HEADER) + 16 + _NONCE + 16
NO_CLUSTER = "KMS cannot communicate with your CloudHSM cluster."


def encrypt(world: World, key_id: str, plaintext: bytes, context: dict[str, str] | None,
            grant_tokens: list[str] | None = None) -> tuple[KmsKey, bytes]:
    key = keys.find(world, key_id)
    check_tokens(world, grant_tokens)
    access.authorize(world, key, "Encrypt", grants=True, context=context)
    blob = seal(world, key, plaintext, context)
    record(world, "Encrypt", key, {"keyId": key_id, "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                                    **_context(context)})
    return key, blob


def decrypt(world: World, blob: bytes, context: dict[str, str] | None, key_id: str | None,
            grant_tokens: list[str] | None = None) -> tuple[KmsKey, bytes]:
    check_tokens(world, grant_tokens)
    key, plaintext = unseal(world, blob, context, key_id, "Decrypt")
    record(world, "Decrypt", key, {"encryptionAlgorithm": "SYMMETRIC_DEFAULT", **_context(context)})
    return key, plaintext


def re_encrypt(world: World, blob: bytes, source_context: dict[str, str] | None, source_key_id: str | None,
               destination_key_id: str, destination_context: dict[str, str] | None,
               grant_tokens: list[str] | None = None) -> tuple[KmsKey, KmsKey, bytes]:
    destination = keys.find(world, destination_key_id)
    check_tokens(world, grant_tokens)
    source, plaintext = unseal(world, blob, source_context, source_key_id, "ReEncryptFrom")
    access.authorize(world, destination, "ReEncryptTo", grants=True, context=destination_context)
    sealed = seal(world, destination, plaintext, destination_context)
    record(world, "ReEncrypt", destination, {"destinationKeyId": destination_key_id,
                                             "sourceEncryptionAlgorithm": "SYMMETRIC_DEFAULT",
                                             "destinationEncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
    return source, destination, sealed


DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}


def generate_data_key(world: World, event: str, key_id: str, spec: str | None, count: int | None,
                      context: dict[str, str] | None, grant_tokens: list[str] | None = None) -> tuple[KmsKey, bytes, bytes]:
    """A fresh data key, in plaintext and encrypted under the KMS key."""
    if (spec is None) == (count is None):
        # GAP: neither or both is not documented; KMS answers a ValidationException.
        raise ValidationException("Please specify either number of bytes or key spec.")
    key = keys.find(world, key_id)
    check_tokens(world, grant_tokens)
    access.authorize(world, key, event, grants=True, context=context)
    plaintext = ids.draw(world, count or DATA_KEY_BYTES[spec])
    blob = seal(world, key, plaintext, context)
    record(world, event, key, {"keyId": key_id, **({"keySpec": spec} if spec else {"numberOfBytes": count}),
                               **_context(context)})
    return key, plaintext, blob


def generate_random(world: World, count: int | None, store_id: str | None) -> bytes:
    if count is None:
        # Documented as required though the model does not say so: GAP, refused in the words of
        # AWS's request validation, before anything is looked at.
        raise validation("numberOfBytes", "Member must not be null", "null")
    if store_id is not None:
        store = world.custom_key_stores.get(store_id)
        if store is None:
            raise not_found(store_id)
        if store.connection_state != CONNECTED:
            raise invalid_state(store_id, store.connection_state, "generate random bytes from")
        cluster = world.clusters.get(store.cloud_hsm_cluster_id)
        if cluster is None or not any(answers(h) for h in active_hsms(cluster)):
            raise CustomKeyStoreInvalidStateException(NO_CLUSTER)
    events.record(world, "GenerateRandom", request=None,
                  additional={"customKeyStoreId": store_id} if store_id else None)
    return ids.draw(world, count)


def _key_of(world: World, blob: bytes) -> KmsKey:
    if len(blob) < _MIN_BLOB or not blob.startswith(_HEADER):
        raise invalid_ciphertext()
    digits = blob[4:20].hex()
    key_id = f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"  # str(uuid.UUID(...))
    key = world.kms_keys.get(key_id)
    if key is None:
        # GAP: the error for a ciphertext whose KMS key was deleted is not documented; the
        # blob can no longer be opened by anything, which is what this exception says.
        raise invalid_ciphertext()
    return key


def _open(world: World, key: KmsKey, blob: bytes, context: dict[str, str] | None) -> bytes:
    nonce = blob[20:20 + _NONCE]
    # A rotated key decrypts under whichever of its materials encrypted (the tag tells which).
    for raw in _usable_materials(world, key):
        try:
            return _aead(raw).decrypt(nonce, blob[20 + _NONCE:], _aad(key, context))
        except _exceptions().InvalidTag:  # looked up only when a tag fails
            continue
    # A changed context, a changed blob, or material that is not the one that encrypted.
    raise invalid_ciphertext()


def unseal(world: World, blob: bytes, context: dict[str, str] | None, key_id: str | None,
           action: str) -> tuple[KmsKey, bytes]:
    """The plaintext of a ciphertext blob and the KMS key that made it, if the caller may
    `action` (Decrypt, ReEncryptFrom) with that key."""
    key = _key_of(world, blob)
    if key_id is not None and keys.find(world, key_id).key_id != key.key_id:
        raise IncorrectKeyException("The key ID in the request does not identify a "
                                    "CMK that can perform this operation.")
    access.authorize(world, key, action, grants=True, context=context)
    return key, _open(world, key, blob, context)


def seal(world: World, key: KmsKey, plaintext: bytes, context: dict[str, str] | None) -> bytes:
    """A ciphertext blob of `plaintext` under `key`."""
    raw = _usable_materials(world, key)[0]
    aad = _aad(key, context)
    # Random, or in a seeded world derived (so that a replay prints the same ciphertext)
    # without the counter, whose every step is a write of the world.  A GCM nonce must never
    # come twice for two messages: the last event differs between any two calls, and where it
    # does not (a trail kept empty) the message decides.
    nonce = ids.derived(world, _NONCE, b"nonce", world.trail.last_event_id().encode(), aad, plaintext)
    return _HEADER + _id_bytes(key.key_id) + nonce + _aead(raw).encrypt(nonce, plaintext, aad)


def record(world: World, event: str, key: KmsKey, request: dict) -> None:
    events.record(world, event, request=request, read_only=True,
                  additional={"customKeyStoreId": key.custom_key_store_id} if key.custom_key_store_id else None,
                  resources=[{"accountId": world.account_id, "type": "AWS::KMS::Key", "ARN": keys.arn(world, key)}])


def invalid_ciphertext() -> InvalidCiphertextException:
    return InvalidCiphertextException("")


def _usable_materials(world: World, key: KmsKey) -> list[bytes]:
    """The key's materials, the current one first.  The key state decides first; then, for a
    key in a CloudHSM key store, KMS must reach its cluster and find the backing key on an HSM
    that answers.  A store stays CONNECTED when its cluster or HSMs are gone: the cryptography
    is what fails (kms-spec §8, 4)."""
    state = keys.key_state(world, key)
    if state == "Disabled":
        raise DisabledException(f"{keys.arn(world, key)} is disabled.")
    if state == "PendingDeletion":
        raise keys.pending_deletion(world, key)
    if state == "Unavailable":
        raise KMSInvalidStateException(f"{keys.arn(world, key)} is unavailable.")
    if key.origin == "AWS_KMS":
        return [world.sealer.unseal(sealed) for sealed in reversed(key.materials)]
    store = world.custom_key_stores[key.custom_key_store_id]
    cluster = world.clusters.get(store.cloud_hsm_cluster_id)
    if cluster is None or store.kms_session_id not in world.sessions:
        raise KMSInvalidStateException(NO_CLUSTER)
    nodes = {h.hsm_id for h in active_hsms(cluster) if answers(h)}
    backing = cluster.keys.get(key.backing_key_handle)
    if not nodes or backing is None or not nodes & set(backing.hsms):
        raise KMSInvalidStateException(NO_CLUSTER)
    return [backing_keys.material(world, cluster, backing)]


def _aad(key: KmsKey, context: dict[str, str] | None) -> bytes:
    return _id_bytes(key.key_id) + (_SORTED.encode(context).encode() if context else b"{}")


# What every Encrypt and Decrypt works out again from the same few keys, made once.
_SORTED = json.JSONEncoder(sort_keys=True)  # json.dumps(..., sort_keys=True) makes one per call


@functools.lru_cache(maxsize=1024)
def _id_bytes(key_id: str) -> bytes:
    return uuid.UUID(key_id).bytes


def _exceptions():
    import cryptography.exceptions

    return cryptography.exceptions


@functools.lru_cache(maxsize=64)
def _aead(raw: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(raw)


def _context(context: dict[str, str] | None) -> dict:
    return {"encryptionContext": context} if context else {}
