"""CloudTrail events for KMS and CloudHSM calls (kms-spec §5.3), oldest first in `world.trail`
(which the store keeps in a log beside the world file), looked up as LookupEvents does."""

from __future__ import annotations

import time
from typing import Any

from ..world import ids
from ..world.clock import now
from ..world.model import World

KMS = "kms.amazonaws.com"
CLOUDHSM = "cloudhsm.amazonaws.com"
CALLER = {"type": "IAMUser", "principalId": "AIDAIGDTESTANDEXAMPLE", "userName": "Alice",
          "accessKeyId": "AKIAIOSFODNN7EXAMPLE"}


def record(world: World, event_name: str, *, request: dict | None, response: dict | None = None,
           additional: dict | None = None, read_only: bool = False,
           resources: list | None = None, service_event: bool = False, source: str = KMS,
           error: tuple[str, str] | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"eventVersion": "1.08"}
    if service_event:
        event["userIdentity"] = {"accountId": world.account_id, "invokedBy": "AWS Internal"}
    else:
        event["userIdentity"] = {
            **CALLER, "arn": f"arn:aws:iam::{world.account_id}:user/{CALLER['userName']}",
            "accountId": world.account_id,
        }
    event.update({
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now(world))),
        "eventSource": source,
        "eventName": event_name,
        "awsRegion": world.region,
        "sourceIPAddress": "AWS Internal" if service_event else "192.0.2.0",
        "userAgent": "AWS Internal" if service_event else "aws-cli/1.45.11",
    })
    if error is not None:
        event["errorCode"], event["errorMessage"] = error
    event.update({
        "requestParameters": request,
        "responseElements": response,
    })
    if additional is not None:
        event["additionalEventData"] = additional
    previous = world.trail.last_event_id()
    if not service_event:
        event["requestID"] = ids.following(world, previous, "requestID")
    event["eventID"] = ids.following(world, previous, "eventID")
    event["readOnly"] = read_only
    if resources is not None:
        event["resources"] = resources
    event.update({
        "eventType": "AwsServiceEvent" if service_event else "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": world.account_id,
        "eventCategory": "Management",
    })
    world.trail.append(event)
    return event


READ_ONLY = ("Describe", "List", "Get")  # the calls CloudTrail marks readOnly: true
# Members CloudTrail never logs: secrets, and data that is not the caller's to see again.
UNLOGGED = {"KeyStorePassword", "Plaintext", "CiphertextBlob", "TrustAnchorCertificate", "SignedCert",
            "TrustAnchor"}


def record_call(world: World, source: str, operation: str, params: dict,
                error: tuple[str, str] | None = None) -> dict[str, Any]:
    """The event of a call whose service writes none of its own, or that was refused: its
    request members as CloudTrail logs them (camelCase, without what is never logged)."""
    logged = {k[:1].lower() + k[1:]: v for k, v in params.items() if k not in UNLOGGED}
    return record(world, operation, request=logged or None, source=source, error=error,
                  read_only=error is None and operation.startswith(READ_ONLY))


def text_date(seconds: float) -> str:
    """Dates inside CloudTrail's response elements read like "Oct 14, 2021, 5:39:50 PM"."""
    stamp = time.gmtime(seconds)
    hour = stamp.tm_hour % 12 or 12
    return time.strftime(f"%b {stamp.tm_mday}, %Y, {hour}:%M:%S %p", stamp)


LOOKUP_KEYS = ("EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName",
               "EventSource", "AccessKeyId")


def lookup(world: World, attribute: tuple[str, str] | None, start: float | None,
           end: float | None) -> list[dict[str, Any]]:
    """Events newest first, filtered by at most one attribute and a time range."""
    if start is not None and end is not None and start > end:
        raise TrailError("InvalidTimeRangeException", "Start date cannot be after end date.")
    found = []
    for event in reversed(world.trail):
        at = epoch_of(event["eventTime"])
        if (start is not None and at < start) or (end is not None and at > end):
            continue
        if attribute is not None and attribute[1] not in _values(event, attribute[0]):
            continue
        found.append(event)
    return found


def _values(event: dict, attribute: str) -> list[str]:
    identity = event.get("userIdentity", {})
    resources = event.get("resources") or []
    return {
        "EventId": [event["eventID"]],
        "EventName": [event["eventName"]],
        "ReadOnly": [str(event.get("readOnly", False)).lower()],
        "Username": [identity.get("userName", "")],
        "ResourceType": [r.get("type", "") for r in resources],
        "ResourceName": [r.get("ARN", "") for r in resources],
        "EventSource": [event["eventSource"]],
        "AccessKeyId": [identity.get("accessKeyId", "")],
    }[attribute]


def epoch_of(text: str) -> float:
    import calendar

    return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))


class TrailError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
