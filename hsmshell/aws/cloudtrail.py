"""CloudTrail's LookupEvents on the wire: the events the simulated services recorded."""

from __future__ import annotations

import json
from typing import Any

from ..cloudtrail import lookup, trails
from ..errors import SerializationException
from ..errors.cloudtrail import (InvalidEventCategoryException, InvalidLookupAttributesException,
                               InvalidMaxResultsException, InvalidNextTokenException)
from ..world.model import TrailConfiguration, World
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



# -- trails -----------------------------------------------------------------------------------

def trail_entry(world: World, trail: TrailConfiguration, *, home_region: bool = True) -> dict[str, Any]:
    entry: dict[str, Any] = {"Name": trail.name, "S3BucketName": trail.s3_bucket_name}
    if trail.s3_key_prefix is not None:
        entry["S3KeyPrefix"] = trail.s3_key_prefix
    entry.update({"IncludeGlobalServiceEvents": trail.include_global_service_events,
                  "IsMultiRegionTrail": trail.is_multi_region_trail})
    if home_region:
        entry["HomeRegion"] = world.region
    entry.update({"TrailARN": trails.arn(world, trail), "LogFileValidationEnabled": trail.log_file_validation_enabled})
    if home_region:
        entry.update({"HasCustomEventSelectors": False, "HasInsightSelectors": False})
    entry["IsOrganizationTrail"] = False
    return entry


@operation()
def create_trail(world: World, params: dict) -> dict:
    trail = trails.create(
        world, shapes.string(params, "Name", required=True), shapes.string(params, "S3BucketName", required=True),
        prefix=shapes.string(params, "S3KeyPrefix"),
        multi_region=bool(shapes.boolean(params, "IsMultiRegionTrail")),
        global_events=shapes.boolean(params, "IncludeGlobalServiceEvents") is not False,
        validation=bool(shapes.boolean(params, "EnableLogFileValidation")))
    return trail_entry(world, trail, home_region=False)


@operation()
def describe_trails(world: World, params: dict) -> dict:
    found = trails.describe(world, shapes.string_list(params, "trailNameList"))
    return {"trailList": [trail_entry(world, t) for t in found]}


@operation()
def get_trail_status(world: World, params: dict) -> dict:
    trail = trails.find(world, shapes.string(params, "Name", required=True))
    status: dict[str, Any] = {"IsLogging": trail.is_logging}
    if trail.start_logging_time is not None:
        status["StartLoggingTime"] = shapes.epoch(trail.start_logging_time)
    if trail.stop_logging_time is not None:
        status["StopLoggingTime"] = shapes.epoch(trail.stop_logging_time)
    if trail.start_logging_time is not None:
        status["TimeLoggingStarted"] = _iso(trail.start_logging_time)
    if trail.stop_logging_time is not None:
        status["TimeLoggingStopped"] = _iso(trail.stop_logging_time)
    return status


@operation()
def start_logging(world: World, params: dict) -> dict:
    trails.set_logging(world, shapes.string(params, "Name", required=True), True)
    return {}


@operation()
def stop_logging(world: World, params: dict) -> dict:
    trails.set_logging(world, shapes.string(params, "Name", required=True), False)
    return {}


@operation()
def delete_trail(world: World, params: dict) -> dict:
    trails.delete(world, shapes.string(params, "Name", required=True))
    return {}


def _iso(seconds: float) -> str:
    """GetTrailStatus's TimeLogging* strings, as CloudTrail writes them."""
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
