"""The lab under way: its objectives, ✓ or ✗, live; and any guard the trainee broke."""

from __future__ import annotations

from rich.text import Text

from .snapshot import Snapshot
from .view import View


class LabView(View):
    def show(self, snapshot: Snapshot) -> None:
        lab = snapshot.lab
        self.display = lab is not None
        if lab is None:
            self.present("")
            return
        if lab.problem:
            self.present(Text(f"⚠ {lab.problem}", style="bold red"))
            return
        text = Text.assemble(("Lab ", "bold"), (lab.title, "bold"), (f"  ({lab.name})\n", "grey62"))
        for title, holds in lab.objectives:
            text.append("✓ " if holds else "✗ ", style="green" if holds else "red")
            text.append(title + "\n")
        for title in lab.broken_guards:
            text.append(f"✗ BROKEN: {title}\n", style="bold red")
        if all(holds for _, holds in lab.objectives) and not lab.broken_guards:
            text.append("All objectives hold.", style="bold green")
        text.rstrip()
        self.present(text)
