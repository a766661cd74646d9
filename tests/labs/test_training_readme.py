"""The instructor's guide (hsmshell/training/README.md) gives commands that hsmshell takes as
written, and names labs and exams that exist."""

from __future__ import annotations

import io
import re
import shlex

from hsmshell.cli import _parser
from hsmshell.labs import definition, exam

GUIDE = (definition.training_folder() / "README.md").read_text(encoding="utf-8")


def commands() -> list[list[str]]:
    lines = re.findall(r"^\s*(hsmshell lab [^#>\n]*)", GUIDE, flags=re.M)
    return [shlex.split(line)[1:] for line in lines]


def test_every_lab_command_in_the_guide_is_one_hsmshell_takes():
    found = commands()
    assert {words[1] for words in found} >= {"start", "check", "hint", "solution", "stop", "report", "exam"}
    parser, _ = _parser(io.StringIO(), io.StringIO())
    for words in found:
        args = parser.parse_args(words)  # a usage error would exit
        if words[1] == "start":
            definition.load(args.name)
        if words[1] == "exam" and args.name:
            exam.load(args.name)


def test_the_course_order_names_labs_that_exist():
    order = GUIDE[GUIDE.index("a sensible order"):GUIDE.index("2. Each trainee")]
    named = re.findall(r"`([a-z-]+)`", order)
    assert len(named) >= 8 and set(named) - {"beginner", "advanced"} <= set(definition.names())
