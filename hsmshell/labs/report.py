"""What a ledger says, for a person: one trainee's attempts (a table, CSV, JSON, or a Markdown
certificate of completion), and a class's exported ledgers in one table."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

from . import ledger
from .ledger import Attempt, Ledger

TRAINEE_COLUMNS = ("lab", "kind", "tools", "started", "time", "checks", "hints", "solution", "result")
CLASS_COLUMNS = ("trainee", "lab", "result", "time", "attempts", "hints", "solution")


def duration(attempt: Attempt) -> str:
    """Time from start to the first passing check ("-" while not done)."""
    if attempt.finished is None:
        return "-"
    taken = int(ledger.seconds(attempt.finished) - ledger.seconds(attempt.started))
    hours, rest = divmod(max(taken, 0), 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def result(attempt: Attempt) -> str:
    if attempt.exam:
        return attempt.result or "under way"
    if attempt.finished:
        return "done"
    return "stopped" if attempt.stopped else "under way"


def trainee_rows(book: Ledger) -> list[dict]:
    return [{
        "lab": a.lab, "kind": "exam" if a.exam else "lab", "tools": a.generation,
        "started": a.started.replace("T", " ").removesuffix("Z"), "time": duration(a),
        "checks": f"{sum(c.passed for c in a.checks)}/{len(a.checks)}", "hints": a.hints,
        "solution": "viewed" if a.solution_viewed else "-", "result": result(a),
    } for a in book.attempts]


def render(book: Ledger, fmt: str) -> str:
    if fmt == "json":
        return book.to_json()
    if fmt == "markdown":
        return certificate(book)
    rows = trainee_rows(book)
    if fmt == "csv":
        return _csv(("trainee", *TRAINEE_COLUMNS), [{"trainee": book.trainee, **r} for r in rows])
    if not rows:
        return f"Trainee {book.trainee}: no lab started yet (`hsmshell lab start NAME`).\n"
    done = {a.lab for a in book.attempts if not a.exam and a.finished}
    tried = {a.lab for a in book.attempts if not a.exam}
    return (f"Trainee {book.trainee}: labs done {len(done)}, attempted {len(tried)}\n"
            + table(TRAINEE_COLUMNS, rows))


def table(columns: tuple[str, ...], rows: list[dict]) -> str:
    cells = [[str(r[c]) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"


def _csv(columns: tuple[str, ...], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _markdown(columns: tuple[str, ...], rows: list[dict]) -> str:
    def cell(value) -> str:
        return str(value).replace("|", "\\|")
    lines = ["| " + " | ".join(c.capitalize() for c in columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def certificate(book: Ledger) -> str:
    """A certificate of completion: the labs done (each with its time and hints, and whether the
    solution was looked at), the exams taken, the date it was issued."""
    done = [a for a in book.attempts if not a.exam and a.finished]
    taken = [a for a in book.attempts if a.exam and a.result]
    issued = time.strftime("%Y-%m-%d", time.gmtime(ledger.wall_clock()))
    parts = ["# Certificate of completion", "",
             f"**{book.trainee}** completed {len(done)} hsmshell training lab{'s' * (len(done) != 1)} "
             "(AWS CloudHSM and KMS custom key store troubleshooting).", ""]
    if done:
        parts += [_markdown(("lab", "started", "time", "hints", "solution", "tools"), [{
            "lab": a.lab, "started": a.started.replace("T", " ").replace("Z", " UTC"), "time": duration(a),
            "hints": a.hints, "solution": "viewed" if a.solution_viewed else "not viewed", "tools": a.generation,
        } for a in done])]
    if taken:
        parts += ["## Exams", "", _markdown(("exam", "started", "time", "limit", "result"), [{
            "exam": a.lab, "started": a.started.replace("T", " ").replace("Z", " UTC"), "time": duration(a),
            "limit": f"{a.minutes:g} min", "result": a.result,
        } for a in taken])]
    parts += [f"Issued {issued} (UTC) from the trainee's ledger by `hsmshell lab report --format markdown`.", ""]
    return "\n".join(parts)


# -- a class: every trainee's exported ledger in one folder ---------------------------------------

def read_class(folder: Path) -> tuple[list[Ledger], list[str]]:
    """The ledgers exported into `folder` (its *.json files), merged by trainee; and a line for
    each file that is not one, naming it and why."""
    if not folder.is_dir():
        raise ledger.LabError(f"{folder}: not a folder of exported ledgers")
    by_trainee: dict[str, dict[str, Attempt]] = {}
    skipped = []
    for path in sorted(folder.glob("*.json")):
        try:
            book = ledger.read(path)
        except ledger.LabError as exc:
            skipped.append(f"skipped {exc}")
            continue
        attempts = by_trainee.setdefault(book.trainee, {})
        for attempt in book.attempts:  # two exports of one trainee: each attempt once
            attempts[attempt.id] = attempt
    return [Ledger(name, sorted(a.values(), key=lambda a: a.started))
            for name, a in sorted(by_trainee.items())], skipped


def class_rows(books: list[Ledger]) -> list[dict]:
    """One row per trainee and lab (or exam): the best attempt (the quickest done, else the
    latest), with how many attempts it took and the hints taken over all of them."""
    rows = []
    for book in books:
        for name in dict.fromkeys(a.lab for a in book.attempts):
            tries = [a for a in book.attempts if a.lab == name]
            done = [a for a in tries if (a.result == "passed" if a.exam else a.finished)]
            best = min(done, key=lambda a: ledger.seconds(a.finished) - ledger.seconds(a.started)) if done \
                else tries[-1]
            rows.append({
                "trainee": book.trainee, "lab": ("exam " if best.exam else "") + name, "result": result(best),
                "time": duration(best), "attempts": len(tries), "hints": sum(a.hints for a in tries),
                "solution": "viewed" if any(a.solution_viewed for a in tries) else "-",
            })
    return rows


def render_class(books: list[Ledger], fmt: str) -> str:
    rows = class_rows(books)
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    if fmt == "csv":
        return _csv(CLASS_COLUMNS, rows)
    if fmt == "markdown":
        return _markdown(CLASS_COLUMNS, rows)
    if not rows:
        return "No trainee's ledger has an attempt yet.\n"
    return table(CLASS_COLUMNS, rows)
