"""The client host: the programs a terminal on the practice range runs.

A real operator works on an EC2 client host, at a `$` prompt that runs
`/opt/cloudhsm/bin/cloudhsm_mgmt_util`, `key_mgmt_util`, `configure`, `aws`, often after
`sudo`.  Here that host is one table, `PROGRAMS`: each program's name, where it lives, and
what a `$` line and a person's typing need to know of it (its prompt, the words that are
secrets, what completes).  This module is the only code that reads a `$` line: a console
script, a TUI tab, a transcript's replay and its recording, a lab's runs and the tests' doors
are terminals that hand it lines.

A program's module provides:
- `start(terminal, args) -> int`: run on the terminal's world and console until it ends;
  args are the words after the program's name; the exit status is returned.
- optionally `secret_args(args) -> set[int]`: which of those words are secrets;
- optionally `SECRET_ENVIRONMENT`: variables whose values are secrets (`NAME=value prog`);
- optionally `commands`: the command table of an interactive program, whose
  `secret_words(words)` and `complete(words, current, world)` serve the lines typed at its prompt;
- optionally `complete_args(words, current, world) -> list[str]`: completion of its `$` line.
Adding a program is one entry in the table plus that module.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
import sys
from pathlib import Path, PurePath
from types import ModuleType
from typing import Callable, Iterable

import msgspec

from . import files

ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
WORLD_OPTION = "--world"  # hsmshell's own option on every program: which world file


class Program(msgspec.Struct, frozen=True):
    name: str
    module: str | ModuleType | object  # a module path, imported when first needed
    usage: str  # a line of a tab's help: how it is typed
    summary: str  # what it does, after the usage in a tab's help
    prompt: str | None = None  # its prompt as a regular expression, when it has one
    short: str | None = None  # what the tests' doors call it (the `cmu` fixture)

    def code(self):
        if isinstance(self.module, str):
            return importlib.import_module(self.module)
        return self.module

    def interactive(self, args: list[str]) -> bool:
        """Whether these arguments start it at its own prompt (until quit) rather than
        for one command."""
        check = getattr(self.code(), "interactive", None)
        return self.prompt is not None and (check is None or check(args))

    def secret_args(self, args: list[str]) -> set[int]:
        check = getattr(self.code(), "secret_args", None)
        return check(args) if check else set()

    def secret_environment(self) -> tuple[str, ...]:
        return tuple(getattr(self.code(), "SECRET_ENVIRONMENT", ()))

    @property
    def commands(self):
        """The command table of the lines typed at its prompt, or None."""
        return getattr(self.code(), "commands", None)


PROGRAMS: dict[str, Program] = {program.name: program for program in (
    Program("cloudhsm_mgmt_util", "hsmshell.shells.cmu", "cloudhsm_mgmt_util [CONFIG_FILE]",
            "the aws-cloudhsm> shell, until quit", prompt=r"aws-cloudhsm>|server ?\d*>", short="cmu"),
    Program("key_mgmt_util", "hsmshell.shells.kmu", "key_mgmt_util",
            "the Command: shell, until exit\n"
            "key_mgmt_util singlecmd loginHSM -u CU -s <user> -p <password> <command> ...\n"
            "    log in, run one command; the login ends with it (no logoutHSM)", prompt=r"Command: {0,2}", short="kmu"),
    Program("configure", "hsmshell.commands.configure", "configure -a <HSM IP> | --cmu <HSM IP> | -m",
            "point the tools at a cluster's HSMs"),
    Program("cloudhsm-cli", "hsmshell.shells.cli", "cloudhsm-cli interactive | <command> ...",
            "the CloudHSM CLI (Client SDK 5): aws-cloudhsm > , JSON", prompt=r"aws-cloudhsm > ?", short="cli"),
    Program("configure-cli", "hsmshell.shells.cli.configure", "configure-cli -a <HSM IP> | add-cluster ...",
            "point the CloudHSM CLI at a cluster's HSMs"),
    Program("aws", "hsmshell.aws.cli", "aws kms ...", "the AWS CLI against the simulated KMS"),
    Program("hsmshell", "hsmshell.cli", "hsmshell world show | clock ...", "the practice range's own commands"),
)}


class Terminal:
    """Where programs run: a world, a console, an environment.

    `store` is None for a person's own terminal, where each program opens the world its
    `--world` option or HSMSHELL_WORLD names; a tab, a transcript and a lab have a world of
    their own, and a program's `--world` there is ignored.  `kind` tells programs what
    cannot run here: "terminal" (a person's, a console script's), "tab" (the TUI's) or
    "transcript" (a replay or a lab: nobody at the keyboard)."""

    kind = "terminal"
    aws_cli: int | None = None  # the AWS CLI's major version here, when not the world's (a transcript's header)

    def __init__(self, store=None, console=None, environ: dict[str, str] | None = None,
                 folder: Path | None = None, err=None, readable: tuple[Path, ...] = ()):
        self.store = store
        self.console = console
        self._err = err
        # Where the programs' files are: None, the current directory; else confined to this
        # folder, and `readable` besides for reading (hsmshell/files.py).
        self.folder, self.readable = folder, readable
        # Shared, not copied: `export NAME=value` holds for the lines after it.
        self.environ = dict(os.environ) if environ is None else environ

    program: Program | None = None  # the one running now

    def console_for(self, toolbar: Callable[[], str] | None = None):
        """The console the running program talks through at its prompt (a person's terminal
        gives each interactive program line editing of its own)."""
        return self.console

    def world(self):
        """The store the running program works on."""
        if self.store is not None:
            return self.store
        from .services import open_store

        return open_store(self.environ.get("HSMSHELL_WORLD"), notify=lambda text: self.err.write(f"hsmshell: {text}\n"))

    @property
    def err(self):
        """Where a program's errors go (a process's stderr; elsewhere with its output)."""
        return self._err or self.console

    def not_found(self, name: str) -> None:
        self.err.write(f"{name}: command not found\n")

    def entered(self, program: Program) -> None:
        """An interactive program reached its prompt; `left` when it ends."""

    def left(self, program: Program) -> None:
        pass


# -- reading a `$` line ----------------------------------------------------------------------

class Invocation(msgspec.Struct):
    program: Program | None  # None: nothing this host runs
    name: str  # the program's name as typed, without its folder, `sudo` or `.exe`
    args: list[str]
    environ: dict[str, str]  # NAME=value words before it
    world: str | None = None  # the --world option, taken out of args


def words_of(line: str) -> list[str]:
    """A `$` line's words, as a POSIX shell splits them (comments dropped); a line it cannot
    split (an open quote) splits at blanks."""
    try:
        return shlex.split(line, comments=True)
    except ValueError:
        return line.split()


def resolve(words: list[str]) -> Invocation | None:
    """Which program a `$` line's words run: `sudo`, a folder (`/opt/cloudhsm/bin/`) and
    `.exe` reach the same program; `NAME=value` words before it set its environment."""
    words = list(words)
    environ = {}
    while words and (words[0] == "sudo" or ASSIGNMENT.match(words[0])):
        word = words.pop(0)
        if word != "sudo":
            name, _, value = word.partition("=")
            environ[name] = value
    if not words:
        return None
    name = PurePath(words[0]).name.removesuffix(".exe")
    args, world = _without_world_option(words[1:]) if name in PROGRAMS else (words[1:], None)
    return Invocation(PROGRAMS.get(name), name, args, environ, world)


def _without_world_option(args: list[str]) -> tuple[list[str], str | None]:
    rest, world, i = [], None, 0
    while i < len(args):
        if args[i] == WORLD_OPTION and i + 1 < len(args):
            world, i = args[i + 1], i + 2
            continue
        if args[i].startswith(WORLD_OPTION + "="):
            world = args[i].split("=", 1)[1]
        else:
            rest.append(args[i])
        i += 1
    return rest, world


def run(line: str, terminal: Terminal) -> int | None:
    """Run a `$` line on the terminal; its exit status, or None for a blank line."""
    return run_words(words_of(line), terminal)


def run_words(words: list[str], terminal: Terminal) -> int | None:
    if words and words[0] == "export":  # `export NAME=value ...`: for the programs after it
        for word in words[1:]:
            name, eq, value = word.partition("=")
            if eq:
                terminal.environ[name] = value
        return 0
    called = resolve(words)
    if called is None:
        return None
    if called.program is None:
        terminal.not_found(called.name)
        return 127
    saved = terminal.environ
    terminal.environ = {**saved, **called.environ}
    if terminal.store is None and called.world is not None:
        terminal.environ["HSMSHELL_WORLD"] = called.world
    terminal.program = called.program
    interactive = called.program.interactive(called.args)
    if interactive:
        terminal.entered(called.program)
    try:
        with files.confined(terminal.folder, terminal.readable):
            return called.program.code().start(terminal, called.args) or 0
    finally:
        terminal.environ, terminal.program = saved, None
        if interactive:
            terminal.left(called.program)


# -- secrets -----------------------------------------------------------------------------------

SPACES = re.compile(r"(\s+)")


def secret_words(words: list[str], program: Program | None = None) -> set[int]:
    """Which words of a line are secrets: of a `$` line (program None), or of a line typed
    at `program`'s prompt."""
    if program is not None:
        table = program.commands
        return set(table.secret_words(words)) if table is not None and words else set()
    secret_names = {name for p in PROGRAMS.values() for name in p.secret_environment()}
    called_at = 0
    out = set()
    for i, word in enumerate(words):
        if word == "sudo" or ASSIGNMENT.match(word):
            name = word.partition("=")[0]
            if name in secret_names:
                out.add(i)
            called_at = i + 1
            continue
        break
    if words and words[0] == "export":
        out |= {i for i, word in enumerate(words[1:], 1) if word.partition("=")[0] in secret_names}
        return out
    called = resolve(words)
    if called is None or called.program is None:
        return out
    # the program's own args, numbered as they stand in the line (the --world option aside)
    places = [i for i in range(called_at + 1, len(words))
              if not _is_world_option(words, i, called_at + 1)]
    out |= {places[i] for i in called.program.secret_args(called.args) if i < len(places)}
    return out


