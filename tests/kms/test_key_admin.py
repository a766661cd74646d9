"""What a team's tooling does to keys in a CloudHSM key store besides cryptography: key policies,
grants, tags, aliases and descriptions, with the key-state rules of the KMS Developer Guide
(issue 20).  Every response is checked against botocore's model by `api`."""

from __future__ import annotations

import json

import pytest

from hsmshell.aws import dispatch
from hsmshell.kms.policies import default_policy

from ..conftest import STORE_ID

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER = "0987dcba-09fe-87dc-65ba-ab0987654321"
ARN = f"arn:aws:kms:us-west-2:111122223333:key/{KEY}"
ALICE = "arn:aws:iam::111122223333:user/Alice"
BOB = "arn:aws:iam::111122223333:user/Bob"


def b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: str, action="kms:*") -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": "*"}


# -- key policies ------------------------------------------------------------------------------

def test_a_key_has_the_documented_default_policy_named_default(api):
    got = api.kms.GetKeyPolicy(KeyId=KEY)
    assert got == {"Policy": default_policy("111122223333"), "PolicyName": "default"}
    assert json.loads(got["Policy"]) == {
        "Version": "2012-10-17", "Id": "key-default-1",
        "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                       "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}
    assert api.kms.ListKeyPolicies(KeyId=KEY) == {"PolicyNames": ["default"], "Truncated": False}
    assert api.error("kms", "GetKeyPolicy", KeyId=KEY, PolicyName="other").code == "NotFoundException"


def test_put_key_policy_replaces_it_and_is_logged(api, store):
    text = policy(allow("arn:aws:iam::111122223333:root"), allow(BOB, ["kms:Encrypt", "kms:Decrypt"]))
    assert api.kms.PutKeyPolicy(KeyId=KEY, PolicyName="default", Policy=text) == {}
    assert api.kms.GetKeyPolicy(KeyId=KEY)["Policy"] == text
    event = store.read().trail[-2]
    assert (event["eventName"], event["requestParameters"]["keyId"], event["readOnly"]) == ("PutKeyPolicy", KEY, False)


@pytest.mark.parametrize("text, message", [
    ("{not json", "The key policy is not a valid JSON document."),
    ('{"Statement": []}', "The policy document is malformed: each statement needs an Effect, a Principal and an Action."),
    (policy(allow("arn:aws:iam::111122223333:nobody!")), "Policy contains a statement with one or more invalid principals."),
    (policy(allow(BOB)), "The new key policy will not allow you to update the key policy in the future."),
])
def test_put_key_policy_refusals(api, text, message):
    error = api.error("kms", "PutKeyPolicy", KeyId=KEY, Policy=text)
    assert (error.code, error.message) == ("MalformedPolicyDocumentException", message)


def test_the_lockout_check_can_be_bypassed(api):
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(BOB)), BypassPolicyLockoutSafetyCheck=True)
    assert json.loads(api.kms.GetKeyPolicy(KeyId=KEY)["Policy"])["Statement"][0]["Principal"] == {"AWS": BOB}


def test_policies_work_in_every_key_state(api):
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    api.kms.ScheduleKeyDeletion(KeyId=KEY)
    assert api.kms.ListKeyPolicies(KeyId=KEY)["PolicyNames"] == ["default"]
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    assert api.kms.GetKeyPolicy(KeyId=KEY)["Policy"] == policy(allow(ALICE))


