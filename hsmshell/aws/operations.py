"""A service's table of operations on the wire: each operation's handler, named after it in
the API's spelling, and the CloudTrail event its calls get."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..cloudtrail import events
from ..errors import UnknownOperationException
from ..world.model import World

Handler = Callable[[World, dict], dict]


@dataclass(frozen=True)
class Operation:
    handler: Handler
    event: events.Event | None  # None: the service's calls are not logged
    # Whether a call may change the world.  One that cannot promises so to its transaction
    # (Store.transaction(write=False)), whose commit then only appends the event.
    writes: bool = True


class Table(dict):
    """`OPERATIONS = Table(events.KMS)`, then `@OPERATIONS.operation()` on each handler."""

    def __init__(self, source: str | None):
        super().__init__()
        self.source = source  # the eventSource of its calls; None: not logged

    def operation(self, *, read_only: bool | None = None, by_service: bool = False,
                  writes: bool | None = None) -> Callable[[Handler], Handler]:
        """Registers a handler with its event: read-only as CloudTrail's rule says unless
        `read_only`; `by_service` when the service writes a successful call's event itself.
        A call changes the world unless its event is read-only (it changes nothing in AWS
        either), or as `writes` says: a read-only call that draws from the world's random
        stream (GenerateRandom) moves it on."""
        def register(handler: Handler) -> Handler:
            name = "".join(part.title() for part in handler.__name__.split("_"))
            event = None if self.source is None else events.declare(self.source, name, read_only=read_only,
                                                                    by_service=by_service)
            changes = (event is None or not event.read_only) if writes is None else writes
            self[name] = Operation(handler, event, changes)
            return handler
        return register

    def call(self, world: World, name: str, params: dict) -> dict:
        """The handler's response alone, with no event: a lab's check that only looks."""
        operation = self.get(name)
        if operation is None:
            raise UnknownOperationException(f"Unknown operation {name}")
        return operation.handler(world, params)
