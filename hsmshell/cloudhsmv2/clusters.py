"""Clusters and their HSMs: the CloudHSM control plane (kms-spec §6.1-§6.8).

Changes take time as in AWS: a new cluster, HSM or deletion is IN_PROGRESS until the world's
`control_plane_delay` has passed, then the next transaction settles it.  A cluster made from a
backup holds the backup's users and keys; they appear on its first HSM.  Related clusters share
a lineage (their cluster certificate), which KMS checks.
"""

from __future__ import annotations

import copy

from ..world import due, generation, ids
from ..world.credentials import hash_password
from ..world.clock import now
from ..world.model import Backup, Cluster, Hsm, User, World
from . import backups, faults
from ..errors.cloudhsmv2 import CloudHsmInvalidRequestException, CloudHsmResourceLimitExceededException
from .errors import invalid, not_found

CLUSTER_READY = "cloudhsmv2.cluster_ready"
CLUSTER_INITIALIZED = "cloudhsmv2.cluster_initialized"
CLUSTER_DELETED = "cloudhsmv2.cluster_deleted"
HSM_READY = "cloudhsmv2.hsm_ready"
HSM_DELETED = "cloudhsmv2.hsm_deleted"
CLUSTER_MODIFIED = "cloudhsmv2.cluster_modified"
HSM_TYPES = ("hsm1.medium", "hsm2m.medium")
MODES = ("FIPS", "NON_FIPS")
# The one migration AWS offers (User Guide, "Migrating from hsm1.medium to hsm2m.medium"), and
# how long it may be rolled back: "You can also manually roll back for up to 24 hours after
# starting the migration."
MIGRATIONS = {"hsm1.medium": "hsm2m.medium"}
ROLLBACK_WINDOW = 24 * 3600
# Default quotas.  GAP: the model has CloudHsmResourceLimitExceededException but lists it for no
# operation; the spec maps quota refusals to it.
HSMS_PER_CLUSTER = 28
CLUSTERS_PER_REGION = 4
# A fresh HSM's precrypto officer, as the CloudHSM User Guide gives it, and the appliance user
# every HSM has from the start (real sessions list both: `Number of users found:2`).  Nobody
# logs in as app_user: its password is random.
PRECO = User(user_id=1, user_type="PRECO", name="admin", password_hash="")
PRECO_PASSWORD = "password"
APPLIANCE_USER = User(user_id=2, user_type="AU", name="app_user", password_hash="")


def active_hsms(cluster: Cluster) -> list[Hsm]:
    return [h for h in cluster.hsms if h.state == "ACTIVE"]


def spans_two_zones(cluster: Cluster) -> bool:
    """CreateCustomKeyStore, UpdateCustomKeyStore and CreateKey need two active HSMs in
    different Availability Zones; connecting and cryptography need only one."""
    return len({h.availability_zone for h in active_hsms(cluster)}) >= 2


def mode_of(cluster: Cluster | Backup) -> str:
    """A cluster's mode.  Left out of the world file, FIPS: every hsm1.medium cluster is (the
    non-FIPS mode came with hsm2m.medium), and, GAP, an hsm2m.medium cluster whose
    CreateCluster named no Mode: the model gives no default, and FIPS is what the hsm1.medium
    clusters it replaces were and what the console offers first.  (Worlds written before the
    range kept a mode printed NON_FIPS for hsm2m.medium: a guess no source supports.)"""
    return cluster.mode or "FIPS"


def get(world: World, cluster_id: str) -> Cluster:
    cluster = world.clusters.get(cluster_id)
    if cluster is None:
        raise not_found(f"Cluster {cluster_id} not found.")
    return cluster


def describe(world: World, filters: dict[str, list[str]]) -> list[Cluster]:
    unknown = set(filters) - {"clusterIds", "vpcIds", "states"}
    if unknown:
        raise invalid(f"Invalid filter: {sorted(unknown)[0]}. Valid filters are clusterIds, vpcIds, states.")
    return [c for c in world.clusters.values()
            if _match(filters, "clusterIds", c.cluster_id) and _match(filters, "vpcIds", c.vpc_id)
            and _match(filters, "states", c.state)]


