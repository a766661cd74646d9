"""A small expect, to replay people's expect scripts as their authors ran them.

The Tcl of a script (set, lindex, foreach, split, if, $env(...)) is run by Tcl itself,
through tkinter's interpreter; expect's own commands (spawn, send, expect, send_user,
log_user, interact, exit, exp_continue) are defined here and drive the program through a
pseudo-terminal with expect's matching rules:

- `expect "text"` is a glob pattern matched anywhere in what the program wrote since the last
  match (`*`, `?`, `[...]`, backslash escapes), `-re` a regular expression, `-ex` literal;
- with several patterns, the first pattern in the list that matches wins (not the earliest
  match in the output, which is pexpect's rule);
- what a match consumed is gone from the buffer; `eof` and `timeout` are patterns too;
- a single braced argument spanning lines is the list of pattern/action pairs, split as
  expect splits it (a `#` inside it is a pattern, not a comment: expect has no comments there).

Real expect waits `timeout` seconds (the scripts set 60 or 300) and then goes on as if the
pattern had matched nothing.  Here a pattern that has not matched once the program has been
silent for `quiet` seconds is a *stall*: recorded with what the program wrote, then the script
goes on exactly as expect would after its timeout.  A replay is faithful when it has no
stalls and ends as the author's run ended.
"""

from __future__ import annotations

import os
import re
import time
import tkinter
from dataclasses import dataclass, field
from pathlib import Path

import pexpect

QUIET = 3.0  # seconds of silence after which a pattern that has not matched has stalled
CAP = 60.0  # seconds an expect may wait however busy the program is


@dataclass
class Stall:
    line: str  # the expect command as the script wrote its patterns
    seen: str  # what the program wrote that no pattern matched (escapes shown)


@dataclass
class Run:
    status: int | None = None  # the script's exit status (`exit N`, 0 at its end)
    error: str | None = None  # a Tcl error, as real expect would stop with it
    stalls: list[Stall] = field(default_factory=list)
    user: str = ""  # what the script itself wrote (send_user, and output while log_user 1)
    raw: bytes = b""  # everything the program wrote, byte for byte

    def report(self) -> str:
        lines = [f"exit {self.status}" + (f", Tcl error: {self.error}" if self.error else "")]
        for stall in self.stalls:
            lines.append(f"stalled at expect {stall.line}; seen: {stall.seen}")
        return "\n".join(lines)


class _Exit(Exception):
    pass


class _Continue(Exception):
    pass


