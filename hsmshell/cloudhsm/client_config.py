"""The client host's configuration, as the Client SDK 3 configure tool writes it.

`cloudhsm_client.cfg` names one HSM address.  The client daemon asks the HSM there for its
cluster and keeps that cluster's HSMs in `cluster.info`; key_mgmt_util reaches them through
the daemon (`Client.cluster_id`).  `cloudhsm_mgmt_util.cfg` lists CMU's servers in order
(`Client.cmu_servers`), and CMU knows no other HSM (cloudhsm-shells-spec §2.1, §3.1).

The tool checks nothing: an address no HSM answers at is written all the same, and the tools
then reach nothing through it, as they reach nothing of a cluster since deleted.
"""

from __future__ import annotations

from ..world.model import CliCluster, CliConfig, Cluster, World
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


# -- Client SDK 5: the CloudHSM CLI's cloudhsm-cli.cfg (configure-cli) -----------------------------

class ConfigProblem(Exception):
    """The CLI's configuration cannot say which cluster to use."""


class Unconfigured(ConfigProblem):
    """The file still holds its placeholder address (`Config key hostname has invalid value`)."""


class UnknownCluster(ConfigProblem):
    def __init__(self, cluster_id: str):
        super().__init__(cluster_id)
        self.cluster_id = cluster_id


class ClusterIdNeeded(ConfigProblem):
    """Several clusters are configured and the command named none."""


def cli_clusters(world: World) -> list[CliCluster]:
    """The configured clusters.  A world whose client predates configure-cli reaches the
    cluster SDK 3's configure found (model.Client.cli_clusters)."""
    if world.client.cli is None:
        return [CliCluster(cluster_id=world.client.cluster_id)] if world.client.cluster_id else []
    return world.client.cli.clusters


def _resolved(world: World, entry: CliCluster) -> Cluster | None:
    """The cluster an entry reaches: the one at its addresses (the client finds the whole
    cluster from any one HSM), else the one it names."""
    for address in entry.hsm_addresses:
        found = hsm_by_ip(world, address)
        if found:
            return found[0]
    return world.clusters.get(entry.cluster_id)


def cli_cluster_of(world: World, cluster_id: str | None) -> Cluster:
    entries = cli_clusters(world)
    if not entries:
        raise Unconfigured()
    if cluster_id is None:
        if len(entries) > 1:
            raise ClusterIdNeeded()
        chosen = entries[0]
    else:
        chosen = next((e for e in entries if e.cluster_id == cluster_id), None)
        if chosen is None:
            raise UnknownCluster(cluster_id)
    cluster = _resolved(world, chosen)
    if cluster is None or cluster.state == "DELETED":
        raise UnknownCluster(chosen.cluster_id)
    return cluster


def key_availability_check(world: World, cluster_id: str) -> bool:
    """Is the check on for this cluster (on unless configure-cli turned it off)?"""
    return not any(e.disable_key_availability_check for e in cli_clusters(world)
                   if e.cluster_id == cluster_id)


def client_certificate(world: World, cluster: Cluster) -> str | None:
    """The client certificate the CloudHSM CLI presents to this cluster's HSMs (mTLS), if any."""
    return next((e.client_certificate for e in cli_clusters(world)
                 if e.client_certificate and _resolved(world, e) is cluster), None)


def cli_client_certificate(world: World, certificate: str) -> None:
    """`configure-cli --client-cert-hsm-tls-file ... --client-key-hsm-tls-file ...`: mTLS to
    every configured cluster (GAP: as --disable-key-availability-check alone does)."""
    for entry in _editable(world):
        entry.client_certificate = certificate


def _editable(world: World) -> list[CliCluster]:
    if world.client.cli is None:
        world.client.cli = CliConfig([CliCluster(cluster_id=e.cluster_id) for e in cli_clusters(world)])
    return world.client.cli.clusters


def _entry_for(world: World, *, address: str | None, cluster_id: str | None) -> CliCluster:
    if address is not None:
        cluster = _cluster_at(world, address)
        # GAP: as SDK 3's configure, an address no HSM answers at is written all the same.
        return CliCluster(cluster_id=cluster.cluster_id if cluster else "", hsm_addresses=[address])
    return CliCluster(cluster_id=cluster_id or "")


def cli_configure(world: World, *, address: str | None = None, cluster_id: str | None = None,
                  disable_key_availability_check: bool | None = None) -> None:
    """`configure-cli -a ADDRESS` / `--cluster-id ID`: the file then names that one cluster.
    `--disable-key-availability-check` alone changes only the check, for every cluster."""
    entries = _editable(world)
    if address is not None or cluster_id is not None:
        entry = _entry_for(world, address=address, cluster_id=cluster_id)
        if disable_key_availability_check is None and entries:
            entry.disable_key_availability_check = entries[0].disable_key_availability_check
        if entries:  # new addresses keep the file's other options
            entry.client_certificate = entries[0].client_certificate
        entries[:] = [entry]
    if disable_key_availability_check is not None:
        for entry in entries:
            entry.disable_key_availability_check = disable_key_availability_check


def cli_add_cluster(world: World, *, address: str | None, cluster_id: str | None,
                    disable_key_availability_check: bool = False) -> None:
    """`configure-cli add-cluster`: another cluster, chosen with each command's --cluster-id.
    Adding a cluster already there replaces its entry."""
    entry = _entry_for(world, address=address, cluster_id=cluster_id)
    entry.disable_key_availability_check = disable_key_availability_check
    entries = _editable(world)
    entries[:] = [e for e in entries if not (entry.cluster_id and e.cluster_id == entry.cluster_id)] + [entry]


def cli_remove_cluster(world: World, cluster_id: str) -> bool:
    entries = _editable(world)
    kept = [e for e in entries if e.cluster_id != cluster_id]
    removed = len(kept) != len(entries)
    entries[:] = kept
    return removed
