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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {name: importlib.import_module(f"{__package__}.commands.{name}") for name in NAMES}
    for module in modules.values():
        module.register(sub)
    return parser, modules


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one `hsmshell` command.  In-process callers (the TUI, transcripts) pass their own
    streams; the commands write only to `args.out` and `args.err`."""
    out, err = out or sys.stdout, err or sys.stderr
    parser, modules = _parser(out, err)
    argv = list(sys.argv[1:] if argv is None else argv)
    head, aws_args = _aws_words(argv)
    try:
        args = parser.parse_args(head)
    except SystemExit as stop:  # --help, or a usage error already printed
        return stop.code if isinstance(stop.code, int) else 2
    if args.command is None:  # `hsmshell` alone: what it can do, not just a usage error
        parser.print_help(out)
        return 2
    if aws_args is not None:
        args.args = aws_args  # the AWS CLI's own words, `--help` too, never hsmshell's options
    args.out, args.err = out, err
    from .services import open_store

    try:
        return modules[args.command].run(args, open_store(args.world, notify=lambda text: print(
            f"hsmshell: {text}", file=err)))
    except WorldError as exc:
        print(f"hsmshell: {exc}", file=args.err)
        return 1
    except BrokenPipeError:  # `hsmshell ... | head`: the reader has gone, nothing is wrong
        from .host import quiet_stdout

        quiet_stdout()
        return 1


def _aws_words(argv: list[str]) -> tuple[list[str], list[str] | None]:
    """`hsmshell [--world PATH] aws WORDS...`: everything after `aws` is the AWS CLI's."""
    i = 0
    while i < len(argv) and argv[i] != "aws":
        if argv[i] == "--world":
            i += 2
        elif argv[i].startswith("--world="):
            i += 1
        else:
            return argv, None
    return (argv[:i + 1], argv[i + 1:]) if i < len(argv) else (argv, None)


# -- the client host's program (hsmshell/host.py) ------------------------------------------------

# What a terminal without a person at it, or the TUI itself, cannot run.
REFUSED = {
    "tab": {"tui": "hsmshell: the TUI is already running here\n"},
    # nobody at the keyboard: no TUI, no recording; nothing that listens on the network or runs on
    "transcript": {name: f"hsmshell: `hsmshell {name}` cannot run inside a transcript\n"
                   for name in ("tui", "transcript", "serve")},
}


def start(terminal, args: list[str]) -> int:
    refusal = REFUSED.get(terminal.kind, {}).get(args[0] if args else "")
    if refusal:
        terminal.err.write(refusal)
        return 0 if terminal.kind == "tab" else 2
    world = [] if terminal.store is None else ["--world", str(terminal.store.path)]
    return main([*world, *args], terminal.console, terminal.err)


def secret_args(args: list[str]) -> set[int]:
    """`hsmshell aws ... --key-store-password VALUE`."""
    if args[:1] != ["aws"]:
        return set()
    from .aws.cli import secret_args as aws_secrets

    return {i + 1 for i in aws_secrets(args[1:])}


def complete_args(words: list[str], current: str, world=None) -> list[str]:
    if words[:1] == ["aws"]:
        from .aws.cli import complete_args as aws_words

        return aws_words(words[1:], current, world)
    return sorted(NAMES) if not words else []


if __name__ == "__main__":
    sys.exit(main())