def _is_world_option(words: list[str], i: int, first: int) -> bool:
    return (words[i] == WORLD_OPTION or words[i].startswith(WORLD_OPTION + "=")
            or (i > first and words[i - 1] == WORLD_OPTION))


def mask(line: str, masked: Callable[[str], str], program: Program | None = None) -> str:
    """The line with each secret replaced by `masked(secret)`, blanks kept as typed.  A
    `NAME=value` secret keeps its name."""
    parts = SPACES.split(line)  # words at even places, the blanks between them at odd ones
    first = 2 if parts[0] == "" and len(parts) > 1 else 0
    words = [w for w in parts[first::2] if w]
    for at in secret_words(words, program):
        word = parts[first + 2 * at]
        name, eq, value = word.partition("=")
        if eq and (ASSIGNMENT.match(word) or word.startswith("-")):
            parts[first + 2 * at] = f"{name}={masked(value)}"
        else:
            parts[first + 2 * at] = masked(word)
    return "".join(parts)


def carries_secret(line: str, program: Program | None = None) -> bool:
    """Whether a line may not be kept in a history."""
    words = line.split() if program is not None else words_of(line)
    return bool(secret_words(words, program))


# -- completion --------------------------------------------------------------------------------

BUILTINS = ("export",)


def complete(text: str, program: Program | None = None, world=None) -> tuple[int, list[str]]:
    """What may complete the word before the cursor (`text` is the line up to it): the
    length of that word and the candidates, in order."""
    words = text.split()
    current = "" if not words or text[-1:].isspace() else words.pop()
    return len(current), complete_words(words, current, program, world)