def _match(filters: dict[str, list[str]], name: str, value: str) -> bool:
    return name not in filters or value in filters[name]


def create(world: World, *, hsm_type: str, subnet_ids: list[str], source_backup_id: str | None,
           retention_days: int | None, mode: str | None = None) -> Cluster:
    _check_type(hsm_type)
    if hsm_type == "hsm1.medium" and generation.is_current(world):
        # The User Guide: "The hsm1.medium HSM type is reaching end of support so new clusters
        # cannot be created with this type."  GAP: the API's message is not in any source.
        raise invalid("The HSM type hsm1.medium has reached end of support: new clusters cannot be "
                      "created with this type. Use hsm2m.medium.")
    if hsm_type == "hsm1.medium" and mode == "NON_FIPS":
        # Non-FIPS mode came with hsm2m.medium.  GAP: the message.
        raise invalid("Mode NON_FIPS is not supported for HSM type hsm1.medium.")
    if len(world.clusters) >= CLUSTERS_PER_REGION:
        raise CloudHsmResourceLimitExceededException(
            f"You have reached the limit of {CLUSTERS_PER_REGION} clusters in this Region.")
    mapping = _subnet_mapping(world, subnet_ids)
    source = None
    if source_backup_id is not None:
        source = backups.get(world, source_backup_id.rsplit("/", 1)[-1])
        if source.state != "READY":
            raise invalid(f"Backup {source.backup_id} is in state {source.state} and cannot be used "
                          f"to create a cluster.")
        mode = _restorable(world, source, hsm_type, mode)
    cluster_id = ids.cloudhsm_id(world, "cluster")
    cluster = Cluster(
        cluster_id=cluster_id, state="CREATE_IN_PROGRESS", hsm_type=hsm_type, mode=mode,
        vpc_id=_vpc_of(world, subnet_ids), subnets=mapping,
        security_group="sg-" + ids.draw(world, 9).hex()[:17], create_timestamp=now(world),
        lineage=source.lineage if source else f"lineage-{cluster_id.removeprefix('cluster-')}",
        trust_anchor=_trust_anchor_of(world, source.lineage) if source else "",
        cluster_certificate=_cluster_certificate_of(world, source.lineage) if source else None,
        source_backup_id=source.backup_id if source else None,
        backup_retention_days=retention_days or 90,
    )
    if source is not None:
        # The backup's keys are the cluster's; they reach an HSM when the first one is made.
        cluster.keys = {h: _unplaced(k) for h, k in copy.deepcopy(source.keys).items()}
        cluster.next_handle = source.next_handle
    world.clusters[cluster_id] = cluster
    due.schedule(world, world.settings.control_plane_delay, CLUSTER_READY, cluster_id=cluster_id)
    return cluster


def _check_type(hsm_type: str) -> None:
    if hsm_type not in HSM_TYPES:
        raise invalid(f"Invalid HSM type {hsm_type}. Valid HSM types are {', '.join(HSM_TYPES)}.")


def _restorable(world: World, backup: Backup, hsm_type: str, mode: str | None) -> str | None:
    """The mode a cluster made from `backup` has: the backup's.  A backup of an hsm1.medium
    cluster may be restored into an hsm2m.medium cluster, in the current generation too: that
    is the blue/green way off hsm1.medium AWS describes beside ModifyCluster's migration, and
    the backup holds keys an operator may still need after hsm1.medium's end of support.  The
    other way round is refused: an older HSM cannot hold what a newer one wrote (as rollback
    is only possible within its window).  GAP: both messages."""
    backup_type, backup_mode = backups.hsm_type_of(world, backup), backups.mode_of(world, backup)
    if backup_type == "hsm2m.medium" and hsm_type == "hsm1.medium":
        raise invalid(f"Backup {backup.backup_id} of HSM type hsm2m.medium cannot be restored to a cluster "
                      f"of HSM type hsm1.medium.")
    if mode is not None and mode != backup_mode:
        raise invalid(f"Backup {backup.backup_id} was taken in {backup_mode} mode; a cluster created from it "
                      f"must use the same mode.")
    return backup_mode


