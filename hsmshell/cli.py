"""`hsmshell`: the practice range's own command.  Its subcommands live in `commands/`."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import TextIO

from .commands import NAMES
from .world.store import WorldError


def _parser(out: TextIO, err: TextIO) -> tuple[argparse.ArgumentParser, dict]:
    class Parser(argparse.ArgumentParser):
        # Help and usage errors go to the caller's streams, not the process's.
        def _print_message(self, message, file=None):
            if message:
                (out if file is sys.stdout else err).write(message)

    parser = Parser(prog="hsmshell", description="A practice range for the AWS "
                                     "CloudHSM / KMS custom key store runbook.")
    parser.add_argument("--world", metavar="PATH", help="the world file (default: $HSMSHELL_WORLD, "
                        "else ~/.local/share/hsmshell/world.yaml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {name: importlib.import_module(f"{__package__}.commands.{name}") for name in NAMES}
    for module in modules.values():
        module.register(sub)
    return parser, modules


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one `hsmshell` command.  In-process callers (the TUI, transcripts) pass their own
    streams; the commands write only to `args.out` and `args.err`."""
    out, err = out or sys.stdout, err or sys.stderr
    parser, modules = _parser(out, err)
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already printed
        return stop.code if isinstance(stop.code, int) else 2
    args.out, args.err = out, err
    from .services import open_store

    try:
        return modules[args.command].run(args, open_store(args.world))
    except WorldError as exc:
        print(f"hsmshell: {exc}", file=args.err)
        return 1
    except BrokenPipeError:  # `hsmshell ... | head`: the reader has gone, nothing is wrong
        _quiet_stdout()
        return 1


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush cannot
    raise again (the Python documentation's advice for SIGPIPE)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
