"""The transcript format: a terminal session as people paste it.

    # world: fixtures/default.yaml          header: which world, and optional settings
    # aws-cli: 1                            (`aws` speaks AWS CLI v1; default: the world's)
    # let: password = co12345
    $ aws kms disconnect-custom-key-store --custom-key-store-id cks-1234567890abcdef0
    aws-cloudhsm>loginHSM CO admin <password>
    loginHSM success on server 0(10.0.2.9)
    ...

`$ ` lines are shell commands; a line that begins with a tool's prompt (`aws-cloudhsm>`,
`server0>`, `Command:`) is a command to that tool (except the `Command:` echo that a
`$ key_mgmt_util singlecmd ...` line prints: its output); every other line is expected output
of the command above it.  Answers to a tool's questions stand where a terminal shows them
(`Do you want to continue(y/n)?y`), and are found by the replay when the tool asks.

A Markdown runbook is a transcript too: its fenced blocks whose first line is a command are
the session, in document order, and the header sits in an HTML comment that starts with
`<!-- transcript`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import host

SHELL_PROMPT = "$ "
FROM_ENVIRONMENT = re.compile(r"\$\{([A-Za-z_]\w*)\}")  # `# let: password = ${HSMSHELL_PASSWORD}`
DIRECTIVE = re.compile(r"#?\s*(world|clock|compare|let|password-cost|aws-cli):\s*(.*?)\s*$")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
MARKDOWN_HEADER = "<!-- transcript"


class TranscriptError(Exception):
    """The transcript itself is malformed; the message names the file and line."""


@dataclass
class Header:
    world: str = "default"
    clock: str | None = None  # an ISO time to freeze the clock at
    exact: bool = False
    variables: dict[str, str] = field(default_factory=dict)
    password_cost: int | None = None
    aws_cli: int | None = None  # the AWS CLI's major version `aws` speaks; None: the world's


@dataclass
class Step:
    """One command and the lines it is expected to print.

    `first` is the index (0-based) of the command's line in the file; the expected output is
    lines `first + 1 .. end`.  `indent` is the indentation of the fenced block it sits in,
    which is not part of the session."""

    kind: str  # "shell", or the program at whose prompt the command is typed
    first: int
    end: int
    prompt: str  # as written: "$ ", "aws-cloudhsm>", "Command: " ...
    command: str  # the text after the prompt, as written
    indent: str = ""


@dataclass
class Transcript:
    path: Path
    lines: list[str]  # the file's lines, without line ends
    header: Header
    steps: list[Step]

    def expected(self, step: Step) -> list[str]:
        return [_dedent(line, step.indent) for line in self.lines[step.first + 1:step.end]]


def load(path: str | Path) -> Transcript:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptError(f"{path}: cannot read: {exc}") from None
    return parse(text, path)


def parse(text: str, path: Path) -> Transcript:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line, it does not start another
    if path.suffix.lower() in (".md", ".markdown"):
        header, blocks = _markdown(lines, path)
    else:
        header, start = _plain_header(lines, path)
        blocks = [(list(range(start, len(lines))), "")]
    steps: list[Step] = []
    for numbers, indent in blocks:
        steps.extend(_steps(lines, numbers, indent, path))
    if not steps:
        raise TranscriptError(f"{path}: no session found (no `$ ` line or tool prompt)")
    return Transcript(path, lines, header, steps)


def is_markdown_transcript(text: str) -> bool:
    """Whether a Markdown file declares itself a transcript (outside its code blocks)."""
    fence = None
    for line in text.split("\n"):
        fence = _fence_after(line, fence)
        if fence is None and line.startswith(MARKDOWN_HEADER):
            return True
    return False


def command_line(line: str) -> tuple[str, str, str] | None:
    """(kind, prompt, command) when the line is a command, else None.  Indentation before
    the prompt is ignored, as documentation indents sessions arbitrarily."""
    stripped = line.lstrip()
    if stripped == "$" or stripped.startswith(SHELL_PROMPT):
        return "shell", SHELL_PROMPT, stripped[2:]
    for program, pattern in host.prompts():
        match = re.match(pattern, stripped)
        if match is not None:
            return program.name, match.group(0), stripped[match.end():]
    return None


# -- internals ------------------------------------------------------------------------------

def _steps(lines: list[str], numbers: list[int], indent: str, path: Path) -> list[Step]:
    steps: list[Step] = []
    echo: list[str] | None = None  # a command line the `$` line's program prints as output
    for n in numbers:
        line = _dedent(lines[n], indent)
        found = command_line(line)
        if found is not None and echo is not None and found[2].split() == echo:
            found, echo = None, None  # output of the step above, not a command typed
        if found is None:
            if not steps:
                if line.strip():
                    raise TranscriptError(f"{path}, line {n + 1}: output before any command: {line.strip()!r}")
                continue
            steps[-1].end = n + 1
            continue
        if steps and steps[-1].kind == "shell" and steps[-1].command.endswith("\\") \
                and steps[-1].end == n:
            # a continued shell line; cram writes the continuation after `> `
            steps[-1].command = steps[-1].command[:-1] + line.strip().removeprefix("> ")
            steps[-1].end = n + 1
            continue
        kind, prompt, command = found
        steps.append(Step(kind, n, n + 1, prompt, command, indent))
        echo = host.echo(host.words_of(command)) if kind == "shell" else None
    return steps


def _plain_header(lines: list[str], path: Path) -> tuple[Header, int]:
    header = Header()
    n = 0
    while n < len(lines) and (not lines[n].strip() or lines[n].startswith("#")):
        if lines[n].startswith("#"):
            _directive(header, lines[n], path, n)
        n += 1
    return header, n


def _markdown(lines: list[str], path: Path) -> tuple[Header, list[tuple[list[int], str]]]:
    header = Header()
    blocks: list[tuple[list[int], str]] = []
    fence: str | None = None
    in_header = False
    block: list[int] = []
    indent = ""
    for n, line in enumerate(lines):
        if in_header:
            if line.strip().startswith("-->"):
                in_header = False
            elif line.strip():
                _directive(header, line.strip(), path, n)
            continue
        before = fence
        fence = _fence_after(line, fence)
        if before is None and fence is not None:  # a block opens
            block, indent = [], FENCE.match(line).group(1)
        elif before is not None and fence is None:  # it closes
            first = next((lines[i] for i in block if lines[i].strip()), None)
            if first is not None and command_line(_dedent(first, indent)):
                blocks.append((block, indent))
        elif fence is not None:
            block.append(n)
        elif line.startswith(MARKDOWN_HEADER):
            rest = line[len(MARKDOWN_HEADER):].strip()
            in_header = not rest.endswith("-->")
            rest = rest.removesuffix("-->").strip()
            if rest:
                _directive(header, rest, path, n)
    return header, blocks


def _fence_after(line: str, fence: str | None) -> str | None:
    """The fence open after this line, given the one open before it."""
    match = FENCE.match(line)
    if match is None:
        return fence
    marks = match.group(2)
    if fence is None:
        return marks
    if marks[0] == fence[0] and len(marks) >= len(fence) and not line.strip()[len(marks):].strip():
        return None
    return fence


def _directive(header: Header, line: str, path: Path, n: int) -> None:
    match = DIRECTIVE.fullmatch(line)
    if match is None:
        return  # a comment (documentation examples carry `# source:`, `# notes:` ...)
    key, value = match.groups()
    where = f"{path}, line {n + 1}"
    if key == "world":
        header.world = value
    elif key == "clock":
        header.clock = value
    elif key == "compare":
        if value not in ("exact", "tolerant"):
            raise TranscriptError(f"{where}: compare must be `exact` or `tolerant`, not {value!r}")
        header.exact = value == "exact"
    elif key == "let":
        name, eq, val = value.partition("=")
        if not eq or not name.strip():
            raise TranscriptError(f"{where}: write `let: name = value`")
        val = val.strip()
        secret = FROM_ENVIRONMENT.fullmatch(val)
        if secret:  # a password kept out of the file, as `transcript record` writes it
            val = os.environ.get(secret.group(1))
            if val is None:
                raise TranscriptError(f"{where}: {name.strip()} comes from ${secret.group(1)}, which is not set")
        header.variables[name.strip()] = val
    elif key == "aws-cli":
        if value not in ("1", "2"):
            raise TranscriptError(f"{where}: aws-cli must be 1 or 2 (the AWS CLI's major version)")
        header.aws_cli = int(value)
    elif key == "password-cost":
        if not value.isdigit() or not 1 <= int(value) <= 20:
            raise TranscriptError(f"{where}: password-cost must be an integer from 1 to 20")
        header.password_cost = int(value)


def _dedent(line: str, indent: str) -> str:
    return line[len(indent):] if indent and line.startswith(indent) else line
