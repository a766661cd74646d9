"""Every call gets exactly one CloudTrail event, as its operation declares: a successful call's
with the declared eventSource and readOnly, a refused call's with its errorCode."""

from __future__ import annotations

import base64

import pytest

from hsmshell.aws import dispatch
from hsmshell.errors import AwsError
from hsmshell.kms.refusals import REFUSED

from ..conftest import STORE_ID
from ..kms.test_store_lifecycle import create, new_cluster

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
SOURCES = {"kms": "kms.amazonaws.com", "cloudhsmv2": "cloudhsm.amazonaws.com"}


class Calls:
    """Calls through the dispatcher, each checked for the one event it leaves."""

    def __init__(self, store):
        self.store = store
        self.called: set[tuple[str, str]] = set()

    def __call__(self, service: str, operation: str, **params) -> dict:
        before = len(self.store.read().trail)
        response = dispatch.call(self.store, service, operation, params)
        event = self._one_event(before, operation)
        declared = dispatch.SERVICES[service][operation].event
        assert (event["eventSource"], event["readOnly"]) == (SOURCES[service], declared.read_only), operation
        assert "errorCode" not in event
        self.called.add((service, operation))
        return response

    def refused(self, service: str, operation: str, **params) -> AwsError:
        before = len(self.store.read().trail)
        with pytest.raises(AwsError) as caught:
            dispatch.call(self.store, service, operation, params)
        event = self._one_event(before, operation)
        assert (event["eventSource"], event["errorCode"], event["errorMessage"]) == (
            SOURCES[service], caught.value.code, caught.value.message)
        return caught.value

    def _one_event(self, before: int, operation: str) -> dict:
        trail = list(self.store.read().trail)
        assert len(trail) == before + 1, f"{operation} left {len(trail) - before} events"
        assert trail[-1]["eventName"] == operation
        return trail[-1]


@pytest.fixture
def calls(store) -> Calls:
    return Calls(store)


