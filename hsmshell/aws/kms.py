"""KMS operations on the wire: JSON members in, JSON members out, in the model's member order
(which is the order the AWS CLI prints)."""

from __future__ import annotations

import base64
import re
from typing import Any

from ..cloudtrail import events
from ..errors import SerializationException, validation
from ..errors.kms import DryRunOperationException, InvalidKeyUsageException
from ..kms import crypto, custom_key_stores, grants, keys, last_usage, policies, refusals, rotation, tags
from ..world.model import FAILED, CustomKeyStore, KmsKey, World
from . import shapes
from .operations import Table

# KMS's services write the events of most calls: their fields differ per operation (kms-spec §5.3).
OPERATIONS = Table(events.KMS)
operation = OPERATIONS.operation


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
    entry["CreationDate"] = shapes.epoch(store.creation_date)
    entry["CustomKeyStoreType"] = "AWS_CLOUDHSM"
    return entry


def key_metadata(world: World, key: KmsKey) -> dict[str, Any]:
    state = keys.key_state(world, key)
    store = world.custom_key_stores.get(key.custom_key_store_id)
    meta: dict[str, Any] = {
        "AWSAccountId": world.account_id,
        "KeyId": key.key_id,
        "Arn": keys.arn(world, key),
        "CreationDate": shapes.epoch(key.creation_date),
        "Enabled": state == "Enabled",
        "Description": key.description,
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": state,
    }
    if key.deletion_date is not None:
        meta["DeletionDate"] = shapes.epoch(key.deletion_date)
    meta.update({
        "Origin": key.origin,
        "CustomKeyStoreId": key.custom_key_store_id or None,
        # After a cluster swap the store's current cluster is reported (kms-spec §2.5).
        "CloudHsmClusterId": store.cloud_hsm_cluster_id if store else None,
        "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": False,
    })
    if key.origin == "AWS_KMS":  # documented for AWS_KMS and EXTERNAL keys only
        meta["CurrentKeyMaterialId"] = keys.material_id(key)
    return {k: v for k, v in meta.items() if v is not None}


@operation(by_service=True)
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


@operation(by_service=True)
def connect_custom_key_store(world: World, params: dict) -> dict:
    custom_key_stores.connect(world, shapes.string(params, "CustomKeyStoreId", required=True, max_len=64))
    return {}


@operation(by_service=True)
def disconnect_custom_key_store(world: World, params: dict) -> dict:
    custom_key_stores.disconnect(world, shapes.string(params, "CustomKeyStoreId", required=True, max_len=64))
    return {}


@operation(by_service=True)
def update_custom_key_store(world: World, params: dict) -> dict:
    custom_key_stores.update(
        world, shapes.string(params, "CustomKeyStoreId", required=True, max_len=64),
        new_name=shapes.string(params, "NewCustomKeyStoreName", max_len=256),
        password=shapes.string(params, "KeyStorePassword", min_len=7, max_len=32),
        cluster_id=shapes.string(params, "CloudHsmClusterId", min_len=19, max_len=24),
    )
    return {}


@operation()
def describe_key(world: World, params: dict) -> dict:
    key = keys.describe(world, _key_id(params), _grant_tokens(params))
    return {"KeyMetadata": key_metadata(world, key)}


@operation()
def update_key_description(world: World, params: dict) -> dict:
    keys.update_description(world, _key_id(params),
                            shapes.string(params, "Description", required=True, min_len=0, max_len=8192))
    return {}


@operation()
def list_keys(world: World, params: dict) -> dict:
    chunk, marker = shapes.page(list(world.kms_keys.values()), params, limit_default=100, limit_max=1000)
    result: dict[str, Any] = {"Keys": [{"KeyId": k.key_id, "KeyArn": keys.arn(world, k)} for k in chunk]}
    if marker:
        result["NextMarker"] = marker
    result["Truncated"] = marker is not None
    return result


