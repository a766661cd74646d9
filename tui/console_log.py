"""What a console tab printed, shown as a terminal shows it: lines wrap at the tab's width (and
wrap again when it changes), and the view follows new output unless the person scrolled back
to read; a resize or a pane shown or hidden keeps the latest line in view."""

from __future__ import annotations

import re

from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from . import wrap

_CONTROL = re.compile("[\u0000-\u0008\u000b-\u001f\u007f]").sub


class ConsoleLog(ScrollView, can_focus=False):
    """Focus stays on the line being typed, as in a terminal; the keys that scroll are bound
    by the tab."""

    DEFAULT_CSS = """
    ConsoleLog {
        background: $surface;
        color: $text;
        overflow-x: hidden;
        overflow-y: scroll;
    }
    """

    def __init__(self, max_lines: int = 5000, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_lines = max_lines
        self._lines: list[str] = []
        self._together: list[bool] = []  # line i and i+1 came in one write (wrap.wrap)
        self._partial = ""
        self._rows: list[str] = []  # the lines wrapped at `_width`
        self._starts: list[int] = []  # the first row of each line
        self._width = 0
        self.following = True  # at the latest line: new output scrolls into view

    @property
    def lines(self) -> list[str]:
        return self._lines

    @property
    def rows(self) -> list[str]:
        return self._rows

    def write(self, text: str) -> None:
        *complete, self._partial = (self._partial + text).split("\n")
        if not complete:
            return
        first = len(self._lines)
        self._lines += [_CONTROL("\ufffd", line.expandtabs()) for line in complete]
        self._together += [True] * (len(complete) - 1) + [False]
        if len(self._lines) > self.max_lines:
            del self._lines[:len(self._lines) - self.max_lines]
            del self._together[:len(self._together) - self.max_lines]
            first = 0
        self._rewrap(first)

    def clear(self) -> None:
        self._lines.clear()
        self._together.clear()
        self._partial = ""
        self._rewrap(0)

    def scroll_to_latest(self) -> None:
        self.following = True
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    # -- layout ---------------------------------------------------------------------------------

    def _rewrap(self, first: int) -> None:
        """Wrap again from line `first` (from the start of its table, which it may change)."""
        if self._width <= 0:
            return  # not laid out yet: the first resize wraps everything
        start = wrap.block_start(self._lines, first)
        if start < len(self._starts):
            del self._rows[self._starts[start]:]
            del self._starts[start:]
        else:
            start = len(self._starts)
        for rows in wrap.wrap(self._lines[start:], self._width, self._together[start:]):
            self._starts.append(len(self._rows))
            self._rows += rows
        self.virtual_size = Size(self._width, len(self._rows))
        if self.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self._starts.clear()
            self._rows.clear()
            self._rewrap(0)
        if self.following:
            # Shorter now (a pane shown, the terminal shrunk): the latest line stays in view.
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True, x_axis=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Scrolled back (keys, wheel, scrollbar): the view stays where the reader is.
        self.following = new_value >= self.max_scroll_y

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        if row >= len(self._rows):
            return Strip.blank(width, style)
        text = self._rows[row]
        return Strip([Segment(text, style)]).crop_extend(0, width, style)
