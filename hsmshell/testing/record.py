"""Recording: a rehearsal becomes a transcript without retyping it.

`hsmshell transcript record FILE` opens a `$ ` prompt on a fresh world (a copy of a fixture,
its clock frozen so that a replay prints the same times).  At it run `aws ...`,
`hsmshell ...`, `cloudhsm_mgmt_util` and `key_mgmt_util`, whose consoles are the real ones
(prompt_toolkit at a terminal); everything they print and everything typed is written to
FILE in transcript form.  A password typed at a hidden prompt is written after its prompt:
replaying has to type it again.  `exit` or Ctrl-D at the `$ ` prompt ends the recording.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from ..shells.console import Console, StreamConsole, TerminalConsole
from .doors import run_command, split, tool_of, without_world_option
from .parse import TOOL_PROMPT
from .replay import END_OF_INPUT

SHELL_COMMANDS = ("aws", "hsmshell", "cloudhsm_mgmt_util", "key_mgmt_util", "exit")


class _Recorder:
    """A tool's console that also writes the session down."""

    def __init__(self, inner: Console, sink: list[str]):
        self.inner = inner
        self.sink = sink

    def write(self, text: str) -> None:
        self.inner.write(text)
        self.sink.append(text)

    def read_line(self, prompt: str) -> str | None:
        return self._typed(prompt, self.inner.read_line(prompt))

    def read_secret(self, prompt: str) -> str | None:
        return self._typed(prompt, self.inner.read_secret(prompt))

    def _typed(self, prompt: str, line: str | None) -> str | None:
        if line is not None:
            self.sink.append(f"{prompt}{line}\n")
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
            sink.append(f"$ {line}\n")
            _run(line, store, console, sink, interactive)
    _end_line(sink)
    path.write_text("".join(sink), encoding="utf-8")
    console.write(f"Recorded {commands} commands to {path}\n")
    return 0


def _run(line: str, store, console: Console, sink: list[str], interactive: bool) -> None:
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
    recorder = _Recorder(inner, sink)
    shell = CloudHsmMgmtUtil(store, recorder, args[0] if args else None) if kind == "cmu" \
        else KeyMgmtUtil(store, recorder)
    status = shell.run()
    if status:
        sink.append(f"[{status}]\n")  # a terminal shows no status; the transcript does


def _end_line(sink: list[str]) -> None:
    """The next line starts on a line of its own, whatever the last output ended with."""
    if not next((chunk for chunk in reversed(sink) if chunk), "\n").endswith("\n"):
        sink.append("\n")
