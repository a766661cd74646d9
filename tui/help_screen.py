"""F1: what the keys do and what a tab understands, flowed to the width of the screen."""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from .tab_session import help_rows

# (keys, what they do, whether only the console's tabs have it)
KEYS = [
    ("F1", "this help (Escape closes it)", False),
    ("Ctrl+T", "new console tab: a new terminal, with its own logins", True),
    ("F4", "close the tab (its tools log out)", True),
    ("Ctrl+PageDown", "next tab (Ctrl+PageUp: previous tab)", True),
    ("Ctrl+S", "show or hide the status pane", True),
    ("PageUp, PageDown", "scroll the tab's output (with Shift too)", True),
    ("Home, End", "on an empty line: the oldest, the latest output (Ctrl+A, Ctrl+E move in a line)", True),
    ("Up, Down", "history of this tab (passwords are never kept)", True),
    ("Tab", "complete the word (again: list the choices)", True),
    ("Ctrl+C", "drop the line being typed", True),
    ("Ctrl+D", "end of input on an empty line: the tool quits; at $ the tab closes", True),
    ("Ctrl+Q", "quit", False),
]

LIVE = ("The status pane follows the world file live: changes made in a tab, in other terminals or "
        "through the endpoint appear within a quarter of a second, and what falls due (a connection "
        "finishing) appears when it does.  Users are kept by each HSM: a user marked ≠ differs between "
        "nodes (missing on one, or a password changed while an HSM did not answer).")


def _pairs(rows: list[tuple[str, str]], left: int) -> Table:
    """Two columns; the second wraps under itself, not under the first."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, min_width=left)
    table.add_column(ratio=1)
    for first, second in rows:
        table.add_row(first, second)
    return table


def help_content(with_tabs: bool = True):
    keys = [(key, what) for key, what, tabs_only in KEYS if with_tabs or not tabs_only]
    parts = [Text("Keys", style="bold"), _pairs(keys, 16), Text(), Text(LIVE)]
    if with_tabs:
        parts += [Text(), Text("In a tab", style="bold"), Text("Type what you would type in a terminal:")]
        for usage, summary in help_rows():
            # The usage whole on its line, what it does below it: both read at 80 columns.
            parts += [Padding(Text(usage, style="bold"), (0, 0, 0, 2)), Padding(Text(summary), (0, 0, 0, 6))]
    return Group(*parts)


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, with_tabs: bool = True) -> None:
        super().__init__()
        self.with_tabs = with_tabs

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_content(self.with_tabs))
