"""F1: what the keys do and what a tab understands."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from .tab_session import help_text

KEYS = """Keys
  F1               this help (Escape closes it)
  Ctrl+T           new console tab: a new terminal, with its own logins
  F4               close the tab (its tools log out)
  Ctrl+D           end of input on an empty line: the tool quits; at $ the tab closes
  Ctrl+PageDown    next tab        Ctrl+PageUp   previous tab
  Ctrl+S           show or hide the status pane
  Up / Down        history of this tab (passwords are never kept)
  Tab              complete the word (again: list the choices)
  Ctrl+Q           quit

The status pane follows the world file live: changes made here, in other terminals or through
the endpoint appear within a quarter of a second, and what falls due (a connection finishing)
appears when it does.  Users are kept by each HSM: a user marked ≠ differs between nodes
(missing on one, or a password changed while an HSM did not answer).

In a tab
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(KEYS + help_text(), markup=False)
