"""Every cell of kms-spec.md §3.1's "Operations allowed per state": the store is brought to
each connection state the way it gets there in reality (a world whose connect and disconnect
take ten simulated minutes shows CONNECTING and DISCONNECTING; a failed attempt FAILED), then
each operation is called through the dispatcher every door uses."""

from __future__ import annotations

import json

import pytest

from hsmshell.cli import main as hsmshell

from ..aws.botocore_check import b64
from ..conftest import STORE_ID

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = "0987dcba-09fe-87dc-65ba-ab0987654321"
CLUSTER = "cluster-1a23b4cdefg"
STATES = ["DISCONNECTED", "CONNECTING", "CONNECTED", "DISCONNECTING", "FAILED"]
INVALID = "CustomKeyStoreInvalidStateException"


def state(api) -> str:
    return api.kms.DescribeCustomKeyStores(CustomKeyStoreId=STORE_ID)["CustomKeyStores"][0]["ConnectionState"]


def bring(api, store, wanted: str) -> None:
    """The default store (CONNECTED) taken to `wanted`; connecting and disconnecting take
    600 simulated seconds, and the clock stands still in between."""
    with store.transaction() as world:
        world.settings.connect_delay = world.settings.disconnect_delay = 600
    assert hsmshell(["clock", "freeze"]) == 0
    if wanted != "CONNECTED":
        api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    if wanted in ("DISCONNECTED", "CONNECTING", "FAILED"):
        assert hsmshell(["clock", "advance", "10m"]) == 0
    if wanted == "FAILED":
        assert hsmshell(["fault", "internal-error"]) == 0
    if wanted in ("CONNECTING", "FAILED"):
        api.kms.ConnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    if wanted == "FAILED":
        assert hsmshell(["clock", "advance", "10m"]) == 0
    assert state(api) == wanted


def refused(api, wanted: str, code: str, operation: str, **params) -> None:
    bring(api, api.store, wanted)
    assert api.error("kms", operation, **params).code == code
    assert state(api) == wanted  # a refused call changes nothing


def allowed(api, wanted: str, operation: str, **params) -> dict:
    bring(api, api.store, wanted)
    return getattr(api.kms, operation)(**params)


# -- ConnectCustomKeyStore -------------------------------------------------------------------

@pytest.mark.parametrize("wanted, after", [("DISCONNECTED", "CONNECTING"), ("CONNECTING", "CONNECTING"),
                                           ("CONNECTED", "CONNECTED")])
def test_connect_is_allowed(api, wanted, after):
    allowed(api, wanted, "ConnectCustomKeyStore", CustomKeyStoreId=STORE_ID)
    assert state(api) == after


def test_connect_while_connecting_does_not_start_again(api):
    bring(api, api.store, "CONNECTING")
    assert hsmshell(["clock", "advance", "5m"]) == 0
    api.kms.ConnectCustomKeyStore(CustomKeyStoreId=STORE_ID)  # a no-op: the first attempt goes on
    assert hsmshell(["clock", "advance", "5m"]) == 0
    assert state(api) == "CONNECTED"


@pytest.mark.parametrize("wanted", ["DISCONNECTING", "FAILED"])
def test_connect_is_refused(api, wanted):
    refused(api, wanted, INVALID, "ConnectCustomKeyStore", CustomKeyStoreId=STORE_ID)


@pytest.mark.parametrize("wanted", ["DISCONNECTED", "CONNECTING", "CONNECTED"])
def test_connect_is_in_cloudtrail_as_kms_logs_it_even_when_it_changes_nothing(api, wanted):
    """kms-spec §5.3: requestParameters customKeyStoreId, responseElements null,
    additionalEventData the store's name and cluster."""
    bring(api, api.store, wanted)
    api.kms.ConnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    newest = api.cloudtrail.LookupEvents(MaxResults=1)["Events"][0]
    event = json.loads(newest["CloudTrailEvent"])
    assert (event["eventName"], event["requestParameters"], event["responseElements"], event["readOnly"]) == (
        "ConnectCustomKeyStore", {"customKeyStoreId": STORE_ID}, None, False)
    assert event["additionalEventData"] == {"customKeyStoreName": "ExampleKeyStore", "clusterId": CLUSTER}


# -- DisconnectCustomKeyStore ----------------------------------------------------------------

@pytest.mark.parametrize("wanted", ["CONNECTING", "CONNECTED", "FAILED"])
def test_disconnect_is_allowed(api, wanted):
    allowed(api, wanted, "DisconnectCustomKeyStore", CustomKeyStoreId=STORE_ID)
    assert state(api) == "DISCONNECTING"
    assert hsmshell(["clock", "advance", "10m"]) == 0
    assert state(api) == "DISCONNECTED"


@pytest.mark.parametrize("wanted", ["DISCONNECTED", "DISCONNECTING"])
def test_disconnect_is_refused(api, wanted):
    refused(api, wanted, INVALID, "DisconnectCustomKeyStore", CustomKeyStoreId=STORE_ID)


def test_disconnect_while_connecting_cancels_the_attempt(api):
    bring(api, api.store, "CONNECTING")
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert hsmshell(["clock", "advance", "10m"]) == 0
    assert state(api) == "DISCONNECTED"
    assert hsmshell(["clock", "advance", "10m"]) == 0
    assert state(api) == "DISCONNECTED"


# -- UpdateCustomKeyStore --------------------------------------------------------------------