@operation(by_service=True)
def create_custom_key_store(world: World, params: dict) -> dict:
    store = custom_key_stores.create(
        world, name=shapes.string(params, "CustomKeyStoreName", required=True, max_len=256),
        cluster_id=shapes.string(params, "CloudHsmClusterId", min_len=19, max_len=24),
        trust_anchor=shapes.string(params, "TrustAnchorCertificate", max_len=5000),
        password=shapes.string(params, "KeyStorePassword", min_len=7, max_len=32),
        store_type=shapes.enum(params, "CustomKeyStoreType", ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE")),
    )
    return {"CustomKeyStoreId": store.custom_key_store_id}


@operation(by_service=True)
def delete_custom_key_store(world: World, params: dict) -> dict:
    custom_key_stores.delete(world, shapes.string(params, "CustomKeyStoreId", required=True, max_len=64))
    return {}


@operation(by_service=True)
def create_key(world: World, params: dict) -> dict:
    key = keys.create(
        world, store_id=shapes.string(params, "CustomKeyStoreId", max_len=64),
        origin=shapes.enum(params, "Origin", ("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE")),
        description=shapes.string(params, "Description", min_len=0, max_len=8192) or "",
        key_usage=shapes.enum(params, "KeyUsage", KEY_USAGES),
        key_spec=shapes.enum(params, "KeySpec", KEY_SPECS) or shapes.enum(params, "CustomerMasterKeySpec", KEY_SPECS),
        multi_region=bool(shapes.boolean(params, "MultiRegion")),
        bypass_policy_lockout_safety_check=bool(shapes.boolean(params, "BypassPolicyLockoutSafetyCheck")),
        policy=shapes.string(params, "Policy", max_len=131072), tags=shapes.tag_list(params, "Tags"),
    )
    return {"KeyMetadata": key_metadata(world, key)}


@operation(by_service=True)
def enable_key(world: World, params: dict) -> dict:
    keys.set_enabled(world, _key_id(params), True)
    return {}


@operation(by_service=True)
def disable_key(world: World, params: dict) -> dict:
    keys.set_enabled(world, _key_id(params), False)
    return {}


@operation(by_service=True)
def schedule_key_deletion(world: World, params: dict) -> dict:
    window = shapes.integer(params, "PendingWindowInDays", low=1, high=365)
    key = keys.schedule_deletion(world, _key_id(params), window)
    return {"KeyId": keys.arn(world, key), "DeletionDate": shapes.epoch(key.deletion_date),
            "KeyState": "PendingDeletion", "PendingWindowInDays": 30 if window is None else window}


@operation(by_service=True)
def cancel_key_deletion(world: World, params: dict) -> dict:
    key = keys.cancel_deletion(world, _key_id(params))
    return {"KeyId": keys.arn(world, key)}


@operation(by_service=True)
def create_alias(world: World, params: dict) -> dict:
    keys.create_alias(world, shapes.string(params, "AliasName", required=True, max_len=256),
                      shapes.string(params, "TargetKeyId", required=True, max_len=2048))
    return {}


@operation()
def update_alias(world: World, params: dict) -> dict:
    keys.update_alias(world, shapes.string(params, "AliasName", required=True, max_len=256),
                      shapes.string(params, "TargetKeyId", required=True, max_len=2048))
    return {}


@operation()
def delete_alias(world: World, params: dict) -> dict:
    keys.delete_alias(world, shapes.string(params, "AliasName", required=True, max_len=256))
    return {}


@operation()
def list_aliases(world: World, params: dict) -> dict:
    aliases = keys.list_aliases(world, shapes.string(params, "KeyId", max_len=2048))
    chunk, marker = shapes.page(aliases, params, limit_default=50, limit_max=100)
    result: dict[str, Any] = {"Aliases": [{
        "AliasName": a.alias_name,
        "AliasArn": f"arn:aws:kms:{world.region}:{world.account_id}:{a.alias_name}",
        "TargetKeyId": a.target_key_id,
        "CreationDate": shapes.epoch(a.creation_date),
        "LastUpdatedDate": shapes.epoch(a.last_updated_date),
    } for a in chunk]}
    if marker:
        result["NextMarker"] = marker
    result["Truncated"] = marker is not None
    return result


@operation(read_only=True, by_service=True)
def encrypt(world: World, params: dict) -> dict:
    _dry_run(params)
    _algorithm(params, "EncryptionAlgorithm")
    key, blob = crypto.encrypt(world, _key_id(params), shapes.blob(params, "Plaintext", required=True, max_len=4096),
                               shapes.string_map(params, "EncryptionContext"), _grant_tokens(params))
    return {"CiphertextBlob": _b64(blob), "KeyId": keys.arn(world, key), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}


@operation(read_only=True, by_service=True)
def decrypt(world: World, params: dict) -> dict:
    _dry_run(params)
    _algorithm(params, "EncryptionAlgorithm")
    key, plaintext = crypto.decrypt(
        world, shapes.blob(params, "CiphertextBlob", required=True, max_len=6144),
        shapes.string_map(params, "EncryptionContext"), shapes.string(params, "KeyId", max_len=2048),
        _grant_tokens(params))
    return {"KeyId": keys.arn(world, key), "Plaintext": _b64(plaintext), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}


@operation(read_only=True, by_service=True)
def re_encrypt(world: World, params: dict) -> dict:
    _dry_run(params)
    _algorithm(params, "SourceEncryptionAlgorithm")
    _algorithm(params, "DestinationEncryptionAlgorithm")
    source, destination, blob = crypto.re_encrypt(
        world, shapes.blob(params, "CiphertextBlob", required=True, max_len=6144),
        shapes.string_map(params, "SourceEncryptionContext"), shapes.string(params, "SourceKeyId", max_len=2048),
        shapes.string(params, "DestinationKeyId", required=True, max_len=2048),
        shapes.string_map(params, "DestinationEncryptionContext"), _grant_tokens(params))
    return {"CiphertextBlob": _b64(blob), "SourceKeyId": keys.arn(world, source),
            "KeyId": keys.arn(world, destination), "SourceEncryptionAlgorithm": "SYMMETRIC_DEFAULT",
            "DestinationEncryptionAlgorithm": "SYMMETRIC_DEFAULT"}


@operation(read_only=True, by_service=True, writes=True)  # draws from ids: moves the stream on
def generate_data_key(world: World, params: dict) -> dict:
    key, plaintext, blob = _data_key(world, params, "GenerateDataKey")
    return {"CiphertextBlob": _b64(blob), "Plaintext": _b64(plaintext), "KeyId": keys.arn(world, key)}


@operation(read_only=True, by_service=True, writes=True)  # draws from ids: moves the stream on
def generate_data_key_without_plaintext(world: World, params: dict) -> dict:
    key, _, blob = _data_key(world, params, "GenerateDataKeyWithoutPlaintext")
    return {"CiphertextBlob": _b64(blob), "KeyId": keys.arn(world, key)}


def _data_key(world: World, params: dict, event: str):
    _dry_run(params)
    return crypto.generate_data_key(
        world, event, _key_id(params), shapes.enum(params, "KeySpec", ("AES_256", "AES_128")),
        shapes.integer(params, "NumberOfBytes", low=1, high=1024), shapes.string_map(params, "EncryptionContext"),
        _grant_tokens(params))


@operation(by_service=True)
def generate_random(world: World, params: dict) -> dict:
    data = crypto.generate_random(world, shapes.integer(params, "NumberOfBytes", low=1, high=1024),
                                  shapes.string(params, "CustomKeyStoreId", max_len=64))
    return {"Plaintext": _b64(data)}


KEY_USAGES = ("SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT")
KEY_SPECS = ("RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
             "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2")


# -- key policies -------------------------------------------------------------------------------

@operation()
def get_key_policy(world: World, params: dict) -> dict:
    key = keys.find(world, _key_id(params), aliases=False)
    name = _policy_name(params)
    return {"Policy": policies.get(world, key, name), "PolicyName": policies.POLICY_NAME}


@operation()
def put_key_policy(world: World, params: dict) -> dict:
    key = keys.find(world, _key_id(params), aliases=False)
    policies.put(world, key, _policy_name(params), shapes.string(params, "Policy", required=True, max_len=131072),
                 bool(shapes.boolean(params, "BypassPolicyLockoutSafetyCheck")))
    return {}


@operation()
def list_key_policies(world: World, params: dict) -> dict:
    key = keys.find(world, _key_id(params), aliases=False)
    chunk, marker = shapes.page(policies.names(world, key), params, limit_default=100, limit_max=1000)
    return _paged({"PolicyNames": chunk}, marker)


def _policy_name(params: dict) -> str | None:
    return shapes.matching(params, "PolicyName", "[\\w]+", max_len=128)


# -- grants ---------------------------------------------------------------------------------

_PRINCIPAL = "^[\\w+=,.@:/-]+$"  # the model's PrincipalIdType
GRANT_OPERATIONS = ("Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
                    "ReEncryptTo", "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey",
                    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac",
                    "DeriveSharedSecret")


@operation()
def create_grant(world: World, params: dict) -> dict:
    _dry_run(params)
    key = keys.find(world, _key_id(params), aliases=False)
    operations = shapes.string_list(params, "Operations", required=True)
    for name in operations:
        shapes.enum({"Operation": name}, "Operation", GRANT_OPERATIONS)
    constraints = params.get("Constraints") or {}
    if not isinstance(constraints, dict):
        raise SerializationException("Unexpected value for Constraints: expected a structure")
    grant = grants.create(
        world, key, shapes.matching(params, "GranteePrincipal", _PRINCIPAL, required=True, max_len=256), operations,
        retiring=shapes.matching(params, "RetiringPrincipal", _PRINCIPAL, max_len=256),
        name=shapes.matching(params, "Name", "^[a-zA-Z0-9:/_-]+$", max_len=256),
        context_subset=shapes.string_map(constraints, "EncryptionContextSubset"),
        context_equals=shapes.string_map(constraints, "EncryptionContextEquals"),
        tokens=_grant_tokens(params))
    return {"GrantToken": grant.grant_token, "GrantId": grant.grant_id}


@operation()
def list_grants(world: World, params: dict) -> dict:
    key = keys.find(world, _key_id(params), aliases=False)
    found = grants.listed(world, key, shapes.string(params, "GrantId", max_len=128),
                          shapes.matching(params, "GranteePrincipal", _PRINCIPAL, max_len=256))
    chunk, marker = shapes.page(found, params, limit_default=50, limit_max=100)
    return _paged({"Grants": [_grant_entry(world, g) for g in chunk]}, marker)


@operation()
def list_retirable_grants(world: World, params: dict) -> dict:
    found = grants.retirable(world, shapes.matching(params, "RetiringPrincipal", _PRINCIPAL, required=True,
                                                    max_len=256))
    chunk, marker = shapes.page(found, params, limit_default=50, limit_max=100)
    return _paged({"Grants": [_grant_entry(world, g) for g in chunk]}, marker)


@operation()
def retire_grant(world: World, params: dict) -> dict:
    _dry_run(params)
    key_id = shapes.string(params, "KeyId", max_len=2048)
    key = keys.find(world, key_id, aliases=False) if key_id is not None else None
    grants.retire(world, shapes.string(params, "GrantToken", max_len=8192), key,
                  shapes.string(params, "GrantId", max_len=128))
    return {}


@operation()
def revoke_grant(world: World, params: dict) -> dict:
    _dry_run(params)
    key = keys.find(world, _key_id(params), aliases=False)
    grants.revoke(world, key, shapes.string(params, "GrantId", required=True, max_len=128))
    return {}


def _grant_entry(world: World, grant) -> dict[str, Any]:
    entry: dict[str, Any] = {"KeyId": f"arn:aws:kms:{world.region}:{world.account_id}:key/{grant.key_id}",
                             "GrantId": grant.grant_id, "Name": grant.name,
                             "CreationDate": shapes.epoch(grant.creation_date),
                             "GranteePrincipal": grant.grantee_principal,
                             "RetiringPrincipal": grant.retiring_principal,
                             "IssuingAccount": grant.issuing_account, "Operations": list(grant.operations)}
    constraints = {name: value for name, value in (("EncryptionContextSubset", grant.encryption_context_subset),
                                                   ("EncryptionContextEquals", grant.encryption_context_equals))
                   if value is not None}
    if constraints:
        entry["Constraints"] = constraints
    return {k: v for k, v in entry.items() if v is not None}


def _grant_tokens(params: dict) -> list[str] | None:
    tokens = shapes.string_list(params, "GrantTokens")
    if tokens is not None and len(tokens) > 10:
        raise validation("grantTokens", "Member must have length less than or equal to 10")
    return tokens


# -- tags -------------------------------------------------------------------------------------

@operation()
def tag_resource(world: World, params: dict) -> dict:
    key = keys.find(world, _key_id(params), aliases=False)
    tags.tag(world, key, shapes.tag_list(params, "Tags", required=True))
    return {}


@operation()
def untag_resource(world: World, params: dict) -> dict:
    key = keys.find(world, _key_id(params), aliases=False)
    tags.untag(world, key, shapes.string_list(params, "TagKeys", required=True))
    return {}


@operation()
def list_resource_tags(world: World, params: dict) -> dict:
    key = keys.find(world, _key_id(params), aliases=False)
    chunk, marker = shapes.page(tags.listed(world, key), params, limit_default=50, limit_max=50)
    return _paged({"Tags": [{"TagKey": k, "TagValue": v} for k, v in chunk]}, marker)


# -- last usage -------------------------------------------------------------------------------

@operation()
def get_key_last_usage(world: World, params: dict) -> dict:
    key = keys.find(world, _key_id(params))
    event, tracking_start = last_usage.last_usage(world, key)
    result: dict[str, Any] = {"KeyId": keys.arn(world, key)}
    if event is not None:
        result["KeyLastUsage"] = {"Operation": event["eventName"],
                                  "Timestamp": shapes.epoch(last_usage.epoch_of(event["eventTime"])),
                                  "CloudTrailEventId": event["eventID"], "KmsRequestId": event["requestID"]}
    result["TrackingStartDate"] = shapes.epoch(tracking_start)
    result["KeyCreationDate"] = shapes.epoch(key.creation_date)
    return result


# -- rotation ---------------------------------------------------------------------------------

ROTATION = ("EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus", "ListKeyRotations", "RotateKeyOnDemand")


def _rotated_key(world: World, params: dict, name: str):
    return refusals.key_for(world, _key_id(params), name)


@operation()
def enable_key_rotation(world: World, params: dict) -> dict:
    period = shapes.integer(params, "RotationPeriodInDays", low=90, high=2560)
    rotation.enable(world, _rotated_key(world, params, "EnableKeyRotation"), period)
    return {}


@operation()
def disable_key_rotation(world: World, params: dict) -> dict:
    rotation.disable(world, _rotated_key(world, params, "DisableKeyRotation"))
    return {}


@operation()
def get_key_rotation_status(world: World, params: dict) -> dict:
    key = _rotated_key(world, params, "GetKeyRotationStatus")
    enabled, period, due_at = rotation.status(world, key)
    result: dict[str, Any] = {"KeyRotationEnabled": enabled, "KeyId": keys.arn(world, key)}
    if period is not None:
        result["RotationPeriodInDays"] = period
    if due_at is not None:
        result["NextRotationDate"] = shapes.epoch(due_at)
    return result


@operation()
def list_key_rotations(world: World, params: dict) -> dict:
    key = _rotated_key(world, params, "ListKeyRotations")
    shapes.boolean(params, "IncludeKeyMaterial")
    chunk, marker = shapes.page(rotation.listed(world, key), params, limit_default=100, limit_max=1000)
    return _paged({"Rotations": [{"KeyId": keys.arn(world, key), "RotationDate": shapes.epoch(r["rotation_date"]),
                                  "RotationType": r["rotation_type"]} for r in chunk]}, marker)


@operation()
def rotate_key_on_demand(world: World, params: dict) -> dict:
    key = _rotated_key(world, params, "RotateKeyOnDemand")
    rotation.rotate_on_demand(world, key)
    return {"KeyId": keys.arn(world, key)}


# -- what a key in a CloudHSM key store cannot do ----------------------------------------------

# Each refused operation's members the model requires besides KeyId: a request without them is
# refused by AWS's validation before the key is looked at.
_REFUSED_REQUIRED = {
    "GetParametersForImport": ("WrappingAlgorithm", "WrappingKeySpec"),
    "ImportKeyMaterial": ("ImportToken", "EncryptedKeyMaterial"), "DeleteImportedKeyMaterial": (),
    "GenerateDataKeyPair": ("KeyPairSpec",), "GenerateDataKeyPairWithoutPlaintext": ("KeyPairSpec",),
    "Sign": ("Message", "SigningAlgorithm"), "Verify": ("Message", "Signature", "SigningAlgorithm"),
    "GenerateMac": ("Message", "MacAlgorithm"), "VerifyMac": ("Message", "MacAlgorithm", "Mac"),
    "DeriveSharedSecret": ("KeyAgreementAlgorithm", "PublicKey"), "GetPublicKey": (),
    "ReplicateKey": ("ReplicaRegion",), "UpdatePrimaryRegion": ("PrimaryRegion",),
}


def _refused(name: str) -> None:
    def refuse(world: World, params: dict) -> dict:
        key_id = _key_id(params)
        for member in _REFUSED_REQUIRED[name]:
            if params.get(member) is None:
                raise validation(member[:1].lower() + member[1:], "Member must not be null", "null")
        _grant_tokens(params)
        # GAP: with DryRun, KMS checks what a real call would; that call is refused, so is the dry run.
        refusals.refuse(world, refusals.key_for(world, key_id, name), name)
    refuse.__name__ = "_".join(part.lower() for part in re.findall("[A-Z][a-z]*", name))
    operation(read_only=True if name in _CRYPTOGRAPHIC else None)(refuse)


# CloudTrail marks the cryptographic operations read-only, like Encrypt.
_CRYPTOGRAPHIC = {"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GenerateMac",
                  "VerifyMac", "DeriveSharedSecret"}


for _name in refusals.REFUSED:
    if _name not in ROTATION:  # rotation works for keys outside custom key stores
        _refused(_name)


def _paged(result: dict[str, Any], marker: str | None) -> dict[str, Any]:
    if marker:
        result["NextMarker"] = marker
    result["Truncated"] = marker is not None
    return result


def _key_id(params: dict) -> str:
    return shapes.string(params, "KeyId", required=True, max_len=2048)


def _algorithm(params: dict, member: str) -> None:
    value = shapes.enum(params, member, ("SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"))
    if value not in (None, "SYMMETRIC_DEFAULT"):
        raise InvalidKeyUsageException(f"{value} is not a supported encryption algorithm for this KMS key.")


def _dry_run(params: dict) -> None:
    if shapes.boolean(params, "DryRun"):
        # GAP: a dry run stops before any key is looked at.
        raise DryRunOperationException("The request would have succeeded, but the DryRun option is set.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
