"""Cluster backups: taken when the real service takes them, purged by their cluster's retention
policy, deleted after a seven-day wait that RestoreBackup can end early (kms-spec §6.7,
§6.9, §6.10).

A backup holds one HSM's users and the cluster's keys (with their material) as they were, and
the cluster's lineage, so a cluster made from it is related to the original.
"""

from __future__ import annotations

from typing import NoReturn

from ..world import due, ids
from ..world.clock import now
from ..world.model import Backup, Cluster, World
from .errors import invalid, not_found

DAY = 86400
BACKUP_DELETED = "cloudhsmv2.backup_deleted"
DAILY_BACKUP = "cloudhsmv2.daily_backup"
DELETION_WAIT = 7 * DAY
FILTERS = ("backupIds", "sourceBackupIds", "clusterIds", "states", "neverExpires")


def get(world: World, backup_id: str) -> Backup:
    backup = world.backups.get(backup_id)
    if backup is None:
        raise not_found(f"Backup {backup_id} not found.")
    return backup


def take(world: World, cluster: Cluster) -> Backup | None:
    """Back up a cluster from one of its active HSMs; a cluster without one has nothing to
    back up."""
    source = next((h for h in cluster.hsms if h.state == "ACTIVE"), None)
    if source is None:
        return None
    import copy  # settling a world with backups imports this module: only a backup needs copy

    keys = {h: copy.deepcopy(k) for h, k in cluster.keys.items() if k.session_id is None and k.hsms}
    for key in keys.values():
        key.hsms = []
    backup = Backup(backup_id=ids.cloudhsm_id(world, "backup"), cluster_id=cluster.cluster_id,
                    create_timestamp=now(world), lineage=cluster.lineage,
                    source_backup_id=cluster.source_backup_id, users=copy.deepcopy(source.users),
                    keys=keys, next_handle=cluster.next_handle, hsm_type=cluster.hsm_type,
                    mode=cluster.mode or "FIPS")
    world.backups[backup.backup_id] = backup
    # The service backs every active cluster up at least once every 24 hours.  The count starts
    # at a cluster's first backup in the simulation (activation, an HSM added or removed,
    # `hsmshell cluster backup`), not at a fixture's old backup, which would otherwise make
    # every fixture take one the moment it is loaded.
    due.cancel(world, DAILY_BACKUP, cluster_id=cluster.cluster_id)
    due.schedule(world, DAY, DAILY_BACKUP, cluster_id=cluster.cluster_id)
    return backup


def settle_daily(world: World, args: dict) -> None:
    """A day after the last backup: back up again.  A cluster with no active HSM has nothing
    to back up and tries again a day later; a deleted cluster stops.  After a long clock jump
    one backup is taken, at the time the jump lands on."""
    cluster = world.clusters.get(args["cluster_id"])
    if cluster is None or cluster.state in ("DELETE_IN_PROGRESS", "DELETED"):
        return
    if cluster.state != "ACTIVE" or take(world, cluster) is None:
        due.schedule(world, DAY, DAILY_BACKUP, cluster_id=cluster.cluster_id)


def hsm_type_of(world: World, backup: Backup) -> str:
    """The HSM type of the cluster backed up.  A backup written before backups kept it (a
    fixture's) has its cluster's, or hsm1.medium, the SDK 3 era's only type, once that is gone."""
    cluster = world.clusters.get(backup.cluster_id)
    return backup.hsm_type or (cluster.hsm_type if cluster else "hsm1.medium")


def mode_of(world: World, backup: Backup) -> str:
    cluster = world.clusters.get(backup.cluster_id)
    return backup.mode or (cluster.mode if cluster else None) or "FIPS"


def latest(world: World, cluster_id: str) -> Backup | None:
    ready = [b for b in world.backups.values() if b.cluster_id == cluster_id and b.state == "READY"]
    return max(ready, key=lambda b: b.create_timestamp, default=None)


def describe(world: World, filters: dict[str, list[str]], sort_ascending: bool) -> list[Backup]:
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise invalid(f"Invalid filter: {sorted(unknown)[0]}. Valid filters are {', '.join(FILTERS)}.")
    for value in filters.get("neverExpires", []):
        if value not in ("true", "false"):
            raise invalid(f"Invalid value {value} for filter neverExpires: use true or false.")
    found = [
        b for b in world.backups.values()
        if b.state != "DELETED"
        and _match(filters, "backupIds", b.backup_id) and _match(filters, "clusterIds", b.cluster_id)
        and _match(filters, "sourceBackupIds", b.source_backup_id) and _match(filters, "states", b.state)
        and _match(filters, "neverExpires", "true" if b.never_expires else "false")
    ]
    # GAP: the order without SortAscending is not documented; newest first reads best.
    return sorted(found, key=lambda b: b.create_timestamp, reverse=not sort_ascending)


