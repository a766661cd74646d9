"""The console pane: tabs, each its own terminal session."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

from .messages import TabEnded, TabTitleChanged
from .terminal_tab import TerminalTab


class ConsolePane(Vertical):
    def __init__(self, world_path: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.world_path = world_path
        self._opened = 0

    def compose(self) -> ComposeResult:
        with TabbedContent():
            yield self._pane()

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one(TabbedContent)

    @property
    def tab_count(self) -> int:
        return self.tabs.tab_count

    @property
    def active(self) -> str:
        return self.tabs.active

    @property
    def active_pane(self) -> TabPane | None:
        return self.tabs.active_pane

    def _pane(self) -> TabPane:
        self._opened += 1
        pane_id = f"tab-{self._opened}"
        return TabPane(f"{self._opened} $", TerminalTab(self.world_path, pane_id, self._opened), id=pane_id)

    async def new_tab(self) -> None:
        pane = self._pane()
        await self.tabs.add_pane(pane)
        self.tabs.active = pane.id
        self.focus_active()

    async def close_tab(self, pane_id: str | None = None) -> None:
        pane_id = pane_id or self.tabs.active
        if pane_id:
            await self.tabs.remove_pane(pane_id)
        if self.tabs.tab_count == 0:
            await self.new_tab()
        self.focus_active()

    def step(self, offset: int) -> None:
        ids = [pane.id for pane in self.query(TabPane)]
        if self.tabs.active in ids:
            self.tabs.active = ids[(ids.index(self.tabs.active) + offset) % len(ids)]
        self.focus_active()

    def focus_active(self) -> None:
        pane = self.tabs.active_pane
        if pane:
            for tab in pane.query(TerminalTab):
                tab.focus_line()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.call_after_refresh(self.focus_active)

    def on_tab_title_changed(self, message: TabTitleChanged) -> None:
        self.tabs.get_tab(message.pane_id).label = message.title

    async def on_tab_ended(self, message: TabEnded) -> None:
        await self.close_tab(message.pane_id)
