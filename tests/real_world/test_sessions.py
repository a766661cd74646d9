"""Sessions people pasted into READMEs and issues, replayed as transcripts (hsmshell/testing:
the same parse, worlds and in-process doors as `hsmshell transcript`).  Authors cut what
they did not care about, often silently (a CAUTION banner, a y/n question), so each
command's pasted lines must appear in its output in order, other lines between them
allowed; `...` marks a cut the author wrote.  Questions the author answered without showing
them are answered `y`, as the session's next lines show they were."""

from __future__ import annotations

import pytest

from hsmshell import host
from hsmshell.testing.doors import Replay, ToolSession
from hsmshell.testing.match import normalise, substitute
from hsmshell.testing.parse import load
from hsmshell.testing.worlds import fresh_world

from .corpus import CORPUS, use_release

ENABLE_E2E = ("enable_e2e answers \"Command not found: enable_e2e. Type 'help' to list the commands.\"; "
              "the session shows 'E2E enabled on server 0(ip)'")
PRECO = ("changePswd PRECO admin leaves admin a PRECO (listUsers '1 PRECO admin', the session '1 CO admin') and "
         "the cluster INITIALIZED, so 'loginHSM CO admin <pw>' fails: 'loginHSM failed: RET_USER_NOT_FOUND'")
XFAIL: dict[str, str] = {}

ANSWERS = ("y",)  # the y/n question a cut session does not show


def cases():
    for path in sorted(CORPUS.glob("*.session")):
        marks = [pytest.mark.xfail(strict=True, reason=XFAIL[path.name])] if path.name in XFAIL else []
        yield pytest.param(path, id=path.name, marks=marks)


@pytest.mark.parametrize("path", cases())
def test_session(path, tmp_path):
    transcript = load(path)
    store = fresh_world(tmp_path / "world", transcript.header.world, base=path.parent)
    use_release(store, path.read_text(encoding="utf-8"))
    (tmp_path / "files").mkdir()
    terminal = Replay(store, None, {}, tmp_path / "files")
    variables = dict(transcript.header.variables)
    tools: dict[str, ToolSession] = {}
    missing = []
    try:
        for step in transcript.steps:
            expected = [substitute(line, variables) for line in transcript.expected(step)]
            output = run(step, substitute(step.command, variables), terminal, tools, expected)
            lost = absent(expected, output.split("\n"))
            if lost:
                missing.append(f"{step.prompt}{step.command}\n  expected, in order: {lost!r}\n  output: {output!r}")
    finally:
        for session in tools.values():
            session.end()
    assert not missing, "\n".join(missing)


def run(step, command: str, terminal, tools, expected) -> str:
    if step.kind == "shell":
        session = ToolSession(host.words_of(command), terminal, expected, ANSWERS)
        if session.alive:
            tools[session.program.name] = session
        return session.banner
    session = tools.get(step.kind)
    if session is None or not session.alive:
        session = tools[step.kind] = ToolSession([step.kind], terminal)
    return session.send(command, expected, ANSWERS)


def absent(expected: list[str], actual: list[str]) -> list[str]:
    """The pasted lines not found in the output, in order (blank lines and `...` aside)."""
    seen = iter(normalise(line) for line in actual)
    return [line for line in expected if line.strip() not in ("", "...")
            and not any(normalise(line) == candidate for candidate in seen)]
