"""LookupEvents: the recorded events, newest first, found by at most one attribute and a time
range."""

from __future__ import annotations

import time
from typing import Any

from ..errors.cloudtrail import InvalidTimeRangeException
from ..world.model import World

LOOKUP_KEYS = ("EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName",
               "EventSource", "AccessKeyId")


def lookup(world: World, attribute: tuple[str, str] | None, start: float | None,
           end: float | None) -> list[dict[str, Any]]:
    """Events newest first, filtered by at most one attribute and a time range."""
    if start is not None and end is not None and start > end:
        raise InvalidTimeRangeException("Start date cannot be after end date.")
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
