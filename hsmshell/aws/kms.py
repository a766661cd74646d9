"""KMS operations on the wire: JSON members in, JSON members out, in the model's member order
(which is the order the AWS CLI prints)."""

from __future__ import annotations

from typing import Any, Callable

from ..kms import custom_key_stores, keys
from ..kms.errors import KmsError
from ..world.model import FAILED, CustomKeyStore, KmsKey, World
from . import shapes
from .errors import ApiError

Operation = Callable[[World, dict], dict]
OPERATIONS: dict[str, Operation] = {}


def operation(func: Operation) -> Operation:
    name = "".join(part.title() for part in func.__name__.split("_"))
    OPERATIONS[name] = func
    return func


def store_entry(store: CustomKeyStore) -> dict[str, Any]:
    entry = {
        "CustomKeyStoreId": store.custom_key_store_id,
        "CustomKeyStoreName": store.custom_key_store_name,
        "CloudHsmClusterId": store.cloud_hsm_cluster_id,
        "TrustAnchorCertificate": store.trust_anchor_certificate,
        "ConnectionState": store.connection_state,
    }
    if store.connection_state == FAILED and store.connection_error_code:
        entry["ConnectionErrorCode"] = store.connection_error_code
    entry["CreationDate"] = round(store.creation_date, 3)
    entry["CustomKeyStoreType"] = "AWS_CLOUDHSM"
    return entry


def key_metadata(world: World, key: KmsKey) -> dict[str, Any]:
    state = keys.key_state(world, key)
    store = world.custom_key_stores.get(key.custom_key_store_id)
    meta: dict[str, Any] = {
        "AWSAccountId": world.account_id,
        "KeyId": key.key_id,
        "Arn": keys.arn(world, key),
        "CreationDate": round(key.creation_date, 3),
        "Enabled": state == "Enabled",
        "Description": key.description,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": state,
    }
    if key.deletion_date is not None:
        meta["DeletionDate"] = round(key.deletion_date, 3)
    meta.update({
        "Origin": "AWS_CLOUDHSM",
        "CustomKeyStoreId": key.custom_key_store_id,
        # After a cluster swap the store's current cluster is reported (kms-spec §2.5).
        "CloudHsmClusterId": store.cloud_hsm_cluster_id if store else None,
        "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": False,
    })
    return {k: v for k, v in meta.items() if v is not None}


def find_key(world: World, key_id: str) -> KmsKey:
    bare = key_id.rsplit(":key/", 1)[-1] if key_id.startswith("arn:") else key_id
    key = world.kms_keys.get(bare)
    if key is None:
        raise ApiError("NotFoundException",
                       f"Key 'arn:aws:kms:{world.region}:{world.account_id}:key/{bare}' does not exist")
    return key


@operation
def describe_custom_key_stores(world: World, params: dict) -> dict:
    stores = custom_key_stores.describe(
        world, store_id=shapes.string(params, "CustomKeyStoreId", max_len=64),
        name=shapes.string(params, "CustomKeyStoreName", max_len=256),
    )
    chunk, marker = shapes.page(stores, params, limit_default=1000, limit_max=1000)
    result: dict[str, Any] = {"CustomKeyStores": [store_entry(s) for s in chunk]}
    if marker:
        result["NextMarker"] = marker
    result["Truncated"] = marker is not None
    return result


@operation
def connect_custom_key_store(world: World, params: dict) -> dict:
    custom_key_stores.connect(world, shapes.string(params, "CustomKeyStoreId", required=True, max_len=64))
    return {}


@operation
def disconnect_custom_key_store(world: World, params: dict) -> dict:
    custom_key_stores.disconnect(world, shapes.string(params, "CustomKeyStoreId", required=True, max_len=64))
    return {}


@operation
def update_custom_key_store(world: World, params: dict) -> dict:
    custom_key_stores.update(
        world, shapes.string(params, "CustomKeyStoreId", required=True, max_len=64),
        new_name=shapes.string(params, "NewCustomKeyStoreName", max_len=256),
        password=shapes.string(params, "KeyStorePassword", min_len=7, max_len=32),
        cluster_id=shapes.string(params, "CloudHsmClusterId", min_len=19, max_len=24),
    )
    return {}


@operation
def describe_key(world: World, params: dict) -> dict:
    key = find_key(world, shapes.string(params, "KeyId", required=True, max_len=2048))
    return {"KeyMetadata": key_metadata(world, key)}


@operation
def list_keys(world: World, params: dict) -> dict:
    chunk, marker = shapes.page(list(world.kms_keys.values()), params, limit_default=100, limit_max=1000)
    result: dict[str, Any] = {"Keys": [{"KeyId": k.key_id, "KeyArn": keys.arn(world, k)} for k in chunk]}
    if marker:
        result["NextMarker"] = marker
    result["Truncated"] = marker is not None
    return result


def call(world: World, operation_name: str, params: dict) -> dict:
    func = OPERATIONS.get(operation_name)
    if func is None:
        raise ApiError("UnknownOperationException", f"Unknown operation {operation_name}")
    try:
        return func(world, params)
    except KmsError as exc:
        raise ApiError(exc.code, exc.message) from None
