"""What must hold in any world, checked when a world is read and before one is written.

The codec checks types; this checks meaning: values from the real services' enumerations, ids
that point at something, nothing twice.  A hand-edited file that breaks a rule is refused with
the line of the offending value; a command whose change would break one is refused before
anything is written.
"""

from __future__ import annotations

import re
from itertools import chain
from operator import attrgetter
from typing import Mapping

from . import generation
from .clock import now
from .model import SECONDS_LIMIT, World

CONNECTION_STATES = {"CONNECTED", "CONNECTING", "DISCONNECTED", "DISCONNECTING", "FAILED"}
CONNECTION_ERROR_CODES = {
    "INVALID_CREDENTIALS", "CLUSTER_NOT_FOUND", "NETWORK_ERRORS", "INTERNAL_ERROR",
    "INSUFFICIENT_CLOUDHSM_HSMS", "USER_LOCKED_OUT", "USER_NOT_FOUND", "USER_LOGGED_IN",
    "SUBNET_NOT_FOUND", "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET",
}
CLUSTER_STATES = {"CREATE_IN_PROGRESS", "UNINITIALIZED", "INITIALIZE_IN_PROGRESS", "INITIALIZED",
                  "ACTIVE", "UPDATE_IN_PROGRESS", "MODIFY_IN_PROGRESS", "ROLLBACK_IN_PROGRESS",
                  "DELETE_IN_PROGRESS", "DELETED", "DEGRADED"}
HSM_STATES = {"CREATE_IN_PROGRESS", "ACTIVE", "DEGRADED", "DELETE_IN_PROGRESS", "DELETED"}
BACKUP_STATES = {"CREATE_IN_PROGRESS", "READY", "DELETED", "PENDING_DELETION"}
HSM_TYPES = {"hsm1.medium", "hsm2m.medium"}
MODES = {"FIPS", "NON_FIPS"}  # None (left out): FIPS
USER_TYPES = {"CO", "CU", "AU", "PRECO", "PCO"}
TOOLS = {"cloudhsm_mgmt_util", "key_mgmt_util", "cloudhsm-cli", "kms"}

SDK3_RELEASE = re.compile(r"^3\.\d{1,3}\.\d{1,3}$")  # client.sdk3_version, besides `documented`
MAX_TRUST_ANCHORS = 2  # cluster mtls register-trust-anchor
# What each kind of fault (cloudhsmv2/faults.py) must and may say besides its kind.
FAULTS = {
    "subnet_deleted": ({"subnet_id"}, set()),
    "subnet_full": ({"subnet_id"}, set()),
    "connect_error": ({"code"}, {"until", "times", "custom_key_store_id"}),
}

Problem = tuple[tuple, str]
_hsms_of = attrgetter("hsms")
_class_of = attrgetter("key_class")
_size_of = attrgetter("size")
_m_value_of = attrgetter("m_value")
KEY_CLASSES = frozenset(range(5))
# The lengths a secret key of each type can have, in bytes (OBJ_ATTR_VALUE_LEN; the shells'
# genSymKey and imSymKey take no others: cloudhsm/keys.SYMMETRIC_SIZES): key types 31 AES,
# 21 DES3, 16 generic secret.  A hand-written key of another length reached its material as
# one (a check value, a key-encryption key) and ended in an internal error.
SECRET_KEY_SIZES = {31: (frozenset({16, 24, 32}), "16, 24 or 32"), 21: (frozenset({24}), "24"),
                    16: (frozenset(range(1, 3584)), "1 to 3583")}
_class_type_size = attrgetter("key_class", "key_type", "size")


def _secret_of_no_size_of_its_type(key_class: int, key_type: int, size: int) -> bool:
    return key_class == 4 and key_type in SECRET_KEY_SIZES and size not in SECRET_KEY_SIZES[key_type][0]


