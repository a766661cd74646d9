"""The line a person types into: history per tab and completion of the current tool's
commands (Up/Down, Tab), like the shells at a terminal."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class CommandInput(Input):
    BINDINGS = [
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
        Binding("tab", "complete", "Complete", show=False),
        Binding("ctrl+d", "end_of_input", "End of input", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._position = 0
        self.words: tuple[str, ...] = ()

    def remember(self, line: str) -> None:
        if line.strip() and (not self.history or self.history[-1] != line):
            self.history.append(line)
        self._position = len(self.history)

    def action_history(self, step: int) -> None:
        if self.password or not self.history:
            return
        self._position = max(0, min(len(self.history), self._position + step))
        self.value = self.history[self._position] if self._position < len(self.history) else ""
        self.cursor_position = len(self.value)

    def action_end_of_input(self) -> None:
        """Ctrl+D on an empty line ends the input, as at a terminal: a tool quits, the
        tab's own prompt closes the tab."""
        if not self.value:
            self.post_message(self.EndOfInput())

    class EndOfInput(Message):
        pass

    def action_complete(self) -> None:
        """Complete the command word; with several candidates, up to what they share."""
        if self.password or " " in self.value:
            return
        matches = [w for w in self.words if w.startswith(self.value)]
        if not matches:
            return
        common = matches[0]
        for word in matches[1:]:
            while not word.startswith(common):
                common = common[:-1]
        self.value = common + (" " if len(matches) == 1 else "")
        self.cursor_position = len(self.value)
