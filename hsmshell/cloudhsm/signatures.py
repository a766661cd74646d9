"""Signing and verifying as Client SDK 5 asks for it (cloudhsm-cli-spec §7): a mechanism
(`rsa-pkcs`, `rsa-pkcs-pss`, `ecdsa`, `ed25519ph`), a hash function, and data that is either
raw (hashed by the HSM) or already a digest.  Signatures are standard encodings (PKCS #1,
PSS, DER ECDSA), so OpenSSL verifies them with the public key.  GAP: the CLI's ECDSA encoding
is not documented; DER is what OpenSSL and the PKCS #11 wrappers exchange."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from ..world.model import Cluster, Key, World
from . import attributes as attr
from . import keys

HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
          "sha512": hashes.SHA512}
FAMILIES = {"rsa-pkcs": attr.RSA, "rsa-pkcs-pss": attr.RSA, "ecdsa": attr.EC}


class Unusable(Exception):
    """The key does not fit the mechanism, may not sign/verify, or the data does not fit."""


def _algorithm(hash_name: str, digest: bool):
    algorithm = HASHES[hash_name]()
    return utils.Prehashed(algorithm) if digest else algorithm


def _padding(mechanism: str, hash_name: str, mgf: str | None, salt_length: int | None):
    if mechanism == "rsa-pkcs":
        return padding.PKCS1v15()
    mgf_hash = HASHES[(mgf or f"mgf1-{hash_name}").removeprefix("mgf1-")]()
    return padding.PSS(mgf=padding.MGF1(mgf_hash),
                       salt_length=salt_length if salt_length is not None else HASHES[hash_name].digest_size)


def _check(world: World, cluster: Cluster, key: Key, mechanism: str, key_class: int, usage: int) -> None:
    if FAMILIES.get(mechanism) != key.key_type or key.key_class != key_class:
        raise Unusable()
    if not keys.attribute_values(world, cluster, key)[usage]:
        raise Unusable()


def sign(world: World, cluster: Cluster, key: Key, *, mechanism: str, hash_name: str, data: bytes,
         digest: bool = False, mgf: str | None = None, salt_length: int | None = None) -> bytes:
    _check(world, cluster, key, mechanism, attr.PRIVATE_KEY, attr.SIGN)
    private = serialization.load_der_private_key(keys.material(world, cluster, key), None)
    try:
        if isinstance(private, rsa.RSAPrivateKey):
            return private.sign(data, _padding(mechanism, hash_name, mgf, salt_length),
                                _algorithm(hash_name, digest))
        return private.sign(data, ec.ECDSA(_algorithm(hash_name, digest)))
    except ValueError:
        raise Unusable() from None


def verify(world: World, cluster: Cluster, key: Key, *, mechanism: str, hash_name: str, data: bytes,
           signature: bytes, digest: bool = False, mgf: str | None = None,
           salt_length: int | None = None) -> bool:
    _check(world, cluster, key, mechanism, attr.PUBLIC_KEY, attr.VERIFY)
    public = serialization.load_der_public_key(keys.material(world, cluster, key))
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, _padding(mechanism, hash_name, mgf, salt_length),
                          _algorithm(hash_name, digest))
        else:
            public.verify(signature, data, ec.ECDSA(_algorithm(hash_name, digest)))
    except InvalidSignature:
        return False
    except ValueError:
        raise Unusable() from None
    return True
