"""KMS keys in a custom key store: created with a backing key in the cluster, key states
derived from the store, deletion on the world's clock (kms-spec §2.7-§2.12, §3.3)."""

from __future__ import annotations

import json

import pytest

from hsmshell.cli import main as hsmshell
from hsmshell.world.clock import now

from ..conftest import STORE_ID

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
ARN = f"arn:aws:kms:us-west-2:111122223333:key/{KEY}"
CLUSTER = "cluster-1a23b4cdefg"


def state(api, key=KEY):
    return api.kms.DescribeKey(KeyId=key)["KeyMetadata"]["KeyState"]


def test_create_key_generates_an_aes_256_backing_key_owned_by_kmsuser(api, store, doors):
    meta = api.kms.CreateKey(Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID, Description="new")["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"], meta["Origin"], meta["CloudHsmClusterId"]) == (
        "Enabled", True, "AWS_CLOUDHSM", CLUSTER)
    world = store.read()
    handle = world.kms_keys[meta["KeyId"]].backing_key_handle
    key = world.clusters[CLUSTER].keys[handle]
    assert (key.owner, key.key_class, key.key_type, key.size, key.extractable, key.label) == (
        3, 4, 31, 32, False, meta["Arn"])
    assert len(key.hsms) == 3 and key.material.startswith("sealed:")
    event = world.trail[-1]
    assert event["eventName"] == "CreateKey"
    assert json.loads(event["additionalEventData"]["backingKey"])["keyHandle"] == str(handle)
    # The runbook's way to find it: findKey -l <ARN> as kmsuser, after disconnecting.
    assert handle == 262170


def test_create_key_refusals(api, store):
    assert api.error("kms", "CreateKey", Origin="AWS_CLOUDHSM", CustomKeyStoreId="cks-0000000000000000f"
                     ).code == "CustomKeyStoreNotFoundException"
    assert api.error("kms", "CreateKey", Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID,
                     KeySpec="RSA_2048").code == "UnsupportedOperationException"
    with store.transaction() as world:  # one HSM left: CreateKey needs two zones
        for hsm in world.clusters[CLUSTER].hsms[1:]:
            hsm.state = "DELETE_IN_PROGRESS"
    assert api.error("kms", "CreateKey", Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID
                     ).code == "CloudHsmClusterInvalidConfigurationException"
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert api.error("kms", "CreateKey", Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID
                     ).code == "CustomKeyStoreInvalidStateException"


def test_enable_and_disable_an_unavailable_key_take_effect_on_reconnect(api):
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert api.kms.DisableKey(KeyId=KEY) == {}
    assert state(api) == "Unavailable"
    api.kms.ConnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert state(api) == "Disabled"
    api.kms.EnableKey(KeyId=ARN)
    assert state(api) == "Enabled"


def test_schedule_and_cancel_deletion(api):
    response = api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)
    assert (response["KeyId"], response["KeyState"], response["PendingWindowInDays"]) == (ARN, "PendingDeletion", 7)
    assert api.error("kms", "ScheduleKeyDeletion", KeyId=KEY).code == "KMSInvalidStateException"
    assert api.error("kms", "EnableKey", KeyId=KEY).message == f"{ARN} is pending deletion."
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert state(api) == "PendingDeletion"  # even while disconnected
    assert api.kms.CancelKeyDeletion(KeyId=KEY) == {"KeyId": ARN}
    assert api.error("kms", "CancelKeyDeletion", KeyId=KEY).message == f"{ARN} is not pending deletion."
    api.kms.ConnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert state(api) == "Disabled"  # a cancelled key comes back disabled


def test_waiting_period_is_checked_by_the_service(api):
    error = api.error("kms", "ScheduleKeyDeletion", KeyId=KEY, PendingWindowInDays=45)
    assert (error.code, error.message) == ("ValidationException", "PendingWindowInDays must be between 7 and 30")


