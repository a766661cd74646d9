"""hsmshell tui: console tabs beside a live view of the key store and the cluster.

The app coordinates through messages: the watcher posts WorldChanged from its thread and the
app hands the snapshot to the status pane; tabs post their title changes and their end.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer

from .console_pane import ConsolePane
from .help_screen import HelpScreen
from .messages import WorldChanged, WorldUnreadable
from .status_pane import StatusPane
from .world_watcher import WorldWatcher

NARROW = 110  # columns below which the panes stack instead of standing side by side


class HsmShellApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "hsmshell"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+t", "new_tab", "New tab"),
        # Ctrl+W deletes a word in the line being typed, as in a terminal; F4 closes a tab.
        Binding("f4", "close_tab", "Close tab"),
        Binding("ctrl+pagedown", "next_tab", "Next tab"),
        Binding("ctrl+pageup", "previous_tab", "Prev tab", show=False),
        Binding("ctrl+s", "toggle_status", "Status"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, world_path: Path, *, status_only: bool = False) -> None:
        super().__init__()
        self.world_path = Path(world_path)
        self.status_only = status_only
        self.watcher = WorldWatcher(self.world_path, self.post_message)
        self._last = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            if not self.status_only:
                yield ConsolePane(self.world_path, id="console")
            yield StatusPane(id="status")
        yield Footer()

    TABS_ONLY = {"new_tab", "close_tab", "next_tab", "previous_tab", "toggle_status"}

    def check_action(self, action: str, parameters) -> bool | None:
        # `hsmshell tui --status` has no tabs: their keys are neither bound nor shown.
        return not (self.status_only and action in self.TABS_ONLY)

    def on_mount(self) -> None:
        self._last = self.watcher.snapshot()  # shown at once, then kept live by the thread
        self.query_one(StatusPane).show(self._last)
        self.run_worker(self.watcher.run, thread=True, name="world watcher", exit_on_error=False)
        self._fit(self.size.width)
        if not self.status_only:
            self.query_one(ConsolePane).focus_active()

    def on_unmount(self) -> None:
        self.watcher.stop()

    def on_resize(self, event) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        self.screen.set_class(width < NARROW, "narrow")

    def on_world_changed(self, message: WorldChanged) -> None:
        self._last = message.snapshot
        self._show(message.snapshot)

    def on_world_unreadable(self, message: WorldUnreadable) -> None:
        if self._last is not None:
            self._show(replace(self._last, problem=message.problem))

    def _show(self, snapshot) -> None:
        # The watcher's thread may post a change while the app is closing and its panes are
        # already gone: there is nothing left to show it on.
        for pane in self.query(StatusPane):
            pane.show(snapshot)

    # -- actions -------------------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen(with_tabs=not self.status_only))

    async def action_new_tab(self) -> None:
        await self.query_one(ConsolePane).new_tab()

    async def action_close_tab(self) -> None:
        await self.query_one(ConsolePane).close_tab()

    def action_next_tab(self) -> None:
        self.query_one(ConsolePane).step(1)

    def action_previous_tab(self) -> None:
        self.query_one(ConsolePane).step(-1)

    def action_toggle_status(self) -> None:
        status = self.query_one(StatusPane)
        status.display = not status.display
