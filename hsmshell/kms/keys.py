"""KMS keys in a custom key store: creating them, their key state, enabling, deleting
(kms-spec §2.7-§2.12, §3.3).

A key keeps its underlying state (enabled or not, deletion scheduled or not); the state the
API shows is derived from it and from its store's connection, so reconnecting restores the
previous state by itself, and enabling or disabling an Unavailable key takes effect then.
"""

from __future__ import annotations

import json
import re
import uuid

from ..cloudhsm.nodes import answers
from ..cloudhsmv2.clusters import active_hsms
from ..cloudtrail import events
from ..errors import ValidationException, validation
from ..errors.kms import (AlreadyExistsException, CloudHsmClusterInvalidConfigurationException,
                               InvalidAliasNameException, KMSInvalidStateException, NotFoundException,
                               UnsupportedOperationException)
from ..world import due, ids
from ..world.clock import now
from ..world.model import CONNECTED, Alias, Cluster, KmsKey, World
from . import access, backing_keys
from .errors import invalid_state, not_found

DAY = 86400
DELETE_KEY = "kms.delete_key"
_ALIAS_PATTERN = "^[a-zA-Z0-9:/_-]+$"  # the model's AliasNameType
_ALIAS_NAME = re.compile(_ALIAS_PATTERN)


def key_state(world: World, key: KmsKey) -> str:
    if key.deletion_date is not None:
        return "PendingDeletion"
    if key.origin == "AWS_KMS":
        return "Enabled" if key.enabled else "Disabled"
    store = world.custom_key_stores.get(key.custom_key_store_id)
    if store is None or store.connection_state != CONNECTED:
        return "Unavailable"
    return "Enabled" if key.enabled else "Disabled"


def arn(world: World, key: KmsKey) -> str:
    return f"arn:aws:kms:{world.region}:{world.account_id}:key/{key.key_id}"


def material_id(key: KmsKey) -> str:
    """The identifier of a key's current material (CurrentKeyMaterialId): 64 hex digits."""
    import hashlib

    return hashlib.sha256(f"{key.key_id}:{len(key.materials)}".encode()).hexdigest()


