"""A trainee's progress ledger: every lab and exam they started, when, how each check went,
the hints they took and whether they looked at the solution.

It belongs to the trainee, not to a world: `lab stop` and `world init` replace worlds, and a
course outlives them all.  So it lives with the user's state, one JSON file per trainee
(`$HSMSHELL_LEDGER_DIR`, else `$XDG_STATE_HOME/hsmshell`, else `~/.local/state/hsmshell`), and
is written whole or not at all (a temporary file renamed over it, under a lock).

Times are the wall clock's, in UTC: a course is timed in the trainee's real time, and the
world's clock is the trainee's to move (`hsmshell clock advance`).
"""

from __future__ import annotations

import getpass
import json
import os
import re
import secrets
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..world import files
from ..world.store import WorldError
from .definition import LabError

FORMAT = "hsmshell-ledger"
VERSION = 1
TRAINEE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")  # it names a file
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def wall_clock() -> float:
    return time.time()


def stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def seconds(text: str) -> float:
    import calendar

    return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))


@dataclass
class Check:
    at: str
    passed: bool
    late: bool = False  # an exam's check after its time limit: a fail whatever the world


@dataclass
class Attempt:
    id: str
    lab: str
    started: str
    generation: str  # of the tools the lab's world simulates: sdk3 or current
    exam: bool = False
    minutes: float | None = None  # an exam's time limit
    finished: str | None = None  # the first check that passed (in time, for an exam)
    stopped: str | None = None
    checks: list[Check] = field(default_factory=list)
    hints: int = 0
    solution_viewed: bool = False
    result: str | None = None  # an exam's: passed | failed
    seed: int | None = None  # drew the lab's seeded values: `lab start NAME --seed N` repeats them

    @property
    def deadline(self) -> float | None:
        return None if self.minutes is None else seconds(self.started) + self.minutes * 60


@dataclass
class Ledger:
    trainee: str
    attempts: list[Attempt] = field(default_factory=list)

    def attempt(self, attempt_id: str) -> Attempt | None:
        return next((a for a in self.attempts if a.id == attempt_id), None)

    def to_json(self) -> str:
        """One attempt a line: a person can read it, and it is written in a few milliseconds
        (the json module's indenting encoder is pure Python)."""
        head = json.dumps({"format": FORMAT, "version": VERSION, "trainee": self.trainee})[:-1]
        lines = [json.dumps({**vars(a), "checks": [vars(c) for c in a.checks]}) for a in self.attempts]
        return head + ', "attempts": [' + ("\n  " + ",\n  ".join(lines) + "\n" if lines else "") + "]}\n"


def trainee_name(option: str | None) -> str:
    """--trainee NAME, else $HSMSHELL_TRAINEE, else the login name."""
    name = option or os.environ.get("HSMSHELL_TRAINEE") or _login()
    if not TRAINEE.fullmatch(name):
        raise LabError(f"{name!r} is not a trainee name: letters, digits, '.', '_', '@' and '-', "
                       "at most 64, starting with a letter or digit")
    return name


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container's nameless uid)
        return "trainee"


def folder() -> Path:
    chosen = os.environ.get("HSMSHELL_LEDGER_DIR")
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "hsmshell"


def path_of(trainee: str) -> Path:
    return folder() / f"ledger-{trainee}.json"


def read(path: Path) -> Ledger:
    """A ledger file (one's own or an export); a missing file is an empty ledger only for
    one's own (see `load`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabError(f"{path}: cannot read the ledger: {getattr(exc, 'strerror', None) or exc}") from None
    return parse(text, str(path))


def parse(text: str, where: str) -> Ledger:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LabError(f"{where}: not a ledger (not valid JSON, line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LabError(f"{where}: not a ledger (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise LabError(f"{where}: a ledger of version {data.get('version')!r}; this hsmshell reads version {VERSION}")
    try:
        attempts = [Attempt(**{**a, "checks": [Check(**c) for c in a.get("checks", [])]})
                    for a in data["attempts"]]
        ledger = Ledger(str(data["trainee"]), attempts)
        for a in attempts:  # the times must read, or every report would stumble later
            for text_ in (a.started, a.finished, a.stopped, *(c.at for c in a.checks)):
                if text_ is not None and not STAMP.fullmatch(text_):
                    raise ValueError(f"{text_!r} is not a time such as 2026-12-05T04:10:25Z")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LabError(f"{where}: a damaged ledger ({type(exc).__name__}: {exc})") from None
    return ledger


def load(trainee: str, path: Path | None = None) -> Ledger:
    """A trainee's own ledger; none yet is an empty one."""
    path = path or path_of(trainee)
    if not path.exists():
        return Ledger(trainee)
    try:
        return read(path)
    except LabError as exc:
        raise LabError(f"{exc}; move it aside (keep it for your instructor) and a new ledger is begun") from None


@contextmanager
def changing(trainee: str, path: Path | None = None) -> Iterator[Ledger]:
    """Read, change and write back one trainee's ledger, under its lock: a reader sees the old
    file or the new one, and two lab commands at once lose neither's record.  Nothing is
    written when the change fails."""
    path = path or path_of(trainee)
    with ExitStack() as held:
        try:
            files.make_folder(path.parent)
            held.enter_context(files.locked(path.with_name(path.name + ".lock")))
        except (WorldError, OSError) as exc:
            raise LabError(f"{path}: cannot keep the ledger there: {_reason(exc)}") from None
        book = load(trainee, path)
        yield book
        try:
            files.replace(path, book.to_json().encode("utf-8"), sync=True)
        except OSError as exc:
            raise LabError(f"{path}: cannot write the ledger: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def new_attempt(ledger: Ledger, lab: str, generation: str, *, minutes: float | None = None) -> Attempt:
    attempt = Attempt(secrets.token_hex(4), lab, stamp(wall_clock()), generation,
                      exam=minutes is not None, minutes=minutes)
    ledger.attempts.append(attempt)
    return attempt
