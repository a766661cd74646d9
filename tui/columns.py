"""A table of the status pane, laid out at the width the pane gives it.

Identifiers (a key store's name and id, a cluster id, a KMS key id, a user) are what a person
reads off the pane and types back into a tool, so they get their full width before anything
else: other columns first give up their slack, then, only when the pane is too narrow for the
identifiers whole, they are cut in the middle (`1234abcd…567890ab`), keeping both ends that tell
ids apart.  Other columns are cut at the end (`…`) last of all.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

GAP = 2  # blanks between columns
ID_MIN = 9  # an identifier cut shorter than this tells nothing apart
TEXT_MIN = 4


@dataclass(frozen=True)
class Column:
    header: str
    identifier: bool = False
    justify: str = "left"


class Columns:
    def __init__(self, *columns: Column) -> None:
        self.columns = columns
        self.rows: list[list[list[Text]]] = []  # row -> cell -> its lines

    def add_row(self, *cells: str | Text) -> None:
        self.rows.append([(Text(c) if isinstance(c, str) else c).split("\n") for c in cells])

    def _cells(self, i: int) -> int:
        return max((cell_len(line.plain) for row in self.rows for line in row[i]), default=0)

    def widths(self, width: int) -> list[int]:
        natural = [max(self._cells(i), cell_len(c.header)) for i, c in enumerate(self.columns)]
        spare = width - sum(natural) - GAP * (len(natural) - 1)
        if spare >= 0:  # room for everything: the slack goes to the last column
            natural[-1] += spare
            return natural
        widths = natural[:]
        # Shrink in this order until it fits: headers wider than their column's cells, then
        # identifiers (down to ID_MIN), then the other columns (down to TEXT_MIN).
        floors = (
            [self._cells(i) if not c.identifier else natural[i] for i, c in enumerate(self.columns)],
            [min(natural[i], ID_MIN) if c.identifier else widths[i] for i, c in enumerate(self.columns)],
            [min(natural[i], ID_MIN if c.identifier else TEXT_MIN) for i, c in enumerate(self.columns)],
        )
        for floor in floors:
            floor = [min(f, w) for f, w in zip(floor, widths)]
            excess = sum(widths) + GAP * (len(widths) - 1) - width
            while excess > 0 and any(w > f for w, f in zip(widths, floor)):
                # one column at a time from the widest that can give, so shares stay even
                i = max((i for i in range(len(widths)) if widths[i] > floor[i]), key=lambda i: widths[i] - floor[i])
                widths[i] -= 1
                excess -= 1
            if excess <= 0:
                break
        return widths

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        natural = sum(max(self._cells(i), cell_len(c.header)) for i, c in enumerate(self.columns))
        return Measurement(min(natural, options.max_width), natural + GAP * (len(self.columns) - 1))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self.widths(options.max_width)
        header = [[Text(c.header, style="bold")] for c in self.columns]
        lines: list[Text] = []
        for row in [header, *self.rows]:
            for n in range(max(len(cell) for cell in row)):
                parts = [_fit(cell[n] if n < len(cell) else Text(), width, column)
                         for cell, width, column in zip(row, widths, self.columns)]
                line = Text(" " * GAP).join(parts)
                line.rstrip()
                lines.append(line)
        yield Text("\n", no_wrap=True, overflow="crop").join(lines)


def middle(text: Text, width: int) -> Text:
    """`text` cut to `width` cells by taking out its middle: `1234abcd…567890ab`."""
    if cell_len(text.plain) <= width:
        return text
    head = width // 2
    tail = width - 1 - head
    return Text.assemble(text[:head], "…", text[len(text) - tail:] if tail else "")


def _fit(line: Text, width: int, column: Column) -> Text:
    line = line.copy()
    if cell_len(line.plain) > width:
        if column.identifier:
            line = middle(line, width)
        else:
            line.truncate(width, overflow="ellipsis")
    line.align(column.justify, width)
    return line
