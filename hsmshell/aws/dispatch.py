"""One request, one transaction: the path every AWS-side call takes, from `hsmshell aws`
in-process or (later) from the HTTP endpoint.

CloudTrail sees every call.  KMS's services write their own events where their fields differ
per operation (kms-spec §5.3); every other call, of KMS or CloudHSM, is recorded here with its
request members.  A refused call changes nothing (its transaction is abandoned), so its event,
with errorCode and errorMessage as CloudTrail writes them, is recorded in a transaction of its
own.  Events are kept beside the world: a call that only records one does not write the world.
"""

from __future__ import annotations

from ..kms import trail
from ..world.store import Store
from . import cloudhsmv2, cloudtrail, kms
from .errors import ApiError

SERVICES = {"kms": kms.call, "cloudhsmv2": cloudhsmv2.call, "cloudtrail": cloudtrail.call}
TARGET_PREFIXES = {  # X-Amz-Target prefix -> service
    "TrentService": "kms",
    "BaldrApiService": "cloudhsmv2",
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101": "cloudtrail",
}
EVENT_SOURCES = {"kms": trail.KMS, "cloudhsmv2": trail.CLOUDHSM}


def call(store: Store, service: str, operation: str, params: dict) -> dict:
    handler = SERVICES.get(service)
    if handler is None:
        raise ApiError("UnknownOperationException", f"Unknown service {service}")
    try:
        with store.transaction() as world:
            recorded = len(world.trail.recorded)
            response = handler(world, operation, params)
            if service in EVENT_SOURCES and len(world.trail.recorded) == recorded:
                trail.record_call(world, EVENT_SOURCES[service], operation, params)
            return response
    except ApiError as error:
        if service in EVENT_SOURCES and error.code != "UnknownOperationException":
            with store.transaction() as world:
                trail.record_call(world, EVENT_SOURCES[service], operation, params,
                                  error=(error.code, error.message))
        raise