def test_create_key_honours_policy_tags_and_description(api, store):
    meta = api.kms.CreateKey(Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID, Description="payroll",
                             Policy=policy(allow(ALICE)), Tags=[{"TagKey": "team", "TagValue": "pay"}])["KeyMetadata"]
    assert meta["Description"] == "payroll"
    assert api.kms.GetKeyPolicy(KeyId=meta["KeyId"])["Policy"] == policy(allow(ALICE))
    assert api.kms.ListResourceTags(KeyId=meta["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "pay"}]
    event = next(e for e in reversed(store.read().trail) if e["eventName"] == "CreateKey")
    assert event["requestParameters"]["tags"] == [{"tagKey": "team", "tagValue": "pay"}]
    error = api.error("kms", "CreateKey", Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID, Policy=policy(allow(BOB)))
    assert error.code == "MalformedPolicyDocumentException"
    assert api.kms.CreateKey(Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID, Policy=policy(allow(BOB)),
                             BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["KeyState"] == "Enabled"
    assert api.error("kms", "CreateKey", Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID,
                     Tags=[{"TagKey": "aws:owner", "TagValue": "x"}]).code == "TagException"


# -- grants -------------------------------------------------------------------------------------

def test_grant_lifecycle(api, store):
    made = api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt", "Decrypt"],
                               RetiringPrincipal=ALICE, Name="app")
    assert len(made["GrantId"]) == 64 and len(made["GrantToken"]) > 100
    again = api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Decrypt", "Encrypt"],
                                RetiringPrincipal=ALICE, Name="app")
    assert again["GrantId"] == made["GrantId"]  # the same name and parameters: the same grant
    [entry] = api.kms.ListGrants(KeyId=KEY)["Grants"]
    assert (entry["KeyId"], entry["GranteePrincipal"], entry["Operations"], entry["IssuingAccount"]) == (
        ARN, BOB, ["Encrypt", "Decrypt"], "arn:aws:iam::111122223333:root")
    assert api.kms.ListRetirableGrants(RetiringPrincipal=ALICE)["Grants"] == [entry]
    assert api.kms.ListGrants(KeyId=KEY, GranteePrincipal=ALICE)["Grants"] == []
    # The token is accepted by the cryptographic operations while its grant exists.
    blob = api.kms.Encrypt(KeyId=KEY, Plaintext=b64(b"data"), GrantTokens=[made["GrantToken"]])["CiphertextBlob"]
    assert api.kms.Decrypt(CiphertextBlob=blob, GrantTokens=[made["GrantToken"]])["KeyId"] == ARN
    assert api.kms.RetireGrant(GrantToken=made["GrantToken"]) == {}
    assert api.kms.ListGrants(KeyId=KEY)["Grants"] == []
    error = api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x"), GrantTokens=[made["GrantToken"]])
    assert error.code == "InvalidGrantTokenException"
    assert api.error("kms", "RetireGrant", GrantToken=made["GrantToken"]).code == "InvalidGrantTokenException"
    trail = store.read().trail
    retired, refused = [e for e in trail if e["eventName"] == "RetireGrant"][-2:]
    assert "errorCode" not in retired and refused["errorCode"] == "InvalidGrantTokenException"


def test_revoke_and_retire_by_id(api):
    one = api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["GenerateDataKey"])["GrantId"]
    two = api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["DescribeKey"])["GrantId"]
    assert api.kms.RevokeGrant(KeyId=KEY, GrantId=one) == {}
    assert api.kms.RetireGrant(KeyId=ARN, GrantId=two) == {}
    assert api.error("kms", "RevokeGrant", KeyId=KEY, GrantId=one).code == "NotFoundException"
    assert api.error("kms", "RevokeGrant", KeyId=KEY, GrantId="nope").code == "InvalidGrantIdException"
    assert api.error("kms", "RetireGrant").code == "ValidationException"


@pytest.mark.parametrize("operations, code", [
    (["Sign"], "ValidationException"), ([], "ValidationException"), (["Fly"], "ValidationException")])
def test_create_grant_refuses_operations_a_symmetric_key_cannot_do(api, operations, code):
    assert api.error("kms", "CreateGrant", KeyId=KEY, GranteePrincipal=BOB, Operations=operations).code == code


