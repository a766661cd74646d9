"""How a console tab folds lines wider than itself, as a terminal would but easier to read.

Prose wraps at spaces, its continuation indented like its first row; a paragraph that was
hard-wrapped wider than the tab flows on.  A table (consecutive
lines with columns: runs of two or more blanks, or `|`/`+` borders) is cut for all its rows at
one column boundary they share, so the part that did not fit stays aligned under its header
(`listUsers`: `MofnPubKey LoginFailureCnt 2FA` on the next row, indented, still in columns).  A table with no such
boundary folds at the width, as a terminal does, which keeps its columns aligned too.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

TABULAR = re.compile(r"\S {2,}\S|^\s*[+|]")
CONTINUED = "  "
TABLE_REACH = 200
MEASURE = 20  # the fewest columns an indented continuation is given before it starts at the edge


def wrap(lines: list[str], width: int, together: list[bool] | None = None) -> list[list[str]]:
    """The rows each line takes at `width` cells.  `together[i]`: lines i and i+1 were printed
    at once, so a paragraph hard-wrapped wider than the tab flows on into its next line instead
    of leaving a scrap (a lab's brief at 80 columns); the line it flows into takes no row."""
    out: list[list[str]] = []
    i = 0
    while i < len(lines):
        if TABULAR.search(lines[i]):
            end = i
            while end < len(lines) and TABULAR.search(lines[end]):
                end += 1
            out += table(lines[i:end], width)
            i = end
            continue
        end = i + 1
        while (together and end < len(lines) and together[end - 1] and len(lines[end - 1]) > width
               and _flowing(lines[end - 1]) and _flowing(lines[end])):
            end += 1
        out.append(prose(" ".join(line.rstrip(" ") for line in lines[i:end]), width))
        out += [[] for _ in range(i + 1, end)]
        i = end
    return out


def _flowing(line: str) -> bool:
    """A line of a paragraph: text from the left edge, not a table's row."""
    return bool(line.strip()) and not line[0].isspace() and not TABULAR.search(line)


def block_start(lines: list[str], i: int) -> int:
    """The first line of the table that line i belongs to (i itself for prose): a line
    added to a table can move where all its rows are cut.  At most TABLE_REACH lines back, so
    a long table printed a row at a time costs each row the same."""
    if i < len(lines) and TABULAR.search(lines[i]):
        reach = max(0, i - TABLE_REACH)
        while i > reach and TABULAR.search(lines[i - 1]):
            i -= 1
    return i


def prose(line: str, width: int) -> list[str]:
    if cell_len(line) != len(line):  # wide characters: cut by cells, as a terminal does
        return _fold(line, width)
    if len(line) <= width:
        return [line]
    indent = len(line) - len(line.lstrip(" "))
    indent = indent if width - indent >= MEASURE else 0
    rows = []
    while len(line) > width:
        start = len(line) - len(line.lstrip(" "))  # never break inside the indent
        cut = line.rfind(" ", start + 1, width + 1)
        if cut <= start:  # one word wider than the tab: fold it
            rows.append(line[:width])
            line = " " * indent + line[width:]
        else:
            rows.append(line[:cut].rstrip(" "))
            line = " " * indent + line[cut:].lstrip(" ")
    rows.append(line)
    return rows


def table(lines: list[str], width: int) -> list[list[str]]:
    rows: list[list[str]] = [[] for _ in lines]
    rest: dict[int, str] = dict(enumerate(lines))
    while any(len(part) > width for part in rest.values()):
        cut = _shared_gap(list(rest.values()), width)
        if cut is None:
            for k, part in rest.items():
                rows[k] += _fold(part, width)
            return rows
        for k, part in list(rest.items()):
            if len(part) <= cut or not part[cut:].strip():
                rows[k].append(part.rstrip(" "))
                del rest[k]
            else:
                rows[k].append(part[:cut].rstrip(" "))
                # Indented, to read as the row's continuation; its blanks kept, so the
                # columns stay aligned with the other rows' continuations.
                rest[k] = CONTINUED + part[cut:]
    for k, part in rest.items():
        rows[k].append(part)
    return rows


def _shared_gap(parts: list[str], width: int) -> int | None:
    """The widest cut at most `width` where every part cut by it has two blanks just before."""
    for cut in range(width, max(width // 3, 8), -1):
        if all(len(part) <= cut or part[cut - 2:cut] == "  " for part in parts):
            return cut
    return None


def _fold(line: str, width: int) -> list[str]:
    """Cut every `width` cells (a wide character is never split)."""
    rows, row, used = [], "", 0
    for char in line:
        size = cell_len(char)
        if used + size > width and row:
            rows.append(row)
            row, used = "", 0
        row += char
        used += size
    rows.append(row)
    return rows
