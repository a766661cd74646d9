"""Key objects as the HSMs hold them: who may see and use a key, finding, making, importing,
exporting, wrapping and deleting keys, and the attributes they carry.

Handles are the same on every HSM of a cluster.  Token keys are written to every HSM the user
is logged in to; session keys live on one HSM and vanish with their session.  The crypto user
who makes or imports a key owns it: only the owner may delete, export or change it; users it is
shared with may use it; every crypto user sees every public key (cloudhsm-shells-spec §1.3).

Every refusal is raised as `Refused`, carrying the library call the tool names and the HSM's
return code; the shells print it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import msgspec

from ..lazy import lazy
from ..world import ids
from ..world.model import Cluster, Hsm, Key, Session, World
from . import attributes as attr
from . import quotas
from . import returncodes as rc
from .nodes import find_user

crypto = lazy("hsmshell.cloudhsm.crypto")  # cryptography, loaded when a key's material is first touched
check_values = lazy("hsmshell.cloudhsm.check_values")  # a block cipher, when an attribute is first shown

PUBLIC_KEY, PRIVATE_KEY, SECRET_KEY = attr.PUBLIC_KEY, attr.PRIVATE_KEY, attr.SECRET_KEY

# genSymKey -t and -s (genSymKey.md): sizes in bytes.  RC4 exists but a FIPS HSM refuses it.
SYMMETRIC_SIZES = {attr.AES: {16, 24, 32}, attr.DES3: {24}, attr.GENERIC_SECRET: set(range(1, 3584))}
RSA_MODULI = range(2048, 4097, 256)  # at least 2048 (genRSAKeyPair.md); GAP: the top and step
MAX_M_VALUE = 8


class Refused(Exception):
    """An HSM said no.  `hsms` are the nodes to report the code on (none: no status lines)."""

    def __init__(self, call: str, code: rc.ReturnCode, hsms: list[Hsm] | None = None,
                 node_code: rc.ReturnCode | None = None):
        super().__init__(code.message)
        self.call, self.code, self.hsms = call, code, hsms or []
        self.node_code = node_code or code


class Made(msgspec.Struct):
    """New key objects and the HSMs that hold them."""

    handles: list[int]
    hsms: list[Hsm]


# -- who sees what -----------------------------------------------------------------------------

def user_id(cluster: Cluster, session: Session) -> int | None:
    hsm = next((h for h in cluster.hsms if h.hsm_id in session.hsms), None)
    user = find_user(hsm, session.user_name) if hsm else None
    return user.user_id if user else None


def visible(key: Key, uid: int) -> bool:
    """A crypto user sees the keys it owns, the keys shared with it, and every public key."""
    return key.owner == uid or uid in key.shared_with or key.key_class == PUBLIC_KEY


def _in_scope(key: Key, uid: int, session: Session) -> bool:
    # A session key belongs to the login that made it (PKCS #11 session objects).
    return visible(key, uid) and (key.session_id is None or key.session_id == session.session_id)


def seen_by_officer(key: Key, node_ids: set[str]) -> bool:
    """A crypto officer (the CloudHSM CLI's admin) owns no keys and none are shared with it: it
    reaches every token key on the HSMs it is logged in to; a session key is its own login's.
    GAP: which keys an officer may address is documented no further."""
    return key.token and not node_ids.isdisjoint(key.hsms)


def find_keys(cluster: Cluster, session: Session, nodes: list[Hsm], *, label: str | None = None,
              key_class: int | None = None, key_type: int | None = None,
              session_only: bool | None = None, key_id: str | None = None,
              users: list[int] | None = None, kcv: bytes | None = None,
              modulus: bytes | None = None, world: World | None = None) -> list[int]:
    """Handles in the HSM's own order of the keys the user may see that match every filter.
    `users`: keys every listed user may use too; `kcv` and `modulus` need the world, whose
    key material they are computed from."""
    uid = user_id(cluster, session)
    node_ids = {h.hsm_id for h in nodes}
    found = []
    for key in cluster.keys.values():
        if uid is None or not _in_scope(key, uid, session) or not node_ids & set(key.hsms):
            continue
        if ((label is not None and key.label != label)
                or (key_class is not None and key.key_class != key_class)
                or (key_type is not None and key.key_type != key_type)
                or (session_only is not None and (not key.token) != session_only)
                or (key_id is not None and key.attributes.get(attr.ID, "") != key_id)
                or (users and not all(visible(key, u) for u in users))):
            continue
        if kcv is not None or modulus is not None:
            values = attribute_values(world, cluster, key)
            if kcv is not None and values[attr.KCV] != kcv:
                continue
            if modulus is not None and (key.key_type != attr.RSA or bytes(values.get(attr.MODULUS, b"")) != modulus):
                continue
        found.append(key.handle)
    return found


def lookup(cluster: Cluster, session: Session, nodes: list[Hsm], handle: int, call: str = "Cfm3FindKey") -> Key:
    """The key behind a handle, if the user may see it on the nodes it is logged in to."""
    key = cluster.keys.get(handle)
    uid = user_id(cluster, session)
    if key is None or uid is None or not _in_scope(key, uid, session) or not {h.hsm_id for h in nodes} & set(key.hsms):
        raise Refused(call, rc.INVALID_HANDLE, nodes)
    return key


def _owned(cluster: Cluster, session: Session, key: Key, call: str) -> None:
    if key.owner != user_id(cluster, session):
        raise Refused(call, rc.KEY_ACCESS_DENIED)


def holding(key: Key, nodes: list[Hsm]) -> list[Hsm]:
    return [h for h in nodes if h.hsm_id in key.hsms]


# -- deleting ----------------------------------------------------------------------------------

class Deletion(msgspec.Struct):
    call: str  # the library call the tool names in its return line
    code: rc.ReturnCode
    results: list[tuple[Hsm, rc.ReturnCode]]


def delete_key(cluster: Cluster, session: Session, nodes: list[Hsm], handle: int) -> Deletion:
    """Only the owner may delete a key.  A handle the user cannot see is reported by the
    lookup that precedes the delete (Cfm3FindKey, 0xa8), as the real tool does."""
    try:
        key = lookup(cluster, session, nodes, handle)
    except Refused:
        return Deletion("Cfm3FindKey", rc.INVALID_HANDLE, [(h, rc.INVALID_HANDLE) for h in nodes])
    if key.owner != user_id(cluster, session):
        return Deletion("Cfm3DeleteKey", rc.KEY_ACCESS_DENIED, [])
    on = holding(key, nodes)
    for hsm in on:
        key.hsms.remove(hsm.hsm_id)
    if not key.hsms:
        del cluster.keys[handle]
    return Deletion("Cfm3DeleteKey", rc.SUCCESS, [(h, rc.SUCCESS) for h in on])


def allocate_handle(cluster: Cluster) -> int:
    """The first free handle from next_handle on.  Handles below next_handle are never handed
    out again; keys above it are handles other sessions took first, so a key pair's handles
    need not be consecutive (cloudhsm-shells-spec §1.3)."""
    handle = cluster.next_handle
    while handle in cluster.keys:
        handle += 1
    cluster.next_handle = handle + 1
    return handle


# -- key material ------------------------------------------------------------------------------

def material(world: World, cluster: Cluster, key: Key) -> bytes:
    """The key's material (raw secret, PKCS #8 private key, or SubjectPublicKeyInfo), made on
    first use when a hand-written world omits it."""
    if key.material is None:
        _first_material(world, cluster, key)
    return world.sealer.unseal(key.material)


def _first_material(world: World, cluster: Cluster, key: Key) -> None:
    rand = _fixture_random(world, cluster, key.handle)
    if key.key_class == SECRET_KEY:
        raw = crypto.generate_secret(rand, key.size)
    else:
        partner = _partner(cluster, key)
        if key.key_class == PUBLIC_KEY and partner is not None:
            raw = crypto.public_of(material(world, cluster, partner))
        else:
            private = _private_material(rand, key)
            raw = private if key.key_class == PRIVATE_KEY else crypto.public_of(private)
            if partner is not None and partner.material is None:
                _set_material(world, cluster, partner, crypto.public_of(private))
    _set_material(world, cluster, key, raw)


def _set_material(world: World, cluster: Cluster, key: Key, raw: bytes) -> None:
    # The key existed before anyone looked: its copies in backups and in clusters restored
    # from them hold the same bytes (the KMS side derives backing keys the same way).
    sealed = seal_material(world, key, raw)
    holders = [c.keys for c in world.clusters.values() if c.lineage == cluster.lineage]
    holders += [b.keys for b in world.backups.values() if b.lineage == cluster.lineage]
    for keys in holders:
        copy = keys.get(key.handle)
        if copy is not None and copy.material is None and copy.key_class == key.key_class:
            copy.material = sealed
            if attr.KCV in key.attributes:
                copy.attributes[attr.KCV] = key.attributes[attr.KCV]
    key.material = sealed
    world.made_on_first_use = True  # a change even a read's transaction writes


def seal_material(world: World, key: Key, raw: bytes) -> str:
    """`raw`, the key's material, sealed for the world file.  A secret key's check value is
    kept beside it, as an HSM keeps OBJ_ATTR_KCV from the key's creation: showing it (kmsuser's
    `key list --verbose`, the runbook's) then opens no material and loads no cryptography."""
    if key.key_class == SECRET_KEY and len(raw) == key.size:
        key.attributes[attr.KCV] = check_values.kcv(key.key_class, key.key_type, raw).hex()
    return world.sealer.seal(raw)


def _known_check_value(key: Key) -> bytes | None:
    """The check value kept with a secret key's material (seal_material); None if there is none
    (a key made before it was kept) or a hand edit left one that is not 3 bytes of hex."""
    known = key.attributes.get(attr.KCV) if key.key_class == SECRET_KEY else None
    if not isinstance(known, str) or len(known) != 6:
        return None
    try:
        return bytes.fromhex(known)
    except ValueError:
        return None


def _fixture_random(world: World, cluster: Cluster, handle: int) -> crypto.Random:
    if world.ids.seed is None:
        return lambda n: ids.draw(world, n)
    # Seeded: the same bytes for the same key whoever asks first (KMS's backing keys too: their
    # material is made through `material`, as any key's).
    digest = hashlib.sha256(f"{world.ids.seed}:material:{cluster.lineage}:{handle}".encode()).digest()
    stream = crypto._drbg(digest)
    return lambda n: digest[:n] if n <= len(digest) else stream(n)


def _partner(cluster: Cluster, key: Key) -> Key | None:
    """The other half of a hand-written key pair: same label and type, the other class.  A data
    or certificate object (class 0 or 1) is half of no pair, whatever label it shares."""
    if key.key_class not in (PUBLIC_KEY, PRIVATE_KEY):
        return None
    other = PRIVATE_KEY if key.key_class == PUBLIC_KEY else PUBLIC_KEY
    candidates = [k for k in cluster.keys.values()
                  if k.key_class == other and k.key_type == key.key_type and k.label == key.label]
    return min(candidates, key=lambda k: abs(k.handle - key.handle), default=None)


def _private_material(rand: crypto.Random, key: Key) -> bytes:
    if key.key_type == attr.RSA:
        return crypto.generate_rsa(rand, key.size if key.size in RSA_MODULI else 2048, 65537)
    if key.key_type == attr.EC:
        return crypto.generate_ec(rand, 14 if key.size == 384 else 2)
    return crypto.generate_dsa(rand)


def _new_key(world: World, cluster: Cluster, session: Session, on: list[Hsm], *, key_class: int,
             key_type: int, size: int, raw: bytes, label: str, key_id: str = "",
             shared: list[int] = (), m_value: int = 0, extractable: bool = True,
             token: bool = True, local: bool = True, handle: int | None = None,
             usage: dict[int, int] | None = None) -> Key:
    key = Key(handle=handle if handle is not None else allocate_handle(cluster),
              owner=user_id(cluster, session), key_class=key_class, key_type=key_type, size=size,
              label=label, hsms=[h.hsm_id for h in on], shared_with=list(shared), token=token,
              extractable=extractable or key_class == PUBLIC_KEY,
              session_id=None if token else session.session_id, m_value=m_value)
    if key_id:
        key.attributes[attr.ID] = key_id
    if not local:
        key.attributes[attr.LOCAL] = 0
    key.attributes.update(usage or {})
    key.material = seal_material(world, key, raw)
    cluster.keys[key.handle] = key
    return key


def _room(cluster: Cluster, nodes: list[Hsm], call: str, *key_classes: int) -> None:
    """The cluster's key quota, checked before any key of a command is made (cloudhsm/quotas.py)."""
    code = quotas.refuses_keys(cluster, key_classes)
    if code:
        raise Refused(call, code, nodes)


def _placement(nodes: list[Hsm], token: bool) -> list[Hsm]:
    # GAP: which HSM the daemon puts a session key on is undocumented; every example shows
    # the highest-numbered node the user is logged in to.
    return nodes if token else nodes[-1:]


# -- attributes --------------------------------------------------------------------------------

def attribute_values(world: World, cluster: Cluster, key: Key) -> dict[int, Any]:
    """Every attribute the key has, by id."""
    kcv = _known_check_value(key)
    raw = material(world, cluster, key) if kcv is None else None  # a secret key's length is its size
    public = key.key_class == PUBLIC_KEY
    values: dict[int, Any] = {
        attr.CLASS: key.key_class, attr.KEY_TYPE: key.key_type, attr.TOKEN: int(key.token),
        attr.PRIVATE: 1, attr.LABEL: key.label, attr.ID: key.attributes.get(attr.ID, ""),
        attr.SENSITIVE: 0 if public else 1, attr.LOCAL: key.attributes.get(attr.LOCAL, 1),
        attr.EXTRACTABLE: int(key.extractable or public),
        attr.NEVER_EXTRACTABLE: int(not (key.extractable or public)),
        attr.ALWAYS_SENSITIVE: 0 if public else 1, attr.TRUSTED: 0, attr.WRAP_WITH_TRUSTED: 0,
        attr.DESTROYABLE: 1, attr.KCV: kcv if kcv is not None else check_values.kcv(key.key_class, key.key_type, raw),
    }
    values.update(attr.usage_defaults(key.key_class, key.key_type))
    values.update({i: v for i, v in key.attributes.items() if i in attr.BY_ID and i != attr.KCV})
    if key.key_class == SECRET_KEY:
        values[attr.VALUE_LEN] = len(raw) if raw is not None else key.size
    elif key.key_class not in (PUBLIC_KEY, PRIVATE_KEY):
        # A data or certificate object (class 0 or 1, which only a hand-written world holds) has
        # none of a key's modulus, point or exponent.  GAP: its value is the public key it was
        # made with (_first_material).
        values[attr.VALUE_LEN] = len(raw)
    else:
        details = crypto.public_details(key.key_class, raw)
        # GAP: VALUE_LEN of an asymmetric key: the documented EC private key reports its
        # PKCS #8 length (0x8a for P-256), the RSA-2048 public key twice its modulus length.
        values[attr.VALUE_LEN] = 2 * len(details["modulus"]) if key.key_type == attr.RSA else len(raw)
        if "modulus" in details:
            values[attr.MODULUS] = details["modulus"]
            values[attr.MODULUS_BITS] = details["bits"]
        if "exponent" in details:
            values[attr.PUBLIC_EXPONENT] = details["exponent"]
    return values


def all_attributes(values: dict[int, Any], key: Key) -> dict[int, Any]:
    """What getAttribute -a 512 reports, in its order."""
    order = list(attr.ALL_COMMON)
    if key.key_class != SECRET_KEY and attr.MODULUS in values:
        order += attr.ALL_ASYMMETRIC
        if key.key_type == attr.RSA and key.key_class == PUBLIC_KEY:
            order += attr.ALL_RSA_PUBLIC
    return {i: values[i] for i in order if i in values}


def get_attribute(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], handle: int,
                  attribute_id: int) -> dict[int, Any]:
    key = lookup(cluster, session, nodes, handle, "Cfm3GetAttribute")
    values = attribute_values(world, cluster, key)
    if attribute_id == attr.ALL:
        return all_attributes(values, key)
    if attribute_id not in values:
        raise Refused("Cfm3GetAttribute", rc.INVALID_ATTRIBUTE)
    return {attribute_id: values[attribute_id]}


