"""The custom key stores: name, id, cluster, ConnectionState and ConnectionErrorCode."""

from __future__ import annotations

from rich.text import Text

from .columns import Column, Columns
from .snapshot import Snapshot
from .symbols import CONNECTION, badge
from .view import View


class KeyStoresView(View):
    def show(self, snapshot: Snapshot) -> None:
        if not snapshot.key_stores:
            self.present(Text("No custom key stores", style="grey62"))
            return
        table = Columns(Column("Key store", identifier=True), Column("ConnectionState / ConnectionErrorCode"))
        for row in snapshot.key_stores:
            state = badge(CONNECTION, row.state)
            if row.error_code:
                state.append("\n" + row.error_code, style="bold red")
            table.add_row(
                Text.assemble((row.name, "bold"), "\n", (row.store_id, "grey62"), "\n", (row.cluster_id, "grey62")),
                state,
            )
        self.present(table)
