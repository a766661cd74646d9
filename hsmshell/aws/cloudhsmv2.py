"""CloudHSM v2 operations on the wire, members in the model's order (the order the CLI
prints)."""

from __future__ import annotations

from typing import Any

from ..cloudhsmv2 import backups, clusters, resource_policies, tags
from ..cloudhsmv2.errors import invalid
from ..cloudtrail import events
from ..errors import SerializationException, validation
from ..errors.cloudhsmv2 import CloudHsmInvalidRequestException
from ..world.model import Backup, Cluster, Hsm, World
from . import shapes
from .operations import Table

OPERATIONS = Table(events.CLOUDHSM)
operation = OPERATIONS.operation


_HSM_MESSAGES = {"CREATE_IN_PROGRESS": "HSM is being created.", "ACTIVE": "HSM created.",
                 "DELETE_IN_PROGRESS": "HSM is being deleted."}
# GAP: the messages of a migration and its rollback are not in any source.
_CLUSTER_MESSAGES = {"DELETE_IN_PROGRESS": "The cluster is being deleted.",
                     "MODIFY_IN_PROGRESS": "Cluster is being modified.",
                     "ROLLBACK_IN_PROGRESS": "Cluster is being rolled back.",
                     "INITIALIZE_IN_PROGRESS": "Cluster is initializing. State will change to "
                                               "INITIALIZED upon completion."}


def hsm_entry(cluster: Cluster, hsm: Hsm) -> dict[str, Any]:
    entry = {"AvailabilityZone": hsm.availability_zone, "ClusterId": cluster.cluster_id,
             "SubnetId": hsm.subnet_id, "EniId": hsm.eni_id, "EniIp": hsm.eni_ip, "HsmId": hsm.hsm_id,
             "HsmType": cluster.hsm_type, "State": hsm.state}
    if hsm.state in _HSM_MESSAGES:
        entry["StateMessage"] = _HSM_MESSAGES[hsm.state]
    return entry


def cluster_entry(world: World, cluster: Cluster) -> dict[str, Any]:
    from ..cloudhsmv2 import certificates  # cryptography.x509: ~30 ms that other commands need not pay

    entry: dict[str, Any] = {
        "BackupPolicy": "DEFAULT",
        "BackupRetentionPolicy": {"Type": "DAYS", "Value": str(cluster.backup_retention_days)},
        "ClusterId": cluster.cluster_id,
        "CreateTimestamp": shapes.epoch(cluster.create_timestamp),
        "Hsms": [hsm_entry(cluster, h) for h in cluster.hsms],
        "HsmType": cluster.hsm_type,
    }
    if cluster.hsm_type_rollback_expiration is not None:
        entry["HsmTypeRollbackExpiration"] = shapes.epoch(cluster.hsm_type_rollback_expiration)
    entry["SecurityGroup"] = cluster.security_group
    if cluster.source_backup_id:
        entry["SourceBackupId"] = cluster.source_backup_id
    entry["State"] = cluster.state
    if cluster.state in _CLUSTER_MESSAGES:
        entry["StateMessage"] = _CLUSTER_MESSAGES[cluster.state]
    entry.update({
        "SubnetMapping": dict(sorted(cluster.subnets.items())),
        "VpcId": cluster.vpc_id,
        "NetworkType": "IPV4",
        "Certificates": certificates.of_cluster(world, cluster),
        "TagList": _tag_list(cluster.tags),
        "Mode": clusters.mode_of(cluster),
    })
    return entry


def backup_entry(world: World, backup: Backup) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "BackupId": backup.backup_id,
        "BackupArn": f"arn:aws:cloudhsm:{world.region}:{world.account_id}:backup/{backup.backup_id}",
        "BackupState": backup.state,
        "ClusterId": backup.cluster_id,
        "CreateTimestamp": shapes.epoch(backup.create_timestamp),
        "NeverExpires": backup.never_expires,
    }
    if backup.delete_timestamp is not None:
        entry["DeleteTimestamp"] = shapes.epoch(backup.delete_timestamp)
    entry["TagList"] = _tag_list(backup.tags)
    entry["HsmType"] = backups.hsm_type_of(world, backup)
    entry["Mode"] = backups.mode_of(world, backup)
    return entry


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _tags(params: dict, member: str, *, required: bool = False) -> list[tuple[str, str]] | None:
    """A TagList ([{"Key": k, "Value": v}]) as (key, value) pairs, lengths as the model bounds them."""
    value = params.get(member)
    if value is None:
        if required:
            raise validation(member[:1].lower() + member[1:], "Member must not be null", "null")
        return None
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise SerializationException(f"Unexpected value for {member}: expected a list of tags")
    if not 1 <= len(value) <= 50:
        raise validation(member[:1].lower() + member[1:], "Member must have length less than or equal to 50"
                         if value else "Member must have length greater than or equal to 1")
    return [(shapes.string(t, "Key", required=True, max_len=128),
             shapes.string(t, "Value", required=True, min_len=0, max_len=256)) for t in value]


@operation()
def describe_clusters(world: World, params: dict) -> dict:
    found = clusters.describe(world, shapes.filters(params))
    chunk, token = shapes.token_page(found, params, limit_max=25, bad_token=_bad_token)
    result: dict[str, Any] = {"Clusters": [cluster_entry(world, c) for c in chunk]}
    if token:
        result["NextToken"] = token
    return result


@operation()
def describe_backups(world: World, params: dict) -> dict:
    found = backups.describe(world, shapes.filters(params), bool(shapes.boolean(params, "SortAscending")))
    shapes.boolean(params, "Shared")  # backups shared through RAM: this account shares none
    chunk, token = shapes.token_page(found, params, limit_max=50, bad_token=_bad_token)
    result: dict[str, Any] = {"Backups": [backup_entry(world, b) for b in chunk]}
    if token:
        result["NextToken"] = token
    return result


