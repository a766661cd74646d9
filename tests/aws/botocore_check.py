"""Calls through the one dispatcher, every response checked against botocore's service model:
member names, member order (the order the CLI prints), types, enums, required members."""

from __future__ import annotations

import base64

import pytest

from hsmshell.aws import dispatch
from hsmshell.errors import AwsError

_MODELS: dict = {}


def model(service: str):
    """botocore's model of the service, read when a check first needs it: importing botocore takes
    half a second, which every test of a folder whose conftest imports this module would pay
    (a mutant's few tests among them, benchmarks/mutation.py)."""
    if service not in _MODELS:
        import botocore.session

        _MODELS[service] = botocore.session.get_session().get_service_model(service)
    return _MODELS[service]


def check(shape, value, path: str = "response") -> None:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), f"{path}: expected an object"
        members = list(shape.members)
        unknown = [k for k in value if k not in members]
        assert not unknown, f"{path}: members not in the model: {unknown}"
        assert list(value) == [m for m in members if m in value], f"{path}: not in model order"
        missing = [m for m in shape.required_members if m not in value]
        assert not missing, f"{path}: required members missing: {missing}"
        for name, item in value.items():
            assert item is not None, f"{path}.{name}: null is never sent"
            check(shape.members[name], item, f"{path}.{name}")
    elif kind == "list":
        assert isinstance(value, list), f"{path}: expected a list"
        for i, item in enumerate(value):
            check(shape.member, item, f"{path}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), f"{path}: expected a map"
        for key, item in value.items():
            check(shape.key, key, f"{path} key")
            check(shape.value, item, f"{path}[{key}]")
    elif kind == "string":
        assert isinstance(value, str), f"{path}: expected a string"
        if shape.enum:
            assert value in shape.enum, f"{path}: {value!r} not in {shape.enum}"
        if "min" in shape.metadata:
            assert len(value) >= shape.metadata["min"], f"{path}: shorter than {shape.metadata['min']}"
        if "max" in shape.metadata:
            assert len(value) <= shape.metadata["max"], f"{path}: longer than {shape.metadata['max']}"
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: expected an integer"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{path}: expected a boolean"
    elif kind == "timestamp":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{path}: expected epoch seconds"
    elif kind == "blob":
        assert isinstance(value, str) and base64.b64decode(value, validate=True), f"{path}: expected base64"
    else:
        raise AssertionError(f"{path}: unchecked type {kind}")


class Api:
    """`api.kms.Encrypt(KeyId=..., Plaintext=...)`: one validated call."""

    def __init__(self, store):
        self.store = store

    def __getattr__(self, service: str):
        return _Service(self.store, service)

    def error(self, service: str, operation: str, **params) -> AwsError:
        with pytest.raises(AwsError) as caught:
            dispatch.call(self.store, service, operation, params)
        error = caught.value
        names = {s.name for s in model(service).operation_model(operation).error_shapes}
        # A modelled exception must be one this operation lists; ValidationException and
        # the serialization errors are the protocol's own.  The CloudHSM quotas raise the
        # model's CloudHsmResourceLimitExceededException, which no operation lists (a GAP the
        # spec settles, kms-spec §6).
        names |= {"ValidationException", "SerializationException"}
        if service == "cloudhsmv2":
            names.add("CloudHsmResourceLimitExceededException")
        assert error.code in names, \
            f"{error.code} is not an exception {operation} can raise"
        return error


class _Service:
    def __init__(self, store, service: str):
        self.store, self.service = store, service

    def __getattr__(self, operation: str):
        def call(**params):
            response = dispatch.call(self.store, self.service, operation, params)
            output = model(self.service).operation_model(operation).output_shape
            if output is None:
                assert response == {}, f"{operation} has no output shape"
            else:
                check(output, response)
            return response
        return call


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
