"""Due transitions: what the real services do later, stored in the world and settled by the
next transaction whose clock has passed their time.

The ground floor only keeps the queue; what a transition does is a rule, so the services
register a handler per kind and the store's settle hook runs them.
"""

from __future__ import annotations

from typing import Any, Callable

from .clock import now
from .model import Due, World

Handler = Callable[[World, dict[str, Any]], None]


def schedule(world: World, delay: float, kind: str, **args: Any) -> None:
    world.due.append(Due(at=now(world) + delay, kind=kind, args=args))


def cancel(world: World, kind: str, **match: Any) -> None:
    world.due = [
        d for d in world.due
        if not (d.kind == kind and all(d.args.get(k) == v for k, v in match.items()))
    ]


def settle(world: World, handlers: dict[str, Handler]) -> bool:
    """Run every transition that has fallen due, oldest first.  True if any ran."""
    ran = False
    while True:
        current = now(world)
        ready = [d for d in world.due if d.at <= current]
        if not ready:
            return ran
        first = min(ready, key=lambda d: d.at)
        world.due.remove(first)
        handler = handlers.get(first.kind)
        if handler is None:
            raise LookupError(f"no rule settles the due transition {first.kind!r}")
        handler(world, first.args)
        ran = True
