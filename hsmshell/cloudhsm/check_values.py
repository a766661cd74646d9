"""Key check values (OBJ_ATTR_KCV, a key's `check-value`).

Apart from crypto.py: a secret key's check value needs only a block cipher, so listing AES keys
with every attribute (kmsuser's `key list --verbose` in the runbook) loads no asymmetric
cryptography, whose serialization module alone brings in ssh keys, bcrypt and dataclasses.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ..lazy import lazy
from .attributes import AES, DES3, PRIVATE_KEY, SECRET_KEY

crypto = lazy("hsmshell.cloudhsm.crypto")  # a private key's public half, for its check value


def kcv(key_class: int, key_type: int, material: bytes) -> bytes:
    """The first 3 bytes of a zero block encrypted under a secret key, or of the SHA-1 of a
    public key.  GAP: which encoding of the public key is hashed is not documented (the DER
    SubjectPublicKeyInfo here); generic secrets, for which the docs say KCV is not supported,
    get the SHA-1 of the value."""
    if key_class == SECRET_KEY and key_type == AES:
        return _encrypt_block(algorithms.AES(material), bytes(16))[:3]
    if key_class == SECRET_KEY and key_type == DES3:
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES

        return _encrypt_block(TripleDES(material), bytes(8))[:3]
    if key_class == PRIVATE_KEY:
        material = crypto.public_of(material)
    return hashlib.sha1(material).digest()[:3]


def _encrypt_block(algorithm, block: bytes) -> bytes:
    encryptor = Cipher(algorithm, modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()
