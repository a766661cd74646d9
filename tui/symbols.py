"""Each state has a colour and a symbol, so it reads without colour too."""

from __future__ import annotations

from rich.text import Text

CONNECTION = {
    "CONNECTED": ("●", "green"),
    "CONNECTING": ("◐", "yellow"),
    "DISCONNECTING": ("◑", "yellow"),
    "DISCONNECTED": ("○", "grey62"),
    "FAILED": ("✖", "bold red"),
}
KEY = {
    "Enabled": ("✔", "green"),
    "Disabled": ("‖", "yellow"),
    "Unavailable": ("✖", "red"),
    "PendingDeletion": ("⌛", "magenta"),
}
ACTIVE = {"ACTIVE": ("✔", "green")}


def badge(table: dict, state: str) -> Text:
    symbol, style = table.get(state, ("◌", "yellow"))
    return Text(f"{symbol} {state}", style=style)
