"""CloudTrail's LookupEvents on the wire: the events the simulated services recorded."""

from __future__ import annotations

import json
from typing import Any

from ..cloudtrail import lookup
from ..errors import SerializationException
from ..errors.cloudtrail import (InvalidEventCategoryException, InvalidLookupAttributesException,
                               InvalidMaxResultsException, InvalidNextTokenException)
from ..world.model import World
from . import shapes
from .operations import Table

# GAP: CloudTrail logs its own LookupEvents calls; here they are not, so that looking at the
# trail never changes it.
OPERATIONS = Table(None)
operation = OPERATIONS.operation

@operation()
def lookup_events(world: World, params: dict) -> dict:
    attributes = params.get("LookupAttributes") or []
    if not isinstance(attributes, list) or len(attributes) > 1:
        raise InvalidLookupAttributesException("You cannot specify more than one lookup attribute.")
    attribute = None
    if attributes:
        key, value = (attributes[0].get("AttributeKey"), attributes[0].get("AttributeValue")) \
            if isinstance(attributes[0], dict) else (None, None)
        if key not in lookup.LOOKUP_KEYS or not isinstance(value, str):
            raise InvalidLookupAttributesException(
                f"Invalid attribute key: {key}. Valid keys are {', '.join(lookup.LOOKUP_KEYS)}.")
        attribute = (key, value)
    category = params.get("EventCategory")
    if category not in (None, "insight"):
        raise InvalidEventCategoryException(f"Invalid event category: {category}.")
    if category == "insight":
        return {"Events": []}  # no Insights events are ever generated here
    shapes.integer(params, "MaxResults", low=-2**63, high=2**63)  # a wrong type fails as it would on the wire
    if params.get("MaxResults") is not None and not 1 <= params["MaxResults"] <= 50:
        raise InvalidMaxResultsException("MaxResults must be from 1 to 50.")
    found = lookup.lookup(world, attribute, _time(params, "StartTime"), _time(params, "EndTime"))
    chunk, token = shapes.token_page(found, params, limit_max=50, bad_token=_bad_token)
    result: dict[str, Any] = {"Events": [_entry(e) for e in chunk]}
    if token:
        result["NextToken"] = token
    return result


def _bad_token() -> InvalidNextTokenException:
    return InvalidNextTokenException("Invalid NextToken.")


def _time(params: dict, member: str) -> float | None:
    value = params.get(member)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise SerializationException(f"Unexpected value for {member}: expected a timestamp")


def _entry(event: dict) -> dict[str, Any]:
    identity = event.get("userIdentity", {})
    entry: dict[str, Any] = {"EventId": event["eventID"], "EventName": event["eventName"],
                             "ReadOnly": str(event.get("readOnly", False)).lower()}
    if identity.get("accessKeyId"):
        entry["AccessKeyId"] = identity["accessKeyId"]
    entry["EventTime"] = lookup.epoch_of(event["eventTime"])
    entry["EventSource"] = event["eventSource"]
    if identity.get("userName"):
        entry["Username"] = identity["userName"]
    entry["Resources"] = [{"ResourceType": r.get("type"), "ResourceName": r.get("ARN")}
                          for r in event.get("resources") or []]
    entry["CloudTrailEvent"] = json.dumps(event, separators=(",", ":"))
    return entry

