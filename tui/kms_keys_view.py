"""The KMS keys of the key stores: id, key state, backing key handle."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from .view import View

from .snapshot import Snapshot
from .symbols import KEY, badge


class KmsKeysView(View):
    def show(self, snapshot: Snapshot) -> None:
        if not snapshot.kms_keys:
            self.present(Text("No KMS keys", style="grey62"))
            return
        table = Table(box=None, show_edge=False, pad_edge=False, expand=True, header_style="bold")
        table.add_column("KMS key", overflow="ellipsis", no_wrap=True, ratio=3)
        table.add_column("State", no_wrap=True, ratio=2)
        table.add_column("Handle", justify="right", no_wrap=True)
        for row in snapshot.kms_keys:
            table.add_row(row.key_id, badge(KEY, row.state), str(row.handle))
        self.present(table)
