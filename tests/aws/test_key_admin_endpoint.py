"""Grants, key policies, tags and aliases of a key in a CloudHSM key store through `hsmshell
serve`, driven by boto3 as Terraform or an application would (issue 20)."""

from __future__ import annotations

import json

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from hsmshell.aws.server import Endpoint
from hsmshell.services import open_store

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
ARN = f"arn:aws:kms:us-west-2:111122223333:key/{KEY}"
ALICE_KEY, BOB_KEY = "AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"
ALICE = "arn:aws:iam::111122223333:user/Alice"
BOB = "arn:aws:iam::111122223333:user/Bob"


@pytest.fixture
def endpoint(world_path):
    server = Endpoint(world_path).start()
    yield server
    server.stop()


def kms(endpoint, access_key=ALICE_KEY):
    return boto3.client("kms", endpoint_url=endpoint.url, region_name="us-west-2", aws_access_key_id=access_key,
                        aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))


def enforce(world_path) -> None:
    with open_store(world_path).transaction() as world:
        world.settings.enforce_key_policies = True
        world.principals = {ALICE_KEY: ALICE, BOB_KEY: BOB}


def test_a_grant_lets_its_grantee_encrypt_with_the_token_until_retired(endpoint, world_path):
    enforce(world_path)
    alice, bob = kms(endpoint), kms(endpoint, BOB_KEY)
    alice.put_key_policy(KeyId=KEY, PolicyName="default", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "kms:*", "Resource": "*"}]}))
    with pytest.raises(botocore.exceptions.ClientError) as denied:
        bob.encrypt(KeyId=KEY, Plaintext=b"payroll")
    assert denied.value.response["Error"] == {
        "Code": "AccessDeniedException",
        "Message": f"User: {BOB} is not authorized to perform: kms:Encrypt on resource: {ARN} because no "
                   "resource-based policy allows the kms:Encrypt action"}
    grant = alice.create_grant(KeyId=KEY, GranteePrincipal=BOB, RetiringPrincipal=BOB,
                               Operations=["Encrypt", "Decrypt", "RetireGrant"])
    blob = bob.encrypt(KeyId=KEY, Plaintext=b"payroll", GrantTokens=[grant["GrantToken"]])["CiphertextBlob"]
    assert bob.decrypt(CiphertextBlob=blob)["Plaintext"] == b"payroll"
    assert [g["GrantId"] for g in bob.list_retirable_grants(RetiringPrincipal=BOB)["Grants"]] == [grant["GrantId"]]
    bob.retire_grant(GrantToken=grant["GrantToken"])
    assert alice.list_grants(KeyId=KEY)["Grants"] == []
    with pytest.raises(bob.exceptions.InvalidGrantTokenException):
        bob.encrypt(KeyId=KEY, Plaintext=b"payroll", GrantTokens=[grant["GrantToken"]])
    with pytest.raises(botocore.exceptions.ClientError, match="kms:Decrypt"):
        bob.decrypt(CiphertextBlob=blob)


def test_key_policy_put_get_and_a_denied_call(endpoint, world_path):
    alice = kms(endpoint)
    assert json.loads(alice.get_key_policy(KeyId=KEY)["Policy"])["Id"] == "key-default-1"
    assert alice.list_key_policies(KeyId=KEY)["PolicyNames"] == ["default"]
    enforce(world_path)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": BOB}, "Action": ["kms:Describe*", "kms:Get*"], "Resource": "*"}]})
    alice.put_key_policy(KeyId=KEY, Policy=policy)
    bob = kms(endpoint, BOB_KEY)
    assert bob.get_key_policy(KeyId=KEY)["Policy"] == policy
    assert bob.describe_key(KeyId=KEY)["KeyMetadata"]["Arn"] == ARN
    with pytest.raises(botocore.exceptions.ClientError, match="kms:PutKeyPolicy") as denied:
        bob.put_key_policy(KeyId=KEY, Policy=policy)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    with pytest.raises(alice.exceptions.MalformedPolicyDocumentException, match="will not allow you to update"):
        alice.put_key_policy(KeyId=KEY, Policy=policy.replace(ALICE, BOB))
    with pytest.raises(botocore.exceptions.ClientError) as stranger:
        kms(endpoint, "AKIANOTNAMEDEXAMPLE0").describe_key(KeyId=KEY)
    assert stranger.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_tags_and_aliases(endpoint):
    client = kms(endpoint)
    client.tag_resource(KeyId=KEY, Tags=[{"TagKey": "team", "TagValue": "payroll"}, {"TagKey": "env", "TagValue": "lab"}])
    client.untag_resource(KeyId=KEY, TagKeys=["env"])
    assert client.list_resource_tags(KeyId=KEY)["Tags"] == [{"TagKey": "team", "TagValue": "payroll"}]
    with pytest.raises(client.exceptions.TagException):
        client.tag_resource(KeyId=KEY, Tags=[{"TagKey": "aws:cloudformation:stack-name", "TagValue": "x"}])
    client.create_alias(AliasName="alias/payroll", TargetKeyId=KEY)
    other = "0987dcba-09fe-87dc-65ba-ab0987654321"
    client.update_alias(AliasName="alias/payroll", TargetKeyId=other)
    assert client.describe_key(KeyId="alias/payroll")["KeyMetadata"]["KeyId"] == other
    client.delete_alias(AliasName="alias/payroll")
    with pytest.raises(client.exceptions.NotFoundException):
        client.delete_alias(AliasName="alias/payroll")
    with pytest.raises(botocore.exceptions.ClientError) as invalid:
        client.create_alias(AliasName="payroll", TargetKeyId=KEY)
    assert invalid.value.response["Error"] == {"Code": "ValidationException", "Message": "Invalid identifier"}
