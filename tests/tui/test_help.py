"""F1 and the footer, at 80x24 and 120x40: text that flows to the screen, and only the keys that
do something where they are shown."""

from __future__ import annotations

import pytest
from textual.geometry import Region

from tui.app import HsmShellApp
from tui.help_screen import LIVE, HelpScreen

from .test_app import until

SIZES = [(80, 24), (120, 40)]
TAB_KEYS = {"ctrl+t": "New tab", "ctrl+s": "Status", "f4": "Close tab"}


def help_lines(app) -> tuple[int, list[str]]:
    text = app.screen.query_one("#help Static")
    strips = text.render_lines(Region(0, 0, text.size.width, text.size.height))
    return text.size.width, ["".join(segment.text for segment in strip).rstrip() for strip in strips]


def footer(app) -> dict[str, str]:
    return {key.key: key.description for key in app.screen.query("FooterKey")}


@pytest.mark.parametrize("size", SIZES)
async def test_the_help_flows_to_the_screens_width(world_path, size):
    app = HsmShellApp(world_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f1")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        width, lines = help_lines(app)
        assert width <= size[0] - 6
        assert all(len(line) <= width for line in lines)
        # The paragraph is one flow: each of its lines is as full as the next word allows.
        start = next(i for i, line in enumerate(lines) if line.startswith("The status pane follows"))
        paragraph = lines[start:lines.index("", start)]
        assert " ".join(paragraph).split() == LIVE.split()
        for line, following in zip(paragraph, paragraph[1:]):
            assert len(line) + 1 + len(following.split()[0]) > width
        # A key's description wraps under itself, not under the key.
        home = next(i for i, line in enumerate(lines) if line.startswith("Home, End"))
        assert lines[home].index("on an empty line") == 18
        if size[0] == 80:
            assert lines[home + 1].startswith(" " * 18) and lines[home + 1][18] != " "
        assert "  key_mgmt_util singlecmd loginHSM -u CU -s <user> -p <password>" in "\n".join(lines)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_the_status_pane_alone_neither_shows_nor_binds_the_tabs_keys(world_path, size):
    app = HsmShellApp(world_path, status_only=True)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: "f1" in footer(app))
        assert "ctrl+q" in footer(app)
        assert not set(TAB_KEYS) & set(footer(app))
        assert not set(TAB_KEYS) & set(app.screen.active_bindings)
        status = app.query_one("#status")
        await pilot.press("ctrl+s")  # does nothing: there is no console to give the room to
        assert status.display
        await pilot.press("f1")
        await pilot.pause(0.2)
        _, lines = help_lines(app)
        shown = "\n".join(lines)
        assert "F1" in shown and "Ctrl+Q" in shown
        for key in ("Ctrl+T", "Ctrl+S", "F4", "In a tab"):
            assert key not in shown


@pytest.mark.parametrize("size", SIZES)
async def test_with_tabs_the_footer_and_help_show_their_keys(world_path, size):
    app = HsmShellApp(world_path)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: "f1" in footer(app))
        assert TAB_KEYS.items() <= footer(app).items()
        await pilot.press("f1")
        await pilot.pause(0.2)
        shown = "\n".join(help_lines(app)[1])
        assert all(key in shown for key in ("Ctrl+T", "Ctrl+S", "F4", "In a tab"))
