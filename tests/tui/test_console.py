"""A console tab read as a terminal at 80x24 and 120x40: what is on screen after typing, scrolling,
toggling the status pane, resizing and Ctrl+C."""

from __future__ import annotations

import pytest

from tui.app import HsmShellApp

from .test_app import active_tab, type_line, until

SIZES = [(80, 24), (120, 40)]


def console(app):
    return active_tab(app).query_one("ConsoleLog")


def on_screen(app) -> list[str]:
    """The console's rows as drawn now, to the last one written."""
    log = console(app)
    rows = ["".join(segment.text for segment in log.render_line(y)).rstrip()
            for y in range(log.scrollable_content_region.height)]
    while rows and not rows[-1]:
        rows.pop()
    return rows


async def fill(pilot, app) -> str:
    """More output than the tab can show, ending with a line known to be the last."""
    await type_line(pilot, app, "help", expect="clear, help, exit")
    await type_line(pilot, app, "hsmshell world show", expect="Open sessions")
    await type_line(pilot, app, "nosuchcommand", expect="nosuchcommand: command not found")
    last = "nosuchcommand: command not found (type help)"
    assert len(console(app).rows) > len(on_screen(app))
    return last


async def settle(pilot):
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", SIZES)
async def test_the_latest_line_stays_in_view_when_the_pane_toggles_and_the_terminal_shrinks(world_path, size):
    app = HsmShellApp(world_path)
    async with app.run_test(size=size) as pilot:
        last = await fill(pilot, app)
        assert on_screen(app)[-1] == last
        for _ in range(2):
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert on_screen(app)[-1] == last
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert on_screen(app)[-1] == last
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert on_screen(app)[-1] == last


@pytest.mark.parametrize("size", SIZES)
async def test_listusers_wraps_at_the_tabs_width_with_its_columns_aligned(world_path, size):
    app = HsmShellApp(world_path)
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        await type_line(pilot, app, "listUsers", expect="Users on server 2(10.0.1.12)")
        await until(pilot, lambda: console(app).lines[-1].strip().startswith("3"))
        await settle(pilot)
        log = console(app)
        width = log.scrollable_content_region.width
        assert width < 113  # narrower than listUsers' table
        assert all(len(row) <= width for row in log.rows)
        header = [row for row in log.rows if "MofnPubKey" in row][-1]
        values = [row for row in log.rows if row.strip() == "NO               0               NO"]
        assert len(values) == 9  # every user on every node, nothing cut off
        # the wrapped part stays in columns under its header, as the tool aligned them
        whole_header = next(line for line in log.lines if "MofnPubKey" in line)
        shift = whole_header.index("MofnPubKey") - header.index("MofnPubKey")
        assert header == whole_header[shift:].rstrip()
        assert values[-1] == log.lines[-1][shift:].rstrip()
        screen = on_screen(app)
        assert screen[-1].strip() == "NO               0               NO"
        assert any("3              CU              kmsuser" in row for row in screen)


def full(rows: list[str], width: int) -> bool:
    """Each row but the last holds as many words as fit: no scrap left by a hard line break."""
    return all(len(row) + 1 + len(after.split()[0]) > width for row, after in zip(rows, rows[1:]))


@pytest.mark.parametrize("size", SIZES)
async def test_the_lab_brief_and_every_hint_are_read_whole(world_path, size):
    app = HsmShellApp(world_path)
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, app, "hsmshell lab start invalid-credentials", expect="lab hint` helps.")
        await settle(pilot)
        log = console(app)
        width = log.scrollable_content_region.width
        # The brief's paragraphs were wrapped at 90 columns in its file; here they flow at the tab's width.
        start = next(i for i, row in enumerate(log.rows) if row.startswith("During last night's audit"))
        paragraph = log.rows[start:log.rows.index("", start)]
        assert " ".join(paragraph).endswith("when you reconnect it.") and full(paragraph, width)
        assert all(len(row) <= width for row in log.rows)
        for n in range(1, 5):
            await type_line(pilot, app, "hsmshell lab hint", expect=f"Hint {n}:")
            await settle(pilot)
            hint = console(app).lines[-1]
            shown = [row for row in on_screen(app) if row]
            rows = shown[shown.index(next(row for row in shown if row.startswith(f"Hint {n}:"))):]
            assert " ".join(" ".join(rows).split()) == " ".join(hint.split())
            assert all(len(row) <= console(app).scrollable_content_region.width for row in rows)


@pytest.mark.parametrize("size", SIZES)
async def test_the_keyboard_scrolls_back_and_new_output_waits_for_the_reader(world_path, size):
    app = HsmShellApp(world_path)
    async with app.run_test(size=size) as pilot:
        last = await fill(pilot, app)
        await pilot.press("pageup")
        await settle(pilot)
        scrolled = on_screen(app)
        assert last not in scrolled and not console(app).following
        active_tab(app).append(["a line printed while the reader is back"])
        await settle(pilot)
        assert on_screen(app) == scrolled  # the view does not jump away from the reader
        await pilot.press("home")  # the line is empty: Home goes to the oldest output
        await settle(pilot)
        assert on_screen(app)[0] == "hsmshell: a terminal on the practice range. Type help."
        await pilot.press("pagedown")
        await settle(pilot)
        assert on_screen(app)[0] != "hsmshell: a terminal on the practice range. Type help."
        await pilot.press("end")
        await settle(pilot)
        assert on_screen(app)[-1] == "a line printed while the reader is back"
        assert console(app).following
        await pilot.press("shift+pageup")
        await settle(pilot)
        assert not console(app).following
        await pilot.press("l")  # typing brings the latest output back, as a terminal does
        await settle(pilot)
        assert on_screen(app)[-1] == "a line printed while the reader is back"
        await pilot.press("home")  # with text typed, Home moves in the line
        line = active_tab(app).query_one("CommandInput")
        assert line.cursor_position == 0 and console(app).following


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_c_drops_the_typed_line_without_a_quit_toast(world_path, size):
    app = HsmShellApp(world_path)
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        line = active_tab(app).query_one("CommandInput")
        line.value = "loginHSM CO admin co1"
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert line.value == ""
        assert on_screen(app)[-1] == "aws-cloudhsm>loginHSM CO admin co1^C"
        assert not app._notifications  # no "Press Ctrl+Q to quit" toast
        assert app.is_running
        await type_line(pilot, app, "listUsers", expect="Users on server 0(10.0.2.9)")  # still at its prompt
