"""Custom key stores: describing, connecting, disconnecting, updating (kms-spec §2-§4).

Connecting is asynchronous as in AWS: ConnectCustomKeyStore only moves the store to
CONNECTING and schedules the attempt, which the next transaction after the world's
connect delay settles into CONNECTED or FAILED with a ConnectionErrorCode.
"""

from __future__ import annotations

from ..cloudhsm.nodes import answers, find_user
from ..cloudhsm.sessions import close_session, holders, open_session
from ..cloudhsm.users import record_failed_login
from ..cloudhsmv2 import faults
from ..cloudhsmv2.clusters import active_hsms, spans_two_zones
from ..cloudtrail import events
from ..errors import ValidationException, validation
from ..errors.kms import (CloudHsmClusterInUseException, CloudHsmClusterInvalidConfigurationException,
                               CloudHsmClusterNotActiveException, CloudHsmClusterNotFoundException,
                               CloudHsmClusterNotRelatedException, CustomKeyStoreHasCMKsException,
                               CustomKeyStoreNameInUseException, CustomKeyStoreNotFoundException,
                               IncorrectTrustAnchorException, LimitExceededException,
                               UnsupportedOperationException)
from ..world import credentials, due, ids
from ..world.clock import now
from ..world.model import (CONNECTED, CONNECTING, DISCONNECTED, DISCONNECTING, FAILED,
                           Cluster, CustomKeyStore, World)
from .errors import invalid_state, not_found

KMSUSER = "kmsuser"
CONNECT_ATTEMPT = "kms.connect_attempt"
DISCONNECT_DONE = "kms.disconnect_done"
STORES_PER_REGION = 10  # CloudHSM and external stores together; not adjustable
MTLS_ENFORCED = "cluster"  # Cluster.mtls_enforcement set by `cluster mtls set-enforcement --level cluster`


def get(world: World, store_id: str) -> CustomKeyStore:
    store = world.custom_key_stores.get(store_id)
    if store is None:
        raise not_found(store_id)
    return store


def describe(world: World, *, store_id: str | None = None, name: str | None = None) -> list[CustomKeyStore]:
    if store_id is not None and name is not None:
        # Undocumented; the API says to give one or neither (kms-spec §2.2).
        raise ValidationException("You cannot specify both CustomKeyStoreId and CustomKeyStoreName.")
    if store_id is not None:
        stores = [get(world, store_id)]
    elif name is not None:
        stores = [s for s in world.custom_key_stores.values() if s.custom_key_store_name == name]
        if not stores:
            raise CustomKeyStoreNotFoundException(f"Custom key store {name} does not exist in this account and Region.")
    else:
        stores = list(world.custom_key_stores.values())
    request = {"customKeyStoreId": store_id} if store_id else ({"customKeyStoreName": name} if name else None)
    events.record(world, "DescribeCustomKeyStores", request=request, read_only=True)
    return stores


