"""The line a person types into: history per tab and completion of the current tool's
commands (Up/Down, Tab), like the shells at a terminal."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class CommandInput(Input):
    BINDINGS = [
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
        Binding("tab", "complete", "Complete", show=False),
        Binding("ctrl+d", "end_of_input", "End of input", show=False),
        Binding("ctrl+c", "interrupt", "Interrupt", show=False),
        # On an empty line Home and End scroll the tab's output instead (ctrl+a and ctrl+e
        # always move in the line, as in readline).
        Binding("home", "line_home", "Start of line", show=False),
        Binding("end", "line_end", "End of line", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._position = 0
        # text before the cursor -> (length of the word being completed, candidates)
        self.completer = lambda text: (0, [])

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

    def action_interrupt(self) -> None:
        self.post_message(self.Interrupted())

    class Interrupted(Message):
        """Ctrl+C: drop the line typed so far."""

    def action_line_home(self) -> None:
        if not self.value:
            raise SkipAction()
        self.action_home()

    def action_line_end(self) -> None:
        if not self.value:
            raise SkipAction()
        self.action_end()

    def action_complete(self) -> None:
        """Complete the last word: with one candidate, the whole of it; with
        several, up to what they share, and when they share no more, list them above."""
        if self.password:
            return
        before = self.value  # the line's end, where the word being typed is
        typed, matches = self.completer(before)
        if not matches:
            return
        common = matches[0]
        for word in matches[1:]:
            while not word.startswith(common):
                common = common[:-1]
        if len(matches) > 1 and len(common) == typed:
            self.post_message(self.Choices(matches))
            return
        insert = common[typed:] + (" " if len(matches) == 1 else "")
        self.value = before + insert
        self.cursor_position = len(self.value)

    class Choices(Message):
        """Candidates to show, as a terminal lists them on a second Tab."""

        def __init__(self, words: list[str]) -> None:
            super().__init__()
            self.words = words
