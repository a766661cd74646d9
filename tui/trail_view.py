"""The most recent CloudTrail events, newest first."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from .view import View

from .snapshot import Snapshot


class TrailView(View):
    def show(self, snapshot: Snapshot) -> None:
        if not snapshot.trail:
            self.present(Text("No CloudTrail events yet", style="grey62"))
            return
        table = Table(box=None, show_edge=False, pad_edge=False, expand=True, show_header=False)
        table.add_column("Event", no_wrap=True, min_width=34)
        table.add_column("Detail", no_wrap=True, overflow="ellipsis", style="grey62", ratio=1)
        for row in snapshot.trail:
            table.add_row(Text.assemble((row.time + " ", "grey62"), row.event), row.detail)
        self.present(table)
