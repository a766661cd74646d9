"""Which keys a Client SDK 5 filter selects (cloudhsm-cli-spec §6.1).

"[The filter] operates only on keys that the currently logged in user owns and shares, as
well as all public keys in the AWS CloudHSM cluster."  Commands acting on one key (delete,
share, unshare, set-attribute, sign, wrap...) need exactly one match.  The key-availability
check applies to the keys selected (availability.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..world.model import Cluster, Hsm, Key, Session, World
from . import availability, named_attributes, roles
from .keys import _in_scope, seen_by_officer, user_id


class NoKeyMatched(Exception):
    pass


class ManyKeysMatched(Exception):
    pass


def scope(cluster: Cluster, session: Session, nodes: list[Hsm]) -> list[Key]:
    """The keys the logged-in user may see on the HSMs it is logged in to, by reference.
    GAP: an admin (`key list` lets admins run it, without `--verbose`) sees every token key,
    as cloudhsm_mgmt_util's findAllKeys shows a crypto officer any user's keys."""
    return sorted(_seen(cluster, session, nodes, cluster.keys.values()), key=_reference)


def select(world: World, cluster: Cluster, session: Session, nodes: list[Hsm],
           terms: list[str] | None) -> list[Key]:
    """Every key in scope the filter matches (all of them without a filter), by reference."""
    pairs = named_attributes.parse_filter(terms or [])
    keys: Iterable[Key] = cluster.keys.values()
    labels = {wanted for name, wanted in pairs if name == "label"}
    if len(labels) == 1:  # the common filter (a KMS key's ARN): the cheapest test first
        (label,) = labels
        keys = [k for k in keys if k.label == label]
    return sorted((k for k in _seen(cluster, session, nodes, keys) if named_attributes.matches(world, cluster, k, pairs)),
                  key=_reference)


def _seen(cluster: Cluster, session: Session, nodes: list[Hsm], keys: Iterable[Key]) -> Iterator[Key]:
    """Those of `keys` in scope, in no order: a full hsm2m.medium holds 16,666, and a filter
    that picks one is the common case, so the few it keeps are sorted, not all."""
    node_ids = {h.hsm_id for h in nodes}
    if roles.is_admin(session.user_type):
        return (k for k in keys if seen_by_officer(k, node_ids))
    uid = user_id(cluster, session)
    if uid is None:
        return iter(())
    return (k for k in keys if _in_scope(k, uid, session) and not node_ids.isdisjoint(k.hsms))


def _reference(key: Key) -> int:
    return key.handle


def select_one(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], terms: list[str],
               check_availability: bool) -> Key:
    found = select(world, cluster, session, nodes, terms)
    if not found:
        raise NoKeyMatched()
    if len(found) > 1:
        raise ManyKeysMatched()
    availability.check_key(cluster, found[0], check_availability)
    return found[0]
