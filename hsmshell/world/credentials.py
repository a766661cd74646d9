"""Passwords and sealed secrets.

HSM passwords are stored only as salted scrypt hashes.  The one secret that must be usable
again, KMS's copy of the kmsuser password (and HSM key material), is sealed with AES-GCM under
a key kept beside the world file (`<world>.key`, mode 0600), so the world file can be read,
shared or committed without revealing a password.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from . import checked_passwords
from .files import WorldError, open_private, write_all

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
    import hmac

    return hmac.compare_digest(expected, actual)


class Verifier:
    """Checks one password against several HSMs' hashes: HSMs that share a hash (the usual
    case, the password was set on all of them at once) cost one scrypt.  A login to three
    HSMs, KMS's included, cost three.  A password that matched lately costs none
    (checked_passwords: a script's every command logs in again)."""

    def __init__(self, password: str):
        self.password = password
        self._seen: dict[str, bool] = {}

    def __call__(self, stored: str) -> bool:
        if stored not in self._seen:
            self._seen[stored] = checked_passwords.recalls(stored, self.password) or self._check(stored)
        return self._seen[stored]

    def _check(self, stored: str) -> bool:
        matches = verify_password(self.password, stored)
        if matches:
            checked_passwords.remember(stored, self.password)
        return matches


def is_hashed(value: str) -> bool:
    return value.startswith(_HASH_PREFIX)


def _scrypt(password: str, salt: bytes, cost: int) -> bytes:
    import hashlib  # OpenSSL's start: only for a password, not in every command's start-up

    return hashlib.scrypt(password.encode(), salt=salt, n=2**cost, r=8, p=1, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Sealer:
    """Seals and unseals secrets with one world's key.  Without a key (`lost`: the world's
    secrets were sealed under a key file that is gone) nothing opens, and the first secret
    sealed makes a new key file, as for a new world."""

    def __init__(self, key: bytes | None, path: Path | None = None):
        self._key = key
        self._path = path
        # Secrets opened, by their sealed text: every Encrypt opens its backing key's material
        # again, and a sealed text always opens to the same bytes under this key.
        self._opened: dict[str, bytes] = {}

    @property
    def lost(self) -> bool:
        return self._key is None

    def seal(self, plaintext: bytes) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # slow import, rare use

        if self._key is None:
            self._key = load_key(self._path)
        nonce = os.urandom(12)
        return _SEAL_PREFIX + _b64(nonce + AESGCM(self._key).encrypt(nonce, plaintext, None))

    def unseal(self, sealed: str) -> bytes:
        if not is_sealed(sealed):
            raise SealError("the value is not sealed")
        if self._key is None:
            raise SealError(f"{self._path}: the world's key file is missing; it sealed this secret")
        opened = self._opened.get(sealed)
        if opened is not None:
            return opened
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        raw = base64.b64decode(sealed[len(_SEAL_PREFIX):])
        try:
            opened = AESGCM(self._key).decrypt(raw[:12], raw[12:], None)
        except InvalidTag:
            raise SealError("the world's key file does not open this secret") from None
        if len(self._opened) >= _OPENED_MAX:
            self._opened.clear()
        self._opened[sealed] = opened
        return opened


_OPENED_MAX = 1024  # a full HSM holds 3,300 keys; a process rarely uses more than a few


class SealError(Exception):
    pass


def is_sealed(value: str) -> bool:
    return value.startswith(_SEAL_PREFIX)


KEY_SIZE = 32  # AES-256-GCM


def load_key(path: Path) -> bytes:
    """The world's key from its file (one line of base64), made when there is none yet.  A
    key file that is not this user's private regular file, cannot be read, or does not hold
    one 32-byte key is refused, naming the file: nothing is sealed under a key read wrongly."""
    what = "the world's key file"
    fd = open_private(path, what, os.O_RDONLY)
    if fd is None:
        return _new_key_file(path)
    try:
        text = os.read(fd, 4096)
    except OSError as exc:
        raise WorldError(f"{path}: cannot read {what}: {exc.strerror}") from None
    finally:
        os.close(fd)
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:  # b64decode of bytes raises no other error
        raise WorldError(f"{path}: {what} is malformed: expected one line of base64") from None
    if len(key) != KEY_SIZE:
        raise WorldError(f"{path}: {what} is malformed: it holds {len(key)} bytes, not {KEY_SIZE}")
    return key


def _new_key_file(path: Path) -> bytes:
    key = os.urandom(KEY_SIZE)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:  # planted meanwhile (a link to nowhere), or a folder we may not write
        raise WorldError(f"{path}: cannot create the world's key file: {exc.strerror}") from None
    try:
        write_all(fd, base64.b64encode(key) + b"\n")
    finally:
        os.close(fd)
    return key