def test_grants_follow_the_key_states(api):
    api.kms.DisableKey(KeyId=KEY)
    api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt"])
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)  # Unavailable: still allowed
    grant = api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Decrypt"])["GrantId"]
    api.kms.ScheduleKeyDeletion(KeyId=KEY)
    error = api.error("kms", "CreateGrant", KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt"])
    assert (error.code, error.message) == ("KMSInvalidStateException", f"{ARN} is pending deletion.")
    assert len(api.kms.ListGrants(KeyId=KEY)["Grants"]) == 2
    assert api.kms.RevokeGrant(KeyId=KEY, GrantId=grant) == {}


# -- tags, aliases, descriptions ----------------------------------------------------------------

def test_tags(api):
    assert api.kms.ListResourceTags(KeyId=KEY) == {"Tags": [], "Truncated": False}
    api.kms.TagResource(KeyId=KEY, Tags=[{"TagKey": "a", "TagValue": "1"}, {"TagKey": "b", "TagValue": ""}])
    api.kms.TagResource(KeyId=ARN, Tags=[{"TagKey": "a", "TagValue": "2"}])
    api.kms.UntagResource(KeyId=KEY, TagKeys=["b", "absent"])
    assert api.kms.ListResourceTags(KeyId=KEY)["Tags"] == [{"TagKey": "a", "TagValue": "2"}]
    assert api.error("kms", "TagResource", KeyId=KEY, Tags=[{"TagKey": "aws:x", "TagValue": "1"}]).code == "TagException"
    too_many = [{"TagKey": f"k{i}", "TagValue": ""} for i in range(50)]
    assert api.error("kms", "TagResource", KeyId=KEY, Tags=too_many).code == "LimitExceededException"
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    api.kms.TagResource(KeyId=KEY, Tags=[{"TagKey": "c", "TagValue": "3"}])  # Unavailable: allowed
    api.kms.ScheduleKeyDeletion(KeyId=KEY)
    for operation, params in (("TagResource", {"Tags": [{"TagKey": "d", "TagValue": ""}]}),
                              ("UntagResource", {"TagKeys": ["a"]})):
        assert api.error("kms", operation, KeyId=KEY, **params).code == "KMSInvalidStateException"
    assert len(api.kms.ListResourceTags(KeyId=KEY)["Tags"]) == 2


def test_a_key_takes_fifty_tags_and_no_fifty_first(api):
    api.kms.TagResource(KeyId=KEY, Tags=[{"TagKey": f"k{i}", "TagValue": ""} for i in range(49)])
    api.kms.TagResource(KeyId=KEY, Tags=[{"TagKey": "k49", "TagValue": ""}])
    api.kms.TagResource(KeyId=KEY, Tags=[{"TagKey": "k0", "TagValue": "again"}])  # a value changed, no tag added
    error = api.error("kms", "TagResource", KeyId=KEY, Tags=[{"TagKey": "k50", "TagValue": ""}])
    assert (error.code, error.message) == ("LimitExceededException", "A KMS key can have at most 50 tags.")
    assert len(api.kms.ListResourceTags(KeyId=KEY)["Tags"]) == 50


def test_update_and_delete_alias(api):
    api.kms.CreateAlias(AliasName="alias/app", TargetKeyId=KEY)
    assert api.kms.UpdateAlias(AliasName="alias/app", TargetKeyId=OTHER) == {}
    assert [a["TargetKeyId"] for a in api.kms.ListAliases(KeyId=OTHER)["Aliases"]] == [OTHER]
    api.kms.ScheduleKeyDeletion(KeyId=KEY)
    assert api.error("kms", "UpdateAlias", AliasName="alias/app", TargetKeyId=KEY).code == "KMSInvalidStateException"
    error = api.error("kms", "UpdateAlias", AliasName="alias/none", TargetKeyId=OTHER)
    assert (error.code, error.message) == ("NotFoundException",
                                           "Alias arn:aws:kms:us-west-2:111122223333:alias/none is not found.")
    assert api.error("kms", "DeleteAlias", AliasName="app").code == "ValidationException"
    assert api.kms.DeleteAlias(AliasName="alias/app") == {}
    assert api.error("kms", "DeleteAlias", AliasName="alias/app").code == "NotFoundException"


def test_update_key_description(api):
    assert api.kms.UpdateKeyDescription(KeyId=KEY, Description="rotated in 2026") == {}
    assert api.kms.DescribeKey(KeyId=KEY)["KeyMetadata"]["Description"] == "rotated in 2026"
    api.kms.ScheduleKeyDeletion(KeyId=KEY)
    assert api.error("kms", "UpdateKeyDescription", KeyId=KEY, Description="x").code == "KMSInvalidStateException"


# -- enforcement --------------------------------------------------------------------------------

@pytest.fixture
def enforced(store):
    with store.transaction() as world:
        world.settings.enforce_key_policies = True
        world.principals = {"AKIAIOSFODNN7EXAMPLE": ALICE, "AKIABOBEXAMPLE000000": BOB}
    return store


def as_bob(store, operation, **params):
    return dispatch.call(store, "kms", operation, params, "AKIABOBEXAMPLE000000")


def test_enforced_policies_deny_with_aws_s_words(enforced, api):
    from hsmshell.errors import AwsError

    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    with pytest.raises(AwsError) as denied:
        as_bob(enforced, "Encrypt", KeyId=KEY, Plaintext=b64(b"x"))
    assert (denied.value.code, denied.value.message) == (
        "AccessDeniedException", f"User: {BOB} is not authorized to perform: kms:Encrypt on resource: {ARN} "
        "because no resource-based policy allows the kms:Encrypt action")
    # A grant lets Bob encrypt, under its encryption context constraint only.
    api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt"],
                        Constraints={"EncryptionContextSubset": {"app": "pay"}})
    assert as_bob(enforced, "Encrypt", KeyId=KEY, Plaintext=b64(b"x"), EncryptionContext={"app": "pay"})["KeyId"] == ARN
    with pytest.raises(AwsError, match="kms:Encrypt"):
        as_bob(enforced, "Encrypt", KeyId=KEY, Plaintext=b64(b"x"))
    with pytest.raises(AwsError, match="kms:Decrypt"):
        as_bob(enforced, "Decrypt", CiphertextBlob=api.kms.Encrypt(KeyId=KEY, Plaintext=b64(b"x"))["CiphertextBlob"])
    with pytest.raises(AwsError, match="kms:PutKeyPolicy"):
        as_bob(enforced, "PutKeyPolicy", KeyId=KEY, Policy=policy(allow(BOB)))
    for service, operation in (("kms", "ListKeys"), ("cloudhsmv2", "DescribeClusters")):
        with pytest.raises(AwsError) as unknown:
            dispatch.call(enforced, service, operation, {}, "AKIANOBODY0000000000")
        assert (unknown.value.code, unknown.value.message) == (
            "UnrecognizedClientException", "The security token included in the request is invalid.")