def create(world: World, *, name: str, cluster_id: str | None, trust_anchor: str | None,
           password: str | None, store_type: str | None) -> CustomKeyStore:
    if (store_type or "AWS_CLOUDHSM") != "AWS_CLOUDHSM":
        # GAP: external key stores are outside this range.
        raise UnsupportedOperationException("This range simulates only AWS CloudHSM key stores.")
    for member, value in (("CloudHsmClusterId", cluster_id), ("TrustAnchorCertificate", trust_anchor),
                          ("KeyStorePassword", password)):
        if value is None:
            # Documented as required for AWS_CLOUDHSM stores, though not in the model.
            raise ValidationException(f"{member} is required for a custom key store of type AWS_CLOUDHSM.")
    _check_key_store_password(password)
    same = [s for s in world.custom_key_stores.values() if s.custom_key_store_name == name]
    if same:
        existing = same[0]
        # Retrying a create returns the store it made, if nothing differs and it was never
        # connected (kms-spec §8, 8).
        if (existing.connection_state == DISCONNECTED and existing.cloud_hsm_cluster_id == cluster_id
                and _same_certificate(existing.trust_anchor_certificate, trust_anchor)
                and _stored_password(world, existing) == password):
            _record_create(world, existing)
            return existing
        raise CustomKeyStoreNameInUseException(f"A custom key store with the name {name} already exists.")
    cluster = world.clusters.get(cluster_id)
    if cluster is None:
        raise CloudHsmClusterNotFoundException(f"AWS CloudHSM cluster {cluster_id} not found.")
    if any(_lineage(world, s.cloud_hsm_cluster_id) == cluster.lineage for s in world.custom_key_stores.values()):
        raise CloudHsmClusterInUseException(
            f"AWS CloudHSM cluster {cluster_id} is already associated with a custom key "
            f"store, or it is related to a cluster that is.")
    if cluster.state != "ACTIVE":
        raise CloudHsmClusterNotActiveException(f"The AWS CloudHSM cluster {cluster_id} is not active.")
    if not _same_certificate(cluster.trust_anchor, trust_anchor):
        raise IncorrectTrustAnchorException(
            f"The trust anchor certificate does not match the trust anchor certificate of "
            f"AWS CloudHSM cluster {cluster_id}.")
    _check_configuration(cluster)
    if len(world.custom_key_stores) >= STORES_PER_REGION:
        raise LimitExceededException(
            f"You have reached the maximum of {STORES_PER_REGION} custom key stores in this Region.")
    store = CustomKeyStore(
        custom_key_store_id=ids.custom_key_store_id(world), custom_key_store_name=name,
        cloud_hsm_cluster_id=cluster_id, trust_anchor_certificate=trust_anchor,
        key_store_password=world.sealer.seal(password.encode()), creation_date=now(world),
    )
    world.custom_key_stores[store.custom_key_store_id] = store
    _record_create(world, store)
    return store


def _record_create(world: World, store: CustomKeyStore) -> None:
    events.record(world, "CreateCustomKeyStore",
                  request={"customKeyStoreName": store.custom_key_store_name, "clusterId": store.cloud_hsm_cluster_id},
                  response={"customKeyStoreId": store.custom_key_store_id})


def delete(world: World, store_id: str) -> None:
    store = get(world, store_id)
    if store.connection_state != DISCONNECTED:
        raise invalid_state(store_id, store.connection_state, "delete")
    if any(k.custom_key_store_id == store_id for k in world.kms_keys.values()):
        raise CustomKeyStoreHasCMKsException(
            f"Custom key store {store_id} contains KMS keys. Delete them before deleting "
            f"the custom key store.")
    _record(world, "DeleteCustomKeyStore", store)
    del world.custom_key_stores[store_id]