def test_deletion_while_connected_deletes_the_backing_key(api, store):
    api.kms.CreateAlias(AliasName="alias/example", TargetKeyId=KEY)
    api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)
    assert hsmshell(["clock", "advance", "6d"]) == 0
    assert KEY in store.read().kms_keys
    assert hsmshell(["clock", "advance", "1d"]) == 0
    world = store.read()
    assert KEY not in world.kms_keys and 262162 not in world.clusters[CLUSTER].keys
    assert "alias/example" not in world.aliases  # aliases go with their key
    event = next(e for e in reversed(world.trail) if e["eventName"] == "DeleteKey")
    assert json.loads(event["additionalEventData"]["backingKeysDeletionStatus"])[0]["deletionStatus"] == "SUCCESS"
    assert api.error("kms", "DescribeKey", KeyId=KEY).code == "NotFoundException"


def test_aliases(api):
    assert api.kms.CreateAlias(AliasName="alias/ExampleAlias", TargetKeyId=KEY) == {}
    assert api.error("kms", "CreateAlias", AliasName="alias/ExampleAlias", TargetKeyId=KEY).code == "AlreadyExistsException"
    # A name without alias/ and one outside the model's pattern: ValidationException (issue 20).
    assert (api.error("kms", "CreateAlias", AliasName="ExampleAlias", TargetKeyId=KEY).code,
            api.error("kms", "CreateAlias", AliasName="ExampleAlias", TargetKeyId=KEY).message) == (
        "ValidationException", "Invalid identifier")
    assert api.error("kms", "CreateAlias", AliasName="alias/café", TargetKeyId=KEY).message == (
        "1 validation error detected: Value 'alias/café' at 'aliasName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
    assert api.error("kms", "CreateAlias", AliasName="alias/aws/kms", TargetKeyId=KEY).code == "InvalidAliasNameException"
    listed = api.kms.ListAliases(KeyId=KEY)["Aliases"]
    assert [(a["AliasName"], a["TargetKeyId"]) for a in listed] == [("alias/ExampleAlias", KEY)]
    assert api.kms.DescribeKey(KeyId="alias/ExampleAlias")["KeyMetadata"]["KeyId"] == KEY
    assert api.error("kms", "DescribeKey", KeyId="alias/none").message == (
        "Alias arn:aws:kms:us-west-2:111122223333:alias/none is not found.")
    assert api.error("kms", "ListAliases", KeyId="0000dcba-09fe-87dc-65ba-ab0987654321").code == "NotFoundException"
    api.kms.ScheduleKeyDeletion(KeyId=KEY)
    assert api.error("kms", "CreateAlias", AliasName="alias/late", TargetKeyId=KEY).code == "KMSInvalidStateException"


def test_list_keys_and_describe_in_every_state(api):
    assert [k["KeyId"] for k in api.kms.ListKeys()["Keys"]] == [KEY, "0987dcba-09fe-87dc-65ba-ab0987654321"]
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    meta = api.kms.DescribeKey(KeyId=ARN)["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Unavailable", False)
    assert api.error("kms", "DescribeKey", KeyId="not-a-key").message == "Invalid keyId 'not-a-key'"


# Rules of kms/keys.py that no test broke before (found by benchmarks/mutation.py).

def test_the_deletion_date_is_the_waiting_period_in_days_from_now(api, store):
    before = now(store.read())
    deletion = api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)["DeletionDate"]
    assert deletion - before == pytest.approx(7 * 86400, abs=60)  # seconds since the epoch
    assert api.kms.DescribeKey(KeyId=KEY)["KeyMetadata"]["DeletionDate"] == deletion


def test_scheduling_a_deletion_names_the_backing_key_only_for_a_key_store_key(api, store):
    standard = api.kms.CreateKey(Description="standard")["KeyMetadata"]["KeyId"]
    for key in (KEY, standard):
        api.kms.ScheduleKeyDeletion(KeyId=key, PendingWindowInDays=7)
    scheduled = {e["requestParameters"]["keyId"]: e for e in store.read().trail
                 if e["eventName"] == "ScheduleKeyDeletion"}
    assert "additionalEventData" not in scheduled[standard]
    data = scheduled[KEY]["additionalEventData"]
    assert (data["customKeyStoreId"], data["clusterId"]) == (STORE_ID, CLUSTER)
    assert json.loads(data["backingKeys"])[0]["keyHandle"] == "262162"


