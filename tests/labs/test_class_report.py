"""An instructor's view of a class: every trainee's exported ledger in one table."""

from __future__ import annotations

import csv
import io

from hsmshell.cli import main
from hsmshell.labs import definition, exam

from .test_labs import lab, replay_into


def run(world_path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["--world", str(world_path), "lab", *args], out, err)
    return status, out.getvalue(), err.getvalue()


def test_three_trainees_exports_in_one_table(world_path, tmp_path, clock):
    course = tmp_path / "course"
    course.mkdir()
    # alice: a lab done in 7 minutes with a hint, and the exam passed
    assert lab(world_path, "start", "internal-error", "--trainee", "alice")[0] == 0
    assert lab(world_path, "hint")[0] == 0
    clock[0] += 7 * 60
    replay_into(world_path, definition.load("internal-error").solution)
    assert lab(world_path, "check")[0] == 0
    assert lab(world_path, "stop")[0] == 0
    assert lab(world_path, "exam", "--trainee", "alice")[0] == 0
    clock[0] += 30 * 60
    replay_into(world_path, exam.load("exam-1").solution)
    assert lab(world_path, "check")[0] == 0
    assert lab(world_path, "stop")[0] == 0
    # bob: the same lab stopped twice, the second time after reading the solution
    assert lab(world_path, "start", "internal-error", "--trainee", "bob")[0] == 0
    assert lab(world_path, "stop")[0] == 0
    assert lab(world_path, "start", "internal-error", "--trainee", "bob")[0] == 0
    assert lab(world_path, "solution", "--yes")[0] == 0
    assert lab(world_path, "stop")[0] == 0
    # carol: the exam, out of time
    assert lab(world_path, "exam", "--minutes", "5", "--trainee", "carol")[0] == 0
    clock[0] += 6 * 60
    assert lab(world_path, "check")[0] == 1
    assert lab(world_path, "stop")[0] == 0
    for trainee in ("alice", "bob", "carol"):
        assert lab(world_path, "report", "--trainee", trainee, "--export", str(course / f"{trainee}.json"))[0] == 0
    (course / "broken.json").write_text("{not json")
    (course / "notes.json").write_text('{"what": "the room is B12"}')
    (course / "README.txt").write_text("not a ledger, and not read: only *.json is")

    status, out, err = run(world_path, "report", "--class", str(course))
    assert status == 0
    assert err == (f"hsmshell: skipped {course / 'broken.json'}: not a ledger (not valid JSON, line 1)\n"
                   f"hsmshell: skipped {course / 'notes.json'}: not a ledger (no \"format\": \"hsmshell-ledger\")\n")
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["TRAINEE", "LAB", "RESULT", "TIME", "ATTEMPTS", "HINTS", "SOLUTION"]
    assert rows[1:] == [
        ["alice", "internal-error", "done", "7m00s", "1", "1", "-"],
        ["alice", "exam", "exam-1", "passed", "30m00s", "1", "0", "-"],
        ["bob", "internal-error", "stopped", "-", "2", "0", "viewed"],
        ["carol", "exam", "exam-1", "failed", "-", "1", "0", "-"],
    ]

    status, out, _ = run(world_path, "report", "--class", str(course), "--format", "csv")
    assert [r["trainee"] for r in csv.DictReader(io.StringIO(out))] == ["alice", "alice", "bob", "carol"]


def test_two_exports_of_one_trainee_count_each_attempt_once(world_path, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    assert lab(world_path, "start", "internal-error", "--trainee", "dan")[0] == 0
    assert lab(world_path, "report", "--trainee", "dan", "--export", str(course / "dan-monday.json"))[0] == 0
    assert lab(world_path, "stop")[0] == 0
    assert lab(world_path, "report", "--trainee", "dan", "--export", str(course / "dan-tuesday.json"))[0] == 0
    status, out, _ = run(world_path, "report", "--class", str(course))
    assert [line.split()[:5] for line in out.splitlines()[1:]] == [["dan", "internal-error", "stopped", "-", "1"]]


def test_a_class_folder_that_is_not_one(world_path, tmp_path):
    assert run(world_path, "report", "--class", str(tmp_path / "nowhere")) == (
        1, "", f"hsmshell: {tmp_path / 'nowhere'}: not a folder of exported ledgers\n")
    (tmp_path / "empty").mkdir()
    assert run(world_path, "report", "--class", str(tmp_path / "empty")) == (
        0, "No trainee's ledger has an attempt yet.\n", "")
