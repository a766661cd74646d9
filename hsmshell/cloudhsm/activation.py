"""`cluster activate`: the unactivated admin sets the first admin password, and the cluster
becomes ACTIVE (cloudhsm-cli-spec §5.1).  There is no API call for it: only the CloudHSM CLI
(or, in the SDK 3 era, CMU's changePswd of the PRECO) does it."""

from __future__ import annotations

from ..world import credentials
from ..world.model import Cluster, World
from .nodes import answers
from .users import check_password


class AlreadyActivated(Exception):
    pass


class NotActivatable(Exception):
    """The cluster is not INITIALIZED (its certificate not signed yet, say)."""


def activate(world: World, cluster: Cluster, password: str) -> None:
    unactivated = [(h, u) for h in cluster.hsms if answers(h) for u in h.users if u.user_type == "PRECO"]
    if cluster.state == "ACTIVE" or not unactivated:
        raise AlreadyActivated()
    check_password(password)
    if cluster.state != "INITIALIZED":
        raise NotActivatable()
    _activate(world, cluster, credentials.hash_password(password, world.settings.password_cost))


def by_precrypto_officer(world: World, cluster: Cluster, password_hash: str) -> None:
    """SDK 3's way (the older User Guide's activation page): the PRECO, logged in with the
    default password, sets its own with cloudhsm_mgmt_util's changePswd, and an INITIALIZED
    cluster becomes ACTIVE, its PRECO a crypto officer with that password on every HSM."""
    if cluster.state == "INITIALIZED":
        _activate(world, cluster, password_hash)


def _activate(world: World, cluster: Cluster, password_hash: str) -> None:
    for hsm in cluster.hsms:
        for user in hsm.users:
            if answers(hsm) and user.user_type == "PRECO":
                user.password_hash = password_hash
    from ..cloudhsmv2 import clusters  # the cluster's state is the control plane's

    clusters.activate(world, cluster.cluster_id)
