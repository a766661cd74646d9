"""What runs in a console tab: a small terminal of its own, in a thread.

At its `$` prompt a person types what they would type in a real terminal: the client host's
programs (hsmshell/host.py) run on the tab's world and console, the interactive ones until
they quit; `clear`, `help` and `exit` are the tab's own.  Each tab has its own logins, as
separate terminals would.  The programs block on input, so the session runs in a worker
thread and talks to its tab through `call_from_thread`.
"""

from __future__ import annotations

import queue
from pathlib import Path

from hsmshell import host
from hsmshell.aws.table import plain
from hsmshell.services import open_store

SHELL_PROMPT = "$ "
BUILTINS = {"clear": "clear this tab", "help": "this help", "exit": "close this tab"}


def help_rows() -> list[tuple[str, str]]:
    """(how it is typed, what it does) for each thing a tab runs."""
    rows = []
    for program in host.PROGRAMS.values():
        usage, *more = (program.usage + "\n" + program.summary).split("\n")
        rows.append((usage, more.pop(0) if more else ""))
        # a second way to run it (key_mgmt_util singlecmd): its usage, then what it does
        rows += [(usage, summary.strip()) for usage, summary in zip(more[::2], more[1::2])]
    rows.append((", ".join(BUILTINS), "clear this tab, this help, close it"))
    return rows


def help_text() -> str:
    lines = ["Type what you would type in a terminal:"]
    for usage, summary in help_rows():
        lines.append(f"  {usage:<34} {summary}" if len(usage) < 35 else f"  {usage}\n  {'':<34} {summary}")
    return "\n".join(lines) + "\n"


class TabClosed(Exception):
    pass


class TabConsole:
    """The programs' Console, for a tab: output to its log, input from its queue."""

    def __init__(self, tab) -> None:
        self.tab = tab
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.partial = ""  # output not yet ended by a newline: it becomes part of the prompt

    def _ui(self, method, *args) -> None:
        try:
            self.tab.app.call_from_thread(method, *args)
        except RuntimeError:  # the app is closing
            raise TabClosed from None

    def write(self, text: str) -> None:
        # A tab is not a terminal (no fileno), so `aws` colours only under `--color on`; the
        # tab's Log shows escape codes as junk, so they are dropped and the table shows plain.
        text = plain(text)
        *complete, self.partial = (self.partial + text).split("\n")
        if complete:
            self._ui(self.tab.append, complete)

    def flush(self) -> None:
        pass

    def read_line(self, prompt: str, *, secret: bool = False) -> str | None:
        asked, self.partial = self.partial + prompt, ""
        self._ui(self.tab.ask, asked, secret)
        return self.lines.get()

    def read_secret(self, prompt: str) -> str | None:
        return self.read_line(prompt, secret=True)


class TabTerminal(host.Terminal):
    kind = "tab"

    def __init__(self, tab, store, console: TabConsole) -> None:
        super().__init__(store, console, {})
        self.tab = tab

    def not_found(self, name: str) -> None:
        self.console.write(f"{name}: command not found (type help)\n")

    def entered(self, program: host.Program) -> None:
        self.console._ui(self.tab.set_tool, program)

    def left(self, program: host.Program) -> None:
        self.console._ui(self.tab.set_tool, None)


class TabSession:
    def __init__(self, tab, world_path: Path) -> None:
        self.tab = tab
        self.world_path = world_path
        self.console = TabConsole(tab)
        self.terminal = TabTerminal(tab, None, self.console)

    def run(self) -> None:
        try:
            self.console.write("hsmshell: a terminal on the practice range. Type help.\n")
            while True:
                line = self.console.read_line(SHELL_PROMPT)
                if line is None or not self.dispatch(line):
                    break
            self.console._ui(self.tab.ended)
        except TabClosed:
            pass

    def dispatch(self, line: str) -> bool:
        """Run one `$` line.  False when the tab should close."""
        words = host.words_of(line)
        if words[:1] == ["exit"]:
            return False
        if words[:1] == ["clear"]:
            self.console._ui(self.tab.clear)
            return True
        if words[:1] == ["help"]:
            self.console.write(help_text())
            return True
        try:
            self.terminal.store = open_store(self.world_path, notify=lambda text: self.console.write(f"hsmshell: {text}\n"))
            host.run_words(words, self.terminal)
        except TabClosed:
            raise
        except Exception as exc:  # noqa: BLE001 - nothing typed in a tab ends in a traceback
            self.console.write(f"hsmshell: {words[0]}: {type(exc).__name__}: {exc}\n")
        return True

    def close(self) -> None:
        """End of input for whatever is reading: the program logs out and the thread ends."""
        self.console.lines.put(None)
