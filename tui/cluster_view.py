"""The clusters, their HSM type and mode, and their HSMs: state, AZ, IP, reachable; and each
node's users, with the rows that differ between nodes marked, since the cluster does not
synchronise users, and each user's cluster-coverage as the CloudHSM CLI's `user list` gives it."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from .columns import Column, Columns
from .snapshot import ClusterBlock, Snapshot, UserCell
from .symbols import ACTIVE, badge
from .view import View


class ClusterView(View):
    def show(self, snapshot: Snapshot) -> None:
        if not snapshot.clusters:
            self.present(Text("No clusters", style="grey62"))
            return
        self.present(Group(*(part for block in snapshot.clusters for part in _block(block))))


def _block(block: ClusterBlock):
    yield Text.assemble((block.cluster_id, "bold"), "  ", badge(ACTIVE, block.state))
    # On a line of its own, so that the cluster's line fits the narrowest pane whole.
    kind = f"{block.hsm_type} {block.mode}"
    yield Text.assemble(kind, (f"  {block.key_count} keys", "grey62"))
    hsms = Columns(Column("node"), Column("IP", identifier=True), Column("AZ"), Column("State"))
    for i, hsm in enumerate(block.hsms):
        state = badge(ACTIVE, hsm.state) if hsm.reachable else Text("✖ unreachable", style="bold red")
        hsms.add_row(str(i), hsm.ip, hsm.zone, state)
    yield hsms
    users = Columns(Column("User", identifier=True), *(Column(f"node {i}") for i, _ in enumerate(block.hsms)),
                    Column("coverage"))
    shown = _shown(block.users)
    for row in shown:
        label = Text(f"{row.user_id} {row.name} {row.user_type}")
        if row.out_of_sync:
            label = Text(f"≠ {row.user_id} {row.name} {row.user_type}", style="bold black on yellow")
        coverage = Text(row.coverage, style="green" if row.coverage == "full" else "bold yellow")
        users.add_row(label, *(_cell(c) for c in row.cells), coverage)
    yield users
    if len(shown) < len(block.users):
        yield Text(f"… and {len(block.users) - len(shown)} more users, each in sync on every node "
                   f"(cloudhsm-cli user list shows them all)", style="grey62")


# A full hsm2m.medium has 1,024 users on each HSM: drawn whole, the pane took seconds to show a
# change.  It shows every user that needs a look (differs between nodes, is missing, locked or
# failing logins) and, up to this many rows, the others in id order.
USERS_SHOWN = 30


def _shown(rows):
    def needs_a_look(row) -> bool:
        return row.out_of_sync or row.coverage != "full" or any(
            not c.present or c.locked or c.failed_logins for c in row.cells)

    look = [row for row in rows if needs_a_look(row)]
    room = max(USERS_SHOWN - len(look), 0)
    rest = [row for row in rows if not needs_a_look(row)][:room]
    kept = {id(row) for row in look + rest}
    return [row for row in rows if id(row) in kept]


def _cell(cell: UserCell) -> Text:
    if not cell.present:
        return Text("— missing", style="bold yellow")
    if cell.locked:
        return Text("✖ locked", style="bold red")
    if cell.failed_logins:
        return Text(f"! {cell.failed_logins} fail", style="yellow")
    return Text("✔ ok", style="green")
