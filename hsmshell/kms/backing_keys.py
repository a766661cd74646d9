"""The AES-256 keys in the cluster that back KMS keys, and their key material.

KMS generates a backing key while logged in as kmsuser: a persistent, non-extractable AES
key labelled with the KMS key's ARN, synchronised to every HSM (kms-spec §5.1).  Its material
is sealed in the world (`Key.material`), so ciphertext made under it really depends on it:
delete the key from the HSMs and nothing decrypts; recover it from a backup and it does again.
"""

from __future__ import annotations

import hashlib

from ..cloudhsm import keys, quotas
from ..cloudhsm.nodes import answers, find_user
from ..errors.kms import LimitExceededException
from ..world import ids
from ..world.model import Cluster, Key, World

SECRET_KEY, AES = 4, 31
CKA_ID = 258  # OBJ_ATTR_ID
AES_256_BYTES = 32


def generate(world: World, cluster: Cluster, label: str, owner_name: str) -> Key:
    """A new token AES-256 key owned by `owner_name` on every HSM that answers, if the cluster
    has room for it (cloudhsm/quotas.py)."""
    if quotas.refuses_keys(cluster, [SECRET_KEY]):
        # GAP: what KMS answers when kmsuser cannot make the key in a full cluster is not
        # documented; LimitExceededException is CreateKey's error for a quota ("a quota was
        # exceeded", the model says), and the message names the cluster's.
        raise LimitExceededException(
            f"The AWS CloudHSM cluster {cluster.cluster_id} holds the maximum number of keys for its HSM "
            f"type ({cluster.hsm_type}: {quotas.KEYS[cluster.hsm_type]}).")
    nodes = [h for h in cluster.hsms if answers(h) and h.state == "ACTIVE"]
    owner = next(u for u in (find_user(h, owner_name) for h in nodes) if u is not None)
    key = Key(handle=keys.allocate_handle(cluster), owner=owner.user_id, key_class=SECRET_KEY,
              key_type=AES, size=AES_256_BYTES, label=label, hsms=[h.hsm_id for h in nodes],
              extractable=False)
    raw = ids.draw(world, AES_256_BYTES)
    # The key's CKA_ID is the backingKeyId CloudTrail shows, in ASCII (find-handle-for-cmk-key).
    key.attributes[CKA_ID] = backing_key_id(world, cluster.lineage, key.handle)
    key.material = keys.seal_material(world, key, raw)
    cluster.keys[key.handle] = key
    return key


def material(world: World, cluster: Cluster, key: Key) -> bytes:
    """The raw key material: the HSM's own rule, which makes it on first use when a
    hand-written fixture omits it, the same in every backup and related cluster."""
    return keys.material(world, cluster, key)


def backing_key_id(world: World, cluster_lineage: str, handle: int) -> str:
    """The identifier CloudTrail shows beside a key handle (`backingKeyId`)."""
    return hashlib.sha256(f"{world.account_id}:{cluster_lineage}:{handle}".encode()).hexdigest()
