"""A status view: a Static that also remembers what it shows, as text, for tests and tools."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType
from textual.widgets import Static


class View(Static):
    shown: RenderableType = ""

    def present(self, renderable: RenderableType) -> None:
        self.shown = renderable
        self.update(renderable)

    def plain(self, width: int = 100) -> str:
        console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
        console.print(self.shown)
        return console.file.getvalue()
