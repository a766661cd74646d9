"""How expected lines meet actual output.

By default the comparison has the tolerance of cloudhsm-shells-spec §0.3, because the
documentation indents its sessions arbitrarily: tabs expanded, leading and trailing blanks
ignored, blank lines ignored, the spacing after a prompt ignored, and the `Node id` lines of
a key_mgmt_util status block compared in any order.  `compare: exact` compares byte for byte.

An expected line may end in a matcher, as in cram and prysk: ` (re)` (a Python regular
expression matching the whole line), ` (glob)` (`*` and `?`, `\\` escapes) or ` (esc)`
(backslash escapes for what a file cannot show).  A named group of a regular expression,
`(?P<key_handle>\\d+)`, captures the value for later lines and commands, where `<key_handle>`
stands for it.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

from .. import host

QUESTION = re.compile(r"(Do you want to continue\(y/n\)\?|Enter password:|Retry/Ignore/Abort\?\(R/I/A\):"
                      r"|Retry/rollBack/Ignore\?\(R/B/I\):)")
NODE_LINE = re.compile(r"Node id \d+ and err state ")
VARIABLE = re.compile(r"(?<!\?P)<([A-Za-z_][\w .-]*)>")
MATCHERS = (" (re)", " (glob)", " (esc)")


def substitute(text: str, variables: dict[str, str], quote=lambda value: value) -> str:
    """`<name>` becomes the variable's value; names not defined stay as written, since
    documentation uses the same brackets for placeholders it leaves to the reader."""
    return VARIABLE.sub(lambda m: quote(variables[m.group(1)]) if m.group(1) in variables
                        else m.group(0), text)


def normalise(line: str) -> str:
    line = line.expandtabs().strip()
    return _prompt_spacing(tuple(p for _, p in host.prompts())).sub(
        lambda m: m.group(1).rstrip() + " ", line).rstrip()


@functools.lru_cache(maxsize=8)
def _prompt_spacing(prompts: tuple[str, ...]) -> re.Pattern:
    """A program's prompt or a question, and the blanks after it (the host's table can grow)."""
    return re.compile("^(" + "|".join(f"(?:{p})" for p in (*prompts, QUESTION.pattern)) + r")\s*")


@dataclass
class Comparison:
    ok: bool
    lines: list[str]  # the expected lines where they hold, the actual ones where not
    captures: dict[str, str] = field(default_factory=dict)


def compare(expected: list[str], actual: list[str], variables: dict[str, str], *, exact: bool) -> Comparison:
    captures: dict[str, str] = {}
    if exact:
        pairs = list(zip(expected, actual)) if len(expected) == len(actual) else None
    else:
        kept_e = _unordered_nodes([e for e in expected if e.strip()])
        kept_a = _unordered_nodes([a for a in actual if a.strip()])
        pairs = list(zip(kept_e, kept_a)) if len(kept_e) == len(kept_a) else None
    if pairs is not None:
        for e, a in pairs:
            found = match_line(e, a, {**variables, **captures}, exact=exact)
            if found is None:
                break
            captures.update(found)
        else:
            return Comparison(True, list(expected), captures)
    return Comparison(False, _merge(expected, actual, variables, exact), captures)


def match_line(expected: str, actual: str, variables: dict[str, str], *, exact: bool) -> dict | None:
    """The captures when the line matches (an empty dict for a plain match), else None."""
    body, kind = _matcher(expected)
    seen = actual if exact else normalise(actual)
    if kind == "re":
        pattern = substitute(body, variables, re.escape)
        try:
            found = re.fullmatch(pattern if exact else normalise(pattern), seen)
        except re.error:
            return None
        return {k: v for k, v in found.groupdict().items() if v is not None} if found else None
    if kind == "glob":
        pattern = substitute(body, variables, _glob_quote)
        return {} if re.fullmatch(_glob(pattern if exact else normalise(pattern)), seen) else None
    if kind == "esc":
        body = body.encode("latin-1", "backslashreplace").decode("unicode_escape")
    text = substitute(body, variables)
    return {} if (text if exact else normalise(text)) == seen else None


def written(line: str) -> str:
    """An actual output line as a transcript file holds it: escaped when it carries a
    character a file cannot show, or would otherwise read as a matcher."""
    if any(ord(c) < 32 and c != "\t" for c in line) or "\x7f" in line or line.endswith(MATCHERS):
        return "".join("\\\\" if c == "\\" else f"\\x{ord(c):02x}" if (ord(c) < 32 and c != "\t") or c == "\x7f"
                       else c for c in line) + " (esc)"
    return line


def unified_diff(original: list[str], updated: list[str], name: str) -> str:
    return "".join(difflib.unified_diff([l + "\n" for l in original], [l + "\n" for l in updated],
                                        fromfile=name, tofile=f"{name} (actual)"))


# -- internals ------------------------------------------------------------------------------

def _matcher(line: str) -> tuple[str, str | None]:
    stripped = line.rstrip()
    for suffix in MATCHERS:
        if stripped.endswith(suffix):
            return stripped[:-len(suffix)], suffix[2:-1]
    return line, None


def _glob(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return "".join(out)


def _glob_quote(value: str) -> str:
    return re.sub(r"([*?\\])", r"\\\1", value)


def _unordered_nodes(lines: list[str]) -> list[str]:
    """Runs of plain `Node id` lines sorted, so that their order does not count."""
    out, run = [], []
    for line in lines + [""]:
        if NODE_LINE.match(normalise(line)) and _matcher(line)[1] is None:
            run.append(line)
            continue
        out.extend(sorted(run, key=normalise))
        run = []
        out.append(line)
    return out[:-1]


def _merge(expected: list[str], actual: list[str], variables: dict[str, str], exact: bool) -> list[str]:
    """The actual lines, except that a line an expected one matches keeps the expected
    text (its matcher, its documentation indentation), which keeps a diff to what differs."""
    keys_e = [e if exact else normalise(_matcher(e)[0]) for e in expected]
    keys_a = [a if exact else normalise(a) for a in actual]
    out: list[str] = []
    for op, e1, e2, a1, a2 in difflib.SequenceMatcher(None, keys_e, keys_a, autojunk=False).get_opcodes():
        if op == "equal" or (op == "replace" and e2 - e1 == a2 - a1):
            for e, a in zip(expected[e1:e2], actual[a1:a2]):
                out.append(e if match_line(e, a, variables, exact=exact) is not None else written(a))
        elif not exact and not any(keys_e[e1:e2]) and not any(keys_a[a1:a2]):
            out.extend(expected[e1:e2])  # blank lines do not count here: keep the file's
        else:
            out.extend(written(a) for a in actual[a1:a2])
    return out
