"""Key objects as the HSMs hold them: who sees a key, finding keys, deleting them.

Handles are the same on every HSM of a cluster.  Token keys are written to every HSM that
answers when they are made; session keys live on one HSM and vanish with their session.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..world.model import Cluster, Hsm, Key, Session, World
from . import returncodes as rc
from .nodes import find_user

PUBLIC_KEY = 2


def user_id(cluster: Cluster, session: Session) -> int | None:
    hsm = next((h for h in cluster.hsms if h.hsm_id in session.hsms), None)
    user = find_user(hsm, session.user_name) if hsm else None
    return user.user_id if user else None


def visible(key: Key, uid: int) -> bool:
    """A crypto user sees the keys it owns, the keys shared with it, and every public key."""
    return key.owner == uid or uid in key.shared_with or key.key_class == PUBLIC_KEY


def find_keys(cluster: Cluster, session: Session, nodes: list[Hsm], *, label: str | None = None,
              key_class: int | None = None, key_type: int | None = None,
              session_only: bool | None = None) -> list[int]:
    """Handles in the HSM's own order of the keys the user may see that match every filter."""
    uid = user_id(cluster, session)
    node_ids = {h.hsm_id for h in nodes}
    return [
        key.handle for key in cluster.keys.values()
        if uid is not None and visible(key, uid) and node_ids & set(key.hsms)
        and (label is None or key.label == label)
        and (key_class is None or key.key_class == key_class)
        and (key_type is None or key.key_type == key_type)
        and (session_only is None or (not key.token) == session_only)
    ]


@dataclass
class Deletion:
    call: str  # the library call the tool names in its return line
    code: rc.ReturnCode
    results: list[tuple[Hsm, rc.ReturnCode]]


def delete_key(cluster: Cluster, session: Session, nodes: list[Hsm], handle: int) -> Deletion:
    """Only the owner may delete a key.  A handle the user cannot see is reported by the
    lookup that precedes the delete (Cfm3FindKey, 0xa8), as the real tool does."""
    key = cluster.keys.get(handle)
    uid = user_id(cluster, session)
    holding = [h for h in nodes if key and h.hsm_id in key.hsms]
    if key is None or uid is None or not visible(key, uid) or not holding:
        return Deletion("Cfm3FindKey", rc.INVALID_HANDLE, [(h, rc.INVALID_HANDLE) for h in nodes])
    if key.owner != uid:
        return Deletion("Cfm3DeleteKey", rc.KEY_ACCESS_DENIED, [(h, rc.KEY_ACCESS_DENIED) for h in holding])
    for hsm in holding:
        key.hsms.remove(hsm.hsm_id)
    if not key.hsms:
        del cluster.keys[handle]
    return Deletion("Cfm3DeleteKey", rc.SUCCESS, [(h, rc.SUCCESS) for h in holding])


def allocate_handle(cluster: Cluster) -> int:
    handle = cluster.next_handle
    cluster.next_handle += 1
    return handle


def holds(world: World, cluster_id: str, handle: int) -> bool:
    """Is the key material still on at least one HSM that answers?"""
    cluster = world.clusters.get(cluster_id)
    key = cluster.keys.get(handle) if cluster else None
    return bool(key) and any(h.hsm_id in key.hsms and h.reachable and h.state == "ACTIVE"
                             for h in cluster.hsms)
