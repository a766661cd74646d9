"""What a trainee's ledger costs: recording one check (read, change, fsync, rename, under the
lock) in a ledger that already holds N attempts, and the class report over a folder of T
exported ledgers of N attempts each.  A course of a few dozen labs per trainee should add a
few milliseconds to `lab check`.  Prints figures; asserts nothing.

    python benchmarks/bench_ledger.py [attempts] [trainees]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main(attempts: int = 200, trainees: int = 30) -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HSMSHELL_LEDGER_DIR"] = folder
        from hsmshell.labs import ledger, report

        with ledger.changing("alice") as book:
            for i in range(attempts):
                attempt = ledger.new_attempt(book, f"lab-{i % 17}", "sdk3")
                attempt.checks = [ledger.Check(attempt.started, i % 2 == 0) for _ in range(3)]
                attempt.finished = attempt.started
        target = book.attempts[-1].id
        figures = []
        for _ in range(50):
            begun = time.perf_counter()
            with ledger.changing("alice") as book:
                book.attempt(target).checks.append(ledger.Check(ledger.stamp(ledger.wall_clock()), True))
            figures.append(time.perf_counter() - begun)
        size = ledger.path_of("alice").stat().st_size
        print(f"record a check, ledger of {attempts} attempts ({size // 1024} KiB): median "
              f"{statistics.median(figures) * 1000:.1f} ms, max {max(figures) * 1000:.1f} ms")

        course = Path(folder) / "course"
        course.mkdir()
        text = ledger.path_of("alice").read_text()
        for t in range(trainees):
            (course / f"t{t}.json").write_text(text.replace('"trainee": "alice"', f'"trainee": "t{t}"'))
        begun = time.perf_counter()
        books, _ = report.read_class(course)
        out = report.render_class(books, "table")
        print(f"class report, {trainees} ledgers of {attempts} attempts: "
              f"{(time.perf_counter() - begun) * 1000:.0f} ms, {len(out.splitlines())} lines")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