def _unplaced(key):
    key.hsms = []
    return key


def _subnet_mapping(world: World, subnet_ids: list[str]) -> dict[str, str]:
    deleted = faults.subnets(world, faults.SUBNET_DELETED)
    known = {s: az for c in world.clusters.values() for az, s in c.subnets.items()}
    mapping: dict[str, str] = {}
    for subnet in subnet_ids:
        if subnet in deleted:
            raise invalid(f"The subnet ID '{subnet}' does not exist")
        # GAP: the range keeps no inventory of VPC subnets; a subnet no cluster has used is
        # placed in the Region's first zone not yet taken, in the order given.
        zone = known.get(subnet) or next(
            f"{world.region}{letter}" for letter in "abcdefgh" if f"{world.region}{letter}" not in mapping)
        if zone in mapping:
            raise invalid(f"Subnets {mapping[zone]} and {subnet} are in the same Availability Zone "
                          f"{zone}; give at most one subnet per Availability Zone.")
        mapping[zone] = subnet
    return mapping


def _vpc_of(world: World, subnet_ids: list[str]) -> str:
    for cluster in world.clusters.values():
        if set(subnet_ids) & set(cluster.subnets.values()):
            return cluster.vpc_id
    return "vpc-" + ids.draw(world, 9).hex()[:17]


def _trust_anchor_of(world: World, lineage: str) -> str:
    return next((c.trust_anchor for c in world.clusters.values() if c.lineage == lineage and c.trust_anchor), "")


def _cluster_certificate_of(world: World, lineage: str) -> str | None:
    return next((c.cluster_certificate for c in world.clusters.values()
                 if c.lineage == lineage and c.cluster_certificate), None)


def delete(world: World, cluster_id: str) -> Cluster:
    cluster = get(world, cluster_id)
    if cluster.state in ("DELETE_IN_PROGRESS", "DELETED"):
        raise invalid(f"Cluster {cluster_id} is already being deleted.")
    if cluster.hsms:
        raise invalid(f"Cluster {cluster_id} contains HSMs. Delete all HSMs in the cluster before "
                      f"deleting the cluster.")
    cluster.state = "DELETE_IN_PROGRESS"
    due.schedule(world, world.settings.control_plane_delay, CLUSTER_DELETED, cluster_id=cluster_id)
    return cluster


def modify(world: World, cluster_id: str, *, hsm_type: str | None, retention_days: int | None) -> Cluster:
    """A new retention period applies from the next settle: backups it now leaves behind are
    purged then (backups.apply_retention).  A new HSM type migrates the cluster or rolls a
    migration back (`_change_type`)."""
    cluster = get(world, cluster_id)
    if hsm_type is None and retention_days is None:
        # GAP: the model makes neither member required; a request changing nothing is refused.
        raise invalid("Specify HsmType or BackupRetentionPolicy.")
    if cluster.state.endswith("_IN_PROGRESS"):
        # GAP: the console changes the policy of ACTIVE clusters only; the API's rule is not
        # documented.  A cluster in the middle of a change is refused, as other operations are.
        raise invalid(f"Cluster {cluster_id} is in state {cluster.state} and cannot be modified.")
    if hsm_type is not None and hsm_type != cluster.hsm_type:
        _change_type(world, cluster, hsm_type)
    if retention_days is not None:
        cluster.backup_retention_days = retention_days
    return cluster


