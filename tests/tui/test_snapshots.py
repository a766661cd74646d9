"""What the main screen looks like: healthy, and FAILED with INVALID_CREDENTIALS.
Update with `pytest tests/tui --snapshot-update` after a deliberate change, and look at the
SVGs under __snapshots__ before committing them."""

from __future__ import annotations

from tui.app import HsmShellApp

from ..conftest import STORE_ID


def frozen(store):
    with store.transaction() as world:
        world.clock.frozen_at = 1_796_000_000.0  # 2026-11-28 ...


async def settle(pilot):
    # The cursor of the line being typed blinks: hold it still, or the picture depends on the
    # instant it is taken.
    for line in pilot.app.query("CommandInput"):
        line.cursor_blink = False
    await pilot.pause(0.3)


def test_healthy_world_wide(snap_compare, world_path, store):
    frozen(store)
    assert snap_compare(HsmShellApp(world_path), terminal_size=(130, 42), run_before=settle)


def test_healthy_world_at_80x24(snap_compare, world_path, store):
    frozen(store)
    assert snap_compare(HsmShellApp(world_path), terminal_size=(80, 24), run_before=settle)


def test_healthy_world_at_120x40(snap_compare, world_path, store):
    frozen(store)
    assert snap_compare(HsmShellApp(world_path), terminal_size=(120, 40), run_before=settle)


async def list_users(pilot):
    """listUsers in a tab, then quit (its session, which names a process, is gone again)."""
    from .test_app import type_line

    app = pilot.app
    await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
    await type_line(pilot, app, "listUsers", expect="Users on server 2(10.0.1.12)")
    await type_line(pilot, app, "quit", expect="disconnecting from servers")
    await settle(pilot)


def test_listusers_wrapped_at_80x24(snap_compare, world_path, store):
    frozen(store)
    assert snap_compare(HsmShellApp(world_path), terminal_size=(80, 24), run_before=list_users)


def test_listusers_wrapped_at_120x40(snap_compare, world_path, store):
    frozen(store)
    assert snap_compare(HsmShellApp(world_path), terminal_size=(120, 40), run_before=list_users)


def test_failed_with_invalid_credentials(snap_compare, world_path, store, doors):
    frozen(store)
    doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)
    doors.cmu("loginHSM CO admin co12345\nchangePswd CU kmsuser someoneElse1\ny\nquit\n")
    doors.aws("kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert doors.describe()["ConnectionErrorCode"] == "INVALID_CREDENTIALS"
    assert snap_compare(HsmShellApp(world_path, status_only=True), terminal_size=(100, 48), run_before=settle)


def test_a_lab_under_way_shows_its_objectives(snap_compare, world_path, store, monkeypatch):
    import io

    from hsmshell.cli import main
    from hsmshell.labs import ledger

    monkeypatch.setattr(ledger, "wall_clock", lambda: 1_796_000_000.0)  # the timer stands still
    assert main(["--world", str(world_path), "lab", "start", "invalid-credentials", "--trainee", "alice"],
                io.StringIO(), io.StringIO()) == 0
    frozen(store)
    store.trail_path.unlink()  # events made at the real time the lab started; not what this picture is about
    assert snap_compare(HsmShellApp(world_path, status_only=True), terminal_size=(100, 48), run_before=settle)


def test_an_exam_under_way_shows_its_time_left_and_causes_only(snap_compare, world_path, store, monkeypatch):
    import io

    from hsmshell.cli import main
    from hsmshell.labs import ledger

    monkeypatch.setattr(ledger, "wall_clock", lambda: 1_796_000_000.0)
    assert main(["--world", str(world_path), "lab", "exam", "--trainee", "alice", "--seed", "1"], io.StringIO(), io.StringIO()) == 0
    frozen(store)
    store.trail_path.unlink()
    assert snap_compare(HsmShellApp(world_path, status_only=True), terminal_size=(100, 48), run_before=settle)