def test_a_deleted_key_takes_its_own_aliases_only(api):
    keys = sorted([KEY] + [api.kms.CreateKey(Description=f"k{i}")["KeyMetadata"]["KeyId"] for i in range(2)])
    for i, key in enumerate(keys):
        api.kms.CreateAlias(AliasName=f"alias/k{i}", TargetKeyId=key)
    for i, key in enumerate(keys):  # each key lists its own alias only
        assert [a["AliasName"] for a in api.kms.ListAliases(KeyId=key)["Aliases"]] == [f"alias/k{i}"]
    api.kms.ScheduleKeyDeletion(KeyId=keys[1], PendingWindowInDays=7)  # ids on both sides of it
    assert hsmshell(["clock", "advance", "7d"]) == 0
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in api.kms.ListAliases()["Aliases"]}
    assert (aliases.get("alias/k0"), "alias/k1" in aliases, aliases.get("alias/k2")) == (keys[0], False, keys[2])


def test_an_alias_is_deleted_once(api):
    api.kms.CreateAlias(AliasName="alias/once", TargetKeyId=KEY)
    assert api.kms.DeleteAlias(AliasName="alias/once") == {}
    assert api.error("kms", "DeleteAlias", AliasName="alias/once").code == "NotFoundException"


@pytest.mark.parametrize("operation, params", [
    ("UpdateKeyDescription", {"KeyId": "alias/k", "Description": "d"}),
    ("EnableKey", {"KeyId": "alias/k"}),
    ("DisableKey", {"KeyId": "alias/k"}),
    ("ScheduleKeyDeletion", {"KeyId": "alias/k", "PendingWindowInDays": 7}),
    ("CancelKeyDeletion", {"KeyId": "alias/k"}),
    ("CreateAlias", {"AliasName": "alias/other", "TargetKeyId": "alias/k"}),
    ("UpdateAlias", {"AliasName": "alias/k", "TargetKeyId": "alias/k"}),
])
def test_operations_that_take_no_alias_do_not_follow_one(api, operation, params):
    api.kms.CreateAlias(AliasName="alias/k", TargetKeyId=KEY)
    error = api.error("kms", operation, **params)
    assert (error.code, error.message) == (
        "NotFoundException", "Alias arn:aws:kms:us-west-2:111122223333:alias/k is not found.")


def test_a_missing_key_is_named_as_a_key_id_only_when_it_is_one(api):
    missing = "00000000-0000-0000-0000-000000000000"
    assert api.error("kms", "DescribeKey", KeyId=missing).message == f"Key '{ARN[:-len(KEY)]}{missing}' does not exist"
    assert api.error("kms", "DescribeKey", KeyId="nothing").message == "Invalid keyId 'nothing'"


def test_the_description_of_a_key_pending_deletion_cannot_change(api):
    assert api.kms.UpdateKeyDescription(KeyId=KEY, Description="changed") == {}
    assert api.kms.DescribeKey(KeyId=KEY)["KeyMetadata"]["Description"] == "changed"
    api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)
    assert api.error("kms", "UpdateKeyDescription", KeyId=KEY, Description="again").code == \
        "KMSInvalidStateException"


def test_a_key_is_created_when_active_hsms_in_exactly_two_zones_answer(api, store):
    with store.transaction() as world:
        hsms = world.clusters[CLUSTER].hsms
        hsms[2].availability_zone, hsms[2].subnet_id = hsms[0].availability_zone, hsms[0].subnet_id
    assert len({h.availability_zone for h in store.read().clusters[CLUSTER].hsms}) == 2
    assert api.kms.CreateKey(Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID)["KeyMetadata"]["Enabled"]


def test_a_key_store_key_needs_a_store(api):
    assert api.error("kms", "CreateKey", Origin="AWS_CLOUDHSM").code == "UnsupportedOperationException"


def test_the_deletion_of_a_key_store_key_is_kms_s_own_event(api, store):
    api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)
    assert hsmshell(["clock", "advance", "7d"]) == 0
    event = next(e for e in reversed(store.read().trail) if e["eventName"] == "DeleteKey")
    assert (event["eventType"], event["userIdentity"]) == (
        "AwsServiceEvent", {"accountId": "111122223333", "invokedBy": "AWS Internal"})