class Expect:
    """Runs expect scripts.  `programs` maps a path a script spawns (`/opt/cloudhsm/bin/
    key_mgmt_util`) to the executable that stands for it; `environ` is the program's
    environment (its world, its terminal type)."""

    def __init__(self, programs: dict[str, str], environ: dict[str, str], quiet: float = QUIET):
        self.programs = programs
        self.environ = environ
        self.quiet = quiet

    def run(self, script: str, argv: list[str] = (), env: dict[str, str] | None = None) -> Run:
        self.result = Run()
        self.child: pexpect.spawn | None = None
        self.buffer = b""
        self.log_user = True
        self.failure: BaseException | None = None
        tcl = self.tcl = tkinter.Tcl()
        for name in ("spawn", "send", "expect", "send_user", "log_user", "interact", "exit", "exp_continue",
                     "sleep"):
            tcl.createcommand(name, self._guarded(getattr(self, "_" + name)))
        tcl.call("set", "argv", tcl.call("list", *argv))
        tcl.call("set", "argc", len(argv))
        tcl.call("set", "timeout", 10)
        for name, value in (env or {}).items():  # $env(NAME): the script's environment, not ours
            tcl.call("set", f"env({name})", value)
        try:
            tcl.eval(script)
            self.result.status = 0
        except tkinter.TclError as exc:
            if isinstance(self.failure, _Usage):
                self.result.error, self.result.status = str(self.failure), 1
            elif isinstance(self.failure, _Exit):
                pass
            elif self.failure is not None:
                raise self.failure
            else:
                self.result.error, self.result.status = str(exc), 1
        finally:
            for name in env or {}:
                tcl.call("unset", "-nocomplain", f"env({name})")
            self._close()
        return self.result

    # -- expect's commands --------------------------------------------------------------------

    def _spawn(self, *words: str) -> str:
        words = [w for w in words if w != "-noecho"]
        program = self.programs.get(words[0]) or self.programs.get(Path(words[0]).name)
        if program is None:
            raise RuntimeError(f"spawn: no stand-in for {words[0]}")
        self._close()
        self.child = pexpect.spawn(program, list(words[1:]), env=self.environ, dimensions=(24, 80))
        self.buffer = b""
        return str(self.child.pid)

    def _send(self, *words: str) -> str:
        self.child.send(_string(words).encode())
        return ""

    def _send_user(self, *words: str) -> str:
        self.result.user += _string(words)
        return ""

    def _log_user(self, value: str = "") -> str:
        if value:
            self.log_user = value != "0"
        return "1" if self.log_user else "0"

    def _sleep(self, seconds: str) -> str:
        self._read_for(float(seconds))
        return ""

    def _exit(self, status: str = "0") -> str:
        self.result.status = int(status)
        raise _Exit()

    def _exp_continue(self) -> str:
        raise _Continue()

    def _interact(self, *words: str) -> str:
        # Nobody is at the keyboard: interact hands the terminal over until the program ends.
        self._expect("eof")
        return ""

    def _expect(self, *words: str) -> str:
        if len(words) == 1 and "\n" in words[0]:
            words = self.tcl.splitlist(words[0])
        cases = _cases(words)
        while True:
            action = self._wait_for(cases, words)
            if action is None:
                return ""
            try:
                self.tcl.eval(action)
            except tkinter.TclError:
                if isinstance(self.failure, _Continue):
                    self.failure = None
                    continue
                raise
            return ""

    # -- matching ----------------------------------------------------------------------------

    def _wait_for(self, cases: list[tuple[str, str, str | None]], words) -> str | None:
        """Wait until a case matches; its action (None for none, or after a stall)."""
        start = last = time.monotonic()
        while True:
            for kind, pattern, action in cases:
                if kind == "eof" and self.child is not None and not self.child.isalive() and self._drained():
                    return action
                found = _search(kind, pattern, self.buffer)
                if found is not None:
                    self._consume(found)
                    return action
            now = time.monotonic()
            if self.child is None or (not self.child.isalive() and self._drained()) \
                    or now - last > self.quiet or now - start > CAP:
                eof = self.child is None or not self.child.isalive()
                for kind, _, action in cases:
                    if kind == ("eof" if eof else "timeout"):
                        self.buffer = b""
                        return action
                self.result.stalls.append(Stall(_written(cases), _shown(self.buffer[-300:])))
                if eof:
                    self.buffer = b""
                return None
            if self._read(0.1):
                last = time.monotonic()

    def _consume(self, end: int) -> None:
        if self.log_user:
            self.result.user += self.buffer[:end].decode(errors="replace")
        self.buffer = self.buffer[end:]

    def _read(self, timeout: float) -> bool:
        if self.child is None:
            return False
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF):
            return False
        self.buffer += data
        self.result.raw += data
        return True

    def _drained(self) -> bool:
        return not self._read(0.05)

    def _read_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._read(min(0.1, max(0.0, end - time.monotonic())))

    def _close(self) -> None:
        """Expect's exit closes the terminal: the program reads end of input, then hangs up."""
        if self.child is None:
            return
        end = time.monotonic() + 5
        while self.child.isalive() and time.monotonic() < end:
            self._read(0.1)
        self.child.close(force=True)
        self.child = None

    def _guarded(self, command):
        def call(*args):
            try:
                return command(*args)
            except tkinter.TclError:
                raise  # an action's error, already recorded where it began
            except BaseException as exc:  # noqa: BLE001 - handed back to Python past Tcl
                self.failure = exc
                raise
        return call


# -- patterns -----------------------------------------------------------------------------------

def _string(words) -> str:
    """send's one string after its flags (`send -- "text"`, `send -s "text"`).  More words
    than one is expect's own error, `usage: send [args] string`: an unquoted
    `send changePswd PRECO admin $pw\\n` stops a script there."""
    words = list(words)
    while len(words) > 1 and words[0].startswith("-"):
        if words.pop(0) == "--":
            break
    if len(words) != 1:
        raise _Usage("usage: send [args] string")
    return words[0]


class _Usage(Exception):
    pass


def _cases(words) -> list[tuple[str, str, str | None]]:
    """(kind, pattern, action) in the script's order; kind is gl, re, ex, eof or timeout."""
    cases, i, kind = [], 0, "gl"
    words = list(words)
    while i < len(words):
        word = words[i]
        if word in ("-re", "-gl", "-ex", "-exact"):
            kind = word[1:3]
            i += 1
            continue
        if word in ("-nocase", "--"):
            i += 1
            continue
        if word == "-timeout":
            i += 2
            continue
        action = words[i + 1] if i + 1 < len(words) else None
        if word in ("eof", "timeout", "default") and kind == "gl":
            cases.append(("timeout" if word == "default" else word, "", action))
            if word == "default":
                cases.append(("eof", "", action))
        else:
            cases.append((kind, word, action))
        kind = "gl"
        i += 2
    return cases


