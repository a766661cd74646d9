"""What a cluster can hold, by HSM type: the CloudHSM User Guide's system quotas ("AWS
CloudHSM quotas"), which no request can raise.

    Maximum keys per cluster   hsm1.medium 3,300   hsm2m.medium 16,666 total keys, with
                                                   asymmetric keys having a maximum of 3,333
    Maximum users per cluster  hsm1.medium 250     hsm2m.medium 1,024

Every way a key or a user comes to be (a shell's generate, import, unwrap or insert, a sync
into another cluster, KMS generating a backing key, a user created or synced) asks here first,
so each tool refuses a full cluster in its own words.

How keys count (GAP: the guide says only "keys"): every key object counts once, token or
session key alike, because each takes a handle and HSM memory; a key pair is two objects (its
public and private keys have handles of their own, as `findKey` lists them), and both halves
count as asymmetric keys.  Users count as each HSM lists them, its precrypto officer or admin
and its appliance user included (GAP: whether AWS counts the appliance user is undocumented).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..world.model import Cluster, Hsm, World
from . import attributes as attr
from . import returncodes as rc

KEYS = {"hsm1.medium": 3300, "hsm2m.medium": 16666}
ASYMMETRIC_KEYS = {"hsm2m.medium": 3333}
USERS = {"hsm1.medium": 250, "hsm2m.medium": 1024}


def refuses_keys(cluster: Cluster, key_classes: Iterable[int]) -> rc.ReturnCode:
    """SUCCESS if the cluster has room for new key objects of these classes, else the
    code of the quota they would break."""
    classes = list(key_classes)
    if len(cluster.keys) + len(classes) > KEYS[cluster.hsm_type]:
        return rc.KEY_LIMIT
    asymmetric = len(classes) - classes.count(attr.SECRET_KEY)
    limit = ASYMMETRIC_KEYS.get(cluster.hsm_type)
    # Counted only when an asymmetric key is added: a walk over 16,666 keys costs milliseconds.
    if asymmetric and limit is not None:
        held = sum(1 for k in cluster.keys.values() if k.key_class != attr.SECRET_KEY)
        if held + asymmetric > limit:
            return rc.ASYMMETRIC_KEY_LIMIT
    return rc.SUCCESS


def refuses_user(world: World, hsm: Hsm) -> rc.ReturnCode:
    """SUCCESS if the HSM can take one more user, else USER_LIMIT."""
    cluster = next(c for c in world.clusters.values() if any(h is hsm for h in c.hsms))
    return rc.USER_LIMIT if len(hsm.users) >= USERS[cluster.hsm_type] else rc.SUCCESS
