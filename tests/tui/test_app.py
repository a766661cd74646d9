"""The TUI through its own door: a pilot types into the console pane and reads the status pane."""

from __future__ import annotations

import asyncio
import time

from tui.app import HsmShellApp
from tui.console_pane import ConsolePane
from tui.terminal_tab import TerminalTab

from ..conftest import STORE_ID


async def until(pilot, condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def status_text(app) -> str:
    return "\n".join(view.plain() for view in app.query(
        "ClockView, LabView, KeyStoresView, KmsKeysView, ClusterView, SessionsView, TrailView"))


def active_tab(app) -> TerminalTab:
    return app.query_one(ConsolePane).active_pane.query_one(TerminalTab)


def output(app) -> str:
    return "\n".join(active_tab(app).query_one("ConsoleLog").lines)


async def type_line(pilot, app, line: str, expect: str | None = None) -> None:
    tab = active_tab(app)
    await until(pilot, lambda: tab._prompt != "")  # the session is waiting for input
    before = len(tab.query_one("ConsoleLog").lines)
    if len(line) <= 12:  # short lines are typed key by key; long ones pasted
        for char in line:
            await pilot.press("space" if char == " " else char)
    else:
        tab.query_one("CommandInput").value = line
    await pilot.press("enter")
    if expect:
        await until(pilot, lambda: expect in "\n".join(tab.query_one("ConsoleLog").lines[before:]))


async def test_the_runbook_typed_into_a_tab_drives_the_status_pane(world_path):
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await until(pilot, lambda: "● CONNECTED" in status_text(app))
        assert "✔ Enabled" in status_text(app)
        await type_line(pilot, app, f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE_ID}")
        await until(pilot, lambda: "○ DISCONNECTED" in status_text(app))
        assert "✖ Unavailable" in status_text(app) and "✔ Enabled" not in status_text(app)
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        await type_line(pilot, app, "loginHSM CO admin co12345", expect="loginHSM success on server 2(10.0.1.12)")
        await type_line(pilot, app, "changePswd CU kmsuser tempPassword", expect="CAUTION")
        await until(pilot, lambda: active_tab(app)._prompt == "Do you want to continue(y/n)?")
        await type_line(pilot, app, "y", expect="Changing password for kmsuser(CU) on 3 nodes")
        await type_line(pilot, app, "logoutHSM", expect="logoutHSM success on server 0(10.0.2.9)")
        await type_line(pilot, app, "quit", expect="disconnecting from servers, please wait...")
        await type_line(pilot, app, f"aws kms update-custom-key-store --custom-key-store-id {STORE_ID} "
                                    "--key-store-password tempPassword")
        # Make the connection take a minute of simulated time, to watch CONNECTING.
        with open_store_of(world_path).transaction() as world:
            world.settings.connect_delay = 60
            world.clock.frozen_at = 1_800_000_000.0
        await type_line(pilot, app, f"aws kms connect-custom-key-store --custom-key-store-id {STORE_ID}")
        await until(pilot, lambda: "◐ CONNECTING" in status_text(app))
        await type_line(pilot, app, "hsmshell clock advance 60s")
        await until(pilot, lambda: "● CONNECTED" in status_text(app))
        assert "✔ Enabled" in status_text(app) and "✖ Unavailable" not in status_text(app)
        assert "AWS KMS" in status_text(app)  # KMS holds kmsuser again
        assert "tempPassword" not in active_tab(app).query_one("CommandInput").history[-1]


def open_store_of(path):
    from hsmshell.services import open_store

    return open_store(path)


async def test_hidden_password_and_confirmation_and_history(world_path):
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        await type_line(pilot, app, "loginHSM CO admin -hpswd")
        await until(pilot, lambda: active_tab(app)._secret)
        await type_line(pilot, app, "co12345", expect="loginHSM success on server 1(10.0.3.11)")
        assert "co12345" not in output(app)
        tab_input = active_tab(app).query_one("CommandInput")
        assert tab_input.history == ["cloudhsm_mgmt_util", "loginHSM CO admin -hpswd"]
        await type_line(pilot, app, "listU", expect="Number of users found:3")
        await pilot.press("up")
        assert tab_input.value == "listU"
        tab_input.value = "logout"
        await pilot.press("tab")
        assert tab_input.value == "logoutHSM "
        # the login shows in the status pane as this process's session
        await until(pilot, lambda: "cloudhsm_mgmt_util" in status_text(app))


async def test_tabs_are_separate_terminals(world_path):
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        await type_line(pilot, app, "loginHSM CO admin co12345", expect="loginHSM success on server 2")
        await pilot.press("ctrl+t")
        pane = app.query_one(ConsolePane)
        await until(pilot, lambda: pane.tab_count == 2 and pane.active == "tab-2")
        # A second terminal has its own login state: logging out here logs out nothing.
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        await type_line(pilot, app, "logoutHSM", expect="logoutHSM failed on server 0(10.0.2.9)")
        await pilot.press("f4")
        await until(pilot, lambda: pane.tab_count == 1 and pane.active == "tab-1")
        await until(pilot, lambda: status_text(app).count("cloudhsm_mgmt_util") == 1)
        await pilot.press("ctrl+d")  # end of input: CMU quits as the real one does at EOF
        await until(pilot, lambda: "disconnecting from servers" in output(app))
        await type_line(pilot, app, "exit")
        await until(pilot, lambda: pane.active == "tab-3")  # exit closed the last tab; a new one opened


async def test_the_documentations_configure_line_repoints_the_tabs_tools(world_path):
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await type_line(pilot, app, "sudo /opt/cloudhsm/bin/configure -a 10.0.3.11",
                        expect="Updating server config in /opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg")
        assert "Updating server config in /opt/cloudhsm/etc/cloudhsm_client.cfg" in output(app)
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.3.11'")
        await type_line(pilot, app, "quit", expect="disconnecting from servers")
        assert "Connecting to server '10.0.2.9'" not in output(app)  # -a wrote the one server
        await type_line(pilot, app, "configure", expect="Usage: configure -h | --help")
        await type_line(pilot, app, "configure -m", expect="Updating server config")
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        assert "Connected to server '10.0.2.9'" in output(app)


async def test_a_commit_by_another_process_shows_within_a_quarter_second(world_path):
    """Asserted with a generous bound; the benchmark prints the measured figure."""
    import subprocess
    import sys

    app = HsmShellApp(world_path, status_only=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: "● CONNECTED" in status_text(app))
        done = subprocess.run(
            [sys.executable, "-m", "hsmshell.cli", "--world", str(world_path), "aws", "kms",
             "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID],
            capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        committed = time.monotonic()
        await until(pilot, lambda: "○ DISCONNECTED" in status_text(app), timeout=5)
        assert time.monotonic() - committed < 2.0


async def test_help_screen_and_narrow_layout(world_path):
    from tui.help_screen import HelpScreen

    app = HsmShellApp(world_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.has_class("narrow")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.resize_terminal(140, 40)
        await pilot.pause(0.1)
        assert not app.screen.has_class("narrow")


async def test_quitting_logs_the_tabs_out(world_path):
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        await type_line(pilot, app, "loginHSM CO admin co12345", expect="loginHSM success on server 2")
        assert any(s.tool == "cloudhsm_mgmt_util" for s in open_store_of(world_path).read().sessions.values())
    deadline = time.monotonic() + 5
    while any(s.tool == "cloudhsm_mgmt_util" for s in open_store_of(world_path).read().sessions.values()):
        assert time.monotonic() < deadline, "the tab's login outlived the app"
        await asyncio.sleep(0.05)


async def test_lab_objectives_turn_green_as_the_repair_is_made(world_path):
    import io

    from hsmshell.cli import main

    assert main(["--world", str(world_path), "lab", "start", "invalid-credentials"], io.StringIO(), io.StringIO()) == 0
    from hsmshell.labs import session

    co_password = session.active(open_store_of(world_path)).variables["co_password"]  # drawn for the attempt
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await until(pilot, lambda: "✗ ExampleKeyStore is connected" in status_text(app))
        await type_line(pilot, app, f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE_ID}")
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        await type_line(pilot, app, f"loginHSM CO admin {co_password}", expect="loginHSM success on server 2")
        await type_line(pilot, app, "changePswd CU kmsuser tempPassword", expect="CAUTION")
        await type_line(pilot, app, "y", expect="Changing password")
        await type_line(pilot, app, "quit", expect="disconnecting")
        await type_line(pilot, app, f"aws kms update-custom-key-store --custom-key-store-id {STORE_ID} "
                                    "--key-store-password tempPassword")
        await type_line(pilot, app, f"aws kms connect-custom-key-store --custom-key-store-id {STORE_ID}")
        await until(pilot, lambda: "All objectives hold." in status_text(app))
        assert "✓ ExampleKeyStore is connected" in status_text(app)


async def test_a_table_shows_plain_in_a_tab_even_with_color_on(world_path):
    """A tab's Log cannot draw escape codes (it would show them as junk): tables stay plain."""
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        row = "|  arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab |"
        for color in ("on", "auto"):
            await type_line(pilot, app, f"aws kms list-keys --output table --color {color}", expect=row)
        assert "\x1b" not in output(app) and "\ufffd" not in output(app)


async def test_a_change_posted_while_the_app_closes_is_let_go(world_path):
    """The watcher's thread can post a change after the panes are gone: nothing to show it on."""
    from tui.messages import WorldChanged
    from tui.status_pane import StatusPane

    app = HsmShellApp(world_path, status_only=True)
    async with app.run_test(size=(100, 40)) as pilot:
        snapshot = app.watcher.snapshot()
        await app.query_one(StatusPane).remove()
        app.post_message(WorldChanged(snapshot))
        await pilot.pause(0.1)
    assert app.return_code in (0, None)


async def test_a_singlecmd_in_a_tab_runs_one_command_and_keeps_its_password_out_of_history(world_path):
    password = "Zq7hW2mV9pLx4RcT8bNf3KdY6sGj1uEo"  # the fixture's kmsuser password, KMS's own
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await type_line(pilot, app, "ls", expect="ls: command not found")  # a line the history keeps
        await type_line(pilot, app, "sudo /opt/cloudhsm/bin/key_mgmt_util singlecmd loginHSM -u CU -s kmsuser "
                                    f"-p {password} findKey", expect="RET_USER_LOGIN_FAILURE")
        await type_line(pilot, app, f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE_ID}")
        await until(pilot, lambda: "○ DISCONNECTED" in status_text(app))
        await type_line(pilot, app, f"key_mgmt_util singlecmd loginHSM -u CU -s kmsuser -p {password} findKey",
                        expect="Cfm3FindKey returned: 0x00 : HSM Return: SUCCESS")
        assert "Command: findKey " in output(app)
        tab = active_tab(app)
        await until(pilot, lambda: tab._prompt == "$ ")  # back at the tab's own prompt
        history = tab.query_one("CommandInput").history
        assert "ls" in history and not any(password in line for line in history)
        assert [s.tool for s in open_store_of(world_path).read().sessions.values()] == []