def _change_type(world: World, cluster: Cluster, hsm_type: str) -> None:
    """Migration (User Guide, "Migrating from hsm1.medium to hsm2m.medium"): AWS backs the
    cluster up, then replaces its HSMs one at a time, keeping their addresses; the cluster is
    MODIFY_IN_PROGRESS meanwhile and shows its old type until every HSM is replaced (GAP: the
    console shows no mixed state; the range changes them all at once when the world's
    control_plane_delay has passed, and the replaced HSMs keep their IDs as well as their
    addresses, so sessions and keys still name them).  For 24 hours from the start the migration can be rolled
    back with ModifyCluster naming the old type: ROLLBACK_IN_PROGRESS, then ACTIVE on the old
    type with no rollback expiration.  GAP: every refusal's message."""
    _check_type(hsm_type)
    if cluster.state != "ACTIVE":
        raise invalid(f"Cluster {cluster.cluster_id} is in state {cluster.state}; only an ACTIVE cluster can "
                      f"change its HSM type.")
    if MIGRATIONS.get(cluster.hsm_type) == hsm_type:
        backups.take(world, cluster)  # "Before migrating the first HSM, AWS CloudHSM creates a full backup"
        cluster.state = "MODIFY_IN_PROGRESS"
        cluster.hsm_type_rollback_expiration = now(world) + ROLLBACK_WINDOW
    elif MIGRATIONS.get(hsm_type) == cluster.hsm_type and cluster.hsm_type_rollback_expiration is not None:
        if now(world) >= cluster.hsm_type_rollback_expiration:
            raise invalid(f"The rollback window of cluster {cluster.cluster_id} has expired: it can no longer be "
                          f"rolled back to HSM type {hsm_type}.")
        cluster.state = "ROLLBACK_IN_PROGRESS"
    else:
        raise invalid(f"Cluster {cluster.cluster_id} of HSM type {cluster.hsm_type} cannot be modified to HSM "
                      f"type {hsm_type}.")
    due.schedule(world, world.settings.control_plane_delay, CLUSTER_MODIFIED,
                 cluster_id=cluster.cluster_id, hsm_type=hsm_type)


def initialize(world: World, cluster_id: str, signed_cert: str, trust_anchor: str) -> Cluster:
    cluster = get(world, cluster_id)
    if cluster.state != "UNINITIALIZED":
        raise invalid(f"Cluster {cluster_id} is in state {cluster.state}; only an UNINITIALIZED "
                      f"cluster can be initialized.")
    for name, text in (("SignedCert", signed_cert), ("TrustAnchor", trust_anchor)):
        if "-----BEGIN CERTIFICATE-----" not in text:
            raise invalid(f"{name} is not a PEM-encoded certificate.")
    cluster.state = "INITIALIZE_IN_PROGRESS"
    cluster.trust_anchor = trust_anchor
    cluster.cluster_certificate = signed_cert  # shown as ClusterCertificate; the CSR is gone
    due.schedule(world, world.settings.control_plane_delay, CLUSTER_INITIALIZED, cluster_id=cluster_id)
    return cluster


def activate(world: World, cluster_id: str) -> Cluster:
    """What the CloudHSM CLI's `cluster activate` does: no API call exists for it."""
    cluster = get(world, cluster_id)
    if cluster.state != "INITIALIZED":
        raise invalid(f"Cluster {cluster_id} is in state {cluster.state}; only an INITIALIZED "
                      f"cluster can be activated.")
    cluster.state = "ACTIVE"
    for hsm in cluster.hsms:
        for user in hsm.users:
            if user.user_type == "PRECO":
                user.user_type = "CO"
    backups.take(world, cluster)
    return cluster


