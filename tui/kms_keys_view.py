"""The KMS keys of the key stores: id, key state, backing key handle."""

from __future__ import annotations

from rich.text import Text

from .columns import Column, Columns
from .snapshot import Snapshot
from .symbols import KEY, badge
from .view import View


class KmsKeysView(View):
    def show(self, snapshot: Snapshot) -> None:
        if not snapshot.kms_keys:
            self.present(Text("No KMS keys", style="grey62"))
            return
        table = Columns(Column("KMS key", identifier=True), Column("State"), Column("Handle", justify="right"))
        for row in snapshot.kms_keys:
            table.add_row(row.key_id, badge(KEY, row.state), str(row.handle))
        self.present(table)
