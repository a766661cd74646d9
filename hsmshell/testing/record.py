"""Recording: a rehearsal becomes a transcript without retyping it.

`hsmshell transcript record FILE` opens a `$ ` prompt on a fresh world (a copy of a fixture,
its clock frozen so that a replay prints the same times).  At it run any program of the client host (hsmshell/host.py), whose consoles are
the real ones (prompt_toolkit at a terminal); everything they print and everything typed is
written to FILE in transcript form.  `exit` or Ctrl-D at the `$ ` prompt ends the recording.

No password typed reaches the file: at a hidden prompt, or in a word of a line that the
program's declaration calls a secret (`loginHSM CO admin <password>`, key_mgmt_util's `-p`,
`--key-store-password`), it is written as a variable, `<password>`, `<password2>` ..., whose
value the header takes from the environment (`# let: password = ${HSMSHELL_PASSWORD}`): a
replay needs it there, as a CI job keeps its secrets.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

from .. import host
from ..aws.table import plain
from ..shells.console import Console, StreamConsole, terminal_console
from .replay import END_OF_INPUT


class Passwords:
    """The passwords typed so far, each written as the variable it became."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def mask(self, password: str) -> str:
        if password not in self.names:
            self.names[password] = f"password{len(self.names) + 1}".replace("password1", "password")
        return f"<{self.names[password]}>"

    def in_command(self, line: str, program: host.Program | None) -> str:
        """The line with each secret word masked, as a person typed it otherwise: a `$` line
        (program None), or a line typed at the program's prompt."""
        return host.mask(line, self.mask, program)

    def header(self) -> list[str]:
        return [f"# let: {name} = ${{{environment_name(name)}}}\n" for name in self.names.values()]


def environment_name(variable: str) -> str:
    return f"HSMSHELL_{variable.upper()}"


class _Recorder:
    """A program's console that also writes the session down."""

    def __init__(self, inner: Console, sink: list[str], program: host.Program | None, passwords: Passwords):
        self.inner = inner
        self.sink = sink
        self.program = program
        self.passwords = passwords
        self.prompt = re.compile(program.prompt) if program and program.prompt else None

    def write(self, text: str) -> None:
        self.inner.write(text)
        text = plain(text)
        echo = self.prompt.match(text) if self.prompt else None
        if echo:  # a command line the program prints (key_mgmt_util singlecmd's `Command:` echo)
            text = echo.group(0) + self.passwords.in_command(text[echo.end():], self.program)
        self.sink.append(text)

    def flush(self) -> None:
        pass

    def read_line(self, prompt: str) -> str | None:
        line = self.inner.read_line(prompt)
        shown = self.passwords.in_command(line, self.program) if line is not None else None
        return self._typed(prompt, line, shown)

    def read_secret(self, prompt: str) -> str | None:
        line = self.inner.read_secret(prompt)
        return self._typed(prompt, line, self.passwords.mask(line) if line else line)

    def _typed(self, prompt: str, line: str | None, shown: str | None) -> str | None:
        if line is not None:
            self.sink.append(f"{prompt}{shown}\n")
        elif self.prompt and self.prompt.fullmatch(prompt.strip()):
            self.sink.append(f"{prompt}{END_OF_INPUT}\n")
        else:
            self.sink.append(prompt)  # a question left unanswered, as a replay leaves it
        return line


class Recording(host.Terminal):
    """The recording's terminal: a person types, on a world of its own, and what each program
    shows and is typed goes down in the sink."""

    kind = "transcript"  # what a transcript cannot replay cannot be recorded either

    def __init__(self, store, console: Console, sink: list[str], passwords: Passwords, interactive: bool,
                 folder: Path):
        # Files land in a scratch folder, as they will when the recording is replayed.
        super().__init__(store, _Recorder(console, sink, None, passwords), {}, folder)
        self.base, self.sink, self.passwords, self.interactive = console, sink, passwords, interactive

    def console_for(self, toolbar=None):
        from ..shells.engine import console_for

        inner = console_for(self.program.commands, toolbar, self.store) if self.interactive else self.base
        return _Recorder(inner, self.sink, self.program, self.passwords)

    def run(self, line: str) -> None:
        # What the program prints outside its prompt goes through a recorder that knows the
        # program, for the command lines it echoes.
        called = host.resolve(host.words_of(line))
        self.console = _Recorder(self.base, self.sink, called.program if called else None, self.passwords)
        status = host.run(line, self)
        if status:
            self.sink.append(f"[{status}]\n")  # a terminal shows no status; the transcript does


def record(path: str | Path, fixture: str = "default") -> int:
    from .worlds import fresh_world

    path = Path(path)
    frozen = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    sink = [f"# Recorded by `hsmshell transcript record`; replay: hsmshell transcript run {path.name}\n",
            f"# world: {fixture}\n", f"# clock: {frozen}\n"]
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    console = _shell_console() if interactive else StreamConsole()
    commands = 0
    passwords = Passwords()
    with tempfile.TemporaryDirectory(prefix="hsmshell-record-") as folder:
        store = fresh_world(Path(folder), fixture, base=Path.cwd(), frozen_at=frozen)
        scratch = Path(folder) / "files"
        scratch.mkdir(mode=0o700)
        terminal = Recording(store, console, sink, passwords, interactive, scratch)
        while True:
            line = console.read_line("$ ")
            if line is None or line.strip() == "exit":
                if line is None:
                    console.write("\n")
                break
            if not line.strip():
                continue
            commands += 1
            _end_line(sink)
            sink.append(f"$ {passwords.in_command(line, None)}\n")
            terminal.run(line)
    _end_line(sink)
    sink[3:3] = passwords.header()
    path.write_text("".join(sink), encoding="utf-8")
    console.write(f"Recorded {commands} commands to {path}\n")
    if passwords.names:
        names = ", ".join(environment_name(n) for n in passwords.names.values())
        console.write(f"The passwords typed are masked: set {names} to replay it.\n")
    return 0


def _shell_console() -> Console:
    """The `$` prompt at a terminal: the host's programs complete, as a shell completes, and
    no line with a secret stays in its history."""
    return terminal_console([*host.PROGRAMS, "exit"], host.carries_secret,
                            complete=lambda words, current: host.complete_words(words, current))


def _end_line(sink: list[str]) -> None:
    """The next line starts on a line of its own, whatever the last output ended with."""
    if not next((chunk for chunk in reversed(sink) if chunk), "\n").endswith("\n"):
        sink.append("\n")
