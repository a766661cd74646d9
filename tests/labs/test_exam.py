"""An exam: two causes at once, no title, hints or solution, graded cause by cause against a
time limit, and its result in the ledger."""

from __future__ import annotations

import io
import json
import shutil
from importlib import resources

from hsmshell.cli import main
from hsmshell.labs import exam

from .test_labs import lab, replay_into

EXAM = exam.load("exam-1")


def hsmshell(world_path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["--world", str(world_path), *args], out, err)
    return status, out.getvalue() + err.getvalue()


def attempts(world_path, trainee: str) -> list[dict]:
    status, out = lab(world_path, "report", "--trainee", trainee, "--format", "json")
    return json.loads(out)["attempts"]


def test_an_exam_from_start_to_report(world_path, clock):
    status, out = lab(world_path, "exam", "--trainee", "alice")
    assert status == 0, out
    assert out.startswith("Exam started: 45 minutes, until ")
    for secret in ("SUBNET_NOT_FOUND", "INVALID_CREDENTIALS", "How to", "subnet-not-found",
                   "invalid-credentials", *(c.name for c in EXAM.causes)):
        assert secret not in out  # nothing says what is broken
    assert "there are no\nhints and no solution during an exam" in out

    status, out = lab(world_path, "hint")
    assert (status, out) == (1, "hsmshell: an exam has no hints: `hsmshell lab check` grades your repair, "
                                "`hsmshell lab stop` ends the exam (as failed, unless it passed)\n")
    status, out = lab(world_path, "solution", "--yes")
    assert status == 1 and out.startswith("hsmshell: an exam has no solution:")

    status, out = lab(world_path, "check")
    assert (status, out) == (1, "Exam\n  ✗ Cause 1 of 2 not repaired yet\n  ✗ Cause 2 of 2 not repaired yet\n")
    clock[0] += 20 * 60
    replay_into(world_path, EXAM.solution)
    status, out = lab(world_path, "check")
    assert (status, out) == (0, "Exam\n  ✓ Cause 1 of 2 repaired\n  ✓ Cause 2 of 2 repaired\n"
                                "Exam result: passed. `hsmshell lab stop` ends the exam.\n")
    assert lab(world_path, "stop") == (0, "The exam stopped; your own world is back.\n")

    (taken,) = attempts(world_path, "alice")
    assert taken["exam"] is True and taken["minutes"] == 45 and taken["result"] == "passed"
    assert taken["hints"] == 0 and [c["passed"] for c in taken["checks"]] == [False, True]
    status, out = lab(world_path, "report", "--trainee", "alice")
    assert out.splitlines()[2].split()[-5:] == ["20m00s", "1/2", "0", "-", "passed"]
    status, out = lab(world_path, "report", "--trainee", "alice", "--format", "markdown")
    assert "## Exams" in out and "| exam-1 | 2027-01-15 08:00:00 UTC | 20m00s | 45 min | passed |" in out


def test_one_cause_repaired_is_not_a_pass(world_path):
    assert lab(world_path, "exam", "--trainee", "bob")[0] == 0
    replay_into(world_path, EXAM.wrong_fix)
    status, out = lab(world_path, "check")
    assert (status, out) == (1, "Exam\n  ✓ Cause 1 of 2 repaired\n  ✗ Cause 2 of 2 not repaired yet\n")
    assert lab(world_path, "stop")[0] == 0
    assert attempts(world_path, "bob")[0]["result"] == "failed"  # stopped before every cause was repaired


def test_a_check_after_the_time_limit_fails_whatever_the_world(world_path, clock):
    assert lab(world_path, "exam", "--minutes", "10", "--trainee", "carol")[0] == 0
    replay_into(world_path, EXAM.solution)
    clock[0] += 10 * 60 + 1
    status, out = lab(world_path, "check")
    assert status == 1
    assert "Time is up: the exam's time limit has passed, so this check counts as failed." in out
    assert "Exam result: failed." in out
    clock[0] -= 5 * 60  # a clock put back cannot undo a result once recorded
    assert "Exam result: failed." in lab(world_path, "check")[1]
    (taken,) = attempts(world_path, "carol")
    assert taken["minutes"] == 10 and taken["result"] == "failed"
    assert [(c["passed"], c["late"]) for c in taken["checks"]] == [(False, True), (True, False)]
    assert lab(world_path, "exam", "--minutes", "5")[1] == "hsmshell: an exam is under way: `hsmshell lab stop` ends it first\n"
    assert lab(world_path, "stop")[0] == 0
    assert lab(world_path, "exam", "--minutes", "0") == (1, "hsmshell: --minutes must be above 0\n")


def test_tampering_fails_an_exam_as_it_fails_a_lab(world_path):
    assert lab(world_path, "exam")[0] == 0
    status, out = hsmshell(world_path, "world", "init", "--force")
    assert status == 1 and "`hsmshell lab stop`" in out
    world_path.with_name(world_path.name + ".cache").unlink(missing_ok=True)
    with resources.as_file(resources.files("hsmshell") / "fixtures" / "default.yaml") as healthy:
        shutil.copyfile(healthy, world_path)
    status, out = lab(world_path, "check")
    assert status == 1 and "✗ BROKEN: The world is the one this lab set up" in out
    assert lab(world_path, "reset")[0] == 0
    replay_into(world_path, EXAM.solution)
    assert hsmshell(world_path, "fault", "clear")[0] == 0
    status, out = lab(world_path, "check")
    assert status == 1 and "`hsmshell fault clear` changed what the lab set up" in out, out


def test_an_unknown_exam_is_a_clear_error(world_path):
    assert lab(world_path, "exam", "nope") == (1, "hsmshell: no exam named 'nope' (there are: exam-1)\n")