def test_a_key_is_deleted_at_its_deletion_date_to_the_second(api, store):
    api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)
    assert hsmshell(["clock", "advance", f"{7 * 86400 - 1}s"]) == 0
    assert state(api) == "PendingDeletion"
    assert hsmshell(["clock", "advance", "1s"]) == 0
    assert KEY not in store.read().kms_keys


def test_a_deleted_key_takes_its_own_grants_only(api):
    alice = "arn:aws:iam::111122223333:user/Alice"
    keys = sorted([KEY] + [api.kms.CreateKey(Description=f"k{i}")["KeyMetadata"]["KeyId"] for i in range(2)])
    for key in keys:
        api.kms.CreateGrant(KeyId=key, GranteePrincipal=alice, Operations=["Encrypt"], RetiringPrincipal=alice)
    api.kms.ScheduleKeyDeletion(KeyId=keys[1], PendingWindowInDays=7)  # ids on both sides of it
    assert hsmshell(["clock", "advance", "7d"]) == 0
    left = [g["KeyId"].rsplit("/", 1)[1] for g in api.kms.ListRetirableGrants(RetiringPrincipal=alice)["Grants"]]
    assert sorted(left) == [keys[0], keys[2]]


@pytest.mark.parametrize("spelling", ["1234abcd12ab34cd56ef1234567890ff", "{1234abcd-12ab-34cd-56ef-1234567890ff}",
                                      "urn:uuid:1234abcd-12ab-34cd-56ef-1234567890ff"])
def test_a_uuid_not_written_as_a_key_id_is_not_one(api, spelling):
    """Python's UUID reads these spellings, KMS's key IDs are only the hyphenated one."""
    assert api.error("kms", "DescribeKey", KeyId=spelling).message == f"Invalid keyId '{spelling}'"


@pytest.mark.parametrize("where, spec_message, region_message", [
    ({"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": STORE_ID},
     "KMS keys in an AWS CloudHSM key store must be symmetric encryption keys.",
     "You cannot create a multi-Region key in a custom key store."),
    ({}, "This range simulates only symmetric encryption KMS keys (KeySpec SYMMETRIC_DEFAULT).",
     "This range does not simulate multi-Region keys."),
])
def test_what_create_key_cannot_make_is_refused_in_the_words_of_where_it_was_asked(
        api, where, spec_message, region_message):
    for params, message in (({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}, spec_message),
                            ({"MultiRegion": True}, region_message)):
        error = api.error("kms", "CreateKey", **where, **params)
        assert (error.code, error.message) == ("UnsupportedOperationException", message)


def test_create_key_s_event_says_the_key_is_not_multi_region(api, store):
    api.kms.CreateKey(Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID)
    event = store.read().trail[-1]
    assert event["eventName"] == "CreateKey" and event["responseElements"]["keyMetadata"]["multiRegion"] is False


def test_the_deletion_events_name_the_backing_key_and_cluster_the_create_named(api, store):
    made = api.kms.CreateKey(Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID)["KeyMetadata"]["KeyId"]
    created = store.read().trail[-1]
    backing = json.loads(created["additionalEventData"]["backingKey"])
    api.kms.ScheduleKeyDeletion(KeyId=made, PendingWindowInDays=7)
    assert hsmshell(["clock", "advance", "7d"]) == 0
    trail = store.read().trail
    scheduled = next(e for e in reversed(trail) if e["eventName"] == "ScheduleKeyDeletion")
    deleted = next(e for e in reversed(trail) if e["eventName"] == "DeleteKey")
    for event in (scheduled, deleted):
        data = event["additionalEventData"]
        assert (data["customKeyStoreId"], data["clusterId"]) == (STORE_ID, CLUSTER)
        assert json.loads(data["backingKeys"]) == [backing]


def deletion_status(store) -> str:
    event = next(e for e in reversed(store.read().trail) if e["eventName"] == "DeleteKey")
    return json.loads(event["additionalEventData"]["backingKeysDeletionStatus"])[0]["deletionStatus"]


def test_a_deletion_while_disconnected_leaves_the_backing_key(api, store):
    api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert hsmshell(["clock", "advance", "7d"]) == 0
    world = store.read()
    assert KEY not in world.kms_keys and 262162 in world.clusters[CLUSTER].keys
    assert deletion_status(store) == "FAILURE"


