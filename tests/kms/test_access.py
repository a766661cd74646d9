"""Who may use a key in a world that enforces key policies (kms/access.py): the statements of
a key policy taken in turn, grants that apply to their own key, grantee, operations and
encryption context only, and a hand-written world's policy that KMS would not have taken."""

from __future__ import annotations

import base64
import json

import pytest

from hsmshell.aws import dispatch
from hsmshell.errors import AwsError

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER = "0987dcba-09fe-87dc-65ba-ab0987654321"  # sorts before KEY
ALICE = "arn:aws:iam::111122223333:user/Alice"
BOB = "arn:aws:iam::111122223333:user/Bob"
ANN = "arn:aws:iam::000011112222:user/Ann"  # principals of other accounts, whose ARNs sort
EVE = "arn:aws:iam::444455556666:user/Eve"  # before and after Bob's
ACCESS_KEYS = {ALICE: "AKIAIOSFODNN7EXAMPLE", BOB: "AKIABOBEXAMPLE000000", ANN: "AKIAANNEXAMPLE000000",
               EVE: "AKIAEVEEXAMPLE000000"}


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, action="kms:*", effect="Allow") -> dict:
    return {"Effect": effect, "Principal": {"AWS": principal}, "Action": action, "Resource": "*"}


@pytest.fixture
def enforced(store):
    with store.transaction() as world:
        world.settings.enforce_key_policies = True
        world.principals = {access_key: arn for arn, access_key in ACCESS_KEYS.items()}
    return store


def call(store, principal: str, operation: str, **params):
    return dispatch.call(store, "kms", operation, params, ACCESS_KEYS[principal])


def refused(store, principal: str, operation: str, **params) -> bool:
    try:
        call(store, principal, operation, **params)
    except AwsError as error:
        assert error.code == "AccessDeniedException" and f"kms:{operation} " in error.message, error.message
        return True
    return False


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def written(store, key: str, text: str) -> None:
    """A policy put in the world file by hand, unchecked by PutKeyPolicy."""
    with store.transaction() as world:
        world.kms_keys[key].policy = text


def test_a_statement_for_other_actions_does_not_end_the_evaluation(enforced, api):
    # The lockout check reads it as Alice's: her statement comes after Bob's.
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(BOB, "kms:Encrypt"), allow(ALICE)))
    assert not refused(enforced, ALICE, "DescribeKey", KeyId=KEY)


@pytest.mark.parametrize("granted, asked", [(KEY, OTHER), (OTHER, KEY)])
def test_a_grant_applies_to_its_own_key_only(enforced, api, granted, asked):
    for key in (KEY, OTHER):
        api.kms.PutKeyPolicy(KeyId=key, Policy=policy(allow(ALICE)))
    api.kms.CreateGrant(KeyId=granted, GranteePrincipal=BOB, Operations=["DescribeKey"])
    assert refused(enforced, BOB, "DescribeKey", KeyId=asked)
    assert not refused(enforced, BOB, "DescribeKey", KeyId=granted)


def test_a_grant_applies_to_its_grantee_only(enforced, api):
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["DescribeKey"])
    assert refused(enforced, ANN, "DescribeKey", KeyId=KEY) and refused(enforced, EVE, "DescribeKey", KeyId=KEY)


def test_a_grant_applies_to_its_operations_only(enforced, api):
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt"])
    blob = call(enforced, BOB, "Encrypt", KeyId=KEY, Plaintext=b64(b"x"))["CiphertextBlob"]
    assert refused(enforced, BOB, "Decrypt", CiphertextBlob=blob)


def test_a_grant_with_an_encryption_context_equals_constraint_takes_that_context_exactly(enforced, api):
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["Encrypt"],
                        Constraints={"EncryptionContextEquals": {"app": "pay"}})
    assert not refused(enforced, BOB, "Encrypt", KeyId=KEY, Plaintext=b64(b"x"), EncryptionContext={"app": "pay"})
    for other in ({"app": "pay", "run": "1"}, {"app": "hr"}, {"aaa": "pay"}, {"zzz": "pay"}, None):
        context = {"EncryptionContext": other} if other else {}
        assert refused(enforced, BOB, "Encrypt", KeyId=KEY, Plaintext=b64(b"x"), **context), other


def test_a_hand_written_grant_for_an_operation_grants_cannot_allow_allows_nothing(enforced, api):
    api.kms.PutKeyPolicy(KeyId=KEY, Policy=policy(allow(ALICE)))
    grant_id = api.kms.CreateGrant(KeyId=KEY, GranteePrincipal=BOB, Operations=["DescribeKey"])["GrantId"]
    with enforced.transaction() as world:
        grant = world.grants[grant_id]
        grant.operations = [*grant.operations, "PutKeyPolicy"]
    assert refused(enforced, BOB, "PutKeyPolicy", KeyId=KEY, Policy=policy(allow(ALICE), allow(BOB)))


def test_a_hand_written_policy_that_is_not_json_allows_no_one(enforced):
    written(enforced, KEY, "{not json")
    assert refused(enforced, ALICE, "DescribeKey", KeyId=KEY)


def test_a_hand_written_statement_that_is_not_an_object_is_passed_over(enforced):
    written(enforced, KEY, json.dumps({"Statement": ["junk", allow(ALICE)]}))
    assert not refused(enforced, ALICE, "DescribeKey", KeyId=KEY)


def test_a_hand_written_empty_principal_names_no_one(enforced):
    written(enforced, KEY, policy(allow(["", ALICE])))
    assert refused(enforced, BOB, "DescribeKey", KeyId=KEY)
    assert not refused(enforced, ALICE, "DescribeKey", KeyId=KEY)


@pytest.mark.parametrize("effect", ["Permit", "deny", "allow", "Accept", None])
def test_a_hand_written_statement_of_another_effect_neither_allows_nor_denies(enforced, effect):
    written(enforced, KEY, policy(allow(ALICE), allow(ALICE, effect=effect), allow(BOB, "kms:Describe*", effect)))
    assert not refused(enforced, ALICE, "DescribeKey", KeyId=KEY)
    assert refused(enforced, BOB, "DescribeKey", KeyId=KEY)
