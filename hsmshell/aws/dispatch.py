"""One request, one transaction: the path every AWS-side call takes, from `hsmshell aws`
in-process or (later) from the HTTP endpoint."""

from __future__ import annotations

from ..world.store import Store
from . import kms
from .errors import ApiError

SERVICES = {"kms": kms.call}
TARGET_PREFIXES = {"TrentService": "kms"}  # X-Amz-Target prefix -> service


def call(store: Store, service: str, operation: str, params: dict) -> dict:
    handler = SERVICES.get(service)
    if handler is None:
        raise ApiError("UnknownOperationException", f"Unknown service {service}")
    with store.transaction() as world:
        return handler(world, operation, params)
