"""Wrapping and unwrapping keys as Client SDK 5 names the mechanisms (cloudhsm-cli-spec §6.9):
`aes-no-pad`, `aes-pkcs5-pad`, `aes-zero-pad` (AES key wrap, RFC 3394, after padding),
`aes-gcm` and `cloudhsm-aes-gcm` (AES-GCM, the 12-byte IV first), `rsa-oaep`, `rsa-pkcs`
(RSA encryption of a secret key) and `rsa-aes` (an ephemeral AES-256 key under RSA-OAEP, then
the payload under AES key wrap with padding, RFC 5649, as CKM_RSA_AES_KEY_WRAP).

The payload must be extractable and the user's own; the wrapping key must allow wrap (its
unwrapping key, unwrap).  What is wrapped is the key as the HSM holds it: a secret key's
bytes, a private key's PKCS #8."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import (InvalidUnwrap, aes_key_unwrap_with_padding,
                                                    aes_key_wrap_with_padding)

from ..world.model import Cluster, Key, World
from . import attributes as attr
from . import crypto, keys

AES_MECHANISMS = {"aes-no-pad": crypto.WRAP_NO_PAD, "aes-pkcs5-pad": crypto.WRAP_PAD_PKCS5,
                  "aes-zero-pad": crypto.WRAP_ZERO_PAD}
GCM = ("aes-gcm", "cloudhsm-aes-gcm")
RSA_MECHANISMS = ("rsa-aes", "rsa-oaep", "rsa-pkcs")
MECHANISMS = (*AES_MECHANISMS, *GCM, *RSA_MECHANISMS)
HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
          "sha512": hashes.SHA512}


class Unusable(Exception):
    """`reason`: not-extractable, not-owner, wrapping-key, payload, data."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _oaep(hash_name: str | None, mgf: str | None):
    hash_name = hash_name or "sha256"
    mgf_hash = (mgf or f"mgf1-{hash_name}").removeprefix("mgf1-")
    return padding.OAEP(mgf=padding.MGF1(HASHES[mgf_hash]()), algorithm=HASHES[hash_name](), label=None)


def _block_size(private) -> int:
    """The bytes of one RSA block: the modulus's length, whatever its bits (2049 bits take 257)."""
    return (private.key_size + 7) // 8


def _pkcs1_decrypt(private, wrapped: bytes) -> bytes:
    """RSA PKCS #1 v1.5 decryption that fails on a bad block, as the HSM does
    (CKR_ENCRYPTED_DATA_INVALID): the library's own answers a bad block with random bytes
    (implicit rejection, against Bleichenbacher's oracle), which would become a key."""
    numbers = private.private_numbers()
    n = numbers.public_numbers.n
    size = _block_size(private)
    value = int.from_bytes(wrapped, "big")
    if len(wrapped) != size or value >= n:
        raise ValueError("not one RSA block")
    block = pow(value, numbers.d, n).to_bytes(size, "big")
    padding_length = block[2:].find(b"\0")  # the padding is nonzero bytes up to the first 00; -1 for none
    if block[:2] != b"\0\2" or padding_length < 8:
        raise ValueError("not a PKCS #1 v1.5 encryption block")
    return block[3 + padding_length:]


def _wrapping_key_fits(world: World, cluster: Cluster, key: Key, mechanism: str, use: int, rsa_class: int) -> None:
    values = keys.attribute_values(world, cluster, key)
    if mechanism in RSA_MECHANISMS:
        ok = key.key_type == attr.RSA and key.key_class == rsa_class
    else:
        ok = key.key_type == attr.AES and key.key_class == attr.SECRET_KEY
    if not ok or not values[use]:
        raise Unusable("wrapping-key")


def wrap(world: World, cluster: Cluster, owner_id: int, payload: Key, wrapping: Key, mechanism: str, *,
         hash_name: str | None = None, mgf: str | None = None, aad: bytes = b"") -> bytes:
    if payload.key_class not in (attr.SECRET_KEY, attr.PRIVATE_KEY):
        raise Unusable("payload")
    if payload.owner != owner_id:
        raise Unusable("not-owner")
    if not payload.extractable:
        raise Unusable("not-extractable")
    _wrapping_key_fits(world, cluster, wrapping, mechanism, attr.WRAP, attr.PUBLIC_KEY)
    data = keys.material(world, cluster, payload)
    kek = keys.material(world, cluster, wrapping)
    if mechanism in AES_MECHANISMS:
        if mechanism == "aes-no-pad" and len(data) % 8:
            raise Unusable("payload")
        return crypto.wrap(kek, data, AES_MECHANISMS[mechanism])
    if mechanism in GCM:
        iv = os.urandom(12)
        return iv + AESGCM(kek).encrypt(iv, data, aad or None)
    public = serialization.load_der_public_key(kek)
    if mechanism == "rsa-aes":
        ephemeral = os.urandom(32)
        return public.encrypt(ephemeral, _oaep(hash_name, mgf)) + aes_key_wrap_with_padding(ephemeral, data)
    if payload.key_class != attr.SECRET_KEY:
        raise Unusable("payload")
    try:
        return public.encrypt(data, _oaep(hash_name, mgf) if mechanism == "rsa-oaep" else padding.PKCS1v15())
    except ValueError:
        raise Unusable("payload") from None


def unwrap(world: World, cluster: Cluster, unwrapping: Key, mechanism: str, wrapped: bytes, *,
           hash_name: str | None = None, mgf: str | None = None, aad: bytes = b"") -> bytes:
    """The key material inside `wrapped`; the caller stores it as a new key."""
    _wrapping_key_fits(world, cluster, unwrapping, mechanism, attr.UNWRAP, attr.PRIVATE_KEY)
    kek = keys.material(world, cluster, unwrapping)
    try:
        if mechanism in AES_MECHANISMS:
            return crypto.unwrap(kek, wrapped, AES_MECHANISMS[mechanism])
        if mechanism in GCM:
            return AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], aad or None)
        private = serialization.load_der_private_key(kek, None)
        if mechanism == "rsa-aes":
            size = _block_size(private)
            ephemeral = private.decrypt(wrapped[:size], _oaep(hash_name, mgf))
            return aes_key_unwrap_with_padding(ephemeral, wrapped[size:])
        if mechanism == "rsa-oaep":
            return private.decrypt(wrapped, _oaep(hash_name, mgf))
        return _pkcs1_decrypt(private, wrapped)
    except (ValueError, InvalidTag, InvalidUnwrap, crypto.CryptoFailure):
        raise Unusable("data") from None
