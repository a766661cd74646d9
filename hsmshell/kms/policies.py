"""Key policies: each KMS key has exactly one, named `default` (GetKeyPolicy, PutKeyPolicy,
ListKeyPolicies, and CreateKey's Policy).  They work in every key state (kms-spec §3.1: keys,
aliases, tags and policies of an Unavailable or PendingDeletion key can be managed).
"""

from __future__ import annotations

import json
import re

from ..errors.kms import LimitExceededException, MalformedPolicyDocumentException, NotFoundException
from ..world.model import KmsKey, World
from . import access

POLICY_NAME = "default"  # the only name a key policy can have
MAX_POLICY_BYTES = 32 * 1024  # the key policy document quota (the model allows 131072 characters)
_PRINCIPAL = re.compile(r"\*|\d{12}|arn:aws:(iam|sts)::\d{12}:[\w+=,.@:/-]+|[a-z0-9.-]+\.amazonaws\.com")


def default_policy(account_id: str) -> str:
    """The default key policy KMS gives a key created without one, as GetKeyPolicy returns it
    (KMS pretty-prints it in this style)."""
    return ('{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
            '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n'
            f'      "AWS" : "arn:aws:iam::{account_id}:root"\n    }},\n    "Action" : "kms:*",\n'
            '    "Resource" : "*"\n  } ]\n}')


def policy_text(world: World, key: KmsKey) -> str:
    return key.policy if key.policy is not None else default_policy(world.account_id)


def get(world: World, key: KmsKey, name: str | None) -> str:
    access.authorize(world, key, "GetKeyPolicy")
    _named(name)
    return policy_text(world, key)


def put(world: World, key: KmsKey, name: str | None, policy: str, bypass_lockout_check: bool) -> None:
    access.authorize(world, key, "PutKeyPolicy")
    _named(name)
    key.policy = checked(world, policy, bypass_lockout_check)


def names(world: World, key: KmsKey) -> list[str]:
    access.authorize(world, key, "ListKeyPolicies")
    return [POLICY_NAME]


def checked(world: World, policy: str, bypass_lockout_check: bool) -> str:
    """`policy` if KMS accepts it as a key policy; else its refusal.  Unless bypassed, KMS
    refuses a policy that would stop the caller from changing it again (the lockout check)."""
    if len(policy.encode()) > MAX_POLICY_BYTES:
        # GAP: the wording of the size refusal is not documented.
        raise LimitExceededException(f"The key policy exceeds the maximum size of {MAX_POLICY_BYTES} bytes.")
    try:
        document = json.loads(policy)
    except ValueError:
        # GAP: KMS's wording for a policy that is not JSON is not documented.
        raise MalformedPolicyDocumentException("The key policy is not a valid JSON document.") from None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements or not all(_well_formed(s) for s in statements):
        raise MalformedPolicyDocumentException("The policy document is malformed: each statement needs an "
                                               "Effect, a Principal and an Action.")
    if not all(_PRINCIPAL.fullmatch(p) for s in statements for p in _principals(s)):
        raise MalformedPolicyDocumentException("Policy contains a statement with one or more invalid principals.")
    principal = access.caller(world)
    if not bypass_lockout_check and principal is not None and \
            access.verdict(policy, world.account_id, principal, "kms:PutKeyPolicy") is not True:
        raise MalformedPolicyDocumentException(
            "The new key policy will not allow you to update the key policy in the future.")
    return policy


def _named(name: str | None) -> None:
    if name not in (None, POLICY_NAME):
        # GAP: KMS's answer for another policy name is not documented; no such policy exists.
        raise NotFoundException(f"No such policy exists: {name}")


def _well_formed(statement) -> bool:
    return (isinstance(statement, dict) and statement.get("Effect") in ("Allow", "Deny")
            and "Principal" in statement and "Action" in statement)


def _principals(statement: dict) -> list[str]:
    principal = statement["Principal"]
    if principal == "*":
        return ["*"]
    if not isinstance(principal, dict):
        return [""]
    found = []
    for value in principal.values():
        found += [value] if isinstance(value, str) else [v if isinstance(v, str) else "" for v in value]
    return found
