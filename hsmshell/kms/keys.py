"""KMS keys in a custom key store and their key state (kms-spec §3.3).

A key keeps its underlying state (enabled or not, deletion scheduled or not); the state the
API shows is derived from it and from its store's connection, so reconnecting restores the
previous state by itself.
"""

from __future__ import annotations

from ..world.model import CONNECTED, KmsKey, World


def key_state(world: World, key: KmsKey) -> str:
    if key.deletion_date is not None:
        return "PendingDeletion"
    store = world.custom_key_stores.get(key.custom_key_store_id)
    if store is None or store.connection_state != CONNECTED:
        return "Unavailable"
    return "Enabled" if key.enabled else "Disabled"


def arn(world: World, key: KmsKey) -> str:
    return f"arn:aws:kms:{world.region}:{world.account_id}:key/{key.key_id}"


def in_store(world: World, store_id: str) -> list[KmsKey]:
    return [k for k in world.kms_keys.values() if k.custom_key_store_id == store_id]
