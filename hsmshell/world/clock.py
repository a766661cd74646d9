"""The world's clock: real time plus an offset, or frozen.  Every time a service reads comes
from here, so a lab can move a week forward with `hsmshell clock advance 7d`."""

from __future__ import annotations

import re
import time

from .model import World

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")


def now(world: World) -> float:
    clock = world.clock
    return clock.frozen_at if clock.frozen_at is not None else time.time() + clock.offset


def advance(world: World, seconds: float) -> None:
    if world.clock.frozen_at is not None:
        world.clock.frozen_at += seconds
    else:
        world.clock.offset += seconds


def freeze(world: World) -> None:
    world.clock.frozen_at = now(world)


def unfreeze(world: World) -> None:
    if world.clock.frozen_at is not None:
        world.clock.offset = world.clock.frozen_at - time.time()
        world.clock.frozen_at = None


def parse_duration(text: str) -> float:
    """'90s', '10m', '7d', '1h30m' -> seconds.  Raises ValueError with a readable message."""
    text = text.strip()
    pos, total = 0, 0.0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if not text or pos != len(text):
        raise ValueError(f"invalid duration {text!r}: use a number and a unit s, m, h or d, like 90s, 10m or 7d")
    return total
