"""`hsmshell`: the practice range's own command.  Its subcommands live in `commands/`."""

from __future__ import annotations

import argparse
import importlib
import sys

from .commands import NAMES
from .world.store import WorldError


def _parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(prog="hsmshell", description="A practice range for the AWS "
                                     "CloudHSM / KMS custom key store runbook.")
    parser.add_argument("--world", metavar="PATH", help="the world file (default: $HSMSHELL_WORLD, "
                        "else ~/.local/share/hsmshell/world.yaml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {name: importlib.import_module(f"{__package__}.commands.{name}") for name in NAMES}
    for module in modules.values():
        module.register(sub)
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    parser, modules = _parser()
    args = parser.parse_args(argv)
    from .services import open_store

    try:
        return modules[args.command].run(args, open_store(args.world))
    except WorldError as exc:
        print(f"hsmshell: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
