"""`hsmshell aws help`, `hsmshell aws SERVICE help`, `hsmshell aws SERVICE COMMAND help`: the
service and command documentation of botocore's models (tools/generate_aws_help.py), as the
AWS CLI v1's help pages lay it out (NAME, DESCRIPTION, SYNOPSIS, OPTIONS, OUTPUT).  The real
CLI renders a man page through groff; this is the same text, plain."""

from __future__ import annotations

import gzip
import html
import json
import re
import textwrap
from functools import cache
from pathlib import Path
from typing import TextIO

WIDTH = 79
INDENT = "       "  # a man page's body margin


def asked(words: list[str]) -> bool:
    """`help` as the last of at most three words (after the global options)."""
    return 1 <= len(words) <= 3 and words[-1] == "help"


def show(words: list[str], out: TextIO) -> None:
    docs = _docs()
    path = words[:-1]
    if not path:
        out.write(_page("aws", "The AWS Command Line Interface is a unified tool to manage your AWS services.",
                        "aws [options] <command> <subcommand> [parameters]",
                        available=("AVAILABLE SERVICES", sorted(docs))))
        return
    service = docs[path[0]]
    if len(path) == 1:
        out.write(_page(path[0], service["documentation"], None,
                        available=("AVAILABLE COMMANDS", sorted(service["commands"]))))
        return
    command = service["commands"][path[1]]
    synopsis = f"{path[1]}\n" + "\n".join(
        f"{'' if required else '['}--{option} <value>{'' if required else ']'}"
        for option, _, required, _ in command["options"])
    out.write(_page(path[1], command["documentation"], synopsis, options=command["options"],
                    output=command["output"]))


def known(words: list[str]) -> bool:
    """Whether the service and command before `help` are ones `hsmshell aws` serves."""
    docs = _docs()
    path = words[:-1]
    return not path or (path[0] in docs and (len(path) == 1 or path[1] in docs[path[0]]["commands"]))


def _page(name: str, documentation: str, synopsis: str | None, *, available=None, options=(), output=()) -> str:
    lines = [f"{name.upper()}()", "", "", "", "NAME", f"{INDENT}{name} -", "", "DESCRIPTION"]
    lines += _text(documentation)
    if synopsis:
        lines += ["", "SYNOPSIS"] + [f"{INDENT}   {line}" for line in synopsis.splitlines()]
    if options:
        lines += ["", "OPTIONS"]
        for option, kind, required, doc in options:
            lines += ["", f"{INDENT}--{option} ({kind})"] + _text(doc, "          ")
            if required:
                lines += [f"{INDENT}   This option is required."]
    if output:
        lines += ["", "OUTPUT"]
        for member, kind, doc in output:
            lines += ["", f"{INDENT}{member} -> ({kind})"] + _text(doc, "          ")
    if available:
        title, names = available
        lines += ["", title] + [f"{INDENT}o {n}" for n in names]
    return "\n".join(lines) + "\n"


def _text(documentation: str, indent: str = INDENT) -> list[str]:
    """The models' HTML as wrapped paragraphs; list items as bullets."""
    text = re.sub(r"<li>\s*", "\n\n* ", documentation)
    text = re.sub(r"</?(p|ul|ol|note|important|para)[^>]*>", "\n\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            bullet = paragraph.startswith("* ")
            lines += [""] + textwrap.wrap(paragraph, WIDTH, initial_indent=indent,
                                          subsequent_indent=indent + ("  " if bullet else ""))
    return lines


@cache
def _docs() -> dict:
    return json.loads(gzip.decompress((Path(__file__).with_name("help.json.gz")).read_bytes()))