def find(world: World, key_id: str, *, aliases: bool = True) -> KmsKey:
    """A key by key ID, key ARN and, where the operation accepts them, alias name or ARN."""
    prefix = f"arn:aws:kms:{world.region}:{world.account_id}:"
    name = key_id.removeprefix(prefix)
    if name.startswith("alias/"):
        alias = world.aliases.get(name) if aliases else None
        if alias is None:
            raise NotFoundException(f"Alias {prefix}{name} is not found.")
        name = alias.target_key_id
    bare = name.removeprefix("key/")
    key = world.kms_keys.get(bare)
    if key is None:
        if not _is_uuid(bare):
            raise NotFoundException(f"Invalid keyId '{key_id}'")
        raise NotFoundException(f"Key '{prefix}key/{bare}' does not exist")
    return key


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def create(world: World, *, store_id: str | None, origin: str | None, description: str = "",
           key_usage: str | None = None, key_spec: str | None = None, multi_region: bool = False,
           bypass_policy_lockout_safety_check: bool = False, policy: str | None = None,
           tags: list[tuple[str, str]] | None = None) -> KmsKey:
    origin = origin or "AWS_KMS"
    # GAP: imported key material (EXTERNAL) and external key stores are not simulated, and the
    # mismatches (AWS_CLOUDHSM without a store, a store with another origin) have undocumented
    # errors (kms-spec §2.7).
    if origin not in ("AWS_CLOUDHSM", "AWS_KMS") or (origin == "AWS_CLOUDHSM") != (store_id is not None):
        raise UnsupportedOperationException(
            "This range simulates KMS keys in AWS CloudHSM key stores (--origin AWS_CLOUDHSM with "
            "--custom-key-store-id) and symmetric keys with key material from KMS (no --origin).")
    if (key_usage or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT" or (key_spec or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
        # GAP: for AWS_KMS keys a range choice: asymmetric and HMAC keys are not simulated.
        raise UnsupportedOperationException(
            "KMS keys in an AWS CloudHSM key store must be symmetric encryption keys." if store_id else
            "This range simulates only symmetric encryption KMS keys (KeySpec SYMMETRIC_DEFAULT).")
    if multi_region:
        raise UnsupportedOperationException("You cannot create a multi-Region key in a custom key store."
                                            if store_id else "This range does not simulate multi-Region keys.")
    from . import policies, tags as key_tags  # they build on this module

    if policy is not None:
        policies.checked(world, policy, bypass_policy_lockout_safety_check)
    checked_tags = key_tags.checked(tags or [])
    if store_id is None:
        return _create_in_kms(world, description, policy, checked_tags, bypass_policy_lockout_safety_check, tags)
    store = world.custom_key_stores.get(store_id)
    if store is None:
        raise not_found(store_id)
    if store.connection_state != CONNECTED:
        raise invalid_state(store_id, store.connection_state, "create a KMS key in")
    cluster = world.clusters.get(store.cloud_hsm_cluster_id)
    if cluster is None or not spans_two_zones_answering(cluster):
        raise CloudHsmClusterInvalidConfigurationException(
            f"The AWS CloudHSM cluster {store.cloud_hsm_cluster_id} must contain at least "
            f"two active HSMs, each in a different Availability Zone.")
    key = KmsKey(key_id=ids.key_id(world), custom_key_store_id=store_id, creation_date=now(world),
                 backing_key_handle=0, description=description, policy=policy, tags=checked_tags)
    backing = backing_keys.generate(world, cluster, arn(world, key), "kmsuser")
    key.backing_key_handle = backing.handle
    world.kms_keys[key.key_id] = key
    request = {"keyUsage": "ENCRYPT_DECRYPT", "bypassPolicyLockoutSafetyCheck": bypass_policy_lockout_safety_check,
               "origin": "AWS_CLOUDHSM", "keySpec": "SYMMETRIC_DEFAULT",
               "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "customKeyStoreId": store_id,
               "description": description}
    if policy is not None:
        request["policy"] = policy
    if tags:
        request["tags"] = [{"tagKey": k, "tagValue": v} for k, v in tags]
    handle = json.dumps({"keyHandle": str(backing.handle),
                         "backingKeyId": backing_keys.backing_key_id(world, cluster.lineage, backing.handle)},
                        separators=(",", ":"))
    events.record(world, "CreateKey", request=request, response={"keyMetadata": _trail_metadata(world, key)},
                  additional={"backingKey": handle}, resources=_resources(world, key))
    return key


def _create_in_kms(world: World, description: str, policy: str | None, tags: dict[str, str], bypass: bool,
                   requested_tags: list[tuple[str, str]] | None) -> KmsKey:
    """A symmetric encryption key whose material KMS generates and keeps (origin AWS_KMS)."""
    key = KmsKey(key_id=ids.key_id(world), custom_key_store_id="", creation_date=now(world), backing_key_handle=0,
                 description=description, policy=policy, tags=tags, origin="AWS_KMS",
                 materials=[world.sealer.seal(ids.draw(world, 32))])
    world.kms_keys[key.key_id] = key
    request = {"keyUsage": "ENCRYPT_DECRYPT", "bypassPolicyLockoutSafetyCheck": bypass, "origin": "AWS_KMS",
               "keySpec": "SYMMETRIC_DEFAULT", "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
               "description": description}
    if policy is not None:
        request["policy"] = policy
    if requested_tags:
        request["tags"] = [{"tagKey": k, "tagValue": v} for k, v in requested_tags]
    events.record(world, "CreateKey", request=request, response={"keyMetadata": _trail_metadata(world, key)},
                  resources=_resources(world, key))
    return key


def spans_two_zones_answering(cluster: Cluster) -> bool:
    """KMS must reach two active HSMs in different zones to create a key (kms-spec §4.3)."""
    return len({h.availability_zone for h in active_hsms(cluster) if answers(h)}) >= 2


def describe(world: World, key_id: str, grant_tokens: list[str] | None) -> KmsKey:
    from .grants import check_tokens

    key = find(world, key_id)
    check_tokens(world, grant_tokens)
    access.authorize(world, key, "DescribeKey", grants=True)
    return key


def update_description(world: World, key_id: str, description: str) -> KmsKey:
    key = find(world, key_id, aliases=False)
    access.authorize(world, key, "UpdateKeyDescription")
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    key.description = description
    return key


def set_enabled(world: World, key_id: str, enabled: bool) -> KmsKey:
    key = find(world, key_id, aliases=False)
    access.authorize(world, key, "EnableKey" if enabled else "DisableKey")
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    # While the store is disconnected the change is kept and shows once it reconnects.
    key.enabled = enabled
    events.record(world, "EnableKey" if enabled else "DisableKey", request={"keyId": key_id},
                  resources=_resources(world, key))
    return key


def schedule_deletion(world: World, key_id: str, window_days: int | None) -> KmsKey:
    key = find(world, key_id, aliases=False)
    access.authorize(world, key, "ScheduleKeyDeletion")
    window = 30 if window_days is None else window_days
    if not 7 <= window <= 30:
        raise ValidationException("PendingWindowInDays must be between 7 and 30")
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    key.deletion_date = now(world) + window * DAY
    # GAP: KMS deletes "up to 24 hours" after DeletionDate; here it happens at DeletionDate.
    due.schedule(world, window * DAY, DELETE_KEY, key_id=key.key_id)
    store = world.custom_key_stores.get(key.custom_key_store_id)
    cluster_id = store.cloud_hsm_cluster_id if store else ""
    events.record(world, "ScheduleKeyDeletion", request={"keyId": key_id, "pendingWindowInDays": window},
                  response={"keyId": arn(world, key), "deletionDate": events.text_date(key.deletion_date),
                           "keyState": "PendingDeletion", "pendingWindowInDays": window},
                  additional=None if key.origin == "AWS_KMS" else {
                      "customKeyStoreId": key.custom_key_store_id, "clusterId": cluster_id,
                      "backingKeys": _backing_keys(world, key)},
                  resources=_resources(world, key))
    return key


def cancel_deletion(world: World, key_id: str) -> KmsKey:
    key = find(world, key_id, aliases=False)
    access.authorize(world, key, "CancelKeyDeletion")
    if key.deletion_date is None:
        raise KMSInvalidStateException(f"{arn(world, key)} is not pending deletion.")
    key.deletion_date = None
    key.enabled = False  # a cancelled key comes back disabled
    due.cancel(world, DELETE_KEY, key_id=key.key_id)
    events.record(world, "CancelKeyDeletion", request={"keyId": key_id},
                  response={"keyId": arn(world, key)}, resources=_resources(world, key))
    return key


def pending_deletion(world: World, key: KmsKey) -> KMSInvalidStateException:
    return KMSInvalidStateException(f"{arn(world, key)} is pending deletion.")


def settle_deletion(world: World, args: dict) -> None:
    """The waiting period is over: KMS deletes the key and its aliases, then tries to delete
    the backing key, which it can do only through its kmsuser login (kms-spec §3.3)."""
    key = world.kms_keys.get(args["key_id"])
    if key is None or key.deletion_date is None:
        return
    if key.origin == "AWS_KMS":  # its material is KMS's own: deleted with it
        _forget(world, key)
        events.record(world, "DeleteKey", request=None, service_event=True, resources=_resources(world, key))
        return
    store = world.custom_key_stores.get(key.custom_key_store_id)
    cluster = world.clusters.get(store.cloud_hsm_cluster_id) if store else None
    backing = _backing_keys(world, key)
    status = "FAILURE"
    if store and cluster and store.connection_state == CONNECTED and store.kms_session_id in world.sessions:
        material = cluster.keys.get(key.backing_key_handle)
        nodes = {h.hsm_id for h in cluster.hsms if answers(h)}
        if material is not None and nodes:
            material.hsms = [h for h in material.hsms if h not in nodes]
            if not material.hsms:
                del cluster.keys[key.backing_key_handle]
                status = "SUCCESS"
    _forget(world, key)
    deletion = json.loads(backing)
    for entry in deletion:
        entry["deletionStatus"] = status
    events.record(world, "DeleteKey", request=None, service_event=True,
                  additional={"customKeyStoreId": key.custom_key_store_id,
                             "clusterId": store.cloud_hsm_cluster_id if store else "",
                             "backingKeys": backing,
                             "backingKeysDeletionStatus": json.dumps(deletion, separators=(",", ":"))},
                  resources=_resources(world, key))


def _forget(world: World, key: KmsKey) -> None:
    """The key, its aliases and its grants are gone."""
    del world.kms_keys[key.key_id]
    for name in [a.alias_name for a in world.aliases.values() if a.target_key_id == key.key_id]:
        del world.aliases[name]
    for grant_id in [g.grant_id for g in world.grants.values() if g.key_id == key.key_id]:
        del world.grants[grant_id]


# -- aliases ------------------------------------------------------------------------------------

def create_alias(world: World, alias_name: str, target_key_id: str) -> None:
    check_alias_name(alias_name)
    if alias_name in world.aliases:
        raise AlreadyExistsException(f"An alias with the name arn:aws:kms:{world.region}:{world.account_id}:"
                                     f"{alias_name} already exists")
    key = find(world, target_key_id, aliases=False)
    access.authorize(world, key, "CreateAlias")
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    at = now(world)
    world.aliases[alias_name] = Alias(alias_name, key.key_id, at, at)
    events.record(world, "CreateAlias", request={"aliasName": alias_name, "targetKeyId": target_key_id},
                  resources=_resources(world, key))


def update_alias(world: World, alias_name: str, target_key_id: str) -> None:
    """Points an alias at another key; both keys' policies must allow it, and the new key must
    not be pending deletion."""
    alias = _alias(world, alias_name)
    key = find(world, target_key_id, aliases=False)
    current = world.kms_keys.get(alias.target_key_id)
    if current is not None:
        access.authorize(world, current, "UpdateAlias")
    access.authorize(world, key, "UpdateAlias")
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    alias.target_key_id = key.key_id
    alias.last_updated_date = now(world)


def delete_alias(world: World, alias_name: str) -> None:
    alias = _alias(world, alias_name)
    key = world.kms_keys.get(alias.target_key_id)
    if key is not None:
        access.authorize(world, key, "DeleteAlias")
    del world.aliases[alias_name]


def check_alias_name(alias_name: str) -> None:
    """An alias name as KMS validates it for a new alias: well formed, and not with the prefix
    AWS keeps for its managed keys."""
    _check_alias_syntax(alias_name)
    if alias_name.startswith("alias/aws/"):
        # GAP: AWS's exact wording for the reserved prefix is not in the reference.
        raise InvalidAliasNameException(f"Alias {alias_name} cannot begin with alias/aws/. The alias/aws/ "
                                        f"prefix is reserved for AWS managed keys.")


def _check_alias_syntax(alias_name: str) -> None:
    """The model's pattern, then the `alias/` prefix."""
    if not _ALIAS_NAME.fullmatch(alias_name):
        raise validation("aliasName", f"Member must satisfy regular expression pattern: {_ALIAS_PATTERN}",
                         f"'{alias_name}'")
    if not alias_name.startswith("alias/"):
        raise ValidationException("Invalid identifier")


def _alias(world: World, alias_name: str) -> Alias:
    _check_alias_syntax(alias_name)
    alias = world.aliases.get(alias_name)
    if alias is None:
        raise NotFoundException(f"Alias arn:aws:kms:{world.region}:{world.account_id}:{alias_name} is not found.")
    return alias


def list_aliases(world: World, key_id: str | None) -> list:
    aliases = sorted(world.aliases.values(), key=lambda a: a.alias_name)
    if key_id is None:
        return aliases
    key = find(world, key_id, aliases=False)
    return [a for a in aliases if a.target_key_id == key.key_id]


# -- CloudTrail details ---------------------------------------------------------------------

def _backing_keys(world: World, key: KmsKey) -> str:
    store = world.custom_key_stores.get(key.custom_key_store_id)
    cluster = world.clusters.get(store.cloud_hsm_cluster_id) if store else None
    lineage = cluster.lineage if cluster else ""
    return json.dumps([{"keyHandle": str(key.backing_key_handle),
                        "backingKeyId": backing_keys.backing_key_id(world, lineage, key.backing_key_handle)}],
                      separators=(",", ":"))


def _resources(world: World, key: KmsKey) -> list:
    return [{"accountId": world.account_id, "type": "AWS::KMS::Key", "ARN": arn(world, key)}]


def _trail_metadata(world: World, key: KmsKey) -> dict:
    store = world.custom_key_stores.get(key.custom_key_store_id)
    placed = {} if store is None else {"customKeyStoreId": key.custom_key_store_id,
                                       "cloudHsmClusterId": store.cloud_hsm_cluster_id}
    return {"aWSAccountId": world.account_id, "keyId": key.key_id, "arn": arn(world, key),
            "creationDate": events.text_date(key.creation_date), "enabled": key.enabled,
            "description": key.description, "keyUsage": "ENCRYPT_DECRYPT",
            "keyState": key_state(world, key), "origin": key.origin, **placed,
            "keyManager": "CUSTOMER", "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "keySpec": "SYMMETRIC_DEFAULT", "encryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "multiRegion": False}


DUE_TRANSITIONS = {DELETE_KEY: due.Transition(settle_deletion, ("key_id",))}
