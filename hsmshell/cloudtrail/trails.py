"""CloudTrail's trails (CreateTrail, DescribeTrails, GetTrailStatus, StartLogging, StopLogging,
DeleteTrail): what tools that check "is logging on" look at.  The events are recorded whatever
the trails say (they are what LookupEvents reads, which needs no trail).  GAP: S3 is not
simulated, so any bucket name is taken as one that exists and lets CloudTrail write."""

from __future__ import annotations

import re

from ..errors.cloudtrail import (InvalidTrailNameException, MaximumNumberOfTrailsExceededException,
                                 TrailAlreadyExistsException, TrailNotFoundException)
from ..world.clock import now
from ..world.model import TrailConfiguration, World

MAX_TRAILS = 5  # per Region
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]")


def arn(world: World, trail: TrailConfiguration) -> str:
    return f"arn:aws:cloudtrail:{world.region}:{world.account_id}:trail/{trail.name}"


def create(world: World, name: str, bucket: str, *, prefix: str | None, multi_region: bool,
           global_events: bool, validation: bool) -> TrailConfiguration:
    _check_name(name)
    if name in world.trails:
        raise TrailAlreadyExistsException(f"Trail {name} already exists for customer: {world.account_id}")
    if len(world.trails) >= MAX_TRAILS:
        raise MaximumNumberOfTrailsExceededException(f"User: {world.account_id} already has {MAX_TRAILS} trails "
                                                     f"in {world.region}.")
    trail = TrailConfiguration(name=name, s3_bucket_name=bucket, created=now(world), s3_key_prefix=prefix,
                               is_multi_region_trail=multi_region, include_global_service_events=global_events,
                               log_file_validation_enabled=validation)
    world.trails[name] = trail
    return trail


def find(world: World, name: str) -> TrailConfiguration:
    """A trail by name or ARN."""
    bare = name.rsplit(":trail/", 1)[-1] if name.startswith("arn:") else name
    if not name.startswith("arn:"):
        _check_name(name)
    trail = world.trails.get(bare)
    if trail is None:
        raise TrailNotFoundException(f"Unknown trail: {name} for the user: {world.account_id}")
    return trail


def describe(world: World, names: list[str] | None) -> list[TrailConfiguration]:
    if not names:
        return list(world.trails.values())
    found = []
    for name in names:
        bare = name.rsplit(":trail/", 1)[-1]
        if bare in world.trails:
            found.append(world.trails[bare])
    return found


def set_logging(world: World, name: str, logging: bool) -> None:
    trail = find(world, name)
    if logging and not trail.is_logging:
        trail.start_logging_time = now(world)
    if not logging and trail.is_logging:
        trail.stop_logging_time = now(world)
    trail.is_logging = logging


def delete(world: World, name: str) -> None:
    del world.trails[find(world, name).name]


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name) or ".." in name or "._" in name or "_." in name or "-." in name or ".-" in name:
        raise InvalidTrailNameException(
            "Trail name must starts with a letter or number, and end with a letter or number, and be between 3 "
            "and 128 characters, and only contain letters, numbers, periods, underscores and dashes, and have no "
            "adjacent periods, underscores or dashes.")
