"""hsmshell clock show | advance DURATION | freeze | unfreeze"""

from __future__ import annotations

import time

from ..world import clock


def register(sub) -> None:
    parser = sub.add_parser("clock", help="show or move the simulated clock")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("show", help="print the world's time")
    advance = actions.add_parser("advance", help="move time forward")
    advance.add_argument("duration", help="like 90s, 10m, 2h or 7d")
    actions.add_parser("freeze", help="stop time")
    actions.add_parser("unfreeze", help="let time run again")


def run(args, store) -> int:
    if args.action == "advance":
        try:
            seconds = clock.parse_duration(args.duration)
        except ValueError as exc:
            print(f"hsmshell: {exc}", file=args.err)
            return 2
        with store.transaction() as world:
            clock.advance(world, seconds)
    elif args.action == "freeze":
        with store.transaction() as world:
            clock.freeze(world)
    elif args.action == "unfreeze":
        with store.transaction() as world:
            clock.unfreeze(world)
    world = store.read()  # settles what the move made due before the time is reported
    frozen = " (frozen)" if world.clock.frozen_at is not None else ""
    print(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock.now(world))) + frozen, file=args.out)
    return 0