def test_a_deletion_whose_cluster_is_gone_fails_to_delete_the_backing_key(api, store, doors):
    api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)
    for hsm in store.read().clusters[CLUSTER].hsms:
        assert doors.aws("cloudhsmv2", "delete-hsm", "--cluster-id", CLUSTER, "--hsm-id", hsm.hsm_id)[0] == 0
    status, _, err = doors.aws("cloudhsmv2", "delete-cluster", "--cluster-id", CLUSTER)
    assert status == 0, err
    assert hsmshell(["clock", "advance", "7d"]) == 0
    assert KEY not in store.read().kms_keys
    assert deletion_status(store) == "FAILURE"


def test_a_deletion_whose_backing_key_is_already_gone_fails(api, store, doors):
    """The backing key was deleted in the cluster first (deleteKey as kmsuser): KMS has none to
    delete."""
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    with store.transaction() as world:
        del world.clusters[CLUSTER].keys[262162]
    api.kms.ConnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    api.kms.ScheduleKeyDeletion(KeyId=KEY, PendingWindowInDays=7)
    assert hsmshell(["clock", "advance", "7d"]) == 0
    assert KEY not in store.read().kms_keys
    assert deletion_status(store) == "FAILURE"


def test_the_waiting_period_is_thirty_days_unless_given_and_never_under_seven(api, store):
    before = now(store.read())
    scheduled = api.kms.ScheduleKeyDeletion(KeyId=KEY)
    assert scheduled["PendingWindowInDays"] == 30
    assert scheduled["DeletionDate"] - before == pytest.approx(30 * 86400, abs=60)  # seconds since the epoch
    for days in (6, 31):
        error = api.error("kms", "ScheduleKeyDeletion", KeyId=KEY, PendingWindowInDays=days)
        assert (error.code, error.message) == ("ValidationException", "PendingWindowInDays must be between 7 and 30")


def test_list_aliases_takes_a_key_not_an_alias(api):
    api.kms.CreateAlias(AliasName="alias/k", TargetKeyId=KEY)
    assert [a["AliasName"] for a in api.kms.ListAliases(KeyId=KEY)["Aliases"]] == ["alias/k"]
    error = api.error("kms", "ListAliases", KeyId="alias/k")
    assert (error.code, error.message) == (
        "NotFoundException", "Alias arn:aws:kms:us-west-2:111122223333:alias/k is not found.")


def test_enable_and_disable_key_are_their_own_events(api, store):
    for operation in ("DisableKey", "EnableKey"):
        assert getattr(api.kms, operation)(KeyId=KEY) == {}
        assert store.read().trail[-1]["eventName"] == operation


@pytest.mark.parametrize("fault", ["DEGRADED", "unreachable"])
def test_a_backing_key_is_made_on_the_active_hsms_that_answer_only(api, store, fault):
    with store.transaction() as world:
        hsm = world.clusters[CLUSTER].hsms[2]
        if fault == "DEGRADED":
            hsm.state = "DEGRADED"  # answers, but is not active
        else:
            hsm.reachable = False  # active, but out of reach
    meta = api.kms.CreateKey(Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID)["KeyMetadata"]
    world = store.read()
    cluster = world.clusters[CLUSTER]
    backing = cluster.keys[world.kms_keys[meta["KeyId"]].backing_key_handle]
    assert backing.hsms == [h.hsm_id for h in cluster.hsms[:2]]


def test_key_mgmt_util_finds_a_backing_key_by_the_backing_key_id_cloudtrail_shows(api, store, doors):
    api.kms.CreateKey(Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID)
    backing = json.loads(store.read().trail[-1]["additionalEventData"]["backingKey"])
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    doors.cmu("loginHSM CO admin co12345\nchangePswd CU kmsuser kmsPswd1\ny\nquit\n")
    out = doors.kmu(f"loginHSM -u CU -s kmsuser -p kmsPswd1\nfindKey -id {backing['backingKeyId']}\n"
                    "logoutHSM\nexit\n")
    # The older layout, the default client's: the count, then the handles on a line.
    assert f"Total number of keys present 1\n\n number of keys matched from start index 0::0\n" \
           f"{backing['keyHandle']}\n" in out
