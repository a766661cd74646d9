"""Replaying a transcript: one fresh world per file, every command in-process, and the
output compared command by command.

A tool prompt met while that tool is not running starts it without checking its banner,
which is how documentation sessions begin; `$ cloudhsm_mgmt_util ...` starts it with its
banner checked.  Each tool keeps running, as in a terminal of its own, until it quits or
the transcript ends, so `$ aws ...` lines between its commands see what it holds (a
`kmsuser` left logged in makes the reconnect fail, as it would for real).  `<prompt>^D`
ends a tool's input as Ctrl-D does.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..host import resolve, words_of
from ..world.store import WorldError
from .doors import Replay, ToolSession, ToolTimeout
from .match import compare, normalise, substitute, unified_diff
from .parse import Step, Transcript, TranscriptError, load

END_OF_INPUT = "^D"


@dataclass
class Result:
    path: Path
    ok: bool
    lines: list[str]  # the file as it would read with the actual output
    diff: str = ""
    error: str | None = None
    variables: dict[str, str] = field(default_factory=dict)  # the captures, for what comes next

    def report(self) -> str:
        if self.error:
            return self.error + "\n"
        return self.diff


def run_file(path: str | Path) -> Result:
    try:
        transcript = load(path)
    except TranscriptError as exc:
        return Result(Path(path), False, [], error=str(exc))
    return replay(transcript)


def replay(transcript: Transcript, store=None, variables: dict[str, str] | None = None,
           readable: tuple[Path, ...] = ()) -> Result:
    """Replay against a fresh world made from the header, or against `store` (a lab's world,
    whose header `world:` line is then ignored).  The programs' files are confined to a
    scratch folder of the replay's own, and `readable` (a lab's folder) besides for reading
    (hsmshell/files.py): a transcript someone hands you touches no other file."""
    header = transcript.header
    variables = {**header.variables, **(variables or {})}
    edits: list[tuple[int, int, list[str]]] = []
    with tempfile.TemporaryDirectory(prefix="hsmshell-transcript-") as folder:
        try:
            store = store or _world(transcript, Path(folder))
        except (WorldError, ValueError) as exc:
            return Result(transcript.path, False, transcript.lines, error=f"{transcript.path}: {exc}")
        tools: dict[str, ToolSession] = {}  # by program: those running at their prompts
        scratch = Path(folder) / "files"
        scratch.mkdir(mode=0o700)
        terminal = Replay(store, None, {}, scratch, readable=readable)
        terminal.aws_cli = header.aws_cli
        try:
            for step in transcript.steps:
                command_line, output = _run(step, terminal, tools, variables, transcript.expected(step),
                                             header.exact)
                lines = output.split("\n")
                if lines[-1] == "":
                    lines.pop()
                result = compare(transcript.expected(step), lines, variables, exact=header.exact)
                variables.update(result.captures)
                if command_line is not None:
                    edits.append((step.first, step.first + 1, [step.indent + command_line]))
                if not result.ok:
                    edits.append((step.first + 1, step.end, [step.indent + l for l in result.lines]))
        except ToolTimeout as exc:
            return Result(transcript.path, False, transcript.lines,
                          error=f"{transcript.path}, line {step.first + 1}: {exc}")
        finally:
            for session in tools.values():
                session.end()
    updated = list(transcript.lines)
    for first, end, lines in sorted(edits, reverse=True):
        updated[first:end] = lines
    if updated == transcript.lines:
        return Result(transcript.path, True, updated, variables=variables)
    return Result(transcript.path, False, updated, unified_diff(transcript.lines, updated, str(transcript.path)),
                  variables=variables)


def update(result: Result) -> None:
    """Write the actual output into the transcript, in place."""
    result.path.write_text("".join(line + "\n" for line in result.lines), encoding="utf-8")


def _world(transcript: Transcript, folder: Path):
    from .worlds import fresh_world

    header = transcript.header
    return fresh_world(folder, header.world, base=transcript.path.parent,
                       password_cost=header.password_cost, frozen_at=header.clock)


def _run(step: Step, terminal: Replay, tools: dict[str, ToolSession], variables: dict[str, str],
         expected: list[str], exact: bool) -> tuple[str | None, str]:
    """Run one step: (the command line when the program showed another prompt, the output)."""
    command = substitute(step.command, variables)
    answers = [substitute(line, variables) for line in expected]
    if step.kind == "shell":
        words = words_of(command)
        called = resolve(words)
        if called and called.program and called.program.interactive(called.args) and called.name in tools:
            tools.pop(called.name).end()  # a new one replaces the old one, as if its input ended
        session = ToolSession(words, terminal, answers)
        if session.alive:  # at its own prompt: it takes the lines typed there from now on
            tools[session.program.name] = session
        status = 0 if session.alive else session.status
        return None, session.banner + (f"[{status}]\n" if status else "")
    session = tools.get(step.kind)
    if session is None or not session.alive:
        session = tools[step.kind] = ToolSession([step.kind], terminal)
        if not session.alive:  # it stopped before its prompt (key_mgmt_util with no HSM to reach)
            return None, session.banner
    shown = session.prompt
    output = session.send(None if command.strip() == END_OF_INPUT else command, answers)
    same = shown == step.prompt if exact else normalise(shown) == normalise(step.prompt)
    return (None if same else shown + step.command), output
