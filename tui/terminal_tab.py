"""One console tab: the log of what was printed, the prompt, and the line being typed."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from .command_input import CommandInput
from .console_log import ConsoleLog
from .messages import TabEnded, TabTitleChanged
from hsmshell import host

from .tab_session import TabSession


class TerminalTab(Vertical):
    # The keys a terminal scrolls its output with; the line being typed keeps the focus
    # (Home and End scroll when it is empty, and move in it otherwise).
    BINDINGS = [
        Binding("pageup,shift+pageup", "scroll_console('page_up')", "Scroll up", show=False),
        Binding("pagedown,shift+pagedown", "scroll_console('page_down')", "Scroll down", show=False),
        Binding("home,ctrl+home", "scroll_console('home')", "Oldest output", show=False),
        Binding("end,ctrl+end", "scroll_console('end')", "Latest output", show=False),
    ]

    def __init__(self, world_path: Path, pane_id: str, number: int) -> None:
        super().__init__()
        self.world_path = world_path
        self.pane_id = pane_id
        self.number = number
        self.session = TabSession(self, world_path)
        self._prompt = ""
        self._secret = False
        self._program: host.Program | None = None  # the program at whose prompt the tab is

    def compose(self) -> ComposeResult:
        yield ConsoleLog(max_lines=5000)
        with Horizontal(classes="input-row"):
            yield Label("", classes="prompt")
            yield CommandInput(compact=True)

    def on_mount(self) -> None:
        self.query_one(CommandInput).completer = self.complete
        self.run_worker(self.session.run, thread=True, name=f"tab {self.number}", exit_on_error=False)

    def on_unmount(self) -> None:
        self.session.close()

    # -- called from the session's thread, through call_from_thread ---------------------------

    def append(self, lines: list[str]) -> None:
        self.query_one(ConsoleLog).write("\n".join(lines) + "\n")

    def ask(self, prompt: str, secret: bool) -> None:
        self._prompt, self._secret = prompt, secret
        self.query_one(".prompt", Label).update(prompt)
        line = self.query_one(CommandInput)
        line.password = secret
        if self._program is not None and re.fullmatch(self._program.prompt, prompt.strip()):
            self.post_message(TabTitleChanged(self.pane_id, f"{self.number} {prompt.strip()}"))

    def set_tool(self, program: host.Program | None) -> None:
        self._program = program
        if program is None:
            self.post_message(TabTitleChanged(self.pane_id, f"{self.number} $"))

    def clear(self) -> None:
        self.query_one(ConsoleLog).clear()

    def ended(self) -> None:
        self.post_message(TabEnded(self.pane_id))

    # -- typing --------------------------------------------------------------------------------

    def action_scroll_console(self, where: str) -> None:
        log = self.query_one(ConsoleLog)
        if where == "end":
            log.scroll_to_latest()
        else:
            getattr(log, f"scroll_{where}")(animate=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        # Typing brings the latest output back into view, as a terminal does on a keystroke.
        event.stop()
        if event.value:
            self.query_one(ConsoleLog).scroll_to_latest()

    def on_command_input_interrupted(self, message: CommandInput.Interrupted) -> None:
        """Ctrl+C: the line typed so far is dropped, as at a terminal (`^C` after it); the
        program keeps waiting for its line."""
        message.stop()
        line = self.query_one(CommandInput)
        log = self.query_one(ConsoleLog)
        log.write(self._prompt + ("" if self._secret else line.value) + "^C\n")
        log.scroll_to_latest()
        line.value = ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = self.query_one(CommandInput)
        value = event.value
        self.query_one(ConsoleLog).scroll_to_latest()
        # Echo as a terminal would: the prompt and what was typed, but never a hidden password.
        self.query_one(ConsoleLog).write(self._prompt + ("" if self._secret else value) + "\n")
        if not self._secret and not host.carries_secret(value, self._program):
            line.remember(value)
        line.value = ""
        line.password = False
        self._prompt, self._secret = "", False
        self.query_one(".prompt", Label).update("")
        self.session.console.lines.put(value)

    def on_command_input_choices(self, message: CommandInput.Choices) -> None:
        message.stop()
        self.query_one(ConsoleLog).write("  ".join(message.words) + "\n")

    def on_command_input_end_of_input(self, message: CommandInput.EndOfInput) -> None:
        message.stop()
        self.query_one(ConsoleLog).write(self._prompt + "\n")
        self._prompt, self._secret = "", False
        self.query_one(".prompt", Label).update("")
        self.session.console.lines.put(None)

    def complete(self, text: str) -> tuple[int, list[str]]:
        """What completes the word before the cursor, at the `$` prompt or the program's."""
        if self._prompt.strip() != "$" and self._program is None:
            return 0, []  # a question (y/n, a password): nothing to complete
        try:
            world = self.session.terminal.store.read() if self.session.terminal.store else None
        except Exception:  # noqa: BLE001 - a broken world completes nothing, it is not an error here
            world = None
        return host.complete(text, self._program, world)

    def focus_line(self) -> None:
        self.query_one(CommandInput).focus()
