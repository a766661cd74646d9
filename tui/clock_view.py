"""The simulated clock and the world's revision."""

from __future__ import annotations

from rich.text import Text
from .view import View

from .snapshot import Snapshot


class ClockView(View):
    def show(self, snapshot: Snapshot) -> None:
        text = Text.assemble(("⏱ ", "bold"), (snapshot.clock, "bold"))
        if snapshot.frozen:
            text.append("  (frozen)", style="cyan")
        text.append(f"   revision {snapshot.revision}", style="grey62")
        if snapshot.problem:
            text.append(f"\n⚠ {snapshot.problem}", style="bold red")
        self.present(text)
