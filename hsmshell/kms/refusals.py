"""The KMS operations a key in an AWS CloudHSM key store cannot take, answered as AWS answers
them: the key is looked up and the caller's access checked first, then the operation is
refused with the exception AWS gives (kms-spec §2.13: rotation, imported key material and
data key pairs are UnsupportedOperationException for these keys).

A CloudHSM key store key is a symmetric encryption key (KeyUsage ENCRYPT_DECRYPT, KeySpec
SYMMETRIC_DEFAULT), single-Region, whose key material KMS can neither rotate nor import.
"""

from __future__ import annotations

from typing import NoReturn

from ..errors.kms import InvalidKeyUsageException, UnsupportedOperationException
from ..world.model import KmsKey, World
from . import access
from .keys import arn, find


def _origin(world: World, key: KmsKey, operation: str) -> UnsupportedOperationException:
    # GAP: the wording follows what KMS says for an imported key's rotation; the reference
    # gives only the exception.
    return UnsupportedOperationException(f"{arn(world, key)} origin is {key.origin} which is not valid for this "
                                         f"operation.")


def _not_simulated(world: World, key: KmsKey, operation: str) -> UnsupportedOperationException:
    # GAP: a symmetric AWS_KMS key makes data key pairs in AWS; this range does not simulate them.
    return UnsupportedOperationException(f"This range does not simulate {operation}.")


def _usage(world: World, key: KmsKey, operation: str) -> InvalidKeyUsageException:
    # GAP: the wording is not in the reference; the model says the key's KeyUsage does not fit.
    return InvalidKeyUsageException(f"{arn(world, key)} key usage is ENCRYPT_DECRYPT which is not valid for "
                                    f"{operation}.")


def _not_asymmetric(world: World, key: KmsKey, operation: str) -> UnsupportedOperationException:
    # GAP: the wording is not in the reference.
    return UnsupportedOperationException(f"{arn(world, key)} is not an asymmetric KMS key: it has no public key.")


def _single_region(world: World, key: KmsKey, operation: str) -> UnsupportedOperationException:
    # GAP: the wording is not in the reference; keys in a custom key store cannot be multi-Region.
    return UnsupportedOperationException(f"{arn(world, key)} is not a multi-Region key.")


# operation -> its refusal for a key in a CloudHSM key store, which the operation's own permission
# precedes.  Rotation and GenerateDataKeyPair work with a symmetric AWS_KMS key, not with one in
# a CloudHSM key store (kms-spec §2.13); rotation.py serves the former.
REFUSED = {
    "EnableKeyRotation": _origin, "DisableKeyRotation": _origin, "GetKeyRotationStatus": _origin,
    "ListKeyRotations": _origin, "RotateKeyOnDemand": _origin,
    "GetParametersForImport": _origin, "ImportKeyMaterial": _origin, "DeleteImportedKeyMaterial": _origin,
    "GenerateDataKeyPair": _origin, "GenerateDataKeyPairWithoutPlaintext": _origin,
    "Sign": _usage, "Verify": _usage, "GenerateMac": _usage, "VerifyMac": _usage, "DeriveSharedSecret": _usage,
    "GetPublicKey": _not_asymmetric,
    "ReplicateKey": _single_region, "UpdatePrimaryRegion": _single_region,
}
# The cryptographic operations a grant can allow, and so a grantee may be refused by key usage.
_GRANTABLE = {"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GenerateMac",
              "VerifyMac", "DeriveSharedSecret", "GetPublicKey"}


def refuse(world: World, key: KmsKey, operation: str) -> NoReturn:
    """Raises what KMS answers `operation` on `key`."""
    access.authorize(world, key, operation, grants=operation in _GRANTABLE)
    if key.origin == "AWS_KMS" and operation in ("GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"):
        raise _not_simulated(world, key, operation)
    raise REFUSED[operation](world, key, operation)


def key_for(world: World, key_id: str, operation: str) -> KmsKey:
    """The key an operation names, as that operation accepts it (some take no alias)."""
    return find(world, key_id, aliases=operation not in ALIAS_FREE)


# Operations whose KeyId must be a key ID or key ARN (the API reference of each).
ALIAS_FREE = {"EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus", "ListKeyRotations",
              "RotateKeyOnDemand", "GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial",
              "ReplicateKey", "UpdatePrimaryRegion"}