def _search(kind: str, pattern: str, buffer: bytes) -> int | None:
    """Where the match ends in the buffer, or None."""
    if kind in ("eof", "timeout"):
        return None
    text = buffer.decode("utf-8", errors="replace")
    if kind == "ex":
        at = text.find(pattern)
        found = None if at < 0 else (at + len(pattern))
    else:
        regex = pattern if kind == "re" else _glob(pattern)
        match = re.search(regex, text, re.DOTALL)
        found = match.end() if match else None
    if found is None:
        return None
    return len(text[:found].encode("utf-8", errors="replace"))


def _glob(pattern: str) -> str:
    """Expect's glob: unanchored unless it begins with ^ or ends with $."""
    out, i = [], 0
    if pattern.startswith("^"):
        out.append(r"\A")
        i = 1
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "[":
            end = pattern.find("]", i + 1)
            if end > i:
                out.append("[" + pattern[i + 1:end].replace("\\", "\\\\") + "]")
                i = end + 1
                continue
        if c == "$" and i == len(pattern) - 1:
            out.append(r"\Z")
        else:
            out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return "".join(out)


def _written(cases) -> str:
    """The patterns an expect waited for, as the script wrote them."""
    return " ".join(kind if kind in ("eof", "timeout") else (f"-{kind} " if kind != "gl" else "") + f'"{pattern}"'
                    for kind, pattern, _ in cases)


def _shown(data: bytes) -> str:
    return repr(data.decode("utf-8", errors="replace"))


def program_environment(world: Path, home: Path) -> dict[str, str]:
    """The environment expect hands a spawned program: a person's, at a terminal of type
    xterm, with the world the replay made.  No PROMPT_TOOLKIT_NO_CPR: real shells are run
    without it."""
    keep = ("PATH", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH", "TMPDIR")
    environ = {k: v for k, v in os.environ.items() if k in keep}
    environ.update(HSMSHELL_WORLD=str(world), HOME=str(home), TERM="xterm")
    return environ


def rewrite(text: str, root: Path, bin_dir: Path | None = None) -> str:
    """A script as it runs on this host: what it reads and writes under /tmp and
    /opt/cloudhsm/etc lands under `root` (`file:///tmp/...` too), and /opt/cloudhsm/bin is
    `bin_dir`.  A relative
    `file://opt/...` (two slashes) keeps its meaning: the replay runs in `root`."""
    text = re.sub(r"(?<![:\w/])/tmp/", f"{root}/tmp/", text)
    text = text.replace("file:///tmp/", f"file://{root}/tmp/")  # an absolute file:// URL
    text = re.sub(r"(?<![:\w/])/opt/cloudhsm/(etc|data)", rf"{root}/opt/cloudhsm/\1", text)
    if bin_dir is not None:
        text = re.sub(r"(?<![:\w/])/opt/cloudhsm/bin/", f"{bin_dir}/", text)
    return text


def main(argv: list[str]) -> int:
    """`expect SCRIPT ARGS...` for the shell wrappers of the corpus, which run their expect
    scripts by name: the programs are found on PATH, the world is HSMSHELL_WORLD, and files
    land under REALWORLD_ROOT.  Stalls are reported on stderr."""
    import shutil
    import sys

    root = Path(os.environ["REALWORLD_ROOT"])
    script = rewrite(Path(argv[0]).read_text(encoding="utf-8"), root)
    names = ("cloudhsm_mgmt_util", "key_mgmt_util")
    programs = {name: shutil.which(name) for name in names if shutil.which(name)}
    run = Expect(programs, program_environment(Path(os.environ["HSMSHELL_WORLD"]), Path(os.environ["HOME"]))) \
        .run(script, argv[1:], env={k: v for k, v in os.environ.items() if k.startswith("EXPECT_")})
    sys.stdout.write(run.user)
    for stall in run.stalls:
        sys.stderr.write(f"expect-replay: stalled at expect {stall.line}; seen: {stall.seen}\n")
    if run.error:
        sys.stderr.write(f"expect-replay: Tcl error: {run.error}\n")
    return run.status if run.status is not None else 1


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
