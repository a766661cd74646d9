"""What both shells share: the command table, the read-dispatch loop, and the promise that
no input line ever ends in a Python traceback.

Each command is one small function registered in its tool's table with its declared syntax
(cmu/syntax.py, kmu/syntax.py): arguments, flags, their types and choices, usage and help
text, and which words are secrets.  Parsing, usage errors, `help`, completion and the masking
of passwords all derive from that one declaration.  Each command runs its own transaction on
the world, so another process sees its effect as soon as it returns.
"""

from __future__ import annotations

import os
import sys
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

from ..cloudhsm.sessions import close_session
from ..world.store import Store, WorldError
from .console import Console, StreamConsole, terminal_console

if TYPE_CHECKING:
    from ..world.model import World


class Syntax(Protocol):
    """A command's declaration, as each tool reads its arguments."""

    usage: str

    def secrets(self, args: list[str]) -> set[int]:
        """The indices of the arguments that are secrets."""

    def complete(self, args: list[str], current: str, world: "World | None") -> list[str]:
        """Candidates for the word being typed after the arguments `args`."""


@dataclass
class Command:
    name: str
    run: Callable[["Shell", list[str]], object]
    summary: str
    syntax: Syntax

    @property
    def usage(self) -> str:
        return self.syntax.usage


# What the world knows that an argument may name (Arg.known, Flag.known).
USER_NAME, USER_ID, KEY_HANDLE = "user name", "user id", "key handle"


def known_values(world: "World | None", kind: str | tuple | None) -> list[str]:
    """What completion offers for an argument: the world's user names, user ids or key
    handles, or the words its declaration suggests (a tuple)."""
    if isinstance(kind, tuple):
        return list(kind)
    if world is None or kind is None:
        return []
    clusters = world.clusters.values()
    if kind == KEY_HANDLE:
        found = {handle for cluster in clusters for handle in cluster.keys}
    else:
        users = [user for cluster in clusters for hsm in cluster.hsms for user in hsm.users]
        found = {user.name if kind == USER_NAME else user.user_id for user in users}
    return [str(value) for value in sorted(found)]


class CommandTable:
    def __init__(self, *, prefixes: bool):
        self.commands: dict[str, Command] = {}
        self.prefixes = prefixes  # cloudhsm_mgmt_util accepts any unambiguous prefix

    def add(self, command: Command) -> None:
        self.commands[command.name] = command

    def resolve(self, word: str) -> Command | None:
        if word in self.commands:
            return self.commands[word]
        if self.prefixes:
            matches = [c for name, c in self.commands.items() if name.startswith(word)]
            if len(matches) == 1:
                return matches[0]
        return None

    def secret_words(self, words: list[str]) -> set[int]:
        """The indices of the words (words[0] the command word, as the tool resolves it) that
        are secrets: what a history, a transcript or a screen must not keep."""
        command = self.resolve(words[0]) if words else None
        if command is None:
            return set()
        return {1 + i for i in command.syntax.secrets(words[1:])}

    def complete(self, words: list[str], current: str, world: "World | None" = None) -> list[str]:
        """Candidates for the word `current` being typed after `words`: a command name first,
        then what the command's declaration offers (its flags, choices, the world's users
        and keys)."""
        if not words:
            return sorted(name for name in self.commands if name.startswith(current))
        command = self.resolve(words[0])
        if command is None:
            return []
        return command.syntax.complete(words[1:], current, world)


class Shell:
    prompt = ""
    tool = ""
    table: CommandTable
    failed_start_status = 1  # the exit status when the tool stops before its first prompt

    def __init__(self, store: Store, console: Console):
        self.store = store
        self.console = console
        self.session_id = f"{self.tool}-{uuid.uuid4().hex[:12]}"
        self.pid = os.getpid()
        self.done = False

    # -- output helpers -----------------------------------------------------------------------

    def write(self, text: str = "") -> None:
        self.console.write(text)

    def line(self, text: str = "") -> None:
        self.console.write(text + "\n")

    # -- the loop -----------------------------------------------------------------------------

    def start(self) -> bool:
        """Print what the tool prints before its first prompt.  False to stop at once."""
        return True

    def run(self) -> int:
        try:
            if not self.start():
                return self.failed_start_status
            while not self.done:
                line = self.console.read_line(self.prompt)
                if line is None:
                    self.end_of_input()
                    break
                self.dispatch(line)
            return 0
        finally:
            self.close()

    def end_of_input(self) -> None:
        """The input ended without quit/exit (a script's last line, or Ctrl-D)."""
        self.line()

    def dispatch(self, line: str) -> None:
        self.run_words(line.split())

    def run_words(self, words: list[str]):
        """Run one command given as its words (a typed line split at blanks, or a process's
        arguments); returns what the command returned, None when it did not run."""
        if not words:
            return None
        command = self.table.resolve(words[0])
        if command is None:
            self.unknown(words[0])
            return None
        try:
            return command.run(self, words[1:])
        except WorldError as exc:
            self.line(f"hsmshell: {exc}")
        except Exception as exc:  # noqa: BLE001 - no input line may end in a traceback
            self.line(f"hsmshell: internal error in {command.name}: {type(exc).__name__}: {exc}")
        return None

    def unknown(self, word: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Log out whatever this shell left logged in, as the real tools do on exit."""
        try:
            with self.store.transaction() as world:
                close_session(world, self.session_id)
        except (WorldError, OSError):
            pass


def console_for(table: CommandTable, toolbar: Callable[[], str] | None = None,
                store: Store | None = None) -> Console:
    """readline at a terminal (prompt_toolkit with the toolbar on request), completing from the
    table (and the store's world: its users and keys); plain lines from a pipe."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        def complete(words: list[str], current: str) -> list[str]:
            return table.complete(words, current, _world(store))
        return terminal_console(table.commands, lambda line: bool(table.secret_words(line.split())), toolbar,
                                complete=complete)
    return StreamConsole()


def _world(store: Store | None) -> "World | None":
    try:
        return store.read() if store else None
    except Exception:  # noqa: BLE001 - completing a word must never break the prompt
        return None