@pytest.mark.parametrize("wanted", STATES)
def test_update_the_name(api, wanted):
    if wanted in ("DISCONNECTED", "CONNECTED"):
        allowed(api, wanted, "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, NewCustomKeyStoreName="Renamed")
        entry = api.kms.DescribeCustomKeyStores(CustomKeyStoreId=STORE_ID)["CustomKeyStores"][0]
        assert (entry["CustomKeyStoreName"], entry["ConnectionState"]) == ("Renamed", wanted)
    else:
        refused(api, wanted, INVALID, "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID,
                NewCustomKeyStoreName="Renamed")
        assert api.kms.DescribeCustomKeyStores(CustomKeyStoreName="ExampleKeyStore")["CustomKeyStores"]


@pytest.mark.parametrize("change", [{"KeyStorePassword": "tempPassword"}, {"CloudHsmClusterId": CLUSTER}])
@pytest.mark.parametrize("wanted", STATES)
def test_update_the_password_or_cluster(api, wanted, change):
    if wanted == "DISCONNECTED":
        allowed(api, wanted, "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, **change)
        assert state(api) == "DISCONNECTED"
    else:
        refused(api, wanted, INVALID, "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, **change)


# -- DeleteCustomKeyStore --------------------------------------------------------------------

@pytest.mark.parametrize("wanted", STATES)
def test_delete_a_store_without_keys(api, wanted):
    for key in (KEY, OTHER_KEY):
        api.kms.ScheduleKeyDeletion(KeyId=key, PendingWindowInDays=7)
    assert hsmshell(["clock", "advance", "8d"]) == 0  # the keys are gone when their waiting ends
    assert api.kms.ListKeys()["Keys"] == []
    if wanted == "DISCONNECTED":
        allowed(api, wanted, "DeleteCustomKeyStore", CustomKeyStoreId=STORE_ID)
        assert api.kms.DescribeCustomKeyStores()["CustomKeyStores"] == []
    else:
        refused(api, wanted, INVALID, "DeleteCustomKeyStore", CustomKeyStoreId=STORE_ID)


# -- keys in the store -----------------------------------------------------------------------

@pytest.mark.parametrize("wanted", STATES)
def test_create_key_in_the_store(api, wanted):
    params = {"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": STORE_ID}
    if wanted == "CONNECTED":
        metadata = allowed(api, wanted, "CreateKey", **params)["KeyMetadata"]
        assert (metadata["KeyState"], metadata["CustomKeyStoreId"]) == ("Enabled", STORE_ID)
    else:
        refused(api, wanted, INVALID, "CreateKey", **params)
        assert len(api.kms.ListKeys()["Keys"]) == 2


@pytest.mark.parametrize("wanted", STATES)
def test_generate_random_in_the_store(api, wanted):
    if wanted == "CONNECTED":
        assert allowed(api, wanted, "GenerateRandom", NumberOfBytes=16, CustomKeyStoreId=STORE_ID)["Plaintext"]
    else:
        refused(api, wanted, INVALID, "GenerateRandom", NumberOfBytes=16, CustomKeyStoreId=STORE_ID)


@pytest.mark.parametrize("wanted", STATES)
def test_cryptographic_operations(api, wanted):
    blob = api.kms.Encrypt(KeyId=KEY, Plaintext=b64(b"secret"))["CiphertextBlob"]  # while CONNECTED
    calls = [("Encrypt", {"KeyId": KEY, "Plaintext": b64(b"secret")}),
             ("Decrypt", {"CiphertextBlob": blob}),
             ("ReEncrypt", {"CiphertextBlob": blob, "DestinationKeyId": OTHER_KEY}),
             ("GenerateDataKey", {"KeyId": KEY, "KeySpec": "AES_256"}),
             ("GenerateDataKeyWithoutPlaintext", {"KeyId": KEY, "NumberOfBytes": 32})]
    bring(api, api.store, wanted)
    for operation, params in calls:
        if wanted == "CONNECTED":
            assert getattr(api.kms, operation)(**params)
        else:
            assert api.error("kms", operation, **params).code == "KMSInvalidStateException", operation
    api.kms.DisableKey(KeyId=KEY)
    for operation, params in calls[:2] + calls[3:]:  # a disabled key refuses in every state
        assert api.error("kms", operation, **params).code in ("DisabledException", "KMSInvalidStateException")
    assert state(api) == wanted


@pytest.mark.parametrize("wanted", STATES)
def test_reading_and_managing_keys_works_in_every_state(api, wanted):
    bring(api, api.store, wanted)
    assert api.kms.DescribeCustomKeyStores(CustomKeyStoreId=STORE_ID)["CustomKeyStores"]
    assert api.kms.DescribeKey(KeyId=KEY)["KeyMetadata"]["KeyId"] == KEY
    assert len(api.kms.ListKeys()["Keys"]) == 2
    api.kms.CreateAlias(AliasName="alias/rehearsal", TargetKeyId=KEY)
    assert "alias/rehearsal" in [a["AliasName"] for a in api.kms.ListAliases()["Aliases"]]
    api.kms.DisableKey(KeyId=KEY)
    api.kms.EnableKey(KeyId=KEY)
    assert api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)["KeyState"] == "PendingDeletion"
    api.kms.CancelKeyDeletion(KeyId=KEY)
    # Cancelling leaves the key disabled, which only a connected store shows.
    assert api.kms.DescribeKey(KeyId=KEY)["KeyMetadata"]["KeyState"] == (
        "Disabled" if wanted == "CONNECTED" else "Unavailable")
    assert state(api) == wanted
