"""Grants on KMS keys: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant,
and the grant tokens the cryptographic operations accept.

AWS services that use a customer's key (EBS, RDS, S3) work through grants, so a key in a
CloudHSM key store takes them like any symmetric encryption key.  A grant takes effect at once
here (AWS's is eventually consistent, which is what grant tokens bridge); a token is accepted
while its grant exists.
"""

from __future__ import annotations

import base64

from ..errors import ValidationException
from ..errors.kms import (InvalidGrantIdException, InvalidGrantTokenException, LimitExceededException,
                          NotFoundException)
from ..world import ids
from ..world.clock import now
from ..world.model import Grant, KmsKey, World
from . import access
from .keys import arn, pending_deletion

# What a symmetric encryption key can be granted (GrantOperation, less the asymmetric, HMAC and
# key-agreement operations).
SYMMETRIC_OPERATIONS = ("Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
                        "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey")
MAX_GRANTS_PER_KEY = 50000


def create(world: World, key: KmsKey, grantee: str, operations: list[str], *, retiring: str | None,
           name: str | None, context_subset: dict[str, str] | None,
           context_equals: dict[str, str] | None, tokens: list[str] | None) -> Grant:
    check_tokens(world, tokens)
    access.authorize(world, key, "CreateGrant", grants=True)
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    if not operations:
        raise ValidationException("1 validation error detected: Value '[]' at 'operations' failed to satisfy "
                                  "constraint: Member must have length greater than or equal to 1")
    unfit = [op for op in operations if op not in SYMMETRIC_OPERATIONS]
    if unfit:
        # GAP: the exact wording is not documented; KMS refuses operations the key cannot do.
        raise ValidationException(f"Grant operations {', '.join(unfit)} are not supported for a "
                                  f"symmetric encryption KMS key.")
    if context_subset is not None and context_equals is not None:
        raise ValidationException("A grant constraint can contain either EncryptionContextEquals or "
                                  "EncryptionContextSubset, not both.")
    if name is not None:
        # Retrying CreateGrant with the same name and parameters gives back the same grant.
        for grant in access.key_grants(world, key):
            if (grant.name, grant.grantee_principal, sorted(grant.operations), grant.retiring_principal,
                    grant.encryption_context_subset, grant.encryption_context_equals) == \
                    (name, grantee, sorted(operations), retiring, context_subset, context_equals):
                return grant
    if len(access.key_grants(world, key)) >= MAX_GRANTS_PER_KEY:
        raise LimitExceededException(f"Grants per key limit exceeded for {arn(world, key)}")
    grant = Grant(grant_id=ids.draw(world, 32).hex(), key_id=key.key_id, grantee_principal=grantee,
                  operations=list(dict.fromkeys(operations)), creation_date=now(world),
                  grant_token=_token(world), retiring_principal=retiring, name=name,
                  issuing_account=f"arn:aws:iam::{world.account_id}:root",
                  encryption_context_subset=context_subset, encryption_context_equals=context_equals)
    world.grants[grant.grant_id] = grant
    return grant


def listed(world: World, key: KmsKey, grant_id: str | None, grantee: str | None) -> list[Grant]:
    access.authorize(world, key, "ListGrants")
    return [g for g in access.key_grants(world, key)
            if (grant_id is None or g.grant_id == grant_id) and (grantee is None or g.grantee_principal == grantee)]


def retirable(world: World, retiring: str) -> list[Grant]:
    return [g for g in world.grants.values() if g.retiring_principal == retiring]


def retire(world: World, token: str | None, key: KmsKey | None, grant_id: str | None) -> Grant:
    """By its token, or by its key and ID.  The retiring principal, the grantee of a grant
    that allows RetireGrant, or the account may retire a grant."""
    if token is not None:
        grant = _by_token(world, token)
    elif key is not None and grant_id is not None:
        grant = _by_id(world, key, grant_id)
    else:
        # GAP: the refusal for neither a token nor a key and grant ID is not documented.
        raise ValidationException("Either GrantToken, or both KeyId and GrantId, must be specified.")
    principal = access.caller(world)
    if world.settings.enforce_key_policies and principal is not None and principal not in (
            grant.retiring_principal, f"arn:aws:iam::{world.account_id}:root") and not (
            principal == grant.grantee_principal and "RetireGrant" in grant.operations):
        from ..errors.cloudtrail import AccessDeniedException  # CloudTrail's model defines the code; KMS's does not

        raise AccessDeniedException(f"User: {principal} is not authorized to perform: kms:RetireGrant on "
                                    f"resource: arn:aws:kms:{world.region}:{world.account_id}:key/{grant.key_id}")
    del world.grants[grant.grant_id]
    return grant


def revoke(world: World, key: KmsKey, grant_id: str) -> Grant:
    access.authorize(world, key, "RevokeGrant")
    grant = _by_id(world, key, grant_id)
    del world.grants[grant.grant_id]
    return grant


def check_tokens(world: World, tokens: list[str] | None) -> None:
    """Grant tokens a request carries must be tokens KMS issued for grants that still exist."""
    for token in tokens or ():
        _by_token(world, token)


def _by_token(world: World, token: str) -> Grant:
    for grant in world.grants.values():
        if grant.grant_token == token:
            return grant
    # GAP: a token of a retired or revoked grant is refused like one KMS never issued.
    raise InvalidGrantTokenException("Grant token is invalid or expired.")


def _by_id(world: World, key: KmsKey, grant_id: str) -> Grant:
    if len(grant_id) != 64 or any(c not in "0123456789abcdef" for c in grant_id):
        raise InvalidGrantIdException(f"Invalid grant ID {grant_id}")
    grant = world.grants.get(grant_id)
    if grant is None or grant.key_id != key.key_id:
        raise NotFoundException(f"Grant ID {grant_id} not found for key {arn(world, key)}")
    return grant


def _token(world: World) -> str:
    """An opaque token, long like KMS's (several hundred characters of URL-safe base64)."""
    return base64.urlsafe_b64encode(ids.draw(world, 240)).decode().rstrip("=")