def test_an_explicit_deny_wins_and_the_account_delegates_to_iam(enforced, api):
    from hsmshell.errors import AwsError

    assert as_bob(enforced, "DescribeKey", KeyId=KEY)["KeyMetadata"]["KeyId"] == KEY  # default policy: the account
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(
        allow("111122223333"), {"Effect": "Deny", "Principal": {"AWS": BOB}, "Action": "kms:Describe*", "Resource": "*"}))
    with pytest.raises(AwsError, match="kms:DescribeKey"):
        as_bob(enforced, "DescribeKey", KeyId=KEY)
    assert as_bob(enforced, "ListResourceTags", KeyId=KEY)["Tags"] == []


def test_cloudtrail_names_the_principal_a_call_is_signed_as(enforced, api):
    from hsmshell.errors import AwsError

    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    with pytest.raises(AwsError):
        as_bob(enforced, "PutKeyPolicy", KeyId=KEY, Policy=policy(allow(BOB)))
    event = enforced.read().trail[-1]
    assert (event["errorCode"], event["userIdentity"]["arn"], event["userIdentity"]["userName"],
            event["userIdentity"]["accessKeyId"]) == ("AccessDeniedException", BOB, "Bob", "AKIABOBEXAMPLE000000")
    api.kms.DescribeKey(KeyId=KEY)
    assert enforced.read().trail[-1]["userIdentity"]["userName"] == "Alice"
    found = dispatch.call(enforced, "cloudtrail", "LookupEvents",
                          {"LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "Bob"}]})["Events"]
    assert [e["EventName"] for e in found] == ["PutKeyPolicy"]


def test_enforcement_is_off_unless_the_world_enables_it(store, api):
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    assert as_bob(store, "Encrypt", KeyId=KEY, Plaintext=b64(b"x"))["KeyId"] == ARN
    assert dispatch.call(store, "kms", "DescribeKey", {"KeyId": KEY}, "AKIANOBODY0000000000")["KeyMetadata"]


def test_update_alias_needs_both_keys_policies(enforced, api):
    """Moving an alias needs kms:UpdateAlias on the key it leaves as well as on its new key."""
    from hsmshell.errors import AwsError

    api.kms.CreateAlias(AliasName="alias/app", TargetKeyId=KEY)
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    api.kms.PutKeyPolicy(KeyId=OTHER, Policy=policy(allow(ALICE), allow(BOB)))
    with pytest.raises(AwsError) as denied:
        as_bob(enforced, "UpdateAlias", AliasName="alias/app", TargetKeyId=OTHER)
    assert denied.value.code == "AccessDeniedException" and f"kms:UpdateAlias on resource: {ARN} " in denied.value.message
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE), allow(BOB)))
    assert as_bob(enforced, "UpdateAlias", AliasName="alias/app", TargetKeyId=OTHER) == {}