def set_token(cluster: Cluster, session: Session, nodes: list[Hsm], handle: int, attribute_id: int,
              value: int) -> list[Hsm]:
    """key_mgmt_util's setAttribute: the owner makes a session key a token key, the one change
    it allows (OBJ_ATTR_TOKEN, value 1).  The key is then kept on every HSM."""
    key = lookup(cluster, session, nodes, handle, "Cfm3SetAttribute")
    if attribute_id not in attr.KMU_SETTABLE:
        raise Refused("Cfm3SetAttribute", rc.INVALID_ATTRIBUTE)
    _owned(cluster, session, key, "Cfm3SetAttribute")
    if value != 1:
        raise Refused("Cfm3SetAttribute", rc.INVALID_INPUT)
    key.token, key.session_id = True, None
    key.hsms = sorted(set(key.hsms) | {h.hsm_id for h in nodes})
    return nodes


def key_info(cluster: Cluster, session: Session, nodes: list[Hsm], handle: int) -> Key:
    """getKeyInfo: only keys the user owns or that are shared with it (and public keys)."""
    return lookup(cluster, session, nodes, handle, "Cfm3GetKey")


# -- making keys -------------------------------------------------------------------------------

class Policy(msgspec.Struct):
    """What genSymKey, the gen...KeyPair commands and the imports share."""

    label: str
    key_id: str = ""
    shared: list[int] = msgspec.field(default_factory=list)
    m_value: int = 0
    extractable: bool = True
    token: bool = True
    min_servers: int = 1  # -min_srv: HSMs that must hold a token key before the call returns