def _bad_token() -> CloudHsmInvalidRequestException:
    return invalid("The NextToken is not valid.")


def _retention_days(params: dict) -> int | None:
    policy = params.get("BackupRetentionPolicy") or {}
    if not policy:
        return None
    if not isinstance(policy, dict) or policy.get("Type", "DAYS") != "DAYS" or not str(
            policy.get("Value", "")).isdigit() or not 7 <= int(policy["Value"]) <= 379:
        raise invalid("BackupRetentionPolicy must be of Type DAYS with a Value from 7 to 379.")
    return int(policy["Value"])


@operation()
def create_cluster(world: World, params: dict) -> dict:
    tag_list = tags.checked(_tags(params, "TagList") or [])
    cluster = clusters.create(
        world, hsm_type=shapes.string(params, "HsmType", required=True, max_len=32),
        subnet_ids=shapes.string_list(params, "SubnetIds", required=True),
        source_backup_id=shapes.string(params, "SourceBackupId", max_len=256),
        retention_days=_retention_days(params), mode=shapes.enum(params, "Mode", clusters.MODES))
    cluster.tags = tag_list
    return {"Cluster": cluster_entry(world, cluster)}


@operation()
def modify_cluster(world: World, params: dict) -> dict:
    cluster = clusters.modify(world, shapes.string(params, "ClusterId", required=True),
                              hsm_type=shapes.string(params, "HsmType", max_len=32),
                              retention_days=_retention_days(params))
    return {"Cluster": cluster_entry(world, cluster)}


@operation()
def delete_cluster(world: World, params: dict) -> dict:
    return {"Cluster": cluster_entry(world, clusters.delete(world, shapes.string(params, "ClusterId", required=True)))}


@operation()
def initialize_cluster(world: World, params: dict) -> dict:
    cluster = clusters.initialize(world, shapes.string(params, "ClusterId", required=True),
                                  shapes.string(params, "SignedCert", required=True, max_len=20000),
                                  shapes.string(params, "TrustAnchor", required=True, max_len=20000))
    return {"State": cluster.state, "StateMessage": _CLUSTER_MESSAGES[cluster.state]}


@operation()
def create_hsm(world: World, params: dict) -> dict:
    cluster_id = shapes.string(params, "ClusterId", required=True)
    hsm = clusters.create_hsm(world, cluster_id, shapes.string(params, "AvailabilityZone", required=True),
                              shapes.string(params, "IpAddress"))
    return {"Hsm": hsm_entry(world.clusters[cluster_id], hsm)}


@operation()
def delete_hsm(world: World, params: dict) -> dict:
    return {"HsmId": clusters.delete_hsm(
        world, shapes.string(params, "ClusterId", required=True), hsm_id=shapes.string(params, "HsmId"),
        eni_id=shapes.string(params, "EniId"), eni_ip=shapes.string(params, "EniIp"))}


@operation()
def delete_backup(world: World, params: dict) -> dict:
    return {"Backup": backup_entry(world, backups.delete(world, shapes.string(params, "BackupId", required=True)))}


@operation()
def restore_backup(world: World, params: dict) -> dict:
    return {"Backup": backup_entry(world, backups.restore(world, shapes.string(params, "BackupId", required=True)))}


@operation()
def modify_backup_attributes(world: World, params: dict) -> dict:
    backup_id = shapes.string(params, "BackupId", required=True)
    never_expires = shapes.boolean(params, "NeverExpires", required=True)
    return {"Backup": backup_entry(world, backups.modify_attributes(world, backup_id, never_expires))}


@operation()
def copy_backup_to_region(world: World, params: dict) -> dict:
    region = shapes.string(params, "DestinationRegion", required=True, max_len=32)
    tags.checked(_tags(params, "TagList") or [])
    backups.copy_to_region(world, shapes.string(params, "BackupId", required=True), region)


# -- tags -------------------------------------------------------------------------------------

@operation()
def tag_resource(world: World, params: dict) -> dict:
    tags.tag(world, shapes.string(params, "ResourceId", required=True), _tags(params, "TagList", required=True))
    return {}


@operation()
def untag_resource(world: World, params: dict) -> dict:
    tags.untag(world, shapes.string(params, "ResourceId", required=True),
               shapes.string_list(params, "TagKeyList", required=True))
    return {}


@operation()
def list_tags(world: World, params: dict) -> dict:
    found = tags.listed(world, shapes.string(params, "ResourceId", required=True))
    chunk, token = shapes.token_page(found, params, limit_max=100, bad_token=_bad_token)
    result: dict[str, Any] = {"TagList": [{"Key": k, "Value": v} for k, v in chunk]}
    if token:
        result["NextToken"] = token
    return result


# -- resource policies ------------------------------------------------------------------------

@operation()
def put_resource_policy(world: World, params: dict) -> dict:
    arn = shapes.string(params, "ResourceArn")
    backup = resource_policies.put(world, arn, shapes.string(params, "Policy", max_len=20000))
    return {"ResourceArn": arn, "Policy": backup.resource_policy}


@operation()
def get_resource_policy(world: World, params: dict) -> dict:
    policy = resource_policies.get(world, shapes.string(params, "ResourceArn"))
    return {} if policy is None else {"Policy": policy}


@operation()
def delete_resource_policy(world: World, params: dict) -> dict:
    arn = shapes.string(params, "ResourceArn")
    policy = resource_policies.delete(world, arn)
    return {"ResourceArn": arn} if policy is None else {"ResourceArn": arn, "Policy": policy}
