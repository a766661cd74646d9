"""The status pane at the width the terminal gives it: identifiers whole before anything else,
cut in the middle only when the pane is too narrow for them."""

from __future__ import annotations

import pytest
from rich.text import Text

from tui.app import HsmShellApp
from tui.columns import Column, Columns, middle

from ..conftest import STORE_ID
from .test_app import until

IDENTIFIERS = ["ExampleKeyStore", STORE_ID, "cluster-1a23b4cdefg", "1234abcd-12ab-34cd-56ef-1234567890ab",
               "0987dcba-09fe-87dc-65ba-ab0987654321", "kmsuser (CU)"]


def as_drawn(app) -> str:
    """Each view as drawn at its width in the pane."""
    return "\n".join(view.plain(view.content_region.width) for view in app.query(
        "KeyStoresView, KmsKeysView, ClusterView, SessionsView"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)])
async def test_identifiers_are_whole_unless_the_pane_is_too_narrow(world_path, size):
    app = HsmShellApp(world_path)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: "ExampleKeyStore" in as_drawn(app))
        shown = as_drawn(app)
        width = app.query_one("KmsKeysView").content_region.width
        assert all(len(line) <= width for line in shown.splitlines())
        whole_fits = width >= len("1234abcd-12ab-34cd-56ef-1234567890ab  ✔ Enabled  262162")
        for identifier in IDENTIFIERS:
            if identifier in shown:
                continue
            assert not whole_fits and identifier[:8] in ("1234abcd", "0987dcba")
            # cut in its middle: both of its ends still tell it apart
            head, tail = next(line.split()[0] for line in shown.splitlines() if "…" in line
                              and line.startswith(identifier[:4])).split("…")
            assert identifier.startswith(head) and identifier.endswith(tail) and min(len(head), len(tail)) >= 4
        if size[0] >= 160:  # the terminal: every identifier whole beside the console
            assert all(identifier in shown for identifier in IDENTIFIERS)
        if size == (80, 24):  # stacked, the pane is as wide as the screen
            assert all(identifier in shown for identifier in IDENTIFIERS)


def test_a_cut_takes_out_the_middle():
    assert middle(Text("1234abcd-12ab-34cd-56ef-1234567890ab"), 17).plain == "1234abcd…567890ab"
    assert middle(Text("short"), 17).plain == "short"


def test_headers_and_other_columns_give_way_before_identifiers():
    table = Columns(Column("Key store", identifier=True), Column("ConnectionState / ConnectionErrorCode"))
    table.add_row("cks-1234567890abcdef0", "● CONNECTED")
    assert table.widths(40) == [21, 17]  # the long header is cut, the id is whole
    assert table.widths(30)[0] == 21 - (21 + 2 + 11 - 30)  # then the id, as little as needed
    assert table.widths(80) == [21, 57]  # the slack goes to the last column


async def test_a_world_without_its_key_file_says_so_in_the_pane_until_the_key_is_back(world_path, tmp_path):
    import shutil

    from hsmshell.testing.worlds import copy_world

    copied = copy_world(world_path.parent, tmp_path / "copied")
    key = copied.with_name(copied.name + ".key")
    key.unlink()
    app = HsmShellApp(copied, status_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        clock = app.query_one("ClockView")
        await until(pilot, lambda: "key file" in clock.plain(80))
        assert f"⚠ {copied}: this world holds sealed secrets" in clock.plain(200)
        shutil.copy2(world_path.with_name(world_path.name + ".key"), key)
        copied.write_text(copied.read_text() + "\n")  # the next change of the world reads the key again
        await until(pilot, lambda: "key file" not in clock.plain(80))


async def test_a_full_cluster_shows_the_users_that_need_a_look_and_counts_the_rest(world_path):
    """1,024 users on each HSM: the pane shows who differs or is locked, then users in id order
    up to USERS_SHOWN, and says how many more there are."""
    from hsmshell.services import open_store
    from hsmshell.world.model import User
    from tui.cluster_view import USERS_SHOWN

    with open_store(world_path).transaction() as world:
        (cluster,) = world.clusters.values()
        for hsm in cluster.hsms:
            like = hsm.users[-1]
            for n in range(100, 1024 + 100 - len(hsm.users)):
                hsm.users.append(User(user_id=n, user_type="CU", name=f"app{n:04d}", password_hash=like.password_hash))
        late = cluster.hsms[0].users[-1]
        late.locked = True  # the last user by id: shown however many come before it
    app = HsmShellApp(world_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: "more users" in as_drawn(app))
        shown = as_drawn(app)
        assert f"{late.user_id} {late.name} CU" in shown and "✖ locked" in shown
        assert "kmsuser" in shown and "app0100" in shown
        assert f"… and {1024 - USERS_SHOWN} more users" in shown
        assert "app1000 " not in shown


def test_the_watcher_walks_a_cluster_again_only_when_the_world_changed(world_path):
    """Each tick reads the world; a cluster is walked (3,072 users at full size) only when its
    state changed, and a change by another tool still shows."""
    from hsmshell.services import open_store
    from tui.world_watcher import WorldWatcher

    watcher = WorldWatcher(world_path, lambda message: None)
    first = watcher.snapshot().clusters[0]
    assert watcher.snapshot().clusters[0] is first
    with open_store(world_path).transaction() as world:  # another tool
        (cluster,) = world.clusters.values()
        locked = cluster.hsms[0].users[-1]
        locked.locked = True
    again = watcher.snapshot().clusters[0]
    (row,) = [r for r in again.users if r.user_id == locked.user_id]
    assert row.cells[0].locked and not any(r.cells[0].locked for r in first.users)
