"""The custom key stores: name, id, cluster, ConnectionState and ConnectionErrorCode."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from .view import View

from .snapshot import Snapshot
from .symbols import CONNECTION, badge


class KeyStoresView(View):
    def show(self, snapshot: Snapshot) -> None:
        if not snapshot.key_stores:
            self.present(Text("No custom key stores", style="grey62"))
            return
        table = Table(box=None, show_edge=False, pad_edge=False, expand=True, header_style="bold")
        table.add_column("Key store", no_wrap=True, overflow="ellipsis")
        table.add_column("ConnectionState / ConnectionErrorCode", no_wrap=True)
        for row in snapshot.key_stores:
            state = badge(CONNECTION, row.state)
            if row.error_code:
                state.append("\n" + row.error_code, style="bold red")
            table.add_row(
                Text.assemble((row.name, "bold"), "\n", (row.store_id, "grey62"), "\n", (row.cluster_id, "grey62")),
                state,
            )
        self.present(table)
