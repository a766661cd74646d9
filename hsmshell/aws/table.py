"""`--output table`, as aws-cli 1.45.11 draws it (awscli/formatter.py TableFormatter and
awscli/table.py): one section per dict or list of dicts, scalar keys sorted as column headers,
nested values in indented sections below, the whole scaled to the terminal's width (80 when
stdout is not a terminal) and turned vertical when it does not fit.

Colour (`--color on`, or `auto` at a terminal): the CLI's ColorizedStyler paints each row
element bright blue and each indentation bar dim yellow (titles and headers stay plain), and
the `colorama.init(autoreset=True, strip=False)` it calls then follows every write to stdout
and stderr with a reset, and adds one more reset at exit when stdout is a terminal.  The
resets therefore fall where the CLI's writes end: four per line of an indented section
(IndentedStream writes the left bars, the line, the right bars and the newline apart)."""

from __future__ import annotations

import os
import re
import struct
import sys
import unicodedata
from typing import Any, TextIO

COLORS = ("on", "off", "auto")
RESET = "\x1b[0m"  # colorama's Style.RESET_ALL
_ROW_ELEMENT = "\x1b[1m\x1b[34m"  # Style.BRIGHT + Fore.BLUE
_INDENTATION = "\x1b[2m\x1b[33m"  # Style.DIM + Fore.YELLOW
_SGR = re.compile("\x1b\\[[0-9;]*m")


def render(title: str, data: Any, stream: TextIO, colour: bool = False, autoreset: bool = True) -> None:
    """`autoreset`: colorama's reset after each write, as on the CLI's own stdout (not on a
    pager's input, which colorama does not wrap)."""
    table = _Table(colour)
    if table.build(title, data):
        table.render(AutoReset(stream) if colour and autoreset else stream)


def colours(color: str, out: TextIO) -> bool:
    """Whether `--color` colours a table written to `out`: auto only at a terminal."""
    return color == "on" or (color == "auto" and is_a_tty(out))


def is_a_tty(out: TextIO) -> bool:
    try:  # awscli.utils.is_a_tty
        return os.isatty(out.fileno())
    except Exception:  # noqa: BLE001 - no file behind it (a StringIO, a TUI tab): not a terminal
        return False


