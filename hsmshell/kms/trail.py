"""CloudTrail events for KMS calls (kms-spec §5.3), kept in the world, newest last."""

from __future__ import annotations

import time
from typing import Any

from ..world import ids
from ..world.clock import now
from ..world.model import World

CALLER = {"type": "IAMUser", "principalId": "AIDAIGDTESTANDEXAMPLE", "userName": "Alice",
          "accessKeyId": "AKIAIOSFODNN7EXAMPLE"}


def record(world: World, event_name: str, *, request: dict | None, response: dict | None = None,
           additional: dict | None = None, read_only: bool = False,
           resources: list | None = None, service_event: bool = False) -> dict[str, Any]:
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
        "eventSource": "kms.amazonaws.com",
        "eventName": event_name,
        "awsRegion": world.region,
        "sourceIPAddress": "AWS Internal" if service_event else "192.0.2.0",
        "userAgent": "AWS Internal" if service_event else "aws-cli/1.45.11",
        "requestParameters": request,
        "responseElements": response,
    })
    if additional is not None:
        event["additionalEventData"] = additional
    if not service_event:
        event["requestID"] = ids.request_id(world)
    event["eventID"] = ids.request_id(world)
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
    del world.trail[: max(0, len(world.trail) - world.settings.trail_limit)]
    return event
