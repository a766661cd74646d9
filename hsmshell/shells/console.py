"""Where a shell reads its lines and writes its output.

At a terminal the shells read their lines with GNU readline (the standard library's
`readline`), as the real tools' own line input does: the prompt is written literally, once, and
a program driving the shell at a pseudo-terminal (expect, pexpect) sees the bytes the real tool
writes, while a person still has line editing, completion from the command table (names,
flags, choices, users and keys) and a history that never records a password.  With
HSMSHELL_TOOLBAR=1 a person can have prompt_toolkit instead, with a bottom toolbar showing the
login; its cursor-movement escapes are then not the real tool's bytes.  From a pipe or a file
the shells read line by line, so scripts and tests drive them exactly as they would drive the
real tools.  The TUI supplies its own console; the engines only ever talk to this interface.
"""

from __future__ import annotations

import os
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


class _Terminal:
    """What both terminal consoles do alike: write to the terminal, and read a password
    without echo (getpass: the prompt and the newline go to the terminal itself)."""

    interrupted = False  # the last line read was ended by Ctrl-C (it reads as an empty line)

    def write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def read_secret(self, prompt: str) -> str | None:
        try:
            import getpass  # termios: only to read a secret

            return getpass.getpass(prompt)
        except (EOFError, KeyboardInterrupt):
            self.write("\n")
            return None


class ReadlineConsole(_Terminal):
    """GNU readline at a real terminal: what the real tools write, byte for byte, to a program
    that drives them, and line editing, completion and history for a person."""

    def __init__(self, commands: Iterable[str], secret_in: Callable[[str], bool], *,
                 complete: Callable[[list[str], str], list[str]] | None = None):
        import readline

        self._readline = readline
        self._secret_in = secret_in
        self._complete = complete or (lambda words, current: [] if words else
                                      sorted(c for c in commands if c.startswith(current)))
        self._history: list[str] = []  # this console's own: a recording nests consoles
        self._matches: list[str] = []
        if "libedit" in (readline.__doc__ or ""):  # macOS's Python
            readline.parse_and_bind("bind ^I rl_complete")
        else:
            readline.parse_and_bind("tab: complete")
            readline.parse_and_bind("set show-all-if-ambiguous on")  # one tab lists the choices
            # Bracketed paste brackets every prompt in escapes the real tools never write.
            readline.parse_and_bind("set enable-bracketed-paste off")
        readline.set_completer_delims(" \t")
        readline.set_auto_history(False)  # a line joins the history only if it carries no secret

    def read_line(self, prompt: str) -> str | None:
        readline = self._readline
        self.interrupted = False
        readline.clear_history()
        for line in self._history:
            readline.add_history(line)
        readline.set_completer(self._completion)
        try:
            line = input(prompt)
        except EOFError:
            return None
        except KeyboardInterrupt:  # at the tool's prompt, a fresh prompt; a question may cancel
            self.write("\n")
            self.interrupted = True
            return ""
        finally:
            readline.set_completer(None)
        if line.strip() and not self._secret_in(line) and self._history[-1:] != [line]:
            self._history.append(line)
        return line

    def _completion(self, text: str, state: int) -> str | None:
        """readline asks for the candidates one by one; the table gives them all at once."""
        if state == 0:
            readline = self._readline
            words = readline.get_line_buffer()[:readline.get_begidx()].split()
            try:
                self._matches = list(self._complete(words, text))
            except Exception:  # noqa: BLE001 - completing a word must never break the prompt
                self._matches = []
        return self._matches[state] if state < len(self._matches) else None


def terminal_console(commands: Iterable[str], secret_in: Callable[[str], bool],
                     toolbar: Callable[[], str] | None = None, *,
                     complete: Callable[[list[str], str], list[str]] | None = None) -> Console:
    """The console at a real terminal: readline, or prompt_toolkit with its toolbar when the
    person asked for it (HSMSHELL_TOOLBAR=1) and the shell has one."""
    wanted = toolbar is not None and os.environ.get("HSMSHELL_TOOLBAR", "") not in ("", "0")
    try:
        if not wanted:
            return ReadlineConsole(commands, secret_in, complete=complete)
    except ImportError:  # no readline (Windows): prompt_toolkit edits the line instead
        pass
    return TerminalConsole(commands, secret_in, toolbar, complete=complete)


class TerminalConsole(_Terminal):
    """prompt_toolkit at a real terminal, with a bottom toolbar (HSMSHELL_TOOLBAR=1)."""

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

    def read_line(self, prompt: str) -> str | None:
        self.interrupted = False
        try:
            return self._session.prompt(prompt)
        except EOFError:
            return None
        except KeyboardInterrupt:  # at the tool's prompt, a fresh prompt; a question may cancel
            self.interrupted = True
            return ""