def test_every_successful_call_leaves_one_event_as_declared(calls, api, store):
    cluster = new_cluster(api, store)
    kms = lambda operation, **params: calls("kms", operation, **params)  # noqa: E731
    kms("DescribeCustomKeyStores")
    kms("UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, NewCustomKeyStoreName="Renamed")
    kms("ConnectCustomKeyStore", CustomKeyStoreId=STORE_ID)  # already connected: nothing to do, still logged
    key = kms("CreateKey", Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID)["KeyMetadata"]["KeyId"]
    kms("DescribeKey", KeyId=key)
    kms("ListKeys")
    kms("CreateAlias", AliasName="alias/events", TargetKeyId=key)
    kms("ListAliases")
    kms("DisableKey", KeyId=key)
    kms("EnableKey", KeyId=key)
    blob = kms("Encrypt", KeyId=KEY, Plaintext=base64.b64encode(b"hello").decode())["CiphertextBlob"]
    kms("Decrypt", CiphertextBlob=blob)
    kms("ReEncrypt", CiphertextBlob=blob, DestinationKeyId=key)
    kms("GenerateDataKey", KeyId=KEY, KeySpec="AES_256")
    kms("GenerateDataKeyWithoutPlaintext", KeyId=KEY, NumberOfBytes=32)
    kms("GenerateRandom", NumberOfBytes=16)
    kms("UpdateKeyDescription", KeyId=key, Description="events")
    kms("GetKeyPolicy", KeyId=key)
    kms("ListKeyPolicies", KeyId=key)
    kms("PutKeyPolicy", KeyId=key, Policy=kms("GetKeyPolicy", KeyId=key)["Policy"])
    kms("TagResource", KeyId=key, Tags=[{"TagKey": "a", "TagValue": "b"}])
    kms("ListResourceTags", KeyId=key)
    kms("UntagResource", KeyId=key, TagKeys=["a"])
    grantee = "arn:aws:iam::111122223333:user/Bob"
    token = kms("CreateGrant", KeyId=key, GranteePrincipal=grantee, Operations=["Encrypt"],
                RetiringPrincipal=grantee)["GrantToken"]
    grant = kms("CreateGrant", KeyId=key, GranteePrincipal=grantee, Operations=["Decrypt"])["GrantId"]
    kms("ListGrants", KeyId=key)
    kms("ListRetirableGrants", RetiringPrincipal=grantee)
    kms("RetireGrant", GrantToken=token)
    kms("RevokeGrant", KeyId=key, GrantId=grant)
    kms("UpdateAlias", AliasName="alias/events", TargetKeyId=KEY)
    kms("DeleteAlias", AliasName="alias/events")
    kms("GetKeyLastUsage", KeyId=KEY)
    standard = kms("CreateKey")["KeyMetadata"]["KeyId"]  # origin AWS_KMS: its material can rotate
    kms("EnableKeyRotation", KeyId=standard)
    kms("GetKeyRotationStatus", KeyId=standard)
    kms("RotateKeyOnDemand", KeyId=standard)
    kms("ListKeyRotations", KeyId=standard)
    kms("DisableKeyRotation", KeyId=standard)
    kms("ScheduleKeyDeletion", KeyId=key, PendingWindowInDays=7)
    kms("CancelKeyDeletion", KeyId=key)
    kms("DisconnectCustomKeyStore", CustomKeyStoreId=STORE_ID)
    params, _ = create(api, store, cluster)
    second = kms("CreateCustomKeyStore", **params)["CustomKeyStoreId"]
    kms("CreateCustomKeyStore", **params)  # a retry that returns the same store is logged too
    kms("DeleteCustomKeyStore", CustomKeyStoreId=second)

    hsm = lambda operation, **params: calls("cloudhsmv2", operation, **params)  # noqa: E731
    backup = hsm("DescribeBackups")["Backups"][0]["BackupId"]
    hsm("ModifyBackupAttributes", BackupId=backup, NeverExpires=True)
    hsm("ModifyBackupAttributes", BackupId=backup, NeverExpires=False)
    hsm("DeleteBackup", BackupId=backup)
    hsm("RestoreBackup", BackupId=backup)
    fresh = hsm("CreateCluster", HsmType="hsm1.medium", SubnetIds=["subnet-0aa1bb2cc3dd4ee5f"])["Cluster"]["ClusterId"]
    hsm("DescribeClusters")
    hsm("ModifyCluster", ClusterId=fresh, BackupRetentionPolicy={"Type": "DAYS", "Value": "30"})
    made = hsm("CreateHsm", ClusterId=fresh, AvailabilityZone="us-west-2a")["Hsm"]["HsmId"]
    anchor = store.read().clusters["cluster-1a23b4cdefg"].trust_anchor
    hsm("InitializeCluster", ClusterId=fresh, SignedCert=anchor, TrustAnchor=anchor)
    hsm("TagResource", ResourceId=fresh, TagList=[{"Key": "a", "Value": "b"}])
    hsm("ListTags", ResourceId=fresh)
    hsm("UntagResource", ResourceId=fresh, TagKeyList=["a"])
    arn = f"arn:aws:cloudhsm:us-west-2:111122223333:backup/{backup}"
    hsm("PutResourcePolicy", ResourceArn=arn, Policy='{"Version": "2012-10-17", "Statement": []}')
    hsm("GetResourcePolicy", ResourceArn=arn)
    hsm("DeleteResourcePolicy", ResourceArn=arn)
    hsm("DeleteHsm", ClusterId=fresh, HsmId=made)
    hsm("DeleteCluster", ClusterId=fresh)

    every = {(service, name) for service in SOURCES for name in dispatch.SERVICES[service]}
    # What a world refuses whatever it is given (the refused-call test below logs those).
    never = {("kms", name) for name in REFUSED if "Rotat" not in name} | {("cloudhsmv2", "CopyBackupToRegion")}
    assert every - never - calls.called == set()


def test_every_refused_call_leaves_one_event_with_its_error(calls):
    for service in SOURCES:
        for operation in dispatch.SERVICES[service]:
            calls.refused(service, operation, NoSuchMember=1, **_refusing(operation))


def _refusing(operation: str) -> dict:
    """Members that make the call fail after the request is read: a key or store not found,
    or a bad value, where an operation has no required member to leave out."""
    return {"DescribeCustomKeyStores": {"CustomKeyStoreId": "cks-0000000000000000f"},
            "ListKeys": {"Limit": 0}, "CreateKey": {"KeySpec": "RSA_2048"}, "ListAliases": {"KeyId": "alias/none"},
            "GenerateRandom": {"NumberOfBytes": 0}, "DescribeClusters": {"MaxResults": 0},
            "DescribeBackups": {"MaxResults": 0}}.get(operation, {})


def test_secrets_are_never_logged_even_when_a_call_is_refused(calls):
    calls.refused("kms", "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, KeyStorePassword="secretPassword1")
    error = calls.refused("kms", "Encrypt", KeyId="alias/none", Plaintext="c2VjcmV0")
    assert error.code == "NotFoundException"
    trail = list(calls.store.read().trail)
    assert [e["requestParameters"] for e in trail[-2:]] == [{"customKeyStoreId": STORE_ID}, {"keyId": "alias/none"}]


def test_looking_at_the_trail_leaves_no_event(store):
    before = len(store.read().trail)
    dispatch.call(store, "cloudtrail", "LookupEvents", {})
    with pytest.raises(AwsError):
        dispatch.call(store, "cloudtrail", "LookupEvents", {"MaxResults": 51})
    assert len(store.read().trail) == before