class AutoReset:
    """A stream as colorama's autoreset wrapper leaves it: a reset after every write."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(text + RESET)


def plain(text: str) -> str:
    """What a person copies from a terminal: the text without its colours."""
    return _SGR.sub("", text)


def _length(text: Any) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in str(text))


def _terminal_width(default: int = 80) -> int:
    try:
        from fcntl import ioctl
        from termios import TIOCGWINSZ

        return struct.unpack("hhhh", ioctl(sys.stdout, TIOCGWINSZ, "\000" * 8))[1]
    except Exception:  # noqa: BLE001 - not a terminal: the CLI's default
        return default


def _center(text: str, length: int, left: str = "|", right: str = "|", text_length: int | None = None) -> str:
    text_length = _length(text) if text_length is None else text_length
    start = (length // 2) - (text_length // 2) - 1
    so_far = _length(left) + start + text_length
    return left + " " * start + text + " " * (length - _length(right) - so_far) + right


def _align_left(text: str, length: int, left: str, right: str, text_length: int) -> str:
    padding = 2 if length - (text_length + 2 + _length(left) + _length(right)) >= 0 else 0
    so_far = len(left) + padding + text_length
    return left + " " * padding + text + " " * (length - so_far - len(right)) + right


class _Section:
    def __init__(self, title: str = "", indent_level: int = 0):
        self.title = title
        self.indent_level = indent_level
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self._columns: int | None = None
        self._widths: list[int] = []

    def add_header(self, headers: list[str]) -> None:
        self._update(headers)
        if self._columns is None:
            self._columns = len(headers)
        self.headers = headers

    def add_row(self, row: list[Any]) -> None:
        if self._columns is None:
            self._columns = len(row)
        row = [str(r) for r in row]
        self.rows.append(row)
        self._update(row)

    def _update(self, row: list[Any]) -> None:
        if not self._widths:
            self._widths = [_length(e) for e in row]
        else:
            for i, element in enumerate(row):
                self._widths[i] = max(_length(element), self._widths[i])

    def column_widths(self, padding: int = 0, max_width: int | None = None) -> list[int]:
        unscaled = [w + padding for w in self._widths]
        if max_width is None or not unscaled:
            return unscaled
        scale = max_width / float(sum(unscaled))
        scaled = [int(round(scale * w)) for w in unscaled]
        off_by = sum(scaled) - max_width
        while off_by != 0:
            order = range(len(scaled)) if off_by > 0 else reversed(range(len(scaled)))
            for i in order:
                if off_by > 0:
                    scaled[i] -= 1
                    off_by -= 1
                else:
                    scaled[i] += 1
                    off_by += 1
                if off_by == 0:
                    break
        return scaled

    def total_width(self, padding: int = 0, outer_padding: int = 0) -> int:
        total = sum(w + padding for w in self.column_widths()) + 2 + 2 * outer_padding
        return max(_length(self.title) + 2 + 2 * outer_padding, total)


class _Table:
    def __init__(self, colour: bool = False):
        self.sections: list[_Section] = []
        self.current: _Section | None = None
        self.colour = colour

    # -- building (TableFormatter) ------------------------------------------------------------

    def new_section(self, title: str, indent_level: int = 0) -> None:
        self.current = _Section(title, indent_level)
        self.sections.append(self.current)

    def build(self, title: str | None, current: Any, indent_level: int = 0) -> bool:
        if not current:
            return False
        if title is not None:
            self.new_section(title, indent_level)
        if isinstance(current, list):
            if isinstance(current[0], dict):
                self._from_list(current, indent_level, title)
            else:
                for item in current:
                    if not isinstance(item, (list, dict)):
                        self.current.add_row([item])
                    elif all(not isinstance(e, (list, dict)) for e in item):
                        self.current.add_row(item)
                    else:
                        self.build(None, item)
        if isinstance(current, dict):
            self._from_dict(current, indent_level)
        return True

    def _from_dict(self, current: dict, indent_level: int) -> None:
        headers, more = _split(current)
        if len(headers) == 1:
            self.current.add_row([headers[0], current[headers[0]]])
        elif headers:
            self.current.add_header(headers)
            self.current.add_row([current[k] for k in headers])
        for key in more:
            self.build(key, current[key], indent_level + 1)

    def _from_list(self, current: list, indent_level: int, title: str | None) -> None:
        headers: set[str] = set()
        more: set[str] = set()
        for item in current:
            h, m = _split(item)
            headers.update(h)
            more.update(m)
        header_list, more_list = sorted(headers), sorted(more)
        self.current.add_header(header_list)
        for n, element in enumerate(current):
            if n and more_list:
                self.new_section(title, indent_level)
                self.current.add_header(header_list)
            self.current.add_row([element.get(h, "") for h in header_list])
            for key in more_list:
                if key in element:
                    self.build(key, element[key], indent_level + 1)

    # -- drawing (MultiTable) -----------------------------------------------------------------

    def render(self, stream: TextIO) -> None:
        width = self._max_width()
        if width > _terminal_width():
            for i, section in enumerate(self.sections):  # too wide: one row turns vertical
                if len(section.rows) == 1 and section.headers:
                    vertical = _Section(section.title, section.indent_level)
                    for header, element in zip(section.headers, section.rows[0]):
                        vertical.add_row([header, element])
                    self.sections[i] = vertical
            width = self._max_width()
        stream.write("-" * width + "\n")
        for section in self.sections:
            self._section(section, width, stream)

    def _max_width(self) -> int:
        return max(s.total_width(padding=4, outer_padding=s.indent_level) for s in self.sections)

    def _style(self, text: str, style: str) -> str:
        return style + text + RESET if self.colour else text

    def _section(self, section: _Section, width: int, stream: TextIO) -> None:
        indent = self._style("|", _INDENTATION) * section.indent_level
        out: list[str] = []
        width -= section.indent_level * 2
        if section.title:
            out.append(_center(section.title, width))
            if not section.headers and not section.rows:
                out.append("+%s+" % ("-" * (width - 2)))
        widths = section.column_widths(padding=4, max_width=width)
        if section.headers:
            out.append(self._line_break(widths))
            out.append("".join(_center(h, w, "|" if i == 0 else "", "|") for i, (w, h) in
                               enumerate(zip(widths, section.headers))))
        if section.rows and widths:
            out.append(self._line_break(widths))
            for row in section.rows:
                out.append("".join(
                    _align_left(self._style(e, _ROW_ELEMENT), w, "|" if i == 0 else "", "|", _length(e))
                    for i, (w, e) in enumerate(zip(widths, row))))
            out.append(self._line_break(widths))
        for line in out:  # in IndentedStream's four writes
            for part in (indent, line, indent, "\n"):
                stream.write(part)

    @staticmethod
    def _line_break(widths: list[int]) -> str:
        return "".join(("+%s+" % ("-" * (w - 2))) if i == 0 else ("%s+" % ("-" * (w - 1)))
                       for i, w in enumerate(widths))


def _split(current: dict) -> tuple[list[str], list[str]]:
    headers = sorted(k for k, v in current.items() if not isinstance(v, (list, dict)))
    more = sorted(k for k, v in current.items() if isinstance(v, (list, dict)))
    return headers, more
