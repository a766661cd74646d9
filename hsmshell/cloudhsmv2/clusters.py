"""Facts about clusters that KMS's rules depend on."""

from __future__ import annotations

from ..world.model import Cluster, Hsm


def active_hsms(cluster: Cluster) -> list[Hsm]:
    return [h for h in cluster.hsms if h.state == "ACTIVE"]


def spans_two_zones(cluster: Cluster) -> bool:
    """CreateCustomKeyStore, UpdateCustomKeyStore and CreateKey need two active HSMs in
    different Availability Zones; connecting and cryptography need only one."""
    return len({h.availability_zone for h in active_hsms(cluster)}) >= 2


def related(a: Cluster, b: Cluster) -> bool:
    """Clusters that share backup history share their cluster certificate (the lineage)."""
    return a.lineage == b.lineage
