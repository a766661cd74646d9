"""Open logins: the shells' (in any terminal) and KMS's own kmsuser session."""

from __future__ import annotations

from rich.text import Text

from .columns import Column, Columns
from .snapshot import Snapshot
from .view import View


class SessionsView(View):
    def show(self, snapshot: Snapshot) -> None:
        if not snapshot.sessions:
            self.present(Text("No open sessions", style="grey62"))
            return
        table = Columns(Column("Tool"), Column("User", identifier=True), Column("HSMs", justify="right"),
                        Column("Held by"))
        for row in snapshot.sessions:
            held = Text(row.owner, style="cyan" if row.owner == "AWS KMS" else "")
            table.add_row(row.tool, f"{row.user} ({row.user_type})", str(row.hsm_count), held)
        self.present(table)