def _check_policy(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], policy: Policy,
                  call: str) -> None:
    if policy.token and policy.min_servers > len(nodes):
        # GAP: the tool waits (up to -timeout) for enough HSMs; none will come, so it fails.
        raise Refused(call, rc.SERVER_UNAVAILABLE, nodes)
    uid = user_id(cluster, session)
    crypto_users = {u.user_id for h in nodes for u in h.users if u.user_type == "CU"}
    if uid in policy.shared or any(u not in crypto_users for u in policy.shared):
        # GAP: genSymKey.md says sharing with yourself fails without giving the text.
        raise Refused(call, rc.INVALID_INPUT, nodes)
    if not 0 <= policy.m_value <= MAX_M_VALUE or policy.m_value > len(policy.shared) + 1:
        raise Refused(call, rc.INVALID_M_VALUE, nodes)
    if policy.key_id and any(k.attributes.get(attr.ID) == policy.key_id for k in cluster.keys.values()):
        raise Refused(call, rc.INVALID_INPUT, nodes)  # "must be unique in the cluster"; GAP: text


def generate_secret_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,
                        key_type: int, size: int, policy: Policy) -> Made:
    call = "Cfm3GenerateSymmetricKey"
    if key_type == attr.RC4:
        raise Refused(call, rc.FIPS_POLICY, nodes, rc.SERVER_UNAVAILABLE)
    if size not in SYMMETRIC_SIZES.get(key_type, ()):
        raise Refused(call, rc.INVALID_INPUT, nodes)
    _check_policy(world, cluster, session, nodes, policy, call)
    _room(cluster, nodes, call, SECRET_KEY)
    on = _placement(nodes, policy.token)
    raw = crypto.generate_secret(lambda n: ids.draw(world, n), size)
    key = _new_key(world, cluster, session, on, key_class=SECRET_KEY, key_type=key_type, size=size,
                   raw=raw, label=policy.label, key_id=policy.key_id, shared=policy.shared,
                   m_value=policy.m_value, extractable=policy.extractable, token=policy.token)
    return Made([key.handle], on)


