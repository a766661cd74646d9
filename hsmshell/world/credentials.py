"""Passwords and sealed secrets.

HSM passwords are stored only as salted scrypt hashes.  The one secret that must be usable
again, KMS's copy of the kmsuser password (and HSM key material), is sealed with AES-GCM under
a key kept beside the world file (`<world>.key`, mode 0600), so the world file can be read,
shared or committed without revealing a password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

_HASH_PREFIX = "scrypt$"
_SEAL_PREFIX = "sealed:v1:"


def hash_password(password: str, cost: int, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = _scrypt(password, salt, cost)
    return f"{_HASH_PREFIX}{cost}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, cost, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(cost))
    except ValueError:
        return False
    return hmac.compare_digest(expected, actual)


def is_hashed(value: str) -> bool:
    return value.startswith(_HASH_PREFIX)


def _scrypt(password: str, salt: bytes, cost: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**cost, r=8, p=1, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Sealer:
    """Seals and unseals secrets with one world's key."""

    def __init__(self, key: bytes):
        self._key = key

    def seal(self, plaintext: bytes) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # slow import, rare use

        nonce = os.urandom(12)
        return _SEAL_PREFIX + _b64(nonce + AESGCM(self._key).encrypt(nonce, plaintext, None))

    def unseal(self, sealed: str) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not is_sealed(sealed):
            raise SealError("the value is not sealed")
        raw = base64.b64decode(sealed[len(_SEAL_PREFIX):])
        try:
            return AESGCM(self._key).decrypt(raw[:12], raw[12:], None)
        except InvalidTag:
            raise SealError("the world's key file does not open this secret") from None


class SealError(Exception):
    pass


def is_sealed(value: str) -> bool:
    return value.startswith(_SEAL_PREFIX)


def new_key() -> bytes:
    return os.urandom(32)