def _match(filters: dict[str, list[str]], name: str, value: str | None) -> bool:
    return name not in filters or value in filters[name]


def delete(world: World, backup_id: str) -> Backup:
    backup = get(world, backup_id)
    if backup.state != "READY":
        raise invalid(f"Backup {backup_id} is in state {backup.state}; only a READY backup can be deleted.")
    _pend_deletion(world, backup)
    return backup


def _pend_deletion(world: World, backup: Backup) -> None:
    backup.state = "PENDING_DELETION"
    backup.delete_timestamp = now(world) + DELETION_WAIT
    due.schedule(world, DELETION_WAIT, BACKUP_DELETED, backup_id=backup.backup_id)


def copy_to_region(world: World, backup_id: str, region: str) -> NoReturn:
    """CopyBackupToRegion.  GAP: a world simulates one Region, so there is nowhere to copy to:
    the copy is refused as a request the service cannot carry out, after the checks AWS makes
    of the source backup (it must exist and be READY)."""
    backup = get(world, backup_id)
    if region == world.region:
        raise invalid(f"Destination Region {region} is the backup's own Region.")
    if backup.state != "READY":
        raise invalid(f"Backup {backup_id} is in state {backup.state}; only a READY backup can be copied.")
    raise invalid(f"This world simulates only the Region {world.region}: there is no {region} to copy "
                  f"backup {backup_id} to.")


def modify_attributes(world: World, backup_id: str, never_expires: bool) -> Backup:
    """NeverExpires exempts a backup from its cluster's retention policy.  GAP: whether a
    backup pending deletion may be changed is not documented; it may, and stays pending
    deletion (exempting it first is how a purged backup is restored for good)."""
    backup = get(world, backup_id)
    backup.never_expires = never_expires
    return backup


def apply_retention(world: World) -> bool:
    """The service purges a backup older than its cluster's retention period, as DeleteBackup
    would, except the cluster's most recent backup and backups marked NeverExpires.  True if
    any was purged.

    Checked on every settle rather than planned as a due transition per backup: whether a
    backup is due depends on its cluster's policy (ModifyCluster), its own NeverExpires and
    whether a newer backup exists, so a planned expiry would have to be re-planned from four
    places, and a fixture or a hand-edited world holds backups nobody planned.  A pass over the
    backups costs nothing beside loading the world.
    GAP: how often the real service applies the policy is not documented; here at the first
    command after a backup expires.  So a purged backup restored while it is still past the
    policy is purged again by the next command, the race the User Guide warns of: change the
    policy or set NeverExpires first.
    Backups not tied to a cluster keep no policy (the User Guide: they must be deleted by hand).
    GAP: that includes the backups of a deleted cluster, the cluster's last backup among them.
    """
    current = now(world)
    purged = False
    for cluster in world.clusters.values():
        newest = latest(world, cluster.cluster_id)
        for backup in [b for b in world.backups.values() if b.cluster_id == cluster.cluster_id]:
            if (backup.state == "READY" and not backup.never_expires and backup is not newest
                    and backup.create_timestamp + cluster.backup_retention_days * DAY <= current):
                _pend_deletion(world, backup)
                purged = True
    return purged


def restore(world: World, backup_id: str) -> Backup:
    backup = get(world, backup_id)
    if backup.state != "PENDING_DELETION":
        raise invalid(f"Backup {backup_id} is in state {backup.state}; only a backup pending "
                      f"deletion can be restored.")
    backup.state = "READY"
    backup.delete_timestamp = None
    due.cancel(world, BACKUP_DELETED, backup_id=backup_id)
    return backup


def settle_deleted(world: World, args: dict) -> None:
    backup = world.backups.get(args["backup_id"])
    if backup is not None and backup.state == "PENDING_DELETION":
        del world.backups[backup.backup_id]  # gone for good: nothing can restore it


DUE_TRANSITIONS = {BACKUP_DELETED: due.Transition(settle_deleted, ("backup_id",)),
                   DAILY_BACKUP: due.Transition(settle_daily, ("cluster_id",))}