def _same_certificate(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.split() == b.split()


def _lineage(world: World, cluster_id: str) -> str | None:
    cluster = world.clusters.get(cluster_id)
    if cluster is not None:
        return cluster.lineage
    return next((b.lineage for b in world.backups.values() if b.cluster_id == cluster_id), None)


def connect(world: World, store_id: str) -> None:
    store = get(world, store_id)
    if store.connection_state in (DISCONNECTING, FAILED):
        raise invalid_state(store_id, store.connection_state, "connect")
    if store.connection_state == DISCONNECTED:
        cluster = world.clusters.get(store.cloud_hsm_cluster_id)
        # Configuration problems that KMS detects at once leave the store DISCONNECTED; a
        # missing cluster is found only by the attempt itself (CLUSTER_NOT_FOUND).
        if cluster is not None and cluster.state != "ACTIVE":
            raise CloudHsmClusterNotActiveException(f"The AWS CloudHSM cluster {cluster.cluster_id} is not active.")
        store.connection_state = CONNECTING
        store.connection_error_code = None
        due.schedule(world, world.settings.connect_delay, CONNECT_ATTEMPT, store_id=store_id)
    _record(world, "ConnectCustomKeyStore", store)


def disconnect(world: World, store_id: str) -> None:
    store = get(world, store_id)
    if store.connection_state in (DISCONNECTED, DISCONNECTING):
        raise invalid_state(store_id, store.connection_state, "disconnect")
    due.cancel(world, CONNECT_ATTEMPT, store_id=store_id)
    _log_out(world, store)
    store.connection_state = DISCONNECTING
    # The API shows ConnectionErrorCode only while FAILED (the model's documentation; the
    # Developer Guide's repair procedure reads it after disconnecting, see kms-spec §8).
    store.connection_error_code = None
    due.schedule(world, world.settings.disconnect_delay, DISCONNECT_DONE, store_id=store_id)
    _record(world, "DisconnectCustomKeyStore", store)


def update(world: World, store_id: str, *, new_name: str | None = None, password: str | None = None,
           cluster_id: str | None = None) -> None:
    store = get(world, store_id)
    state = store.connection_state
    if password is not None or cluster_id is not None:
        if state != DISCONNECTED:
            raise invalid_state(store_id, state, "update the password or cluster of")
    elif state not in (CONNECTED, DISCONNECTED):
        raise invalid_state(store_id, state, "update")
    if new_name is not None and any(
        s.custom_key_store_name == new_name and s.custom_key_store_id != store_id
        for s in world.custom_key_stores.values()
    ):
        raise CustomKeyStoreNameInUseException(f"A custom key store with the name {new_name} already exists.")
    if password is not None:
        _check_key_store_password(password)
    if cluster_id is not None:
        _check_replacement_cluster(world, store, cluster_id)
    # Everything is checked before anything changes: a refused update changes nothing.
    if new_name is not None:
        store.custom_key_store_name = new_name
    if password is not None:
        # Only tells KMS the current kmsuser password; the cluster is not touched.
        store.key_store_password = world.sealer.seal(password.encode())
    if cluster_id is not None:
        store.cloud_hsm_cluster_id = cluster_id
    request = {"customKeyStoreId": store_id}
    if new_name is not None:
        request["newCustomKeyStoreName"] = new_name
    if cluster_id is not None:
        request["clusterId"] = cluster_id
    _record(world, "UpdateCustomKeyStore", store, request=request)


def _check_key_store_password(password: str) -> None:
    if not 7 <= len(password) <= 32:
        # botocore checks only the minimum; the maximum reaches the service.
        raise validation("keyStorePassword", "Member must have length less than or equal to 32")


def _check_replacement_cluster(world: World, store: CustomKeyStore, cluster_id: str) -> None:
    new = world.clusters.get(cluster_id)
    if new is None:
        raise CloudHsmClusterNotFoundException(f"AWS CloudHSM cluster {cluster_id} not found.")
    lineage = _lineage(world, store.cloud_hsm_cluster_id)
    if lineage is None or new.lineage != lineage:
        raise CloudHsmClusterNotRelatedException(
            f"AWS CloudHSM cluster {cluster_id} is not related to the cluster that is "
            f"associated with the custom key store.")
    if new.state != "ACTIVE":
        raise CloudHsmClusterNotActiveException(f"The AWS CloudHSM cluster {cluster_id} is not active.")
    _check_configuration(new)


def _check_configuration(cluster: Cluster) -> None:
    """What a key store's cluster must be for CreateCustomKeyStore and UpdateCustomKeyStore
    (create-keystore's prerequisites, kms-spec §2, cloudhsm-cli-spec §9.1)."""
    if not spans_two_zones(cluster):
        raise CloudHsmClusterInvalidConfigurationException(
            f"The AWS CloudHSM cluster {cluster.cluster_id} must contain at least two active "
            f"HSMs, each in a different Availability Zone.")
    if cluster.mtls_enforcement == MTLS_ENFORCED:
        # "Mutual TLS (mTLS) is not enabled. KMS does not support mTLS for clusters."  GAP: no
        # source gives the refusal; the exception is the model's for a cluster that does not
        # meet a key store's configuration requirements, and its message is our wording.
        raise CloudHsmClusterInvalidConfigurationException(
            f"The AWS CloudHSM cluster {cluster.cluster_id} enforces mutual TLS (mTLS). "
            f"AWS KMS does not support mTLS for AWS CloudHSM clusters.")


# -- what happens later ----------------------------------------------------------------------

def settle_connect_attempt(world: World, args: dict) -> None:
    store = world.custom_key_stores.get(args["store_id"])
    if store is None or store.connection_state != CONNECTING:
        return
    error = _attempt(world, store)
    if error:
        store.connection_state = FAILED
        store.connection_error_code = error
    else:
        store.connection_state = CONNECTED
        store.connection_error_code = None


def settle_disconnect(world: World, args: dict) -> None:
    store = world.custom_key_stores.get(args["store_id"])
    if store is not None and store.connection_state == DISCONNECTING:
        store.connection_state = DISCONNECTED


def _attempt(world: World, store: CustomKeyStore) -> str | None:
    """KMS finds the cluster, logs in as kmsuser, rotates its password and stays logged in.
    Returns the ConnectionErrorCode of the first thing that stops it."""
    injected = _injected_error(world, store)
    if injected:
        return injected
    cluster = world.clusters.get(store.cloud_hsm_cluster_id)
    if cluster is None:
        return "CLUSTER_NOT_FOUND"
    # KMS puts one network interface in each of the cluster's subnets.
    subnets = set(cluster.subnets.values())
    if subnets & faults.subnets(world, faults.SUBNET_DELETED):
        return "SUBNET_NOT_FOUND"
    if subnets & faults.subnets(world, faults.SUBNET_FULL):
        return "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET"
    # The Developer Guide reports an empty cluster as a connection error code (kms-spec §8).
    nodes = [h for h in active_hsms(cluster) if answers(h)]
    if not nodes:
        return "INSUFFICIENT_CLOUDHSM_HSMS"
    if cluster.mtls_enforcement == MTLS_ENFORCED:
        # The HSMs close every connection that does not present a client certificate (the
        # CloudHSM CLI's `HSM is disconnected`, cloudhsm-cli-spec §5.3), and KMS has none.
        # GAP: no source names the code; the enforcement is not visible through the API, so
        # KMS meets it only as connections that fail, which the model calls NETWORK_ERRORS.
        return "NETWORK_ERRORS"
    accounts = [(h, find_user(h, KMSUSER)) for h in nodes]
    accounts = [(h, u) for h, u in accounts if u is not None and u.user_type == "CU"]
    # kmsuser must be a crypto user on every HSM that answers: the real service fails a
    # connect with USER_NOT_FOUND where it existed on only one of two HSMs (a known case).
    if len(accounts) < len(nodes):
        return "USER_NOT_FOUND"
    if any(holders(world, h.hsm_id, KMSUSER) for h, _ in accounts):
        return "USER_LOGGED_IN"
    if any(u.locked for _, u in accounts):
        return "USER_LOCKED_OUT"
    password = _stored_password(world, store)
    verify = credentials.Verifier(password) if password is not None else None
    wrong = [u for _, u in accounts if verify is None or not verify(u.password_hash)]
    if wrong:
        # KMS's failed login counts on the HSMs like anyone else's (five lock the account).
        for user in wrong:
            record_failed_login(world, user)
        return "INVALID_CREDENTIALS"
    rotated = ids.password(world)
    rotated_hash = credentials.hash_password(rotated, world.settings.password_cost)
    for _, user in accounts:
        user.password_hash = rotated_hash
        user.failed_logins = 0
    store.key_store_password = world.sealer.seal(rotated.encode())
    store.kms_session_id = f"kms-{store.custom_key_store_id}"
    open_session(world, store.kms_session_id, "kms", cluster.cluster_id, KMSUSER, "CU",
                 [h.hsm_id for h, _ in accounts], pid=None)
    return None


def _stored_password(world: World, store: CustomKeyStore) -> str | None:
    try:
        return world.sealer.unseal(store.key_store_password).decode()
    except credentials.SealError:
        return None  # a world copied without its key file: KMS's copy is unreadable


def _injected_error(world: World, store: CustomKeyStore) -> str | None:
    """A fault may stand for what no world state produces: transient network trouble, an
    internal failure of KMS (cloudhsm faults in `world/faults`)."""
    fault = faults.connect_error(world, store.custom_key_store_id)
    return fault["code"] if fault else None


def _log_out(world: World, store: CustomKeyStore) -> None:
    if store.kms_session_id:
        close_session(world, store.kms_session_id)
        store.kms_session_id = None


def _record(world: World, event: str, store: CustomKeyStore, request: dict | None = None) -> None:
    events.record(
        world, event, request=request or {"customKeyStoreId": store.custom_key_store_id},
        additional={"customKeyStoreName": store.custom_key_store_name,
                    "clusterId": store.cloud_hsm_cluster_id},
    )


DUE_TRANSITIONS = {CONNECT_ATTEMPT: due.Transition(settle_connect_attempt, ("store_id",)),
                   DISCONNECT_DONE: due.Transition(settle_disconnect, ("store_id",))}