def create_hsm(world: World, cluster_id: str, zone: str, ip: str | None) -> Hsm:
    cluster = get(world, cluster_id)
    if cluster.state not in ("ACTIVE", "UNINITIALIZED", "DEGRADED"):
        raise invalid(f"Cluster {cluster_id} is in state {cluster.state}; HSMs can be added to an "
                      f"ACTIVE or UNINITIALIZED cluster.")
    if zone not in cluster.subnets:
        raise invalid(f"Availability Zone {zone} is not in the cluster's subnet mapping.")
    if len(cluster.hsms) >= HSMS_PER_CLUSTER:
        raise CloudHsmResourceLimitExceededException(
            f"Cluster {cluster_id} has reached the limit of {HSMS_PER_CLUSTER} HSMs.")
    # The account's HSMs in the Region, every cluster's (settings.hsms_per_region); one being
    # deleted counts until it is gone.  GAP: the message, worded as the clusters' quota's.
    quota = world.settings.hsms_per_region
    if sum(1 for c in world.clusters.values() for h in c.hsms if h.state != "DELETED") >= quota:
        raise CloudHsmResourceLimitExceededException(f"You have reached the limit of {quota} HSMs in this Region.")
    subnet = cluster.subnets[zone]
    if subnet in faults.subnets(world, faults.SUBNET_FULL):
        raise _subnet_full(subnet)
    taken = {h.eni_ip for c in world.clusters.values() for h in c.hsms}
    if ip is not None and ip in taken:
        raise invalid(f"The IP address {ip} is already in use.")
    source = next((h for h in active_hsms(cluster)), None)
    if source is not None and cluster.state == "ACTIVE":
        backups.take(world, cluster)  # the new HSM is cloned through a fresh backup
    hsm = Hsm(hsm_id=ids.cloudhsm_id(world, "hsm"), availability_zone=zone, subnet_id=subnet,
              eni_id="eni-" + ids.draw(world, 9).hex()[:17], eni_ip=ip or _free_ip(cluster, zone, taken),
              state="CREATE_IN_PROGRESS")
    _clone_users(world, cluster, source, hsm)
    for key in cluster.keys.values():
        if key.session_id is None:
            key.hsms.append(hsm.hsm_id)
    cluster.hsms.append(hsm)
    due.schedule(world, world.settings.control_plane_delay, HSM_READY, cluster_id=cluster_id, hsm_id=hsm.hsm_id)
    return hsm


def _clone_users(world: World, cluster: Cluster, source: Hsm | None, hsm: Hsm) -> None:
    if source is not None:
        hsm.users = copy.deepcopy(source.users)
        hsm.m_values = copy.deepcopy(source.m_values)
        hsm.next_user_id = source.next_user_id
        return
    backup = backups.latest(world, cluster.cluster_id) or (
        world.backups.get(cluster.source_backup_id) if cluster.source_backup_id else None)
    if backup is not None:
        hsm.users = copy.deepcopy(backup.users)
    else:
        preco, appliance = copy.deepcopy(PRECO), copy.deepcopy(APPLIANCE_USER)
        preco.password_hash = hash_password(PRECO_PASSWORD, world.settings.password_cost)
        appliance.password_hash = hash_password(ids.draw(world, 16).hex(), world.settings.password_cost)
        hsm.users = [preco, appliance]


def _free_ip(cluster: Cluster, zone: str, taken: set[str]) -> str:
    """The zone's first address no HSM of the Region holds: .4 to .254 of its /24 (AWS reserves a
    subnet's first four addresses and its last).  A zone with none left is a full subnet."""
    third = sorted(cluster.subnets).index(zone) + 1
    free = next((f"10.0.{third}.{n}" for n in range(4, 255) if f"10.0.{third}.{n}" not in taken), None)
    if free is None:
        raise _subnet_full(cluster.subnets[zone])
    return free


def _subnet_full(subnet: str) -> CloudHsmInvalidRequestException:
    """The refusal of a new HSM in a subnet with no address left: a full subnet's fault
    (faults.SUBNET_FULL), or a zone whose every address an HSM holds."""
    return invalid(f"The subnet {subnet} has no free IP addresses.")


