"""Who owns and shares which keys, as cloudhsm_mgmt_util sees it: findAllKeys, shareKey and
the attribute changes a key's owner (or, for OBJ_ATTR_TRUSTED, a crypto officer) makes with
setAttribute.

The shell asks one HSM at a time, because it reports each server on its own.  Keys are kept
once per cluster (the cluster synchronises them), so a change made through one server is the
cluster's.
"""

from __future__ import annotations

import hashlib

import msgspec

from ..world.model import Cluster, Hsm, World
from . import attributes as attr
from . import returncodes as rc
from . import roles
from .keys import PUBLIC_KEY, Refused, lookup, seen_by_officer, user_id
from .nodes import answers

OWNED, SHARED = "(o)", "(s)"


class Ownership(msgspec.Struct):
    keys: list[tuple[int, str]]  # handle and (o)/(s), in the HSM's order
    key_hash: str | None  # of the HSM's whole ownership table; None for a user with no keys


def _session(world: World, hsm: Hsm, session_id: str):
    if not answers(hsm):
        raise Refused("", rc.SERVER_UNAVAILABLE)
    session = world.sessions.get(session_id)
    if session is None or hsm.hsm_id not in session.hsms:
        raise Refused("", rc.NOT_LOGGED_IN)
    return session


def find_all_keys(world: World, cluster: Cluster, hsm: Hsm, session_id: str, uid: int) -> Ownership:
    """The keys a user owns or shares on one HSM, for any logged-in user (the permission
    table lets every user read the sync status; GAP: findAllKeys.md names CO and AU).  Only
    crypto users have keys; a public key is listed for its owner only."""
    _session(world, hsm, session_id)
    user = next((u for u in hsm.users if u.user_id == uid), None)
    on_hsm = [k for k in cluster.keys.values() if hsm.hsm_id in k.hsms]
    found = []
    if user is not None and user.user_type == "CU":
        for key in on_hsm:
            if key.owner == uid:
                found.append((key.handle, OWNED))
            elif uid in key.shared_with and key.key_class != PUBLIC_KEY:
                found.append((key.handle, SHARED))
    table = ";".join(f"{k.handle}:{k.owner}:{','.join(map(str, sorted(k.shared_with)))}" for k in on_hsm)
    return Ownership(found, hashlib.sha256(table.encode()).hexdigest() if found else None)


def share_key(world: World, cluster: Cluster, hsm: Hsm, session_id: str, handle: int,
              user_ids: list[int], share: bool) -> None:
    """The owner shares a key with crypto users, or stops sharing it.  Public keys are every
    user's already; a key with its own quorum needs approval to be shared."""
    session = _session(world, hsm, session_id)
    key = lookup(cluster, session, [hsm], handle, "shareKey")
    if key.owner != user_id(cluster, session):
        raise Refused("shareKey", rc.KEY_ACCESS_DENIED)
    if key.key_class == PUBLIC_KEY:
        raise Refused("shareKey", rc.PERMISSION_DENIED)
    if key.m_value > 0:
        raise Refused("shareKey", rc.MXN_AUTH_FAILED)
    for uid in user_ids:
        user = next((u for u in hsm.users if u.user_id == uid), None)
        if user is None or user.user_type != "CU" or uid == key.owner:
            raise Refused("shareKey", rc.USER_NOT_FOUND)
    for uid in user_ids:
        if share and uid not in key.shared_with:
            key.shared_with.append(uid)
        elif not share and uid in key.shared_with:
            key.shared_with.remove(uid)


def set_attribute(world: World, cluster: Cluster, hsm: Hsm, session_id: str, handle: int,
                  attribute_id: int, value: str) -> None:
    """The owner changes one of the attributes cloudhsm_mgmt_util may set: the label or a
    template as text, every other one 0 or 1.  OBJ_ATTR_TRUSTED is the exception: only a crypto
    officer (the CloudHSM CLI's admin) sets it, on any user's key ("CKA_TRUSTED: This attribute
    can be set to True or False by Crypto Officer (CO) only", modify-attr.html; the SDK 3
    trusted-keys procedure has the CO run `setAttribute <handle> 134 1` on a CU's key)."""
    session = _session(world, hsm, session_id)
    officer = roles.is_admin(session.user_type)
    if officer:  # the trusted-keys procedure names a CU's key by its handle
        key = cluster.keys.get(handle)
        if key is None or not seen_by_officer(key, {hsm.hsm_id}):
            raise Refused("setAttribute", rc.INVALID_HANDLE, [hsm])
    else:
        key = lookup(cluster, session, [hsm], handle, "setAttribute")
    if attribute_id not in attr.CMU_SETTABLE:
        raise Refused("setAttribute", rc.INVALID_ATTRIBUTE)
    if attribute_id == attr.TRUSTED:
        if not officer:
            # A role the operation is not for: RET_PERMISSION_DENIED, as the HSM answers a crypto
            # user's createUser (users.py) or an owner's shareKey of a public key.  There is no
            # RET_USER_NOT_AUTHORIZED among the codes the pages show; GAP: the code the HSM gives a
            # crypto user (owner or not) setting OBJ_ATTR_TRUSTED is undocumented.
            raise Refused("setAttribute", rc.PERMISSION_DENIED)
    elif key.owner != user_id(cluster, session):
        raise Refused("setAttribute", rc.KEY_ACCESS_DENIED)  # a crypto officer too: it owns no keys
    if key.m_value > 0:
        raise Refused("setAttribute", rc.MXN_AUTH_FAILED)
    if attribute_id == attr.LABEL:
        key.label = value
    elif attr.BY_ID[attribute_id].kind == attr.STRING:
        key.attributes[attribute_id] = value
    elif value not in ("0", "1"):
        raise Refused("setAttribute", rc.INVALID_INPUT)
    elif attribute_id == attr.WRAP_WITH_TRUSTED and key.attributes.get(attribute_id) == 1 and value == "0":
        # "Once you set CKA_WRAP_WITH_TRUSTED to true, the attribute becomes read-only"
        # (modify-attr.html): refused as an attribute no one may set is, RET_INVALID_ATTRIBUTE
        # (key_mgmt_util's setAttribute on anything but OBJ_ATTR_TOKEN).  GAP: the HSM's own code
        # for a read-only attribute is undocumented.  Setting 1 again changes nothing and is let be.
        raise Refused("setAttribute", rc.INVALID_ATTRIBUTE)
    else:
        key.attributes[attribute_id] = int(value)