def test_a_grant_lets_its_grantee_describe_the_key(enforced, api):
    from hsmshell.errors import AwsError

    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    with pytest.raises(AwsError, match="kms:DescribeKey"):
        as_bob(enforced, "DescribeKey", KeyId=KEY)
    api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["DescribeKey"])
    assert as_bob(enforced, "DescribeKey", KeyId=KEY)["KeyMetadata"]["KeyId"] == KEY


def test_delete_alias_needs_its_key_s_policy(enforced, api):
    from hsmshell.errors import AwsError

    api.kms.CreateAlias(AliasName="alias/app", TargetKeyId=KEY)
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    with pytest.raises(AwsError) as denied:
        as_bob(enforced, "DeleteAlias", AliasName="alias/app")
    assert denied.value.code == "AccessDeniedException" and f"kms:DeleteAlias on resource: {ARN} " in denied.value.message
    assert api.kms.DeleteAlias(AliasName="alias/app") == {}


def test_enable_and_disable_key_are_each_their_own_permission(enforced, api):
    from hsmshell.errors import AwsError

    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE), allow(BOB, "kms:DisableKey")))
    assert as_bob(enforced, "DisableKey", KeyId=KEY) == {}
    with pytest.raises(AwsError) as denied:
        as_bob(enforced, "EnableKey", KeyId=KEY)
    assert denied.value.code == "AccessDeniedException" and "kms:EnableKey" in denied.value.message


# Rules of kms/grants.py that no test broke before (found by benchmarks/mutation.py).

def grant_on(api, key: str, grantee: str = BOB, retiring: str = ALICE) -> str:
    return api.kms.CreateGrant(KeyId=key, GranteePrincipal=grantee, Operations=["Encrypt"],
                               RetiringPrincipal=retiring)["GrantId"]


def test_a_grant_is_found_only_on_its_own_key_and_by_its_whole_id(api):
    grants = sorted([grant_on(api, KEY), grant_on(api, OTHER, grantee=ALICE)])
    by_key = {g["GrantId"]: g["KeyId"].rsplit("/", 1)[1] for k in (KEY, OTHER)
              for g in api.kms.ListGrants(KeyId=k)["Grants"]}
    for grant_id, key in by_key.items():
        assert [g["GrantId"] for g in api.kms.ListGrants(KeyId=key, GrantId=grant_id)["Grants"]] == [grant_id]
        other = OTHER if key == KEY else KEY
        assert api.error("kms", "RevokeGrant", KeyId=other, GrantId=grant_id).code == "NotFoundException"
    for wrong in (grants[0][:63], grants[0] + "0"):
        assert api.error("kms", "RevokeGrant", KeyId=KEY, GrantId=wrong).code == "InvalidGrantIdException"


