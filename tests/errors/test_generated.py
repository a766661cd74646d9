"""The AWS errors as types: one class per error code of the service models, each with the HTTP
status its model gives it; the protocol's own errors with the statuses AWS documents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import botocore.session
import pytest

from hsmshell import errors
from hsmshell.errors import AwsError, cloudhsmv2, cloudtrail, kms

ROOT = Path(__file__).resolve().parents[2]
MODULES = {"kms": kms, "cloudhsmv2": cloudhsmv2, "cloudtrail": cloudtrail}


def model_exceptions() -> dict[str, dict[str, dict]]:
    """service -> exception shape name -> its definition in the service's model"""
    loader = botocore.session.get_session().get_component("data_loader")
    return {service: {name: shape for name, shape in loader.load_service_model(service, "service-2")["shapes"].items()
                      if shape.get("exception")}
            for service in ("kms", "cloudhsmv2", "cloudtrail")}


def classes(module) -> dict[str, type[AwsError]]:
    """The error classes a module offers, its own and those it takes from another service."""
    return {name: value for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, AwsError) and value is not AwsError}


def every_class() -> set[type[AwsError]]:
    return {error for module in MODULES.values() for error in classes(module).values()}


@pytest.mark.parametrize("service", sorted(MODULES))
def test_every_modelled_exception_has_a_class_with_the_model_s_status(service):
    generated = classes(MODULES[service])
    shapes = model_exceptions()[service]
    assert set(generated) == set(shapes)
    for name, shape in shapes.items():
        assert generated[name].code == name
        # The JSON protocol: a shape's own httpStatusCode, else a fault is the server's (500)
        # and any other exception the client's (400).
        expected = shape.get("error", {}).get("httpStatusCode", 500 if shape.get("fault") else 400)
        assert generated[name].status == expected, f"{service} {name}"


def test_one_class_per_code():
    codes = [error.code for error in every_class()]
    assert len(codes) == len(set(codes))
    assert cloudtrail.UnsupportedOperationException is kms.UnsupportedOperationException


def test_the_faults_the_spec_names_travel_with_500_and_the_rest_with_400():
    faults = {"KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
              "CloudHsmInternalFailureException"}  # kms-spec §1.4
    assert {error.code for error in every_class() if error.status == 500} == faults
    assert {error.status for error in every_class() if error.code not in faults} == {400}


def test_the_protocol_s_own_errors_are_not_in_the_models():
    own = {name: error for name, error in classes(errors).items() if error.__module__ == errors.__name__}
    assert set(own) == {"ValidationException", "SerializationException", "UnknownOperationException",
                        "MissingAuthenticationTokenException", "IncompleteSignatureException",
                        "InvalidSignatureException", "UnrecognizedClientException"}
    assert not set(own) & {error.code for error in every_class()}
    assert {name: error.status for name, error in own.items() if error.status != 400} == {
        "MissingAuthenticationTokenException": 403}


@pytest.mark.parametrize("service", sorted(MODULES))
def test_the_committed_modules_are_what_the_generator_writes(service):
    written = subprocess.run([sys.executable, str(ROOT / "tools" / "generate_aws_errors.py"), service],
                             capture_output=True, text=True, check=True).stdout
    assert written == (ROOT / "hsmshell" / "errors" / f"{service}.py").read_text()


@pytest.mark.parametrize("error, text", [
    (errors.validation("keyStorePassword", "Member must have length less than or equal to 32"),
     "1 validation error detected: Value at 'keyStorePassword' failed to satisfy constraint: "
     "Member must have length less than or equal to 32"),
    (errors.validation("keyId", "Member must not be null", "null"),
     "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"),
])
def test_validation_speaks_as_aws_request_validation(error, text):
    assert (error.code, error.status, error.message) == ("ValidationException", 400, text)
