"""Where a shell reads its lines and writes its output.

At a terminal the shells run on prompt_toolkit: line editing, a history that never records a
password, completion from the command table (names, flags, choices, users and keys).  From a pipe or a file they read line by line, so
scripts and tests drive them exactly as they would drive the real tools.  The TUI supplies
its own console; the engines only ever talk to this interface.
"""

from __future__ import annotations

import getpass
import sys
from typing import Callable, Iterable, Protocol


class Console(Protocol):
    def write(self, text: str) -> None: ...

    def read_line(self, prompt: str) -> str | None:
        """The next command line, or None at end of input."""

    def read_secret(self, prompt: str) -> str | None:
        """A password typed without echo, or None at end of input."""


class StreamConsole:
    """Lines from a pipe or file.  Like the real tools reading a pipe, the prompt is written
    but the input is not echoed, since no terminal echoes it; with echo=True the input is
    written back as a terminal would show it (passwords excepted), which makes the output
    read like a terminal session."""

    def __init__(self, stdin=None, stdout=None, *, echo: bool = False):
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.echo = echo

    def write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def read_line(self, prompt: str, *, secret: bool = False) -> str | None:
        self.write(prompt)
        line = self.stdin.readline()
        if not line:
            return None
        line = line.rstrip("\r\n")
        if self.echo:
            self.write("\n" if secret else line + "\n")
        return line

    def read_secret(self, prompt: str) -> str | None:
        return self.read_line(prompt, secret=True)


def _completer(complete: Callable[[list[str], str], list[str]]):
    """The words before the cursor, and the one being typed, go to `complete`."""
    from prompt_toolkit.completion import Completer, Completion

    class TableCompleter(Completer):
        def get_completions(self, document, complete_event):
            text = document.text_before_cursor
            words = text.split()
            current = "" if not words or text[-1:].isspace() else words.pop()
            for choice in complete(words, current):
                yield Completion(choice, start_position=-len(current))

    return TableCompleter()


class TerminalConsole:
    """prompt_toolkit at a real terminal."""

    interrupted = False  # the last line read was ended by Ctrl-C (it reads as an empty line)

    def __init__(self, commands: Iterable[str], secret_in: Callable[[str], bool],
                 toolbar: Callable[[], str] | None = None, *,
                 complete: Callable[[list[str], str], list[str]] | None = None):
        """`complete(words before, word typed)` gives the candidates (a command table's);
        without it the first word completes from `commands`."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.completion import WordCompleter
        from prompt_toolkit.history import InMemoryHistory

        class SecretFreeHistory(InMemoryHistory):
            # A line that carries a password is never stored, so it cannot be recalled.
            def append_string(self, string: str) -> None:
                if not secret_in(string):
                    super().append_string(string)

        self._session = PromptSession(
            history=SecretFreeHistory(),
            completer=_completer(complete) if complete else WordCompleter(sorted(commands), sentence=True),
            complete_while_typing=False,
            bottom_toolbar=toolbar,
        )

    def write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def read_line(self, prompt: str) -> str | None:
        self.interrupted = False
        try:
            return self._session.prompt(prompt)
        except EOFError:
            return None
        except KeyboardInterrupt:  # at the tool's prompt, a fresh prompt; a question may cancel
            self.interrupted = True
            return ""

    def read_secret(self, prompt: str) -> str | None:
        try:
            return getpass.getpass(prompt)
        except (EOFError, KeyboardInterrupt):
            self.write("\n")
            return None