def test_retirable_grants_are_those_of_the_principal_asked_about(api):
    grant_on(api, KEY, retiring=ALICE)
    grant_on(api, KEY, grantee=ALICE, retiring=BOB)
    for principal in (ALICE, BOB):  # Alice's sorts before Bob's
        assert [g["RetiringPrincipal"] for g in api.kms.ListRetirableGrants(RetiringPrincipal=principal)["Grants"]] \
            == [principal]


def test_list_grants_filters_by_the_whole_grant_id_and_the_grantee(api):
    grants = {grant_on(api, KEY, grantee=ALICE): ALICE, grant_on(api, KEY, grantee=BOB): BOB}
    for grant_id, grantee in grants.items():  # one ID sorts before the other, one grantee before the other
        assert [g["GrantId"] for g in api.kms.ListGrants(KeyId=KEY, GrantId=grant_id)["Grants"]] == [grant_id]
        assert [g["GrantId"] for g in api.kms.ListGrants(KeyId=KEY, GranteePrincipal=grantee)["Grants"]] == [grant_id]


def test_a_name_gives_back_a_grant_only_for_the_same_parameters(api):
    """A retry with the name and the same parameters is the same grant; another grantee under the
    same name is a new grant (one made before and one after the first, in ARN order)."""
    carol = "arn:aws:iam::111122223333:user/Carol"
    made = [api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=grantee, Operations=["Encrypt"], Name="app")["GrantId"]
            for grantee in (BOB, ALICE, carol, BOB)]
    assert len(set(made[:3])) == 3 and made[3] == made[0]
    assert len(api.kms.ListGrants(KeyId=KEY)["Grants"]) == 3


