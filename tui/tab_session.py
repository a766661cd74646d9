"""What runs in a console tab: a small terminal of its own, in a thread.

At its `$` prompt a person types what they would type in a real terminal.
`cloudhsm_mgmt_util ...` and `key_mgmt_util` run the same engines as the console scripts, in
this process, until `quit` / `exit` (`key_mgmt_util singlecmd ...` for its one command);
`aws ...`, `hsmshell ...` and `configure ...` (the client host's /opt/cloudhsm/bin/configure,
as `hsmshell configure`) run directly; a leading `sudo` is dropped, as the documentation's
lines have one.  Each tab has its own logins, as separate
terminals would.  The engines block on input, so the session runs
in a worker thread and talks to its tab through `call_from_thread`.
"""

from __future__ import annotations

import os
import queue
import shlex
from pathlib import Path

from hsmshell.aws.table import plain
from hsmshell.services import open_store

SHELL_PROMPT = "$ "
SHELL_COMMANDS = ("cloudhsm_mgmt_util", "key_mgmt_util", "aws", "hsmshell", "configure", "clear", "help", "exit")
HELP = """Type what you would type in a terminal:
  cloudhsm_mgmt_util [CONFIG_FILE]   the aws-cloudhsm> shell, until quit
  key_mgmt_util                      the Command: shell, until exit
  key_mgmt_util singlecmd loginHSM -u CU -s <user> -p <password> <command> ...
                                     log in, run one command, log out
  aws kms ...                        the AWS CLI against the simulated KMS
  configure -a <HSM IP> | --cmu <HSM IP> | -m
                                     point the tools at a cluster's HSMs
  hsmshell world show | clock ...    the practice range's own commands
  clear, exit                        clear this tab, close it
"""


class TabClosed(Exception):
    pass


class TabConsole:
    """The shells' Console, for a tab: output to its log, input from its queue."""

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


class TabSession:
    def __init__(self, tab, world_path: Path) -> None:
        self.tab = tab
        self.world_path = world_path
        self.console = TabConsole(tab)

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
        try:
            words = shlex.split(line)
        except ValueError as exc:
            self.console.write(f"hsmshell: {exc}\n")
            return True
        if words[:1] == ["sudo"]:  # the documentation's `sudo /opt/cloudhsm/bin/configure ...`
            words = words[1:]
        if not words:
            return True
        name = os.path.basename(words[0])
        try:
            return self._run(name, words)
        except TabClosed:
            raise
        except Exception as exc:  # noqa: BLE001 - nothing typed in a tab ends in a traceback
            self.console.write(f"hsmshell: {name}: {type(exc).__name__}: {exc}\n")
            return True

    def _run(self, name: str, words: list[str]) -> bool:
        store = open_store(self.world_path)
        if name == "cloudhsm_mgmt_util":
            from hsmshell.shells.cmu import CloudHsmMgmtUtil

            self._engine(CloudHsmMgmtUtil(store, self.console, words[1] if len(words) > 1 else None))
        elif name == "key_mgmt_util":
            from hsmshell.shells.kmu import KeyMgmtUtil

            shell = KeyMgmtUtil(store, self.console, words[1:])
            if shell.single is None:
                self._engine(shell)
            else:  # `key_mgmt_util singlecmd ...`: one command, no prompt of its own
                shell.run()
        elif name == "aws":
            from hsmshell.aws import cli

            cli.main(words[1:], store, self.console, self.console)
        elif name == "hsmshell":
            if words[1:2] == ["tui"]:
                self.console.write("hsmshell: the TUI is already running here\n")
            else:
                from hsmshell import cli

                cli.main(["--world", str(self.world_path)] + words[1:], self.console, self.console)
        elif name in ("configure", "configure.exe"):
            from hsmshell import cli

            cli.main(["--world", str(self.world_path), "configure"] + words[1:], self.console, self.console)
        elif name == "exit":
            return False
        elif name == "clear":
            self.console._ui(self.tab.clear)
        elif name == "help":
            self.console.write(HELP)
        else:
            self.console.write(f"{name}: command not found (type help)\n")
        return True

    def _engine(self, shell) -> None:
        self.console._ui(self.tab.set_tool, shell.prompt.strip(), shell.table)
        try:
            shell.run()
        finally:
            self.console._ui(self.tab.set_tool, None, None)

    def close(self) -> None:
        """End of input for whatever is reading: the engine logs out and the thread ends."""
        self.console.lines.put(None)


def carries_password(line: str, table) -> bool:
    """Lines never kept in a tab's history."""
    if table is not None:
        return bool(table.secret_words(line.split()))
    from hsmshell.aws.cli import PASSWORD_OPTION
    from hsmshell.shells.kmu.singlecmd import password_at

    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if words[:1] == ["sudo"]:
        words = words[1:]
    if words and os.path.basename(words[0]) == "key_mgmt_util" and password_at(words[1:]) is not None:
        return True  # key_mgmt_util singlecmd loginHSM ... -p <password> ...
    return PASSWORD_OPTION in line
