"""The client host's configuration, as the Client SDK 3 configure tool writes it.

`cloudhsm_client.cfg` names one HSM address.  The client daemon asks the HSM there for its
cluster and keeps that cluster's HSMs in `cluster.info`; key_mgmt_util reaches them through
the daemon (`Client.cluster_id`).  `cloudhsm_mgmt_util.cfg` lists CMU's servers in order
(`Client.cmu_servers`), and CMU knows no other HSM (cloudhsm-shells-spec §2.1, §3.1).

The tool checks nothing: an address no HSM answers at is written all the same, and the tools
then reach nothing through it, as they reach nothing of a cluster since deleted.
"""

from __future__ import annotations

from ..world.model import Cluster, World
from .nodes import hsm_by_ip

DAEMON_ID = "1"  # the one client daemon a host runs: /opt/cloudhsm/daemon/1/cluster.info


class NoClusterInfo(Exception):
    """`-m` with nothing to copy: the daemon's cluster.info lists no HSM."""


def _cluster_at(world: World, address: str) -> Cluster | None:
    found = hsm_by_ip(world, address)
    return found[0] if found else None


def add_server(world: World, address: str) -> None:
    """`configure -a ADDRESS`: the daemon's address, and CMU's file with that one server."""
    cluster = _cluster_at(world, address)
    # GAP: the client daemon is no service here, so the stop and start around `-a` that the
    # User Guide asks for are implied: the daemon finds the cluster at once.  An address no HSM
    # answers at leaves it none ("").
    world.client.cluster_id = cluster.cluster_id if cluster else ""
    # Only the address given: filling in the cluster's other HSMs is what `-m` is for, after
    # the daemon has found them (cloudhsm-shells-spec §2.1, SDK 3.2.1 and earlier).
    world.client.cmu_servers = [address]


def set_cmu_servers(world: World, address: str) -> None:
    """`configure --cmu ADDRESS`: CMU's file lists every HSM of that address's cluster."""
    cluster = _cluster_at(world, address)
    # GAP: the order is undocumented.  The cluster's own order (describe-clusters', and the
    # daemon's node ids) keeps server numbers the same whichever HSM is named; the doc example
    # of a file written this way lists the cluster in that order.  An address no HSM answers
    # at is written alone, as `-a` writes it.
    world.client.cmu_servers = [h.eni_ip for h in cluster.hsms] if cluster else [address]


def refresh_cmu_servers(world: World, daemon_id: str = DAEMON_ID) -> None:
    """`configure -m [-i DAEMON_ID]`: CMU's file from the HSMs the daemon found."""
    cluster = world.clusters.get(world.client.cluster_id) if daemon_id == DAEMON_ID else None
    if cluster is None or not cluster.hsms:
        raise NoClusterInfo(f"/opt/cloudhsm/daemon/{daemon_id}/cluster.info")
    world.client.cmu_servers = [h.eni_ip for h in cluster.hsms]
