"""Reading request members the way the service does: required members, types, lengths.

botocore checks only required members, types and minimums; everything else reaches the
service (kms-spec §1.5), so the service checks it again.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Callable

from ..errors import AwsError, SerializationException, validation
from ..errors.kms import InvalidMarkerException


def _camel(member: str) -> str:
    return member[:1].lower() + member[1:]


def string(params: dict, member: str, *, required: bool = False, min_len: int = 1,
           max_len: int | None = None) -> str | None:
    value = params.get(member)
    if value is None:
        if required:
            raise validation(_camel(member), "Member must not be null", "null")
        return None
    if not isinstance(value, str):
        raise SerializationException(f"Unexpected value for {member}: expected a string")
    if len(value) < min_len or (max_len is not None and len(value) > max_len):
        bound = (f"Member must have length greater than or equal to {min_len}" if len(value) < min_len
                 else f"Member must have length less than or equal to {max_len}")
        raise validation(_camel(member), bound)
    return value


def integer(params: dict, member: str, *, low: int, high: int) -> int | None:
    value = params.get(member)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SerializationException(f"Unexpected value for {member}: expected an integer")
    if not low <= value <= high:
        bound = (f"Member must have value greater than or equal to {low}" if value < low
                 else f"Member must have value less than or equal to {high}")
        raise validation(_camel(member), bound, f"'{value}'")
    return value


def page(items: list[Any], params: dict, *, limit_default: int, limit_max: int) -> tuple[list[Any], str | None]:
    """Limit/Marker paging.  The marker is the position, which only this service issues."""
    limit = integer(params, "Limit", low=1, high=limit_max) or limit_default
    marker = string(params, "Marker", max_len=1024)
    start = 0
    if marker is not None:
        try:
            start = int(marker.removeprefix("m"), 16) if marker.startswith("m") else -1
        except ValueError:
            start = -1
        if not 0 <= start <= len(items):
            raise InvalidMarkerException("The request was rejected because the marker that "
                                         "specifies where pagination should next begin is not valid.")
    chunk = items[start:start + limit]
    following = start + limit
    return chunk, (f"m{following:x}" if following < len(items) else None)


def blob(params: dict, member: str, *, required: bool = False, max_len: int) -> bytes | None:
    """Blobs travel base64-encoded; the length limits are on the decoded bytes."""
    text = string(params, member, required=required)
    if text is None:
        return None
    try:
        value = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SerializationException(f"Unexpected value for {member}: not valid base64") from None
    if not 1 <= len(value) <= max_len:
        bound = ("Member must have length greater than or equal to 1" if not value
                 else f"Member must have length less than or equal to {max_len}")
        raise validation(_camel(member), bound)
    return value


def boolean(params: dict, member: str, *, required: bool = False) -> bool | None:
    value = params.get(member)
    if value is None and required:
        raise validation(_camel(member), "Member must not be null", "null")
    if value is not None and not isinstance(value, bool):
        raise SerializationException(f"Unexpected value for {member}: expected a boolean")
    return value


def enum(params: dict, member: str, allowed: tuple[str, ...]) -> str | None:
    value = string(params, member)
    if value is not None and value not in allowed:
        raise validation(_camel(member), f"Member must satisfy enum value set: [{', '.join(allowed)}]",
                         f"'{value}'")
    return value


def string_map(params: dict, member: str) -> dict[str, str] | None:
    value = params.get(member)
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise SerializationException(f"Unexpected value for {member}: expected a map of strings")
    return value


def string_list(params: dict, member: str, *, required: bool = False) -> list[str] | None:
    value = params.get(member)
    if value is None:
        if required:
            raise validation(_camel(member), "Member must not be null", "null")
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SerializationException(f"Unexpected value for {member}: expected a list of strings")
    return value


def matching(params: dict, member: str, pattern: str, *, required: bool = False, max_len: int) -> str | None:
    """A string member the model constrains to `pattern` (given as the model writes it)."""
    import re

    value = string(params, member, required=required, max_len=max_len)
    if value is not None and not re.fullmatch(pattern.strip("^$"), value):
        raise validation(_camel(member), f"Member must satisfy regular expression pattern: {pattern}",
                         f"'{value}'")
    return value


def tag_list(params: dict, member: str, *, required: bool = False) -> list[tuple[str, str]] | None:
    """[{"TagKey": k, "TagValue": v}, ...] (KMS's Tag shape), as (key, value) pairs, each length
    checked as the model bounds it."""
    value = params.get(member)
    if value is None:
        if required:
            raise validation(_camel(member), "Member must not be null", "null")
        return None
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise SerializationException(f"Unexpected value for {member}: expected a list of tags")
    return [(string(t, "TagKey", required=True, max_len=128), string(t, "TagValue", required=True, min_len=0,
                                                                   max_len=256)) for t in value]


def filters(params: dict, member: str = "Filters") -> dict[str, list[str]]:
    value = params.get(member) or {}
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
            for k, v in value.items()):
        raise SerializationException(f"Unexpected value for {member}: expected a map of string lists")
    return value


def token_page(items: list[Any], params: dict, *, limit_max: int,
               bad_token: Callable[[], AwsError]) -> tuple[list[Any], str | None]:
    """NextToken/MaxResults paging (CloudHSM v2, CloudTrail).  The token is the position; a bad
    one raises a fresh `bad_token()` (a raised instance keeps every frame it was raised from)."""
    limit = integer(params, "MaxResults", low=1, high=limit_max) or limit_max
    token = string(params, "NextToken", max_len=256)
    start = 0
    if token is not None:
        try:
            start = int(token, 16)
        except ValueError:
            start = -1
        if not 0 <= start <= len(items):
            raise bad_token()
    following = start + limit
    return items[start:following], (f"{following:08x}" if following < len(items) else None)


def epoch(value: float) -> float:
    """Timestamps on the wire: epoch seconds to the millisecond, as AWS sends them."""
    return round(value, 3)