def test_a_grant_takes_one_encryption_context_constraint(api):
    equals = api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt"],
                                 Constraints={"EncryptionContextEquals": {"app": "pay"}})["GrantId"]
    [entry] = api.kms.ListGrants(KeyId=KEY, GrantId=equals)["Grants"]
    assert entry["Constraints"] == {"EncryptionContextEquals": {"app": "pay"}}
    both = {"EncryptionContextEquals": {"app": "pay"}, "EncryptionContextSubset": {"app": "pay"}}
    error = api.error("kms", "CreateGrant", KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt"], Constraints=both)
    assert error.code == "ValidationException"


def test_a_grant_token_is_taken_only_whole(api):
    token = api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt"])["GrantToken"]
    for wrong in ("!", "~", token[:-1], token + "A"):  # before and after every token, in character order
        error = api.error("kms", "Encrypt", KeyId=KEY, Plaintext=b64(b"x"), GrantTokens=[wrong])
        assert error.code == "InvalidGrantTokenException"
        assert api.error("kms", "RetireGrant", GrantToken=wrong).code == "InvalidGrantTokenException"
    assert len(api.kms.ListGrants(KeyId=KEY)["Grants"]) == 1


def test_retire_grant_by_id_needs_both_the_key_and_the_grant_id(api):
    grant_id = grant_on(api, KEY)
    for params in ({"KeyId": KEY}, {"GrantId": grant_id}):
        assert api.error("kms", "RetireGrant", **params).code == "ValidationException"
    assert [g["GrantId"] for g in api.kms.ListGrants(KeyId=KEY)["Grants"]] == [grant_id]


def test_a_key_takes_at_most_fifty_thousand_grants(store):
    """KMS's quota: 50,000 grants per key.  Through the service on a world in memory, since a
    world file of 50,000 grants takes a minute to read back after a refusal."""
    from hsmshell.errors.kms import LimitExceededException
    from hsmshell.kms import grants
    from hsmshell.world.model import Grant

    class Abandon(Exception):
        pass

    def create(world):
        return grants.create(world, world.kms_keys[KEY], BOB, ["Encrypt"], retiring=None, name=None,
                             context_subset=None, context_equals=None, tokens=None)

    with pytest.raises(Abandon), store.transaction() as world:  # nothing written
        for i in range(49_999):
            world.grants[f"{i:064x}"] = Grant(grant_id=f"{i:064x}", key_id=KEY, grantee_principal=BOB,
                                              operations=["Encrypt"], creation_date=0, grant_token=f"token{i}")
        create(world)  # the 50,000th
        with pytest.raises(LimitExceededException, match="Grants per key limit exceeded"):
            create(world)
        world.grants["f" * 64] = Grant(grant_id="f" * 64, key_id=KEY, grantee_principal=BOB, operations=["Encrypt"],
                                       creation_date=0, grant_token="hand-edited")  # a world over the quota
        with pytest.raises(LimitExceededException):
            create(world)
        raise Abandon


# -- who may retire a grant (enforced worlds) ----------------------------------------------------

BEFORE_BOB = "arn:aws:iam::000011112222:user/Ann"  # principals of other accounts, whose ARNs sort
AFTER_BOB = "arn:aws:iam::444455556666:user/Eve"   # before and after Bob's
ROOT = "arn:aws:iam::111122223333:root"
CAROL = "arn:aws:iam::111122223333:user/Carol"


@pytest.fixture
def parties(enforced):
    with enforced.transaction() as world:
        world.principals.update({"AKIAANNEXAMPLE000000": BEFORE_BOB, "AKIAEVEEXAMPLE000000": AFTER_BOB,
                                 "AKIAROOTEXAMPLE00000": ROOT, "AKIACAROLEXAMPLE0000": CAROL})
    return enforced


def as_(store, principal: str, operation: str, **params):
    keys = {BEFORE_BOB: "AKIAANNEXAMPLE000000", AFTER_BOB: "AKIAEVEEXAMPLE000000", ROOT: "AKIAROOTEXAMPLE00000",
            CAROL: "AKIACAROLEXAMPLE0000", BOB: "AKIABOBEXAMPLE000000", ALICE: "AKIAIOSFODNN7EXAMPLE"}
    return dispatch.call(store, "kms", operation, params, keys[principal])


def refused_retire(store, principal: str, grant_id: str) -> bool:
    from hsmshell.errors import AwsError

    try:
        as_(store, principal, "RetireGrant", KeyId=KEY, GrantId=grant_id)
    except AwsError as error:
        assert error.code == "AccessDeniedException" and "kms:RetireGrant" in error.message, error.message
        return True
    return False


def test_the_grantee_retires_a_grant_that_allows_retire_grant_and_no_one_else_does(parties, api):
    grant_id = api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt", "RetireGrant"])["GrantId"]
    assert refused_retire(parties, BEFORE_BOB, grant_id) and refused_retire(parties, AFTER_BOB, grant_id)
    assert not refused_retire(parties, BOB, grant_id)
    assert api.kms.ListGrants(KeyId=KEY)["Grants"] == []


def test_the_grantee_of_a_grant_without_retire_grant_cannot_retire_it_its_retiring_principal_can(parties, api):
    grant_id = grant_on(api, KEY, grantee=BOB, retiring=CAROL)
    assert refused_retire(parties, BOB, grant_id) and refused_retire(parties, AFTER_BOB, grant_id)
    assert not refused_retire(parties, CAROL, grant_id)


def test_the_account_retires_any_of_its_grants(parties, api):
    grant_id = grant_on(api, KEY, grantee=BOB, retiring=CAROL)
    assert not refused_retire(parties, ROOT, grant_id)
    assert api.kms.ListGrants(KeyId=KEY)["Grants"] == []


def test_a_grant_that_allows_create_grant_lets_its_grantee_make_grants(parties, api):
    from hsmshell.errors import AwsError

    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    with pytest.raises(AwsError, match="kms:CreateGrant"):
        as_(parties, BOB, "CreateGrant", KeyId=KEY, GranteePrincipal=CAROL, Operations=["Encrypt"])
    api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt", "CreateGrant"])
    made = as_(parties, BOB, "CreateGrant", KeyId=KEY, GranteePrincipal=CAROL, Operations=["Encrypt"])["GrantId"]
    assert [g["GranteePrincipal"] for g in api.kms.ListGrants(KeyId=KEY, GrantId=made)["Grants"]] == [CAROL]
