"""Documentation examples the shells are checked against (copied from the reference set in
shared/reference/doc-examples, headers and all, so this suite runs from a bare clone)."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent / "doc_examples"


def doc_body(name: str) -> str:
    text = next(EXAMPLES.glob(f"{name}*.txt")).read_text()
    return text.split("# ---\n", 1)[1]


def chunk(output: str, prompt: str, command: str) -> str:
    """The part of an echoed session from `<prompt><command>` to the next prompt."""
    start = output.index(prompt + command)
    end = output.find("\n" + prompt, start + 1)
    return output[start:end if end != -1 else len(output)]


def normalise(text: str) -> list[str]:
    """The spec's tolerance (cloudhsm-shells-spec §0.3): tabs expanded, leading and trailing
    blanks stripped, blank lines and the spacing after the prompt ignored."""
    out = []
    for line in text.splitlines():
        line = line.expandtabs().strip()
        for prompt in ("aws-cloudhsm>", "Command:"):
            if line.startswith(prompt):
                line = prompt + " " + line[len(prompt):].strip()
        if line:
            out.append(line)
    return out


@pytest.fixture
def doc():
    return doc_body
