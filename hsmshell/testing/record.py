"""Recording: a rehearsal becomes a transcript without retyping it.

`hsmshell transcript record FILE` opens a `$ ` prompt on a fresh world (a copy of a fixture,
its clock frozen so that a replay prints the same times).  At it run `aws ...`,
`hsmshell ...`, `configure ...`, `cloudhsm_mgmt_util` and `key_mgmt_util`, whose consoles are
the real ones (prompt_toolkit at a terminal); everything they print and everything typed is
written to FILE in transcript form.  `exit` or Ctrl-D at the `$ ` prompt ends the recording.

No password typed reaches the file: at a hidden prompt, in a command that carries one
(`loginHSM CO admin <password>`, `changePswd`, `createUser`, key_mgmt_util's `-p`) or in
`--key-store-password`, it is written as a variable, `<password>`, `<password2>` ..., whose
value the header takes from the environment (`# let: password = ${HSMSHELL_PASSWORD}`): a
replay needs it there, as a CI job keeps its secrets.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

from ..aws.cli import PASSWORD_OPTION
from ..shells.console import Console, StreamConsole, TerminalConsole
from .doors import run_command, split, tool_of, without_world_option
from .parse import TOOL_PROMPT
from .replay import END_OF_INPUT

SHELL_COMMANDS = ("aws", "hsmshell", "configure", "cloudhsm_mgmt_util", "key_mgmt_util", "exit")
WORDS = re.compile(r"(\s+)")
ECHO = "Command:"  # key_mgmt_util's echo of the command it runs in single-command mode


class Passwords:
    """The passwords typed so far, each written as the variable it became."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def mask(self, password: str) -> str:
        if password not in self.names:
            self.names[password] = f"password{len(self.names) + 1}".replace("password1", "password")
        return f"<{self.names[password]}>"

    def in_command(self, line: str, kind: str | None) -> str:
        """The line with the word that is a password masked, as a person typed it otherwise."""
        parts = WORDS.split(line)  # words at even places, the blanks between them at odd ones
        first = 2 if parts[0] == "" and len(parts) > 1 else 0  # the line began with blanks
        words = parts[first::2]
        at = _password_word([w for w in words if w], kind)
        if at is not None:
            parts[first + 2 * at] = self.mask(parts[first + 2 * at])
        elif kind is None:  # --key-store-password=VALUE
            for i, word in enumerate(words):
                if word.startswith(PASSWORD_OPTION + "="):
                    parts[first + 2 * i] = PASSWORD_OPTION + "=" + self.mask(word.split("=", 1)[1])
        return "".join(parts)

    def header(self) -> list[str]:
        return [f"# let: {name} = ${{{environment_name(name)}}}\n" for name in self.names.values()]


def environment_name(variable: str) -> str:
    return f"HSMSHELL_{variable.upper()}"


def _password_word(words: list[str], kind: str | None) -> int | None:
    """Where the password stands in a command line of a tool (kind cmu/kmu) or of the shell."""
    if kind is None and tool_of(words) == "kmu":  # key_mgmt_util singlecmd loginHSM ... -p <password> ...
        from ..shells.kmu.singlecmd import password_at

        program = 1 if words[0] == "sudo" else 0
        at = password_at(words[program + 1:])
        at = None if at is None else program + 1 + at
    elif kind is None:
        at = words.index(PASSWORD_OPTION) + 1 if PASSWORD_OPTION in words else None
    else:
        from ..shells.cmu.shell import TABLE as CMU
        from ..shells.kmu.shell import TABLE as KMU

        at = min((KMU if kind == "kmu" else CMU).secret_words(words), default=None)
    return at if at is not None and at < len(words) else None


class _Recorder:
    """A tool's console that also writes the session down."""

    def __init__(self, inner: Console, sink: list[str], kind: str, passwords: Passwords):
        self.inner = inner
        self.sink = sink
        self.kind = kind
        self.passwords = passwords

    def write(self, text: str) -> None:
        self.inner.write(text)
        if self.kind == "kmu" and text.startswith(ECHO):
            # single-command mode echoes a `loginHSM ... -p <password>` that has no command after it
            text = ECHO + self.passwords.in_command(text[len(ECHO):], self.kind)
        self.sink.append(text)

    def read_line(self, prompt: str) -> str | None:
        line = self.inner.read_line(prompt)
        shown = self.passwords.in_command(line, self.kind) if line is not None else None
        return self._typed(prompt, line, shown)

    def read_secret(self, prompt: str) -> str | None:
        line = self.inner.read_secret(prompt)
        return self._typed(prompt, line, self.passwords.mask(line) if line else line)

    def _typed(self, prompt: str, line: str | None, shown: str | None) -> str | None:
        if line is not None:
            self.sink.append(f"{prompt}{shown}\n")
        elif TOOL_PROMPT.fullmatch(prompt.strip()):
            self.sink.append(f"{prompt}{END_OF_INPUT}\n")
        else:
            self.sink.append(prompt)  # a question left unanswered, as a replay leaves it
        return line


def record(path: str | Path, fixture: str = "default") -> int:
    from .worlds import fresh_world

    path = Path(path)
    frozen = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    sink = [f"# Recorded by `hsmshell transcript record`; replay: hsmshell transcript run {path.name}\n",
            f"# world: {fixture}\n", f"# clock: {frozen}\n"]
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    console = TerminalConsole(SHELL_COMMANDS, lambda line: False) if interactive else StreamConsole()
    commands = 0
    passwords = Passwords()
    with tempfile.TemporaryDirectory(prefix="hsmshell-record-") as folder:
        store = fresh_world(Path(folder), fixture, base=Path.cwd(), frozen_at=frozen)
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
            _run(line, store, console, sink, interactive, passwords)
    _end_line(sink)
    sink[3:3] = passwords.header()
    path.write_text("".join(sink), encoding="utf-8")
    console.write(f"Recorded {commands} commands to {path}\n")
    if passwords.names:
        names = ", ".join(environment_name(n) for n in passwords.names.values())
        console.write(f"The passwords typed are masked: set {names} to replay it.\n")
    return 0


def _run(line: str, store, console: Console, sink: list[str], interactive: bool, passwords: Passwords) -> None:
    words = split(line)
    kind = tool_of(words)
    if kind is None:
        status, output = run_command(words, store)
        output += f"[{status}]\n" if status else ""
        console.write(output)
        sink.append(output)
        return
    from ..shells.cmu import CloudHsmMgmtUtil
    from ..shells.engine import console_for
    from ..shells.kmu import KeyMgmtUtil

    args = without_world_option(words[2:] if words[0] == "sudo" else words[1:])
    tool = CloudHsmMgmtUtil if kind == "cmu" else KeyMgmtUtil
    inner = console_for(tool.table) if interactive else console
    recorder = _Recorder(inner, sink, kind, passwords)
    shell = CloudHsmMgmtUtil(store, recorder, args[0] if args else None) if kind == "cmu" \
        else KeyMgmtUtil(store, recorder, args)
    status = shell.run()
    if status:
        sink.append(f"[{status}]\n")  # a terminal shows no status; the transcript does


def _end_line(sink: list[str]) -> None:
    """The next line starts on a line of its own, whatever the last output ended with."""
    if not next((chunk for chunk in reversed(sink) if chunk), "\n").endswith("\n"):
        sink.append("\n")
