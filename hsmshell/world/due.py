"""Due transitions: what the real services do later, stored in the world and settled by the
next transaction whose clock has passed their time.

The ground floor only keeps the queue; what a transition does is a rule, so the services
declare each kind (how it settles, the ids it takes) and the store's settle hook runs them.
The store also checks every due entry of a world it reads against those declarations: a
hand-edited entry of a kind no service knows, or without the ids its kind takes, is refused
with its line rather than failing when it falls due.
"""

from __future__ import annotations

from typing import Callable, Mapping

import msgspec

from .clock import now
from .model import Due, World


class Transition(msgspec.Struct, frozen=True):
    """One kind of due transition: what settles it, and the names of its arguments."""

    settle: Callable[[World, dict[str, str]], None]
    args: tuple[str, ...]


def schedule(world: World, delay: float, kind: str, **args: str) -> None:
    world.due.append(Due(at=now(world) + delay, kind=kind, args=args))


def cancel(world: World, kind: str, **match: str) -> None:
    world.due = [
        d for d in world.due
        if not (d.kind == kind and all(d.args.get(k) == v for k, v in match.items()))
    ]


def settle(world: World, transitions: Mapping[str, Transition]) -> bool:
    """Run every transition that has fallen due, oldest first.  True if any ran."""
    ran = False
    while True:
        current = now(world)
        ready = [d for d in world.due if d.at <= current]
        if not ready:
            return ran
        first = min(ready, key=lambda d: d.at)
        world.due.remove(first)
        transition = transitions.get(first.kind)
        if transition is None:  # a programming error: the store refuses such a world when it reads it
            raise LookupError(f"no rule settles the due transition {first.kind!r}")
        transition.settle(world, first.args)
        ran = True
