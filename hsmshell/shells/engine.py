"""What both shells share: the command table, the read-dispatch loop, and the promise that
no input line ever ends in a Python traceback.

Each command is one small function registered in its tool's table with its usage; the table
drives parsing, completion and `help` alike.  Each command runs its own transaction on the
world, so another process sees its effect as soon as it returns.
"""

from __future__ import annotations

import os
import re
import sys
import uuid
from dataclasses import dataclass
from typing import Callable

from ..cloudhsm.sessions import close_session
from ..world.store import Store, WorldError
from .console import Console, StreamConsole, TerminalConsole


@dataclass
class Command:
    name: str
    run: Callable[["Shell", list[str]], None]
    usage: str
    summary: str
    carries_password: Callable[[list[str]], bool] = lambda args: False


class CommandTable:
    def __init__(self, *, prefixes: bool):
        self.commands: dict[str, Command] = {}
        self.prefixes = prefixes  # cloudhsm_mgmt_util accepts any unambiguous prefix

    def command(self, name: str, usage: str, summary: str,
                carries_password: Callable[[list[str]], bool] | None = None):
        def register(func):
            self.commands[name] = Command(name, func, usage, summary,
                                          carries_password or (lambda args: False))
            return func
        return register

    def resolve(self, word: str) -> Command | None:
        if word in self.commands:
            return self.commands[word]
        if self.prefixes:
            matches = [c for name, c in self.commands.items() if name.startswith(word)]
            if len(matches) == 1:
                return matches[0]
        return None

    def secret_words(self, words: list[str]) -> set[int]:
        """Which words of a line typed at the prompt are secrets (words[0] is the command)."""
        command = self.resolve(words[0]) if words else None
        if command is None or not command.carries_password(words[1:]):
            return set()
        at = words.index("-p") + 1 if "-p" in words else 3
        return {at} if at < len(words) else set()

    def complete(self, words: list[str], current: str, world=None) -> list[str]:
        """Command names for the first word; after it, the flags that command's usage lists."""
        if not words:
            return sorted(self.commands)
        command = self.resolve(words[0])
        return sorted(set(re.findall(r"(?<![\w<-])-\w+", command.usage))) if command else []

    def carries_password(self, line: str) -> bool:
        words = line.split()
        command = self.resolve(words[0]) if words else None
        return bool(command and command.carries_password(words[1:]))


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


def console_for(table: CommandTable, toolbar: Callable[[], str] | None = None) -> Console:
    if sys.stdin.isatty() and sys.stdout.isatty():
        return TerminalConsole(table.commands, table.carries_password, toolbar)
    return StreamConsole()