def generate_key_pair(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,
                      key_type: int, policy: Policy, modulus: int = 2048, exponent: int = 65537,
                      curve: int = 2) -> Made:
    """A public and a private key with one label; `-u` and `-m_value` apply to the private
    key, `-nex` too (a public key is always extractable).  Returns [public, private]."""
    call = "Cfm3GenerateKeyPair"
    rand = lambda n: ids.draw(world, n)  # noqa: E731
    if key_type == attr.RSA:
        if modulus < 2048:
            raise Refused(call, rc.FIPS_POLICY, nodes, rc.SERVER_UNAVAILABLE)
        if modulus not in RSA_MODULI or exponent < 65537 or exponent % 2 == 0:
            raise Refused(call, rc.INVALID_INPUT, nodes)
        size, make = modulus, lambda: crypto.generate_rsa(rand, modulus, exponent)
    elif key_type == attr.EC:
        if curve not in crypto.CURVES:
            raise Refused(call, rc.INVALID_INPUT, nodes)
        if curve not in crypto.FIPS_CURVES:  # genECCKeyPair.md's documented failure
            raise Refused(call, rc.FIPS_POLICY, nodes, rc.SERVER_UNAVAILABLE)
        size, make = crypto.CURVES[curve].key_size, lambda: crypto.generate_ec(rand, curve)
    else:
        if modulus != 2048:  # genDSAKeyPair.md: "2048 is the only valid value"
            raise Refused(call, rc.FIPS_POLICY, nodes, rc.SERVER_UNAVAILABLE)
        size, make = 2048, lambda: crypto.generate_dsa(rand)
    _check_policy(world, cluster, session, nodes, policy, call)
    _room(cluster, nodes, call, PUBLIC_KEY, PRIVATE_KEY)
    on = _placement(nodes, policy.token)
    private_raw = make()
    public = _new_key(world, cluster, session, on, key_class=PUBLIC_KEY, key_type=key_type, size=size,
                      raw=crypto.public_of(private_raw), label=policy.label, key_id=policy.key_id,
                      token=policy.token)
    private = _new_key(world, cluster, session, on, key_class=PRIVATE_KEY, key_type=key_type, size=size,
                       raw=private_raw, label=policy.label, key_id=policy.key_id, shared=policy.shared,
                       m_value=policy.m_value, extractable=policy.extractable, token=policy.token)
    return Made([public.handle, private.handle], on)