def delete_hsm(world: World, cluster_id: str, *, hsm_id: str | None, eni_id: str | None,
               eni_ip: str | None) -> str:
    cluster = get(world, cluster_id)
    given = [v for v in (hsm_id, eni_id, eni_ip) if v is not None]
    if len(given) != 1:
        raise invalid("Specify exactly one of HsmId, EniId or EniIp.")
    hsm = next((h for h in cluster.hsms if given[0] in (h.hsm_id, h.eni_id, h.eni_ip)), None)
    if hsm is None:
        raise not_found(f"HSM {given[0]} not found in cluster {cluster_id}.")
    if hsm.state == "DELETE_IN_PROGRESS":
        raise invalid(f"HSM {hsm.hsm_id} is already being deleted.")
    if cluster.state == "ACTIVE":
        backups.take(world, cluster)  # removing an HSM from an active cluster backs it up
    hsm.state = "DELETE_IN_PROGRESS"
    due.schedule(world, world.settings.control_plane_delay, HSM_DELETED, cluster_id=cluster_id, hsm_id=hsm.hsm_id)
    return hsm.hsm_id


# -- what happens later ----------------------------------------------------------------------

def settle_cluster_ready(world: World, args: dict) -> None:
    cluster = world.clusters.get(args["cluster_id"])
    if cluster is not None and cluster.state == "CREATE_IN_PROGRESS":
        # GAP: a cluster made from a backup needs no initialization (UG); it is ACTIVE at once.
        cluster.state = "ACTIVE" if cluster.source_backup_id else "UNINITIALIZED"


def settle_cluster_initialized(world: World, args: dict) -> None:
    cluster = world.clusters.get(args["cluster_id"])
    if cluster is not None and cluster.state == "INITIALIZE_IN_PROGRESS":
        cluster.state = "INITIALIZED"


def settle_cluster_deleted(world: World, args: dict) -> None:
    cluster = world.clusters.get(args["cluster_id"])
    if cluster is not None and cluster.state == "DELETE_IN_PROGRESS":
        # Deleted clusters are no longer listed; their backups stay.
        del world.clusters[cluster.cluster_id]
        for session_id in [s.session_id for s in world.sessions.values() if s.cluster_id == cluster.cluster_id
                           and s.tool != "kms"]:
            del world.sessions[session_id]


def settle_cluster_modified(world: World, args: dict) -> None:
    cluster = world.clusters.get(args["cluster_id"])
    if cluster is None or cluster.state not in ("MODIFY_IN_PROGRESS", "ROLLBACK_IN_PROGRESS"):
        return
    if cluster.state == "ROLLBACK_IN_PROGRESS":
        cluster.hsm_type_rollback_expiration = None
    cluster.hsm_type = args["hsm_type"]
    cluster.state = "ACTIVE"


def settle_hsm_ready(world: World, args: dict) -> None:
    hsm = _hsm(world, args)
    if hsm is not None and hsm.state == "CREATE_IN_PROGRESS":
        hsm.state = "ACTIVE"


def settle_hsm_deleted(world: World, args: dict) -> None:
    cluster = world.clusters.get(args["cluster_id"])
    hsm = _hsm(world, args)
    if cluster is None or hsm is None:
        return
    cluster.hsms.remove(hsm)
    # The cluster keeps its keys while it has no HSM: they come back with the next one.
    for key in cluster.keys.values():
        if hsm.hsm_id in key.hsms:
            key.hsms.remove(hsm.hsm_id)
    for session in world.sessions.values():
        if hsm.hsm_id in session.hsms:
            session.hsms.remove(hsm.hsm_id)


def _hsm(world: World, args: dict) -> Hsm | None:
    cluster = world.clusters.get(args["cluster_id"])
    return next((h for h in cluster.hsms if h.hsm_id == args["hsm_id"]), None) if cluster else None


DUE_TRANSITIONS = {
    CLUSTER_READY: due.Transition(settle_cluster_ready, ("cluster_id",)),
    CLUSTER_INITIALIZED: due.Transition(settle_cluster_initialized, ("cluster_id",)),
    CLUSTER_DELETED: due.Transition(settle_cluster_deleted, ("cluster_id",)),
    CLUSTER_MODIFIED: due.Transition(settle_cluster_modified, ("cluster_id", "hsm_type")),
    HSM_READY: due.Transition(settle_hsm_ready, ("cluster_id", "hsm_id")),
    HSM_DELETED: due.Transition(settle_hsm_deleted, ("cluster_id", "hsm_id")),
}
