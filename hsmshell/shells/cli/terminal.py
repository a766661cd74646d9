"""Interactive mode at a terminal: prompt_toolkit with completion derived from the command
declarations, and a history that never keeps a line with a password."""

from __future__ import annotations

import getpass
import sys

from .declare import completions
from .tree import TREE


class CliTerminalConsole:
    def __init__(self) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.completion import Completer, Completion
        from prompt_toolkit.history import InMemoryHistory

        from . import secret_in_line

        class SecretFreeHistory(InMemoryHistory):
            def append_string(self, string: str) -> None:
                if not secret_in_line(string):
                    super().append_string(string)

        class TreeCompleter(Completer):
            def get_completions(self, document, complete_event):
                text = document.text_before_cursor
                words = text.split()
                partial = "" if not words or text[-1:].isspace() else words.pop()
                if words[:1] == ["help"]:
                    words = words[1:]
                for choice in completions(TREE, words, partial):
                    yield Completion(choice, start_position=-len(partial))

        self._session = PromptSession(history=SecretFreeHistory(), completer=TreeCompleter(),
                                      complete_while_typing=False)

    def write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def read_line(self, prompt: str) -> str | None:
        try:
            return self._session.prompt(prompt)
        except EOFError:
            return None
        except KeyboardInterrupt:
            return ""

    def read_secret(self, prompt: str) -> str | None:
        try:
            return getpass.getpass(prompt)
        except (EOFError, KeyboardInterrupt):
            self.write("\n")
            return None