def generate_pbe_key(nodes: list[Hsm]) -> Made:
    """genPBEKey is not supported on FIPS-validated HSMs, which every CloudHSM HSM is.
    GAP: the call name in its return line is ours."""
    raise Refused("Cfm3GeneratePBEKey", rc.FIPS_POLICY, nodes, rc.SERVER_UNAVAILABLE)


# -- importing and exporting -------------------------------------------------------------------

def _wrapping_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], handle: int,
                  call: str, use: int) -> bytes:
    """An AES key the user may use to wrap or unwrap, and its material."""
    key = lookup(cluster, session, nodes, handle, call)
    values = attribute_values(world, cluster, key)
    if key.key_class != SECRET_KEY or key.key_type != attr.AES or not values[use]:
        raise Refused(call, rc.INVALID_INPUT, nodes)
    return material(world, cluster, key)


def import_secret_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,
                      raw: bytes, key_type: int, wrapping_key: int, policy: Policy) -> Made:
    """imSymKey: the tool wraps the file's plaintext key with the wrapping key and the HSM
    unwraps it as a new key (OBJ_ATTR_LOCAL 0)."""
    kek = _wrapping_key(world, cluster, session, nodes, wrapping_key, "Cfm3WrapHostKey", attr.WRAP)
    if key_type not in (attr.AES, attr.DES3) or len(raw) not in SYMMETRIC_SIZES[key_type]:
        raise Refused("Cfm3UnWrapKey", rc.INVALID_INPUT, nodes)
    _check_policy(world, cluster, session, nodes, policy, "Cfm3UnWrapKey")
    _room(cluster, nodes, "Cfm3UnWrapKey", SECRET_KEY)
    raw = crypto.unwrap(kek, crypto.wrap(kek, raw, crypto.WRAP_PAD_PKCS5), crypto.WRAP_PAD_PKCS5)
    on = _placement(nodes, policy.token)
    key = _new_key(world, cluster, session, on, key_class=SECRET_KEY, key_type=key_type, size=len(raw),
                   raw=raw, label=policy.label, key_id=policy.key_id, shared=policy.shared,
                   m_value=policy.m_value, extractable=policy.extractable, token=policy.token, local=False)
    return Made([key.handle], on)


