"""The `cloudhsm-cli` console script: hsmshell's --world PATH, signals, and the console (a
terminal's prompt_toolkit session in interactive mode, plain streams otherwise)."""

from __future__ import annotations

import os
import signal
import sys

from ...world.store import WorldError
from ..console import StreamConsole
from ..engine import _split_world_option


def _console(args: list[str]):
    if args[:1] == ["interactive"] and sys.stdin.isatty() and sys.stdout.isatty():
        from .terminal import CliTerminalConsole

        return CliTerminalConsole()
    return StreamConsole()


def main(argv: list[str] | None = None) -> int:
    from ...services import open_store
    from . import run

    args, world_path = _split_world_option(sys.argv[1:] if argv is None else argv)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    try:
        store = open_store(world_path)
        return run(store, _console(args), args, os.environ)
    except WorldError as exc:
        print(f"cloudhsm-cli: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        from ...cli import _quiet_stdout

        _quiet_stdout()
        return 1
