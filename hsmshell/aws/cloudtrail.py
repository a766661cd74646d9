"""CloudTrail's LookupEvents on the wire: the events the simulated services recorded."""

from __future__ import annotations

import json
from typing import Any

from ..kms import trail
from ..world.model import World
from . import shapes
from .errors import ApiError

BAD_TOKEN = ApiError("InvalidNextTokenException", "Invalid NextToken.")


def lookup_events(world: World, params: dict) -> dict:
    attributes = params.get("LookupAttributes") or []
    if not isinstance(attributes, list) or len(attributes) > 1:
        raise ApiError("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
    attribute = None
    if attributes:
        key, value = (attributes[0].get("AttributeKey"), attributes[0].get("AttributeValue")) \
            if isinstance(attributes[0], dict) else (None, None)
        if key not in trail.LOOKUP_KEYS or not isinstance(value, str):
            raise ApiError("InvalidLookupAttributesException",
                           f"Invalid attribute key: {key}. Valid keys are {', '.join(trail.LOOKUP_KEYS)}.")
        attribute = (key, value)
    category = params.get("EventCategory")
    if category not in (None, "insight"):
        raise ApiError("InvalidEventCategoryException", f"Invalid event category: {category}.")
    if category == "insight":
        return {"Events": []}  # no Insights events are ever generated here
    shapes.integer(params, "MaxResults", low=-2**63, high=2**63)  # a wrong type fails as it would on the wire
    if params.get("MaxResults") is not None and not 1 <= params["MaxResults"] <= 50:
        raise ApiError("InvalidMaxResultsException", "MaxResults must be from 1 to 50.")
    try:
        found = trail.lookup(world, attribute, _time(params, "StartTime"), _time(params, "EndTime"))
    except trail.TrailError as exc:
        raise ApiError(exc.code, exc.message) from None
    chunk, token = shapes.token_page(found, params, limit_max=50, bad_token=BAD_TOKEN)
    result: dict[str, Any] = {"Events": [_entry(e) for e in chunk]}
    if token:
        result["NextToken"] = token
    return result


def _time(params: dict, member: str) -> float | None:
    value = params.get(member)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ApiError("SerializationException", f"Unexpected value for {member}: expected a timestamp")


def _entry(event: dict) -> dict[str, Any]:
    identity = event.get("userIdentity", {})
    entry: dict[str, Any] = {"EventId": event["eventID"], "EventName": event["eventName"],
                             "ReadOnly": str(event.get("readOnly", False)).lower()}
    if identity.get("accessKeyId"):
        entry["AccessKeyId"] = identity["accessKeyId"]
    entry["EventTime"] = trail.epoch_of(event["eventTime"])
    entry["EventSource"] = event["eventSource"]
    if identity.get("userName"):
        entry["Username"] = identity["userName"]
    entry["Resources"] = [{"ResourceType": r.get("type"), "ResourceName": r.get("ARN")}
                          for r in event.get("resources") or []]
    entry["CloudTrailEvent"] = json.dumps(event, separators=(",", ":"))
    return entry


def call(world: World, operation_name: str, params: dict) -> dict:
    if operation_name != "LookupEvents":
        raise ApiError("UnknownOperationException", f"Unknown operation {operation_name}")
    return lookup_events(world, params)
