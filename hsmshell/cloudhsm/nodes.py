"""Which HSMs a tool on the client host reaches, and what each node's users are."""

from __future__ import annotations

from ..world.model import Cluster, Hsm, User, World


class NoCluster(Exception):
    """The client is configured for a cluster that does not exist (any more)."""


def client_cluster(world: World) -> Cluster:
    cluster = world.clusters.get(world.client.cluster_id)
    if cluster is None:
        raise NoCluster(world.client.cluster_id)
    return cluster


def hsm_by_ip(world: World, ip: str) -> tuple[Cluster, Hsm] | None:
    for cluster in world.clusters.values():
        for hsm in cluster.hsms:
            if hsm.eni_ip == ip:
                return cluster, hsm
    return None


def answers(hsm: Hsm) -> bool:
    """An HSM takes part in a command only while it is up and reachable from the client."""
    return hsm.reachable and hsm.state in ("ACTIVE", "DEGRADED")


# The HSM types the Client SDK 3 tools (cloudhsm_mgmt_util, key_mgmt_util and the client
# daemon) speak to.  An hsm2m.medium cluster works only with Client SDK 5 (the CloudHSM CLI):
# AWS ended SDK 3's support before that type existed (cloudhsm-cli-spec §9.1).
SDK3_HSM_TYPES = ("hsm1.medium",)


def sdk3_reaches(cluster: Cluster) -> bool:
    """Whether the SDK 3 tools can work with a cluster's HSMs at all.  To them an HSM of
    another type is a server that does not answer: GAP, no source shows what an SDK 3 tool
    prints against an hsm2m.medium HSM; its connection fails, so it prints what it prints
    when no server answers (CMU leaves the server out, key_mgmt_util finds no daemon)."""
    return cluster.hsm_type in SDK3_HSM_TYPES


def daemon_nodes(world: World) -> list[tuple[int, Hsm]]:
    """key_mgmt_util's view through the client daemon: node ids in cluster order."""
    try:
        cluster = client_cluster(world)
    except NoCluster:
        return []
    if not sdk3_reaches(cluster):
        return []
    return [(i, hsm) for i, hsm in enumerate(cluster.hsms) if answers(hsm)]


def daemon_reaches_hsm(world: World) -> bool:
    """Whether the client daemon reaches an HSM of its cluster.  Without one (an address no HSM
    answers at, a cluster since deleted, every HSM of it deleted or not answering) there is no
    daemon for key_mgmt_util to talk to: it does not start (`Daemon socket connection error`,
    cloudhsm-shells-spec §3.1), and a session already open gets every call back with the
    cluster error for an unavailable server, as the daemon reports a node it lost."""
    return bool(daemon_nodes(world))


def find_user(hsm: Hsm, name: str) -> User | None:
    """User names are not case-sensitive in the shells."""
    wanted = name.lower()
    return next((u for u in hsm.users if u.name.lower() == wanted), None)


def type_matches(given: str, actual: str) -> bool:
    # A primary crypto officer is functionally a crypto officer and logs in as one.
    return given == actual or (given == "CO" and actual == "PCO")
