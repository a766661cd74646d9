"""The tools, driven in-process the way a terminal drives them.

A tool session runs the real shell loop (`Shell.run`) in a thread of its own, with a console
that hands each command over from the transcript and gives back what the tool printed until
it asks for the next one.  The two threads never run at the same time, so the world's lock
and its cache see one command after another, as from one terminal.  Questions a command
asks (`Do you want to continue(y/n)?`, `Enter password:`) are answered from the lines the
transcript shows after that command.

`$ ` lines run `aws ...` (as `hsmshell aws ...`, which prints what the AWS CLI prints),
`hsmshell ...` and `configure ...` (as `hsmshell configure ...`) in-process too.
"""

from __future__ import annotations

import contextlib
import io
import queue
import shlex
import threading
from pathlib import PurePath

from ..world.store import Store, WorldError
from .match import normalise
from .parse import TOOL_PROMPT

TIMEOUT = 30.0  # seconds a tool may take over one command before the replay gives up
TOOLS = {"cloudhsm_mgmt_util": "cmu", "key_mgmt_util": "kmu"}
NOT_IN_TRANSCRIPTS = ("tui", "transcript")  # they need a terminal, or are this very tool


class ToolTimeout(Exception):
    pass


class _Console:
    """The tool thread's console.  Output is collected for the replay; a prompt for the next
    command hands control back; a question is answered from the expected lines."""

    def __init__(self, session: "ToolSession"):
        self.session = session
        self.answers: list[str] = []  # the expected lines of the command, which show answers
        self.typed: list[str] = []  # answers given as they are, by a Python test

    def write(self, text: str) -> None:
        self.session.output.append(text)

    def read_line(self, prompt: str) -> str | None:
        if TOOL_PROMPT.fullmatch(prompt.strip()):
            return self.session.next_command(prompt)
        answer = self._answer(prompt)
        self.write(prompt + ("" if answer is None else answer + "\n"))
        return answer

    def read_secret(self, prompt: str) -> str | None:
        # Written after its prompt, as the transcript writes it: replaying must type it again.
        return self.read_line(prompt)

    def _answer(self, prompt: str) -> str | None:
        """The rest of the next expected line that shows this prompt; None (end of input, as
        from a pipe) when the transcript shows none."""
        asked = normalise(prompt)
        for i, line in enumerate(self.answers):
            seen = normalise(line)
            if seen.startswith(asked):
                del self.answers[:i + 1]
                return seen[len(asked):].strip()
        return self.typed.pop(0) if self.typed else None


class ToolSession:
    """One running cloudhsm_mgmt_util or key_mgmt_util."""

    def __init__(self, kind: str, store: Store, args: list[str] | None = None):
        from ..shells.cmu import CloudHsmMgmtUtil
        from ..shells.kmu import KeyMgmtUtil

        self.kind = kind
        self.console = _Console(self)
        self.output: list[str] = []
        self.prompt: str | None = None  # the prompt the tool shows now; None once it ended
        self.status: int | None = None
        self._inbox: queue.Queue = queue.Queue()
        self._outbox: queue.Queue = queue.Queue()
        if kind == "cmu":
            config = args[0] if args else None
            self.shell = CloudHsmMgmtUtil(store, self.console, config)
        else:
            self.shell = KeyMgmtUtil(store, self.console, args)  # `singlecmd ...` runs one command
        self._thread = threading.Thread(target=self._main, name=f"transcript-{kind}", daemon=True)
        self._thread.start()
        self.banner = self._wait()

    @property
    def alive(self) -> bool:
        return self.prompt is not None

    def send(self, line: str | None, answers: list[str] = (), typed: tuple[str, ...] = ()) -> str:
        """Type a command (None: end of input) and return what the tool printed for it."""
        if not self.alive:
            return ""
        self.console.answers, self.console.typed = list(answers), list(typed)
        self._inbox.put(line)
        return self._wait()

    def end(self) -> str:
        return self.send(None)

    # -- the tool thread ----------------------------------------------------------------------

    def _main(self) -> None:
        try:
            status = self.shell.run()
        except BaseException as exc:  # noqa: BLE001 - reported as output, never a hang
            self.output.append(f"hsmshell: internal error: {type(exc).__name__}: {exc}\n")
            status = 1
        self._outbox.put(("ended", status))

    def next_command(self, prompt: str) -> str | None:
        self._outbox.put(("prompt", prompt))
        return self._inbox.get()

    def _wait(self) -> str:
        try:
            kind, value = self._outbox.get(timeout=TIMEOUT)
        except queue.Empty:
            raise ToolTimeout(f"{self.shell.tool} did not finish a command within {TIMEOUT:.0f} s") from None
        text = "".join(self.output)
        self.output.clear()
        if kind == "ended":
            self.prompt, self.status = None, value
        else:
            self.prompt = value
        return text


