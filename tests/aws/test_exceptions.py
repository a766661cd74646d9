"""Modelled exceptions not produced elsewhere in the suite, each from the state that causes it.
With the other tests, every exception kms-spec associates with an operation of issue 5 is
produced at least once, except the internal failures (KMSInternalException,
DependencyTimeoutException, CloudHsmInternalFailureException), which nothing in a world causes."""

from __future__ import annotations

import copy

from ..conftest import STORE_ID

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
MISSING = "ffffffff-12ab-34cd-56ef-1234567890ab"


def test_key_not_found_everywhere_a_key_is_named(api):
    for operation, params in (("EnableKey", {"KeyId": MISSING}), ("DisableKey", {"KeyId": MISSING}),
                              ("ScheduleKeyDeletion", {"KeyId": MISSING}), ("CancelKeyDeletion", {"KeyId": MISSING}),
                              ("Encrypt", {"KeyId": MISSING, "Plaintext": "eA=="}),
                              ("GenerateDataKey", {"KeyId": MISSING, "KeySpec": "AES_256"}),
                              ("CreateAlias", {"AliasName": "alias/x", "TargetKeyId": MISSING})):
        error = api.error("kms", operation, **params)
        assert (error.code, error.message) == (
            "NotFoundException", f"Key 'arn:aws:kms:us-west-2:111122223333:key/{MISSING}' does not exist"), operation


def test_store_state_and_name_refusals(api, store):
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    error = api.error("kms", "DisconnectCustomKeyStore", CustomKeyStoreId=STORE_ID)
    assert error.message == (f"Custom key store {STORE_ID} is in the DISCONNECTED state. You cannot disconnect "
                             f"a custom key store in this state.")
    with store.transaction() as world:
        other = copy.deepcopy(world.custom_key_stores[STORE_ID])
        other.custom_key_store_id, other.custom_key_store_name = "cks-0000000000000000a", "Taken"
        world.custom_key_stores[other.custom_key_store_id] = other
    assert api.error("kms", "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, NewCustomKeyStoreName="Taken"
                     ).code == "CustomKeyStoreNameInUseException"


def test_ten_stores_per_region(api, store):
    api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=["subnet-0aa1bb2cc3dd4ee5f"])
    with store.transaction() as world:
        fresh = next(c for c in world.clusters.values() if c.cluster_id != "cluster-1a23b4cdefg")
        fresh.state, fresh.trust_anchor = "ACTIVE", world.clusters["cluster-1a23b4cdefg"].trust_anchor
        fresh.hsms = copy.deepcopy(world.clusters["cluster-1a23b4cdefg"].hsms[:2])
        for i, hsm in enumerate(fresh.hsms):
            hsm.hsm_id, hsm.eni_ip = f"hsm-abcdefghij{i}", f"10.9.0.{i}"
        for n in range(9):  # stores on clusters long gone
            other = copy.deepcopy(world.custom_key_stores[STORE_ID])
            other.custom_key_store_id, other.custom_key_store_name = f"cks-00000000000000{n:03d}", f"Old{n}"
            other.cloud_hsm_cluster_id, other.connection_state, other.kms_session_id = f"cluster-gone{n}abcdefg", "DISCONNECTED", None
            world.custom_key_stores[other.custom_key_store_id] = other
        cluster_id, anchor = fresh.cluster_id, fresh.trust_anchor
    error = api.error("kms", "CreateCustomKeyStore", CustomKeyStoreName="Eleventh", CloudHsmClusterId=cluster_id,
                      TrustAnchorCertificate=anchor, KeyStorePassword="kmsPassword1")
    assert error.code == "LimitExceededException"


def test_cloudhsm_cluster_quota(api):
    for _ in range(3):
        api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=["subnet-0aa1bb2cc3dd4ee5f"])
    assert api.error("cloudhsmv2", "CreateCluster", HsmType="hsm1.medium", SubnetIds=["subnet-0aa1bb2cc3dd4ee5f"]
                     ).code == "CloudHsmResourceLimitExceededException"


def test_lookup_events_refusals(api):
    two = [{"AttributeKey": "EventName", "AttributeValue": "a"}, {"AttributeKey": "Username", "AttributeValue": "b"}]
    assert api.error("cloudtrail", "LookupEvents", LookupAttributes=two).code == "InvalidLookupAttributesException"
    assert api.error("cloudtrail", "LookupEvents", LookupAttributes=[{"AttributeKey": "Colour", "AttributeValue": "x"}]
                     ).code == "InvalidLookupAttributesException"
    assert api.error("cloudtrail", "LookupEvents", StartTime=2.0, EndTime=1.0).code == "InvalidTimeRangeException"
    assert api.error("cloudtrail", "LookupEvents", MaxResults=51).code == "InvalidMaxResultsException"
    assert api.error("cloudtrail", "LookupEvents", NextToken="zz").code == "InvalidNextTokenException"
    assert api.error("cloudtrail", "LookupEvents", EventCategory="data").code == "InvalidEventCategoryException"


def test_failed_kms_calls_are_recorded_with_their_error(api, store):
    api.error("kms", "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, KeyStorePassword="secretPassword1")
    event = store.read().trail[-1]
    assert (event["eventName"], event["errorCode"]) == ("UpdateCustomKeyStore", "CustomKeyStoreInvalidStateException")
    assert event["requestParameters"] == {"customKeyStoreId": STORE_ID}  # never the password


def test_each_refusal_is_a_fresh_error(api):
    # An instance raised twice keeps the frames of both raises, and with them the worlds.
    for service, operation in (("cloudtrail", "LookupEvents"), ("cloudhsmv2", "DescribeClusters"),
                               ("cloudhsmv2", "DescribeBackups")):
        first, second = (api.error(service, operation, NextToken="zz") for _ in range(2))
        assert first is not second and first.code == second.code, operation