def import_private_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,
                       key_file: bytes, wrapping_key: int, policy: Policy) -> tuple[int, Made]:
    """importPrivateKey: returns the BER length the tool prints, and the new key."""
    try:
        key_type, der = crypto.read_private(key_file)
    except crypto.CryptoFailure:
        raise Refused("Cfm3WrapHostKey", rc.INVALID_INPUT) from None
    _wrapping_key(world, cluster, session, nodes, wrapping_key, "Cfm3WrapHostKey", attr.WRAP)
    _check_policy(world, cluster, session, nodes, policy, "Cfm3UnWrapKey")
    _room(cluster, nodes, "Cfm3UnWrapKey", PRIVATE_KEY)
    on = _placement(nodes, policy.token)
    # importPrivateKey cannot make a key non-extractable (importPrivateKey.md).
    key = _new_key(world, cluster, session, on, key_class=PRIVATE_KEY, key_type=key_type,
                   size=crypto.key_size(key_type, der, PRIVATE_KEY), raw=der, label=policy.label,
                   key_id=policy.key_id, shared=policy.shared, m_value=policy.m_value,
                   token=policy.token, local=False)
    return len(der), Made([key.handle], on)


def import_public_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,
                      key_file: bytes, policy: Policy) -> Made:
    try:
        key_type, der = crypto.read_public(key_file)
    except crypto.CryptoFailure:
        raise Refused("Cfm3CreatePublicKey", rc.INVALID_INPUT) from None
    _check_policy(world, cluster, session, nodes, policy, "Cfm3CreatePublicKey")
    _room(cluster, nodes, "Cfm3CreatePublicKey", PUBLIC_KEY)
    on = _placement(nodes, policy.token)
    key = _new_key(world, cluster, session, on, key_class=PUBLIC_KEY, key_type=key_type,
                   size=crypto.key_size(key_type, der, PUBLIC_KEY), raw=der, label=policy.label,
                   key_id=policy.key_id, token=policy.token, local=False)
    return Made([key.handle], on)


def _exportable(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], handle: int,
                call: str, classes: tuple[int, ...]) -> Key:
    key = lookup(cluster, session, nodes, handle, call)
    if key.key_class not in classes:
        raise Refused(call, rc.INVALID_INPUT)
    _owned(cluster, session, key, call)
    if not key.extractable:
        raise Refused(call, rc.KEY_NOT_EXTRACTABLE)
    return key


def export_secret_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,
                      handle: int, wrapping_key: int, mechanism: int | None = None) -> bytes:
    """exSymKey: the HSM wraps the key and the tool unwraps it on the host, so the file holds
    the plaintext key."""
    key = _exportable(world, cluster, session, nodes, handle, "Cfm3WrapKey", (SECRET_KEY,))
    kek = _wrapping_key(world, cluster, session, nodes, wrapping_key, "Cfm3WrapKey", attr.WRAP)
    mechanism = crypto.WRAP_PAD_PKCS5 if mechanism is None else mechanism
    wrapped = crypto.wrap(kek, material(world, cluster, key), mechanism)
    return crypto.unwrap(kek, wrapped, mechanism, key.size)


def export_private_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,
                       handle: int, wrapping_key: int) -> bytes:
    """exportPrivateKey: PEM of the private key, unwrapped on the host."""
    key = _exportable(world, cluster, session, nodes, handle, "Cfm3WrapKey", (PRIVATE_KEY,))
    kek = _wrapping_key(world, cluster, session, nodes, wrapping_key, "Cfm3WrapKey", attr.WRAP)
    der = crypto.unwrap(kek, crypto.wrap(kek, material(world, cluster, key), crypto.WRAP_PAD_PKCS5),
                        crypto.WRAP_PAD_PKCS5)
    return crypto.private_pem(der)


def export_public_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], handle: int) -> bytes:
    key = lookup(cluster, session, nodes, handle, "Cfm3ExportPubKey")
    if key.key_class != PUBLIC_KEY:
        raise Refused("Cfm3ExportPubKey", rc.INVALID_INPUT)
    return crypto.public_pem(material(world, cluster, key))


# GAP: the header wrapKey puts before the wrapped key is the firmware's and undocumented; ours
# carries what unWrapKey needs to rebuild the key: class, type, label and ID.
_WRAP_MAGIC = b"HSMSHELL-WRAPPED-KEY\n"


