"""Open logins: the shells' (in any terminal) and KMS's own kmsuser session."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from .view import View

from .snapshot import Snapshot


class SessionsView(View):
    def show(self, snapshot: Snapshot) -> None:
        if not snapshot.sessions:
            self.present(Text("No open sessions", style="grey62"))
            return
        table = Table(box=None, show_edge=False, pad_edge=False, expand=True, header_style="bold")
        for name in ("Tool", "User", "HSMs", "Held by"):
            table.add_column(name, no_wrap=True, overflow="ellipsis")
        for row in snapshot.sessions:
            held = Text(row.owner, style="cyan" if row.owner == "AWS KMS" else "")
            table.add_row(row.tool, f"{row.user} ({row.user_type})", str(row.hsm_count), held)
        self.present(table)
