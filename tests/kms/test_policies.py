"""What PutKeyPolicy takes as a key policy and what it refuses (kms/policies.py): the size
quota to the byte, and the shape of each statement."""

from __future__ import annotations

import json

import pytest

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
ACCOUNT = "arn:aws:iam::111122223333:root"
ALICE = "arn:aws:iam::111122223333:user/Alice"
MALFORMED = "The policy document is malformed: each statement needs an Effect, a Principal and an Action."


def of_size(size: int) -> str:
    """A policy that lets the account do everything, padded by its Sid to `size` bytes."""
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "", "Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "kms:*", "Resource": "*"}]})
    return text.replace('"Sid": ""', '"Sid": "' + "x" * (size - len(text)) + '"')


def test_a_key_policy_of_thirty_two_kilobytes_is_taken_and_one_byte_more_refused(api):
    largest = of_size(32 * 1024)
    assert len(largest.encode()) == 32768
    api.kms.PutKeyPolicy(KeyId=KEY, PolicyName="default", Policy=largest)
    assert api.kms.GetKeyPolicy(KeyId=KEY)["Policy"] == largest
    error = api.error("kms", "PutKeyPolicy", KeyId=KEY, Policy=of_size(32 * 1024 + 1))
    assert (error.code, error.message) == ("LimitExceededException",
                                           "The key policy exceeds the maximum size of 32768 bytes.")
    assert api.kms.GetKeyPolicy(KeyId=KEY)["Policy"] == largest


@pytest.mark.parametrize("missing", ["Effect", "Principal", "Action"])
def test_a_statement_without_an_effect_a_principal_or_an_action_is_malformed(api, missing):
    statement = {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "kms:*", "Resource": "*"}
    del statement[missing]
    error = api.error("kms", "PutKeyPolicy", KeyId=KEY, Policy=json.dumps({"Statement": [statement]}))
    assert (error.code, error.message) == ("MalformedPolicyDocumentException", MALFORMED)


def test_a_statement_s_effect_is_allow_or_deny(api):
    statement = {"Effect": "Permit", "Principal": {"AWS": ACCOUNT}, "Action": "kms:*", "Resource": "*"}
    error = api.error("kms", "PutKeyPolicy", KeyId=KEY, Policy=json.dumps({"Statement": [statement]}))
    assert (error.code, error.message) == ("MalformedPolicyDocumentException", MALFORMED)


def test_a_principal_may_name_several_arns(api):
    text = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": [ALICE, ACCOUNT]},
                                      "Action": "kms:*", "Resource": "*"}]})
    api.kms.PutKeyPolicy(KeyId=KEY, PolicyName="default", Policy=text)
    assert api.kms.GetKeyPolicy(KeyId=KEY)["Policy"] == text
    error = api.error("kms", "PutKeyPolicy", KeyId=KEY, Policy=text.replace(f'"{ALICE}"', "5"))
    assert (error.code, error.message) == ("MalformedPolicyDocumentException",
                                           "Policy contains a statement with one or more invalid principals.")