def wrap_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, handle: int,
             wrapping_key: int, mechanism: int, header: bool = True) -> bytes:
    """wrapKey: the key wrapped with an AES key (NIST key wrap), as the file holds it."""
    if mechanism not in (crypto.WRAP_PAD_PKCS5, crypto.WRAP_NO_PAD, crypto.WRAP_ZERO_PAD):
        raise Refused("Cfm2WrapKey", rc.INVALID_INPUT)
    key = _exportable(world, cluster, session, nodes, handle, "Cfm2WrapKey", (SECRET_KEY, PRIVATE_KEY))
    kek = _wrapping_key(world, cluster, session, nodes, wrapping_key, "Cfm2WrapKey", attr.WRAP)
    try:
        wrapped = crypto.wrap(kek, material(world, cluster, key), mechanism)
    except crypto.CryptoFailure:
        raise Refused("Cfm2WrapKey", rc.INVALID_INPUT) from None
    if not header:
        return wrapped
    template = {"class": key.key_class, "type": key.key_type, "label": key.label,
                "id": key.attributes.get(attr.ID, ""), "length": key.size}
    return _WRAP_MAGIC + json.dumps(template).encode() + b"\n" + wrapped


def unwrap_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, wrapped: bytes,
               wrapping_key: int, mechanism: int, policy: Policy, key_class: int | None = None,
               key_type: int | None = None) -> Made:
    """unWrapKey: a new key from a wrapped one.  Without a header, `key_class` and `key_type`
    say what it is (-kc, -kt) and the label comes from the policy (-l)."""
    call = "Cfm3UnWrapKey" if key_class is None else "Cfm2UnWrapWithTemplate3"
    if mechanism not in (crypto.WRAP_PAD_PKCS5, crypto.WRAP_NO_PAD, crypto.WRAP_ZERO_PAD):  # as wrapKey -m
        raise Refused(call, rc.INVALID_INPUT, nodes)
    template = {"class": key_class, "type": key_type, "label": policy.label, "id": policy.key_id, "length": None}
    if key_class is None:
        if not wrapped.startswith(_WRAP_MAGIC) or b"\n" not in wrapped[len(_WRAP_MAGIC):]:
            raise Refused(call, rc.INVALID_INPUT, nodes)
        head, wrapped = wrapped[len(_WRAP_MAGIC):].split(b"\n", 1)
        try:
            stored = json.loads(head)
        except ValueError:
            raise Refused(call, rc.INVALID_INPUT, nodes) from None
        template.update({k: v for k, v in stored.items() if k in ("class", "type", "length")})
        template["label"] = policy.label or stored.get("label", "")
        template["id"] = policy.key_id or stored.get("id", "")
    kek = _wrapping_key(world, cluster, session, nodes, wrapping_key, call, attr.UNWRAP)
    try:
        raw = crypto.unwrap(kek, wrapped, mechanism, template["length"])
    except (crypto.CryptoFailure, ValueError):
        raise Refused(call, rc.BAD_PKCS_DATA, nodes) from None
    kc, kt = template["class"], template["type"]
    if kc == SECRET_KEY:
        if kt not in SYMMETRIC_SIZES or len(raw) not in SYMMETRIC_SIZES[kt]:
            raise Refused(call, rc.INVALID_INPUT, nodes)
        size = len(raw)
    elif kc == PRIVATE_KEY:
        try:
            found_type, raw = crypto.read_private(raw)
        except crypto.CryptoFailure:
            raise Refused(call, rc.BAD_PKCS_DATA, nodes) from None
        if kt != found_type:
            raise Refused(call, rc.INVALID_INPUT, nodes)
        size = crypto.key_size(kt, raw, PRIVATE_KEY)
    else:
        raise Refused(call, rc.INVALID_INPUT, nodes)
    checked = msgspec.structs.replace(policy, label=template["label"], key_id=template["id"])
    _check_policy(world, cluster, session, nodes, checked, call)
    _room(cluster, nodes, call, kc)
    on = _placement(nodes, policy.token)
    key = _new_key(world, cluster, session, on, key_class=kc, key_type=kt, size=size, raw=raw,
                   label=checked.label, key_id=checked.key_id, shared=policy.shared,
                   m_value=policy.m_value, extractable=policy.extractable, token=policy.token, local=False)
    return Made([key.handle], on)


# -- using keys --------------------------------------------------------------------------------

def sign(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, handle: int,
         data: bytes, mechanism: int) -> tuple[bytes, list[Hsm]]:
    key = lookup(cluster, session, nodes, handle, "Cfm3Sign")
    values = attribute_values(world, cluster, key)
    if key.key_class != PRIVATE_KEY or not values[attr.SIGN] or mechanism not in crypto.MECHANISMS:
        raise Refused("Cfm3Sign", rc.INVALID_INPUT, holding(key, nodes))
    try:
        return crypto.sign(material(world, cluster, key), data, mechanism), holding(key, nodes)
    except crypto.CryptoFailure:
        raise Refused("Cfm3Sign", rc.INVALID_INPUT, holding(key, nodes)) from None


def verify(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, handle: int,
           data: bytes, signature: bytes, mechanism: int) -> bool:
    """Is the signature good?  (A bad one is the HSM's 0x1b, ERR_BAD_PKCS_DATA.)"""
    key = lookup(cluster, session, nodes, handle, "Cfm3Verify")
    if key.key_class != PUBLIC_KEY or mechanism not in crypto.MECHANISMS:
        raise Refused("Cfm3Verify", rc.INVALID_INPUT)
    try:
        good = crypto.verify(material(world, cluster, key), signature, data, mechanism)
    except crypto.CryptoFailure:
        raise Refused("Cfm3Verify", rc.INVALID_INPUT) from None
    return good


