"""AWS errors as types: one class per error code, carrying the code the wire's `__type` names
and the HTTP status it travels with.

The codes the service models define are generated into a module per service (`kms.py`,
`cloudhsmv2.py`, `cloudtrail.py`); the few here are the protocol's own, which every AWS JSON
service answers and no model lists.  This package is on the ground floor so that the services, which raise these
errors, and the front-ends, which put them on the wire, both import it.
"""

from __future__ import annotations

from typing import ClassVar


class AwsError(Exception):
    code: ClassVar[str]
    status: ClassVar[int] = 400  # a client's error; the models' faults are 500

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__  # the class is named after the code, as the wire spells it


# The protocol's own errors, with the statuses AWS's Common Errors pages document.

class ValidationException(AwsError):
    """A member breaks a constraint of the model that botocore does not check (kms-spec §1.5)."""


class SerializationException(AwsError):
    """A member of the wrong JSON type, or a body that is not a JSON object."""


class UnknownOperationException(AwsError):
    """An X-Amz-Target no service here answers."""


class MissingAuthenticationTokenException(AwsError):
    status = 403


class IncompleteSignatureException(AwsError):
    pass


class InvalidSignatureException(AwsError):
    pass


class UnrecognizedClientException(AwsError):
    pass


def validation(member: str, constraint: str, shown: str = "") -> ValidationException:
    """ValidationException in the words of AWS's request validation: `member` as the wire
    spells it (camelCase), `shown` the value it quotes ("null", "'45'"), if any."""
    value = f"Value {shown}" if shown else "Value"
    return ValidationException(f"1 validation error detected: {value} at '{member}' failed to satisfy "
                               f"constraint: {constraint}")
