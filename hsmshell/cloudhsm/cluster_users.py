"""Users as Client SDK 5 sees them: one entry per user across the cluster's HSMs.

HSM users are not synchronised server-side (cloudhsm-cli-spec §1.4): each HSM keeps its own.
The CloudHSM CLI asks every HSM and folds the answers into one entry; where HSMs disagree a
property reads `"inconsistent"`, and a user missing from some HSM has `"cluster-coverage":
"inconsistent"` (troubleshoot-sdk5-inconsistent-value).
"""

from __future__ import annotations


import msgspec

from ..world.model import Cluster, Hsm, User
from . import roles
from .nodes import answers

INCONSISTENT = "inconsistent"
TOKEN_SIGN = {"strategy": "token-sign", "status": "enabled"}


class ClusterUser(msgspec.Struct):
    username: str
    role: str
    locked: str  # "true" / "false" / "inconsistent": a string, as the tool prints it
    mfa: list[dict]
    quorum: list[dict]
    coverage: str  # "full" / "inconsistent"
    appliance: bool


def _one(values: list) -> object:
    return values[0] if all(v == values[0] for v in values) else INCONSISTENT


def _strategies(users: list[User], enabled) -> list[dict]:
    states = [bool(enabled(u)) for u in users]
    if not any(states):
        return []
    return [dict(TOKEN_SIGN) if all(states) else {"strategy": "token-sign", "status": INCONSISTENT}]


def cluster_users(cluster: Cluster) -> list[ClusterUser]:
    """Every user any answering HSM has.  GAP: the order is undocumented; the example lists
    admin, then a user made later, then app_user: users by id, the appliance user last."""
    hsms: list[Hsm] = [h for h in cluster.hsms if answers(h)]
    by_name: dict[str, list[User]] = {}
    first_id: dict[str, int] = {}
    for hsm in hsms:
        for user in sorted(hsm.users, key=lambda u: u.user_id):
            key = user.name.lower()
            by_name.setdefault(key, []).append(user)
            first_id.setdefault(key, user.user_id)
    out = []
    for key, users in by_name.items():
        role = _one([roles.role_of(u.user_type) for u in users])
        locked = _one(["true" if u.locked else "false" for u in users])
        out.append(ClusterUser(
            username=key, role=role, locked=locked,
            mfa=_strategies(users, lambda u: u.two_factor),
            quorum=_strategies(users, lambda u: u.quorum_pub_key),
            coverage="full" if len(users) == len(hsms) else INCONSISTENT,
            appliance=all(u.user_type == "AU" for u in users)))
    out.sort(key=lambda u: (u.appliance, first_id[u.username]))
    return out


def find(cluster: Cluster, name: str) -> ClusterUser | None:
    return next((u for u in cluster_users(cluster) if u.username == name.lower()), None)