def aes_wrap_unwrap(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, handle: int,
                    data: bytes, wrap: bool, iv: bytes) -> bytes:
    """aesWrapUnwrap: NIST AES key wrap (RFC 3394) of up to 4 KB of data with an HSM key.  The
    data is padded first: aesWrapUnwrap.md wraps a 24-byte key into 40 bytes and unwraps those
    to the 24 again.  GAP: that the padding is PKCS #5's (as wrapKey -m 4) is inferred from
    those lengths; zero padding could not give the 24 back."""
    call = "Cfm3WrapHostKey" if wrap else "Cfm3UnWrapHostKey"
    kek = _wrapping_key(world, cluster, session, nodes, handle, call, attr.WRAP if wrap else attr.UNWRAP)
    try:
        if wrap:
            return crypto.wrap(kek, data, crypto.WRAP_PAD_PKCS5, iv)
        return crypto.unwrap(kek, data, crypto.WRAP_PAD_PKCS5, iv=iv)
    except crypto.CryptoFailure:
        raise Refused(call, rc.BAD_PKCS_DATA) from None


# -- masked objects ----------------------------------------------------------------------------

_MASK_MAGIC = b"HSMSHELL-MASKED-OBJECT\n"


def extract_masked_object(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], handle: int) -> bytes:
    """extractMaskedObject: the key, non-extractable or not, sealed so that only HSMs of the
    same backup lineage can insert it (the masking key is part of that lineage)."""
    key = lookup(cluster, session, nodes, handle, "Cfm3ExtractMaskedObject")
    _owned(cluster, session, key, "Cfm3ExtractMaskedObject")
    record = {"lineage": cluster.lineage, "key": {**msgspec.structs.asdict(key), "material": base64.b64encode(
        material(world, cluster, key)).decode(), "attributes": {str(k): v for k, v in key.attributes.items()}}}
    return _MASK_MAGIC + world.sealer.seal(json.dumps(record).encode()).encode()


def insert_masked_object(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], blob: bytes,
                         min_servers: int = 1) -> Made:
    """insertMaskedObject: the key comes back under a new handle, with its attributes, owner,
    shares and quorum value."""
    call = "Cfm3InsertMaskedObject"
    if min_servers > len(nodes):
        raise Refused(call, rc.SERVER_UNAVAILABLE, nodes)
    try:
        if not blob.startswith(_MASK_MAGIC):
            raise ValueError("not a masked object")
        record = json.loads(world.sealer.unseal(blob[len(_MASK_MAGIC):].decode().strip()))
    except Exception:  # noqa: BLE001 - any damage means the HSM cannot unmask it
        raise Refused(call, rc.MASKING_KEY_MISMATCH, nodes) from None
    if record["lineage"] != cluster.lineage:
        raise Refused(call, rc.MASKING_KEY_MISMATCH, nodes)
    fields = record["key"]
    _room(cluster, nodes, call, fields["key_class"])
    on = nodes if fields["token"] else nodes[-1:]
    key = Key(**{**fields, "handle": allocate_handle(cluster), "hsms": [h.hsm_id for h in on],
                 "attributes": {int(k): v for k, v in fields["attributes"].items()},
                 "material": world.sealer.seal(base64.b64decode(fields["material"])),
                 "session_id": None if fields["token"] else session.session_id})
    cluster.keys[key.handle] = key
    return Made([key.handle], on)


def store_unwrapped(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, key_class: int,
                    key_type: int, raw: bytes, policy: Policy) -> Key:
    """A key the HSM unwrapped itself (Client SDK 5's `key unwrap`), after the checks every
    new key passes.  `raw` is a secret key's bytes or a private key's PKCS #8."""
    call = "Cfm3UnWrapKey"
    if key_class == SECRET_KEY:
        if len(raw) not in SYMMETRIC_SIZES.get(key_type, ()):
            raise Refused(call, rc.INVALID_INPUT, nodes)
        size = len(raw)
    else:
        try:
            found_type, raw = crypto.read_private(raw)
        except crypto.CryptoFailure:
            raise Refused(call, rc.BAD_PKCS_DATA, nodes) from None
        if found_type != key_type:
            raise Refused(call, rc.INVALID_INPUT, nodes)
        size = crypto.key_size(key_type, raw, PRIVATE_KEY)
    _check_policy(world, cluster, session, nodes, policy, call)
    _room(cluster, nodes, call, key_class)
    return _new_key(world, cluster, session, _placement(nodes, policy.token), key_class=key_class,
                    key_type=key_type, size=size, raw=raw, label=policy.label, key_id=policy.key_id,
                    shared=policy.shared, m_value=policy.m_value, extractable=policy.extractable,
                    token=policy.token, local=False)
