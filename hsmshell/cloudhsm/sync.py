"""syncUser and syncKey: copying a user or a key from one HSM to another, as masked objects.

Neither users nor (in SDK 3) every key reach every node by themselves: a node that was
unreachable during a change, or the HSM of a cluster cloned from a backup, is brought up to
date by extracting the object masked on the source HSM and inserting it on the destination.
Masked objects are wrapped with a key only HSMs of the same backup lineage share.
"""

from __future__ import annotations

import copy

import msgspec

from ..world.model import Cluster, Hsm, World
from . import quotas
from . import returncodes as rc
from .keys import allocate_handle, user_id
from .nodes import answers


class Copy(msgspec.Struct):
    extracted: rc.ReturnCode
    inserted: rc.ReturnCode


def _caller(world: World, hsm: Hsm, session_id: str):
    session = world.sessions.get(session_id)
    if not answers(hsm):
        return None, rc.SERVER_UNAVAILABLE
    if session is None or hsm.hsm_id not in session.hsms:
        return None, rc.NOT_LOGGED_IN
    return session, rc.SUCCESS


def sync_user(world: World, source: tuple[Cluster, Hsm], destination: tuple[Cluster, Hsm], *,
              session_id: str, uid: int) -> Copy:
    """A crypto officer logged in on both HSMs copies one user, password and all; a user of
    the same id or name on the destination is replaced."""
    (src_cluster, src), (dst_cluster, dst) = source, destination
    session, code = _caller(world, src, session_id)
    if not code and session.user_type not in ("CO", "PCO"):
        code = rc.PERMISSION_DENIED
    user = next((u for u in src.users if u.user_id == uid), None)
    if not code and user is None:
        code = rc.USER_NOT_FOUND
    if code:
        return Copy(code, code)
    _, code = _caller(world, dst, session_id)
    if not code and src_cluster.lineage != dst_cluster.lineage:
        code = rc.MASKING_KEY_MISMATCH
    if not code and not any(u.user_id == user.user_id or u.name.lower() == user.name.lower() for u in dst.users):
        code = quotas.refuses_user(world, dst)  # a user the HSM does not yet hold takes a place
    if code:
        return Copy(rc.SUCCESS, code)
    dst.users = [u for u in dst.users if u.user_id != user.user_id and u.name.lower() != user.name.lower()]
    dst.users.append(copy.deepcopy(user))
    dst.users.sort(key=lambda u: u.user_id)
    return Copy(rc.SUCCESS, rc.SUCCESS)


def sync_key(world: World, source: tuple[Cluster, Hsm], destination: tuple[Cluster, Hsm], *,
             session_id: str, handle: int) -> rc.ReturnCode:
    """A crypto officer may sync any key, a crypto user only the keys it owns.  Within one
    cluster the destination HSM gains a copy under the same handle; in a cloned cluster the
    key keeps its handle unless that handle is taken there (GAP: undocumented)."""
    (src_cluster, src), (dst_cluster, dst) = source, destination
    session, code = _caller(world, src, session_id)
    key = src_cluster.keys.get(handle)
    if not code and (key is None or src.hsm_id not in key.hsms or key.session_id):
        code = rc.INVALID_HANDLE
    if not code and session.user_type not in ("CO", "PCO") and key.owner != user_id(src_cluster, session):
        code = rc.KEY_ACCESS_DENIED
    if not code:
        _, code = _caller(world, dst, session_id)
    if not code and src_cluster.lineage != dst_cluster.lineage:
        code = rc.MASKING_KEY_MISMATCH
    if code:
        return code
    if dst_cluster is src_cluster:
        if dst.hsm_id not in key.hsms:
            key.hsms.append(dst.hsm_id)
        return rc.SUCCESS
    clone = copy.deepcopy(key)
    clone.hsms = [dst.hsm_id]
    existing = dst_cluster.keys.get(handle)
    if existing is not None and existing.label == key.label and existing.owner == key.owner:
        if dst.hsm_id not in existing.hsms:
            existing.hsms.append(dst.hsm_id)
        return rc.SUCCESS
    code = quotas.refuses_keys(dst_cluster, [key.key_class])
    if code:
        return code
    if existing is not None:
        clone.handle = allocate_handle(dst_cluster)
    dst_cluster.keys[clone.handle] = clone
    dst_cluster.next_handle = max(dst_cluster.next_handle, clone.handle + 1)
    return rc.SUCCESS