def tool_of(words: list[str]) -> str | None:
    """`cloudhsm_mgmt_util`, `/opt/cloudhsm/bin/key_mgmt_util`, `sudo ...` -> cmu / kmu."""
    if words and words[0] == "sudo":
        words = words[1:]
    return TOOLS.get(PurePath(words[0]).name.removesuffix(".exe")) if words else None


def split(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=True)
    except ValueError:
        return command.split()


def run_command(words: list[str], store: Store) -> tuple[int, str]:
    """A `$ ` line other than a tool: `aws ...`, `hsmshell ...` or `configure ...`.  Returns
    the status and what a terminal shows (stdout and stderr as they were written)."""
    out = io.StringIO()
    if words[:1] == ["sudo"]:  # as the documentation runs /opt/cloudhsm/bin/configure
        words = words[1:]
    if not words:
        return 0, ""
    program, args = PurePath(words[0]).name, words[1:]
    if program == "aws" or (program == "hsmshell" and args[:1] == ["aws"]):
        from ..aws import cli, table

        try:
            status = cli.main(args if program == "aws" else args[1:], store, out, out)
            # `--color on` colours even a pipe; a transcript holds what is copied from a
            # terminal, which leaves the colours behind, so replays compare plain text.
            return status, table.plain(out.getvalue())
        except WorldError as exc:
            return 1, f"hsmshell: {exc}\n"
    if program == "hsmshell":
        return _hsmshell(args, store, out)
    if program.removesuffix(".exe") == "configure":  # the client host's /opt/cloudhsm/bin/configure
        return _hsmshell(["configure", *args], store, out)
    return 127, f"{program}: command not found (a transcript runs aws, hsmshell, configure, " \
                f"cloudhsm_mgmt_util and key_mgmt_util)\n"


def _hsmshell(args: list[str], store: Store, out: io.StringIO) -> tuple[int, str]:
    from .. import cli

    args = without_world_option(args)
    if args[:1] and args[0] in NOT_IN_TRANSCRIPTS:
        return 2, f"hsmshell: `hsmshell {args[0]}` cannot run inside a transcript\n"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            status = cli.main(["--world", str(store.path), *args])
        except SystemExit as stop:  # argparse's usage errors and --help
            status = stop.code if isinstance(stop.code, int) else 1
    return status or 0, out.getvalue()


def without_world_option(args: list[str]) -> list[str]:
    """A transcript always runs against its own world."""
    out, skip = [], False
    for word in args:
        if skip:
            skip = False
        elif word == "--world":
            skip = True
        elif not word.startswith("--world="):
            out.append(word)
    return out



class ToolDoor:
    """A tool for Python tests: `cmu("listUsers")` runs the line and returns its output;
    answers to its questions follow the line: `cmu("changePswd CU kmsuser pw12345", "y")`.
    The tool starts on first use (its banner is in `.banner`) and again after it quits."""

    def __init__(self, kind: str, store: Store, args: list[str] | None = None):
        self.kind, self.store, self.args = kind, store, args
        self.session: ToolSession | None = None
        self.banner = ""

    def __call__(self, line: str, *answers: str) -> str:
        if self.session is None or not self.session.alive:
            self.session = ToolSession(self.kind, self.store, self.args)
            self.banner = self.session.banner
        return self.session.send(line, typed=answers)

    def close(self) -> str:
        """End the tool's input (as Ctrl-D does) and return what it printed."""
        return self.session.end() if self.session else ""


class AwsDoor:
    """`aws("kms describe-key --key-id alias/x")` (or the words apart) returns what the AWS
    CLI prints, stdout and stderr together; `.status` is its exit status."""

    def __init__(self, store: Store):
        self.store = store
        self.status = 0

    def __call__(self, *words: str) -> str:
        argv = split(words[0]) if len(words) == 1 else list(words)
        self.status, output = run_command(["aws", *argv], self.store)
        return output
