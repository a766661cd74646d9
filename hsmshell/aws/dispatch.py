"""One request, one transaction: the path every AWS-side call takes, from `hsmshell aws`
in-process or from the HTTP endpoint.

CloudTrail sees every call, as its operation declares (`operations.Table`): the event is
written by CloudTrail's rule after the call, or by the service itself where its fields differ
per operation.  A refused call changes nothing (its transaction is abandoned), so its event,
with errorCode and errorMessage, is recorded in a transaction of its own.  Events are kept
beside the world: a call that only records one does not write the world.
"""

from __future__ import annotations

from ..cloudtrail import events
from ..errors import AwsError, UnknownOperationException, UnrecognizedClientException
from ..kms import access
from ..world.store import Store
from . import cloudhsmv2, cloudtrail, kms
from .operations import Table

SERVICES: dict[str, Table] = {"kms": kms.OPERATIONS, "cloudhsmv2": cloudhsmv2.OPERATIONS,
                              "cloudtrail": cloudtrail.OPERATIONS}
TARGET_PREFIXES = {  # X-Amz-Target prefix -> service
    "TrentService": "kms",
    "BaldrApiService": "cloudhsmv2",
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101": "cloudtrail",
}


def call(store: Store, service: str, operation_name: str, params: dict, access_key: str | None = None) -> dict:
    """`access_key`: the one the request is signed with (None: the one `hsmshell env` prints),
    which names the caller KMS's key policies and grants are evaluated for."""
    with events.signed_by(access_key):
        return _call(store, service, operation_name, params)


def _call(store: Store, service: str, operation_name: str, params: dict) -> dict:
    table = SERVICES.get(service)
    if table is None:
        raise UnknownOperationException(f"Unknown service {service}")
    operation = table.get(operation_name)
    if operation is None:
        raise UnknownOperationException(f"Unknown operation {operation_name}")
    event = operation.event
    try:
        with store.transaction(write=operation.writes) as world:
            # A world that enforces key policies knows its callers: AWS authenticates before
            # any service looks at the request, and logs nothing of a call it could not.
            access.caller(world)
            response = operation.handler(world, params)
            if event is not None and not event.by_service:
                events.record_call(world, event, operation_name, params)
            return response
    except UnrecognizedClientException:
        raise
    except AwsError as error:
        if event is not None:
            with store.transaction(write=False) as world:  # only the event: the world is as it was
                events.record_call(world, event, operation_name, params, error=error)
        raise
