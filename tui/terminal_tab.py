"""One console tab: the log of what was printed, the prompt, and the line being typed."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Log

from .command_input import CommandInput
from .messages import TabEnded, TabTitleChanged
from .tab_session import SHELL_COMMANDS, TabSession, carries_password


class TerminalTab(Vertical):
    def __init__(self, world_path: Path, pane_id: str, number: int) -> None:
        super().__init__()
        self.world_path = world_path
        self.pane_id = pane_id
        self.number = number
        self.session = TabSession(self, world_path)
        self._prompt = ""
        self._secret = False
        self._table = None

    def compose(self) -> ComposeResult:
        yield Log(max_lines=5000, auto_scroll=True)
        with Horizontal(classes="input-row"):
            yield Label("", classes="prompt")
            yield CommandInput(compact=True)

    def on_mount(self) -> None:
        self.query_one(CommandInput).words = SHELL_COMMANDS
        self.run_worker(self.session.run, thread=True, name=f"tab {self.number}", exit_on_error=False)

    def on_unmount(self) -> None:
        self.session.close()

    # -- called from the session's thread, through call_from_thread ---------------------------

    def append(self, lines: list[str]) -> None:
        # Log.write, not write_lines: write_lines drops empty lines, which the tools print.
        self.query_one(Log).write("\n".join(lines) + "\n")

    def ask(self, prompt: str, secret: bool) -> None:
        self._prompt, self._secret = prompt, secret
        self.query_one(".prompt", Label).update(prompt)
        line = self.query_one(CommandInput)
        line.password = secret

    def set_tool(self, prompt: str | None, table) -> None:
        self._table = table
        line = self.query_one(CommandInput)
        line.words = tuple(table.commands) if table else SHELL_COMMANDS
        title = f"{self.number} {prompt}" if prompt else f"{self.number} $"
        self.post_message(TabTitleChanged(self.pane_id, title))

    def clear(self) -> None:
        self.query_one(Log).clear()

    def ended(self) -> None:
        self.post_message(TabEnded(self.pane_id))

    # -- typing --------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = self.query_one(CommandInput)
        value = event.value
        # Echo as a terminal would: the prompt and what was typed, but never a hidden password.
        self.query_one(Log).write(self._prompt + ("" if self._secret else value) + "\n")
        if not self._secret and not carries_password(value, self._table):
            line.remember(value)
        line.value = ""
        line.password = False
        self._prompt, self._secret = "", False
        self.query_one(".prompt", Label).update("")
        self.session.console.lines.put(value)

    def on_command_input_end_of_input(self, message: CommandInput.EndOfInput) -> None:
        message.stop()
        self.query_one(Log).write(self._prompt + "\n")
        self._prompt, self._secret = "", False
        self.query_one(".prompt", Label).update("")
        self.session.console.lines.put(None)

    def focus_line(self) -> None:
        self.query_one(CommandInput).focus()
