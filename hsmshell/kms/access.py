"""Who may use a KMS key: the caller a request is signed as, its key policy and its grants.

A world names its principals by access key (`principals:`, access key ID -> IAM ARN); with
none named, the access key `hsmshell env` prints is the account's user Alice.  KMS evaluates a
key's policy and grants only in a world with `settings.enforce_key_policies: true`, so worlds
written before policies existed keep working.

The evaluation is the part of AWS's that key policies need: an explicit Deny wins, then an
Allow in the key policy or a grant; a policy statement naming the account (`"AWS":
"arn:aws:iam::ACCOUNT:root"` or the bare account ID) delegates to IAM.  GAP: IAM policies are
not simulated, so a principal of the account is taken to have IAM's `kms:*`, as an
administrator has.  GAP: policy conditions are not evaluated: an Allow with a Condition never
applies, a Deny with one always does (the safe reading of each).
"""

from __future__ import annotations

import fnmatch
import json
from functools import lru_cache

from ..cloudtrail.events import CALLER, signing_key
from ..errors import UnrecognizedClientException
from ..world.model import Grant, KmsKey, World
from . import policies  # which imports this module: its names are read only in calls

DEFAULT_ACCESS_KEY = CALLER["accessKeyId"]  # the one `hsmshell env` prints
DEFAULT_USER = CALLER["userName"]


def principals(world: World) -> dict[str, str]:
    return world.principals or {DEFAULT_ACCESS_KEY: f"arn:aws:iam::{world.account_id}:user/{DEFAULT_USER}"}


def caller(world: World) -> str | None:
    """The ARN of the principal the current request is signed as; None outside a request
    (a lab's check, a shell), which KMS never refuses."""
    access_key = signing_key()
    if access_key is None:
        return None
    principal = principals(world).get(access_key)
    if principal is None and world.settings.enforce_key_policies:
        raise UnrecognizedClientException("The security token included in the request is invalid.")
    return principal or f"arn:aws:iam::{world.account_id}:user/{DEFAULT_USER}"


def authorize(world: World, key: KmsKey, action: str, *, grants: bool = False,
              context: dict[str, str] | None = None) -> None:
    """Refuses `action` (`Encrypt`, `PutKeyPolicy`, ...) on `key` unless the caller may do it,
    by the key policy or, for the operations grants can allow (`grants`), by a grant."""
    if not world.settings.enforce_key_policies:
        return
    principal = caller(world)
    if principal is None or allowed(world, key, principal, action, grants=grants, context=context):
        return
    from ..errors.cloudtrail import AccessDeniedException  # CloudTrail's model defines the code; KMS's does not
    from .keys import arn  # keys imports this module

    raise AccessDeniedException(
        f"User: {principal} is not authorized to perform: kms:{action} on resource: {arn(world, key)} "
        f"because no resource-based policy allows the kms:{action} action")


def allowed(world: World, key: KmsKey, principal: str, action: str, *, grants: bool = False,
            context: dict[str, str] | None = None) -> bool:
    said = verdict(policies.policy_text(world, key), world.account_id, principal, f"kms:{action}")
    if said is not None:
        return said
    return grants and any(grant_allows(g, principal, action, context) for g in key_grants(world, key))


def key_grants(world: World, key: KmsKey) -> list[Grant]:
    return [g for g in world.grants.values() if g.key_id == key.key_id]


def grant_allows(grant: Grant, principal: str, action: str, context: dict[str, str] | None) -> bool:
    if grant.grantee_principal != principal or action not in grant.operations:
        return False
    context = context or {}
    if grant.encryption_context_equals is not None and context != grant.encryption_context_equals:
        return False
    subset = grant.encryption_context_subset or {}
    return all(context.get(k) == v for k, v in subset.items())


@lru_cache(maxsize=4096)  # every Encrypt asks again: a policy's answer is worked out once
def verdict(policy: str, account: str, principal: str, action: str) -> bool | None:
    """True: allowed; False: explicitly denied; None: the policy says nothing for this caller."""
    allow = False
    for effect, principals_, actions, conditional in _statements(policy):
        if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions):
            continue
        if not any(_names(p, principal, account) for p in principals_):
            continue
        if effect == "Deny":
            return False
        if effect == "Allow":  # another effect (a hand-written world's: KMS takes no other) does nothing
            allow = allow or not conditional
    return True if allow else None


def _names(entry: str, principal: str, account: str) -> bool:
    if entry == "*" or entry == principal:
        return True
    # The account itself: IAM decides, and here IAM allows the account's principals (a GAP above).
    return entry in (account, f"arn:aws:iam::{account}:root") and principal.startswith(f"arn:aws:iam::{account}:")


@lru_cache(maxsize=256)
def _statements(policy: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...], bool], ...]:
    """(effect, principals, actions, has a condition) of each statement; parsed once per text."""
    try:
        document = json.loads(policy)
    except ValueError:  # a hand-edited world: a policy that is no policy allows nothing
        return ()
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    out = []
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        principal = statement.get("Principal", {})
        if principal == "*":
            names: list = ["*"]
        else:
            names = principal.get("AWS", []) if isinstance(principal, dict) else []
            names = [names] if isinstance(names, str) else names
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        out.append((statement.get("Effect"), tuple(names), tuple(actions), "Condition" in statement))
    return tuple(out)
