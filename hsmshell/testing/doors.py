"""The client host's programs, driven in-process the way a terminal drives them.

A session runs one `$` line on the client host (hsmshell/host.py) in a thread of its own,
with a console that hands each command over from the transcript and gives back what the
program printed until it asks for the next one.  The two threads never run at the same time,
so the world's lock and its cache see one command after another, as from one terminal.  A
program that reaches its own prompt (cloudhsm_mgmt_util's `aws-cloudhsm>`) stays running
beside the `$` lines that follow, until it quits; one that does not (`aws ...`) has ended
when the line returns.  Questions a command asks (`Do you want to continue(y/n)?`,
`Enter password:`) are answered from the lines the transcript shows after that command.
"""

from __future__ import annotations

import queue
import re
import threading
from pathlib import Path

from .. import host
from ..aws.table import plain
from ..world.store import Store
from .match import normalise

TIMEOUT = 30.0  # seconds a program may take over one command before the replay gives up


class ToolTimeout(Exception):
    pass


def tool_prompt() -> re.Pattern:
    """Any program's prompt, at the start of a line."""
    return re.compile("|".join(f"(?:{prompt})" for _, prompt in host.prompts()))


class Replay(host.Terminal):
    """A transcript's terminal: its world, its environment (`export`), its folder; nobody at
    the keyboard."""

    kind = "transcript"


class _Console:
    """The program thread's console.  Output is collected for the replay; a prompt for the
    next command hands control back; a question is answered from the expected lines."""

    def __init__(self, session: "ToolSession"):
        self.session = session
        self.answers: list[str] = []  # the expected lines of the command, which show answers
        self.typed: list[str] = []  # answers given as they are, by a Python test

    def write(self, text: str) -> None:
        # `--color on` colours even a pipe; a transcript holds what is copied from a
        # terminal, which leaves the colours behind, so replays compare plain text.
        self.session.output.append(plain(text))

    def flush(self) -> None:
        pass

    def read_line(self, prompt: str) -> str | None:
        if self.session.at_prompt(prompt):
            return self.session.next_command(prompt)
        answer = self._answer(prompt)
        self.write(prompt + ("" if answer is None else answer + "\n"))
        return answer

    def read_secret(self, prompt: str) -> str | None:
        # Written after its prompt, as the transcript writes it: replaying must type it again.
        return self.read_line(prompt)

    def _answer(self, prompt: str) -> str | None:
        """The rest of the next expected line that shows this prompt; None (end of input, as
        from a pipe) when the transcript shows none."""
        asked = normalise(prompt)
        for i, line in enumerate(self.answers):
            seen = normalise(line)
            if seen.startswith(asked):
                del self.answers[:i + 1]
                return seen[len(asked):].strip()
        return self.typed.pop(0) if self.typed else None


class ToolSession:
    """One `$` line running on a terminal of the transcript's."""

    def __init__(self, words: list[str], terminal: Replay, answers: list[str] = (),
                 typed: tuple[str, ...] = ()):
        called = host.resolve(words)
        self.program = called.program if called else None
        self.console = _Console(self)
        self.console.answers, self.console.typed = list(answers), list(typed)
        self.terminal = Replay(terminal.store, self.console, terminal.environ, terminal.folder,
                               readable=terminal.readable)
        self.terminal.aws_cli = terminal.aws_cli
        self.output: list[str] = []
        self.prompt: str | None = None  # the prompt it shows now; None once it ended
        self.status: int | None = None
        self._inbox: queue.Queue = queue.Queue()
        self._outbox: queue.Queue = queue.Queue()
        self._own_prompt = re.compile(self.program.prompt) if self.program and self.program.prompt else None
        self._thread = threading.Thread(target=self._main, args=(words,), daemon=True,
                                        name=f"transcript-{called.name if called else ''}")
        self._thread.start()
        self.banner = self._wait()

    @property
    def alive(self) -> bool:
        return self.prompt is not None

    def at_prompt(self, prompt: str) -> bool:
        return self._own_prompt is not None and self._own_prompt.fullmatch(prompt.strip()) is not None

    def send(self, line: str | None, answers: list[str] = (), typed: tuple[str, ...] = ()) -> str:
        """Type a command (None: end of input) and return what the program printed for it."""
        if not self.alive:
            return ""
        self.console.answers, self.console.typed = list(answers), list(typed)
        self._inbox.put(line)
        return self._wait()

    def end(self) -> str:
        return self.send(None)

    # -- the program's thread ---------------------------------------------------------------

    def _main(self, words: list[str]) -> None:
        try:
            status = host.run_words(words, self.terminal)
        except BaseException as exc:  # noqa: BLE001 - reported as output, never a hang
            self.output.append(f"hsmshell: internal error: {type(exc).__name__}: {exc}\n")
            status = 1
        self._outbox.put(("ended", status or 0))

    def next_command(self, prompt: str) -> str | None:
        self._outbox.put(("prompt", prompt))
        return self._inbox.get()

    def _wait(self) -> str:
        try:
            kind, value = self._outbox.get(timeout=TIMEOUT)
        except queue.Empty:
            name = self.program.name if self.program else "the command"
            raise ToolTimeout(f"{name} did not finish a command within {TIMEOUT:.0f} s") from None
        text = "".join(self.output)
        self.output.clear()
        if kind == "ended":
            self.prompt, self.status = None, value
        else:
            self.prompt = value
        return text


def run_line(line: str, terminal: Replay, answers: list[str] = ()) -> tuple[int, str, ToolSession]:
    """Run a `$` line: its status (0 while it runs on at its prompt), what it printed, and its
    session (alive when it stays at its prompt)."""
    session = ToolSession(host.words_of(line), terminal, answers)
    status = 0 if session.alive else session.status
    if session.program is None and session.status is None:
        status = 0
    return status, session.banner, session


class ToolDoor:
    """A program for Python tests: `cmu("listUsers")` runs the line and returns its output;
    answers to its questions follow the line: `cmu("changePswd CU kmsuser pw12345", "y")`.
    The program starts on first use (its banner is in `.banner`) and again after it quits."""

    def __init__(self, name: str, store: Store, args: list[str] | None = None):
        self.program = host.program(name)
        self.words = [self.program.name, *(args or [])]
        self.terminal = Replay(store, None, {})
        self.session: ToolSession | None = None
        self.banner = ""

    def __call__(self, line: str, *answers: str) -> str:
        if self.session is None or not self.session.alive:
            self.session = ToolSession(self.words, self.terminal)
            self.banner = self.session.banner
        return self.session.send(line, typed=answers)

    def close(self) -> str:
        """End the program's input (as Ctrl-D does) and return what it printed."""
        return self.session.end() if self.session else ""


class AwsDoor:
    """`aws("kms describe-key --key-id alias/x")` (or the words apart) returns what the AWS
    CLI prints, stdout and stderr together; `.status` is its exit status."""

    def __init__(self, store: Store, folder: Path | None = None):
        self.terminal = Replay(store, None, {}, folder)
        self.status = 0

    def __call__(self, *words: str) -> str:
        argv = host.words_of(words[0]) if len(words) == 1 else list(words)
        session = ToolSession(["aws", *argv], self.terminal)
        self.status = session.status or 0
        return session.banner