def problems(world: World, transitions: Mapping | None = None) -> list[Problem]:
    """What breaks a rule, with where.  `transitions` (kind -> due.Transition) are the kinds of
    due transition the services settle: given, a due entry of another kind is refused."""
    found: list[Problem] = []

    def check(ok: bool, path: tuple, message: str) -> None:
        if not ok:
            found.append((path, message))

    def one_of(value, allowed: set, path: tuple) -> None:
        if value not in allowed:  # the message only for a value that breaks the rule
            found.append((path, f"{value!r} is not one of {', '.join(sorted(allowed))}"))

    check(world.client.sdk3_version == "documented" or bool(SDK3_RELEASE.match(world.client.sdk3_version)),
          ("client", "sdk3_version"), f"{world.client.sdk3_version!r} is neither documented nor a release "
          "number such as 3.4.4")
    # No rule ties the client host to a cluster: its configuration is a file on that host, which
    # may name a cluster since deleted (backed up or not) or, after `configure -a` with an
    # address no HSM answers at, none ("").  The tools then reach nothing.
    # The CloudHSM CLI's configuration, like SDK 3's, may name a cluster since deleted; but one
    # file names each cluster once, and `-a` addresses are addresses.
    check(world.generation in generation.NAMES, ("generation",),
          f"{world.generation!r} is not a generation ({', '.join(generation.NAMES[1:])})")
    check(world.client.aws_cli in (None, 1, 2), ("client", "aws_cli"),
          f"{world.client.aws_cli!r} is not an AWS CLI major version (1 or 2)")
    seen_clusters = set()
    for ci, entry in enumerate(world.client.cli.clusters if world.client.cli else []):
        at = ("client", "cli", "clusters", ci)
        check(not entry.cluster_id or entry.cluster_id not in seen_clusters, at + ("cluster_id",),
              f"cluster {entry.cluster_id!r} is configured twice")
        seen_clusters.add(entry.cluster_id)
        check(bool(entry.cluster_id or entry.hsm_addresses), at, "a configured cluster needs a cluster_id or an HSM address")
        for ai, address in enumerate(entry.hsm_addresses):
            check(_is_ipv4(address), at + ("hsm_addresses", ai), f"{address!r} is not an IPv4 address")
    for ci, cluster in enumerate(world.clusters.values()):
        at = ("clusters", ci)
        one_of(cluster.state, CLUSTER_STATES, at + ("state",))
        one_of(cluster.hsm_type, HSM_TYPES, at + ("hsm_type",))
        if cluster.mode is not None:
            one_of(cluster.mode, MODES, at + ("mode",))
        check(cluster.mode != "NON_FIPS" or cluster.hsm_type != "hsm1.medium", at + ("mode",),
              "an hsm1.medium cluster runs in FIPS mode only")
        hsm_ids = set()
        for hi, hsm in enumerate(cluster.hsms):
            one_of(hsm.state, HSM_STATES, at + ("hsms", hi, "state"))
            check(hsm.hsm_id not in hsm_ids, at + ("hsms", hi, "hsm_id"), f"duplicate HSM {hsm.hsm_id!r}")
            hsm_ids.add(hsm.hsm_id)
            # A full hsm2m.medium has 1,024 users on each HSM, and this runs on every load and
            # before every write: the rules are checked at once, and only an HSM that breaks
            # one is walked user by user, to say which user.
            users = hsm.users
            if (len({u.user_id for u in users}) == len(users) == len({u.name.lower() for u in users})
                    and {u.user_type for u in users} <= USER_TYPES
                    and not any(u.two_factor and u.user_type not in ("CO", "PCO") for u in users)):
                continue
            user_ids, names = set(), set()
            for ui, user in enumerate(users):
                where = at + ("hsms", hi, "users", ui)
                one_of(user.user_type, USER_TYPES, where + ("user_type",))
                check(user.user_id not in user_ids, where + ("user_id",), f"duplicate user id {user.user_id}")
                check(user.name.lower() not in names, where + ("name",), f"duplicate user name {user.name!r}")
                check(not user.two_factor or user.user_type in ("CO", "PCO"), where + ("two_factor",),
                      "two-factor authentication is for crypto officers only")
                user_ids.add(user.user_id)
                names.add(user.name.lower())
        one_of(cluster.mtls_enforcement, {"none", "cluster"}, at + ("mtls_enforcement",))
        check(len(cluster.mtls_trust_anchors) <= MAX_TRUST_ANCHORS, at + ("mtls_trust_anchors",),
              f"at most {MAX_TRUST_ANCHORS} trust anchors can be registered")
        # Every HSM every key names, gathered in C: a full hsm2m.medium holds 16,666 keys, and
        # this runs on every load from the derived cache and before every write.  Only a world
        # that breaks the rule is walked key by key, to say which key.
        if not hsm_ids.issuperset(chain.from_iterable(map(_hsms_of, cluster.keys.values()))):
            for ki, key in enumerate(cluster.keys.values()):
                unknown = [h for h in key.hsms if h not in hsm_ids]
                check(not unknown, at + ("keys", ki, "hsms"), f"no HSM {unknown[0]!r} in this cluster" if unknown else "")
        # A key's class is one of PKCS #11's object classes: 2, 3 and 4, the keys the shells make
        # (cloudhsm-shells-spec), or 0 and 1 (data, certificate), which only a hand-written world
        # holds and the shells take for no key of theirs.  Any other would reach the key's
        # material as neither half of a pair nor a secret.  Gathered in C, as above.
        if not KEY_CLASSES.issuperset(map(_class_of, cluster.keys.values())):
            for ki, key in enumerate(cluster.keys.values()):
                check(key.key_class in KEY_CLASSES, at + ("keys", ki, "key_class"),
                      f"{key.key_class!r} is not an object class (2 public, 3 private, 4 secret; 0 data, 1 certificate)")
        # A key's size is a length (bytes, or a modulus's bits).  A negative one reached a secret
        # key's material as no length (an internal error; seeded, 31 bytes for a size of -1).
        if min(map(_size_of, cluster.keys.values()), default=0) < 0:
            for ki, key in enumerate(cluster.keys.values()):
                check(key.size >= 0, at + ("keys", ki, "size"), f"{key.size!r} is not a length (0 or more)")
        # A key's m_value counts the approvals its own quorum needs (0 for none): a negative one
        # was taken for none by shareKey and setAttribute and shown by no getKeyInfo.  Gathered in C.
        if min(map(_m_value_of, cluster.keys.values()), default=0) < 0:
            for ki, key in enumerate(cluster.keys.values()):
                check(key.m_value >= 0, at + ("keys", ki, "m_value"),
                      f"{key.m_value!r} is not a count of approvals (0 or more)")
        # Gathered in C: the distinct (class, type, size) of the cluster's keys are a handful.
        if any(_secret_of_no_size_of_its_type(*kind) for kind in set(map(_class_type_size, cluster.keys.values()))):
            for ki, key in enumerate(cluster.keys.values()):
                if _secret_of_no_size_of_its_type(*_class_type_size(key)):
                    check(False, at + ("keys", ki, "size"), f"{key.size!r} is not a length a secret key of type "
                                                            f"{key.key_type} can have ({SECRET_KEY_SIZES[key.key_type][1]} bytes)")
        # No rule ties handles to next_handle: keys above it are handles other sessions
        # took, which allocation skips (keys.allocate_handle).
    for bi, backup in enumerate(world.backups.values()):
        one_of(backup.state, BACKUP_STATES, ("backups", bi, "state"))
        if backup.hsm_type is not None:
            one_of(backup.hsm_type, HSM_TYPES, ("backups", bi, "hsm_type"))
        if backup.mode is not None:
            one_of(backup.mode, MODES, ("backups", bi, "mode"))
    for si, store in enumerate(world.custom_key_stores.values()):
        at = ("custom_key_stores", si)
        one_of(store.connection_state, CONNECTION_STATES, at + ("connection_state",))
        if store.connection_error_code is not None:
            one_of(store.connection_error_code, CONNECTION_ERROR_CODES, at + ("connection_error_code",))
        check(store.kms_session_id is None or store.kms_session_id in world.sessions,
              at + ("kms_session_id",), f"no session {store.kms_session_id!r}")
    for ki, key in enumerate(world.kms_keys.values()):
        at = ("kms_keys", ki)
        one_of(key.origin, {"AWS_CLOUDHSM", "AWS_KMS"}, at + ("origin",))
        if key.origin == "AWS_KMS":
            check(not key.custom_key_store_id, at + ("custom_key_store_id",), "a key with origin AWS_KMS is in no key store")
            check(bool(key.materials), at + ("materials",), "a key with origin AWS_KMS needs its key material")
        else:
            check(key.custom_key_store_id in world.custom_key_stores, at + ("custom_key_store_id",),
                  f"no custom key store {key.custom_key_store_id!r}")
        for ri, entry in enumerate(key.rotations):
            one_of(entry["rotation_type"], {"AUTOMATIC", "ON_DEMAND"}, at + ("rotations", ri, "rotation_type"))
    for gi, grant in enumerate(world.grants.values()):
        check(grant.key_id in world.kms_keys, ("grants", gi, "key_id"), f"no KMS key {grant.key_id!r}")
    for si, session in enumerate(world.sessions.values()):
        one_of(session.tool, TOOLS, ("sessions", si, "tool"))
    clock = world.clock
    check(0 <= now(world) <= SECONDS_LIMIT, ("clock", "offset" if clock.frozen_at is None else "frozen_at"),
          "the clock would show a time before 1970 or after the year 3000")
    for fi, fault in enumerate(world.faults):
        at = ("faults", fi)
        one_of(fault["kind"], set(FAULTS), at + ("kind",))
        needs, may = FAULTS.get(fault["kind"], (set(), set(fault)))
        missing = sorted(needs - set(fault))
        check(not missing, at, f"a {fault['kind']} fault needs {', '.join(missing)}")
        extra = sorted(set(fault) - needs - may - {"kind"})
        check(not extra, at + tuple(extra[:1]), f"a {fault['kind']} fault takes no {', '.join(extra)}")
        if "code" in fault:
            one_of(fault["code"], CONNECTION_ERROR_CODES, at + ("code",))
        check(fault.get("times", 1) >= 1, at + ("times",), "the attempts a fault fails must be 1 or more")
    for di, entry in enumerate(world.due if transitions is not None else ()):
        at = ("due", di)
        if entry.kind not in transitions:
            one_of(entry.kind, set(transitions), at + ("kind",))
            continue
        expected = set(transitions[entry.kind].args)
        check(set(entry.args) == expected, at + ("args",),
              f"a {entry.kind} transition takes {', '.join(sorted(expected))}, not {', '.join(sorted(entry.args)) or 'nothing'}")
    return found


def _is_ipv4(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 and str(int(p)) == p for p in parts)
