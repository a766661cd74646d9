"""Resource policies on CloudHSM backups (PutResourcePolicy, GetResourcePolicy,
DeleteResourcePolicy): what AWS RAM shares a backup with other accounts through.  Only backups
take one (the User Guide shares backups, not clusters or HSMs)."""

from __future__ import annotations

import json
import re

from ..world.model import Backup, World
from .errors import invalid, not_found

_ARN = re.compile(r"arn:aws:cloudhsm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<kind>backup|cluster|hsm)/(?P<id>.+)")


def backup_of(world: World, resource_arn: str | None) -> Backup:
    if resource_arn is None:
        # GAP: the model requires nothing; without an ARN there is nothing to act on.
        raise invalid("ResourceArn is required.")
    match = _ARN.fullmatch(resource_arn)
    if match is None:
        raise invalid(f"{resource_arn} is not a valid CloudHSM resource ARN.")
    if match["kind"] != "backup":
        # GAP: not documented; only backups can be shared.
        raise invalid(f"Resource policies can be attached only to backups, not to {resource_arn}.")
    backup = world.backups.get(match["id"])
    if backup is None or (match["region"], match["account"]) != (world.region, world.account_id):
        raise not_found(f"Backup {resource_arn} does not exist.")
    return backup


def put(world: World, resource_arn: str | None, policy: str | None) -> Backup:
    backup = backup_of(world, resource_arn)
    if policy is None:
        raise invalid("Policy is required.")
    try:
        document = json.loads(policy)
    except ValueError:
        raise invalid("The resource policy is not a valid JSON document.") from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise invalid("The resource policy must be a JSON object with a Statement.")
    backup.resource_policy = policy
    return backup


def get(world: World, resource_arn: str | None) -> str | None:
    return backup_of(world, resource_arn).resource_policy


def delete(world: World, resource_arn: str | None) -> str | None:
    backup = backup_of(world, resource_arn)
    policy, backup.resource_policy = backup.resource_policy, None
    return policy
