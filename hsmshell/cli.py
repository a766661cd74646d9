"""`hsmshell`: the practice range's own command.

    hsmshell [--world PATH] world init [--fixture NAME|PATH] [--force] | show | path
    hsmshell [--world PATH] clock show | advance DURATION | freeze | unfreeze
    hsmshell [--world PATH] aws SERVICE COMMAND [--options]

Heavy front-ends (the TUI, the HTTP endpoint) are imported only by the commands that use them,
so the everyday commands start fast.
"""

from __future__ import annotations

import argparse
import sys

from .world.store import WorldError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hsmshell", description="A practice range for the AWS "
                                     "CloudHSM / KMS custom key store runbook.")
    parser.add_argument("--world", metavar="PATH", help="the world file (default: $HSMSHELL_WORLD, "
                        "else ~/.local/share/hsmshell/world.yaml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    world = sub.add_parser("world", help="create, show or locate the world")
    world_sub = world.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = world_sub.add_parser("init", help="create the world from a fixture")
    init.add_argument("--fixture", default="default", metavar="NAME|PATH")
    init.add_argument("--force", action="store_true", help="replace an existing world")
    world_sub.add_parser("show", help="a short summary of the world")
    world_sub.add_parser("path", help="print the world file's path")

    clock = sub.add_parser("clock", help="show or move the simulated clock")
    clock_sub = clock.add_subparsers(dest="action", required=True, metavar="ACTION")
    clock_sub.add_parser("show", help="print the world's time")
    advance = clock_sub.add_parser("advance", help="move time forward")
    advance.add_argument("duration", help="like 90s, 10m, 2h or 7d")
    clock_sub.add_parser("freeze", help="stop time")
    clock_sub.add_parser("unfreeze", help="let time run again")

    aws = sub.add_parser("aws", help="the AWS CLI, against the simulated KMS", add_help=False)
    aws.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .services import open_store

    store = open_store(args.world)
    try:
        if args.command == "world":
            return _world(store, args)
        if args.command == "clock":
            return _clock(store, args)
        if args.command == "aws":
            from .aws import cli as aws_cli

            return aws_cli.main(args.args, store)
    except WorldError as exc:
        print(f"hsmshell: {exc}", file=sys.stderr)
        return 1
    return 2


def _world(store, args) -> int:
    if args.action == "path":
        print(store.path)
    elif args.action == "init":
        store.create(args.fixture, force=args.force)
        print(f"Created {store.path} from fixture {args.fixture}")
    elif args.action == "show":
        from .summary import render

        print(render(store.read(), str(store.path)), end="")
    return 0


def _clock(store, args) -> int:
    from .world import clock

    if args.action == "advance":
        try:
            seconds = clock.parse_duration(args.duration)
        except ValueError as exc:
            print(f"hsmshell: {exc}", file=sys.stderr)
            return 2
        with store.transaction() as world:
            clock.advance(world, seconds)
    elif args.action == "freeze":
        with store.transaction() as world:
            clock.freeze(world)
    elif args.action == "unfreeze":
        with store.transaction() as world:
            clock.unfreeze(world)
    # Settle what the move made due before reporting the time.
    world = store.read()
    import time

    frozen = " (frozen)" if world.clock.frozen_at is not None else ""
    print(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock.now(world))) + frozen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
