"""The dispatcher's operation tables, walked: every operation the CLI knows is served, and
every operation of a service CloudTrail logs declares its event."""

from __future__ import annotations

import pytest

from hsmshell.aws import dispatch
from hsmshell.aws.operations import Operation, Table
from hsmshell.aws.tables import COMMANDS
from hsmshell.cloudtrail import events

from .botocore_check import model

SOURCES = {"kms": events.KMS, "cloudhsmv2": events.CLOUDHSM, "cloudtrail": None}


def undeclared(table: Table) -> list[str]:
    """The operations of `table` whose calls would get no event, or another service's."""
    if table.source is None:
        return []
    return sorted(name for name, operation in table.items()
                  if operation.event is None or operation.event.source != table.source)


def test_every_command_of_the_cli_is_served():
    for service, commands in COMMANDS.items():
        assert sorted(name for name, _, _ in commands.values()) == sorted(dispatch.SERVICES[service]), service


@pytest.mark.parametrize("service", sorted(SOURCES))
def test_every_operation_declares_its_event(service):
    table = dispatch.SERVICES[service]
    assert table.source == SOURCES[service]  # CloudTrail's own calls are the only ones not logged (a GAP)
    assert undeclared(table) == []


def test_an_operation_without_an_event_is_caught():
    table = Table(events.KMS)
    table.operation()(lambda world, params: {})
    table["ForgottenOperation"] = Operation(lambda world, params: {}, None)
    assert undeclared(table) == ["ForgottenOperation"]


def test_read_only_is_cloudtrail_s_rule_or_declared():
    kms = dispatch.SERVICES["kms"]
    assert sorted(name for name, op in kms.items() if op.event.read_only) == [
        "Decrypt", "DeriveSharedSecret", "DescribeCustomKeyStores", "DescribeKey", "Encrypt", "GenerateDataKey",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac",
        "GetKeyLastUsage", "GetKeyPolicy", "GetKeyRotationStatus", "GetParametersForImport", "GetPublicKey",
        "ListAliases", "ListGrants", "ListKeyPolicies", "ListKeyRotations", "ListKeys", "ListResourceTags",
        "ListRetirableGrants", "ReEncrypt", "Sign", "Verify", "VerifyMac"]
    cloudhsm = dispatch.SERVICES["cloudhsmv2"]
    assert sorted(name for name, op in cloudhsm.items() if op.event.read_only) == [
        "DescribeBackups", "DescribeClusters", "GetResourcePolicy", "ListTags"]


def test_a_read_only_call_promises_to_leave_the_world_unless_it_draws_from_it():
    """A call CloudTrail logs as read-only runs in a transaction that promises not to change
    the world (and the test suite checks the promise); a data key's bytes come from the world's
    random stream, which the call moves on: those write."""
    kms = dispatch.SERVICES["kms"]
    assert sorted(name for name, op in kms.items() if op.event.read_only and op.writes) == [
        "GenerateDataKey", "GenerateDataKeyWithoutPlaintext"]
    assert not kms["Encrypt"].writes and not kms["Decrypt"].writes and kms["CreateKey"].writes
    assert not any(op.writes for op in dispatch.SERVICES["cloudhsmv2"].values() if op.event.read_only)


def secret(shape, seen=()) -> bool:
    """A blob, or a shape the model marks sensitive, or one holding either."""
    if shape.metadata.get("sensitive") or shape.type_name == "blob":
        return True
    if shape.name in seen:
        return False
    inner = {"structure": lambda: shape.members.values(), "list": lambda: [shape.member],
             "map": lambda: [shape.value]}.get(shape.type_name, lambda: [])()
    return any(secret(s, (*seen, shape.name)) for s in inner)


@pytest.mark.parametrize("service", ["kms", "cloudhsmv2"])
def test_no_secret_or_blob_member_of_a_logged_operation_is_logged(service):
    for name in dispatch.SERVICES[service]:
        for member, shape in model(service).operation_model(name).input_shape.members.items():
            if secret(shape):
                assert member in events.NEVER_LOGGED, f"{name}.{member}"
