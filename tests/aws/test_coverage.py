"""Every operation of KMS and CloudHSM v2 in botocore's models answers: a response valid against
its output shape, or an exception its operation models (or the protocol's own validation),
never UnknownOperationException (issue 20).  The requests are derived from the models: each
required member, with a value that names something in the default world where the member's
name says what it names."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from hsmshell.aws import dispatch
from hsmshell.aws.tables import COMMANDS
from hsmshell.errors import AwsError

from ..conftest import STORE_ID
from .botocore_check import check, model

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
CLUSTER = "cluster-1a23b4cdefg"
BACKUP = "backup-9g87f6edcba"
NAMED = {  # member -> a value naming something in the default world
    "KeyId": KEY, "TargetKeyId": KEY, "DestinationKeyId": KEY, "CustomKeyStoreId": STORE_ID,
    "ClusterId": CLUSTER, "BackupId": BACKUP, "ResourceId": CLUSTER, "AliasName": "alias/coverage",
    "ResourceArn": f"arn:aws:cloudhsm:us-west-2:111122223333:backup/{BACKUP}",
    "GranteePrincipal": "arn:aws:iam::111122223333:user/Bob", "RetiringPrincipal": "arn:aws:iam::111122223333:user/Bob",
    "Policy": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
              '"arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}',
    "Operations": ["Encrypt"], "DestinationRegion": "us-east-1", "ReplicaRegion": "us-east-1",
    "PrimaryRegion": "us-east-1", "CustomKeyStoreName": "Coverage", "AvailabilityZone": "us-west-2a",
    "SubnetIds": ["subnet-0aa1bb2cc3dd4ee5f"], "HsmType": "hsm1.medium",
}
PROTOCOL = {"ValidationException", "SerializationException"}


def value(name: str, shape):
    if name in NAMED:
        return NAMED[name]
    kind = shape.type_name
    if kind == "structure":
        return {m: value(m, shape.members[m]) for m in shape.required_members}
    if kind == "list":
        return [value(name, shape.member)]
    if kind == "map":
        return {"k": "v"}
    if kind == "blob":
        return base64.b64encode(b"coverage").decode()
    if kind in ("integer", "long"):
        return max(shape.metadata.get("min", 1), 1)
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return 1_800_000_000
    if getattr(shape, "enum", None):
        return shape.enum[0]
    return "x" * max(shape.metadata.get("min", 1), 1)


def request(operation) -> dict:
    shape = operation.input_shape
    return {} if shape is None else {m: value(m, shape.members[m]) for m in shape.required_members}


def every_operation():
    return [(service, name) for service in ("kms", "cloudhsmv2") for name in model(service).operation_names]


@pytest.mark.parametrize("service, name", every_operation())
def test_every_operation_answers_as_its_model_says(store, service, name):
    operation = model(service).operation_model(name)
    try:
        response = dispatch.call(store, service, name, request(operation))
    except AwsError as error:
        modelled = {e.name for e in operation.error_shapes} | PROTOCOL
        if service == "cloudhsmv2":
            modelled.add("CloudHsmResourceLimitExceededException")  # no operation lists it (kms-spec §6)
        assert error.code in modelled, f"{name}: {error.code}: {error.message}"
        return
    if operation.output_shape is None:
        assert response == {}
    else:
        check(operation.output_shape, response)


def test_every_operation_of_the_models_is_in_the_dispatch_tables():
    for service in ("kms", "cloudhsmv2"):
        assert sorted(dispatch.SERVICES[service]) == sorted(model(service).operation_names)


def test_the_readme_lists_exactly_the_commands_served():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## What `hsmshell aws` supports", 1)[1].split("\n## ", 1)[0]
    for service, commands in COMMANDS.items():
        bullet = re.search(rf"^- `{service}`:(.*?)(?=^- `|^\S|\Z)", section, re.M | re.S)
        assert bullet, f"no {service} bullet in the README"
        listed = set(re.findall(r"`([a-z][a-z0-9-]+)(?: [^`]*)?`", bullet[1])) - {"hsmshell"}  # its own commands
        assert listed == set(commands), f"{service}: README lists {sorted(listed - set(commands))} that are not " \
                                        f"served and omits {sorted(set(commands) - listed)}"