def complete_words(words: list[str], current: str, program: Program | None = None, world=None) -> list[str]:
    """The candidates for the word `current` typed after `words`."""
    if program is not None:
        table = program.commands
        found = table.complete(words, current, world) if table is not None else []
    elif not words:
        found = sorted(PROGRAMS)
    else:
        called = resolve(words)
        if called is None or called.program is None:
            found = []
        else:
            completer = getattr(called.program.code(), "complete_args", None)
            found = completer(called.args, current, world) if completer else []
    return [c for c in found if c.startswith(current)]


# -- console scripts ---------------------------------------------------------------------------

class ProcessTerminal(Terminal):
    """A person's terminal, or a pipe: the process's own stdin, stdout and stderr."""

    def __init__(self):
        from .shells.console import StreamConsole

        super().__init__(console=StreamConsole(), err=StreamConsole(stdout=sys.stderr))

    def console_for(self, toolbar=None):
        from .shells.engine import console_for

        return console_for(self.program.commands, toolbar, self.world())


def main(argv: list[str] | None = None) -> int:
    """A program's console script: `cloudhsm_mgmt_util ...` runs the table's entry named
    by the script's name."""
    import signal

    from .world.store import WorldError

    argv = list(sys.argv if argv is None else argv)
    called = resolve(argv)
    if called is None or called.program is None:
        print(f"hsmshell: no program {PurePath(argv[0]).name} on this host", file=sys.stderr)
        return 127
    # A terminal that closes, or a kill, must still log the tools out of the world.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    try:
        return run_words(argv, ProcessTerminal()) or 0
    except WorldError as exc:
        print(f"{called.program.name}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into a reader that has gone (`| head`)
        quiet_stdout()
        return 1


def script() -> None:
    """The programs' console scripts: main(), then the process ends without the interpreter's
    teardown, which frees every object one by one and cost a single `cloudhsm-cli` command a
    tenth of its instructions (a full hsm2m.medium world is a million objects).  What that
    teardown would do that matters here is done first: the stores' deferred shortcuts are
    written and the output is flushed.  (A signal's exit, a SystemExit, ends as usual.)"""
    status = main()
    from .world import store

    store.write_unwritten()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # output piped into a reader that has gone (`| head`)
        status = status or 1
    os._exit(status)


def quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush cannot
    raise again (the Python documentation's advice for SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def register(program: Program) -> None:
    """Put a program on the host (a test's toy program, say)."""
    PROGRAMS[program.name] = program


def unregister(name: str) -> None:
    PROGRAMS.pop(name, None)


def program(name: str) -> Program:
    """A program by its name or its short name."""
    return PROGRAMS.get(name) or next(p for p in PROGRAMS.values() if p.short == name)


def prompts() -> Iterable[tuple[Program, str]]:
    return ((p, p.prompt) for p in PROGRAMS.values() if p.prompt is not None)


def echo(words: list[str]) -> list[str] | None:
    """The words a `$` line's program prints after its own prompt, as if typed there (key_mgmt_util
    singlecmd's `Command: findKey -l x`): output, not a command."""
    called = resolve(words)
    if called is None or called.program is None:
        return None
    echoes = getattr(called.program.code(), "echo", None)
    return echoes(called.args) if echoes else None
