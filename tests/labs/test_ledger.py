"""A trainee's progress ledger: what `hsmshell lab ...` records, where it is kept, and what it
survives."""

from __future__ import annotations

import csv
import io
import json

from hsmshell.cli import main
from hsmshell.labs import definition

from .test_labs import lab, replay_into


def hsmshell(world_path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["--world", str(world_path), *args], out, err)
    return status, out.getvalue() + err.getvalue()


def report(world_path, *args: str) -> dict:
    status, out = lab(world_path, "report", "--format", "json", *args)
    assert status == 0, out
    return json.loads(out)


def test_a_lab_from_start_to_finish_is_recorded(world_path, ledgers):
    assert lab(world_path, "start", "invalid-credentials", "--trainee", "alice")[0] == 0
    assert lab(world_path, "check")[0] == 1
    assert lab(world_path, "hint")[0] == 0 and lab(world_path, "hint")[0] == 0
    status, out = lab(world_path, "solution")
    assert "your ledger will say you saw it" in out
    mine = report(world_path, "--trainee", "alice")["attempts"][0]
    assert mine["solution_viewed"] is False  # asked once: nothing shown yet
    assert lab(world_path, "solution")[1] == definition.load("invalid-credentials").solution.read_text()
    replay_into(world_path, definition.load("invalid-credentials").solution)
    assert lab(world_path, "check")[0] == 0
    assert lab(world_path, "stop")[0] == 0

    ledger = report(world_path, "--trainee", "alice")
    assert ledger["trainee"] == "alice" and ledger["format"] == "hsmshell-ledger"
    (attempt,) = ledger["attempts"]
    assert attempt["lab"] == "invalid-credentials" and attempt["generation"] == "sdk3"
    assert [c["passed"] for c in attempt["checks"]] == [False, True]
    assert attempt["hints"] == 2 and attempt["solution_viewed"] is True
    assert attempt["started"] <= attempt["finished"] == attempt["checks"][1]["at"] <= attempt["stopped"]
    assert (ledgers / "ledger-alice.json").stat().st_mode & 0o777 == 0o600  # the trainee's alone
    assert ledgers.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in ledgers.iterdir()) == ["ledger-alice.json", "ledger-alice.json.lock"]  # no leftovers

    status, out = lab(world_path, "report", "--trainee", "alice")
    assert status == 0
    assert out.splitlines()[0] == "Trainee alice: labs done 1, attempted 1"
    assert out.splitlines()[1].split() == ["LAB", "KIND", "TOOLS", "STARTED", "TIME", "CHECKS", "HINTS",
                                           "SOLUTION", "RESULT"]
    row = out.splitlines()[2].split()
    assert row[:3] == ["invalid-credentials", "lab", "sdk3"] and row[-4:] == ["1/2", "2", "viewed", "done"]


def test_the_ledger_outlives_the_lab_and_every_world(world_path, tmp_path):
    assert lab(world_path, "start", "internal-error", "--trainee", "bob")[0] == 0
    assert lab(world_path, "stop")[0] == 0
    assert hsmshell(world_path, "world", "init", "--force")[0] == 0
    other = tmp_path / "elsewhere" / "world.yaml"
    assert hsmshell(other, "world", "init")[0] == 0
    assert lab(other, "start", "internal-error", "--trainee", "bob")[0] == 0
    attempts = report(other, "--trainee", "bob")["attempts"]
    assert [a["lab"] for a in attempts] == ["internal-error", "internal-error"]
    assert attempts[0]["stopped"] and attempts[1]["stopped"] is None


def test_later_commands_record_for_the_trainee_who_started(world_path, monkeypatch, ledgers):
    monkeypatch.setenv("HSMSHELL_TRAINEE", "carol")
    assert lab(world_path, "start", "internal-error")[0] == 0
    monkeypatch.setenv("HSMSHELL_TRAINEE", "dave")
    assert lab(world_path, "hint")[0] == 0
    assert report(world_path, "--trainee", "carol")["attempts"][0]["hints"] == 1
    assert not (ledgers / "ledger-dave.json").exists()


def test_the_trainee_is_the_login_name_by_default(world_path, monkeypatch, ledgers):
    monkeypatch.setenv("LOGNAME", "erin")
    assert lab(world_path, "start", "internal-error")[0] == 0
    assert (ledgers / "ledger-erin.json").is_file()
    assert report(world_path)["trainee"] == "erin"


def test_a_trainee_name_is_never_a_path(world_path):
    status, out = lab(world_path, "start", "internal-error", "--trainee", "../x")
    assert status == 1 and out.startswith("hsmshell: '../x' is not a trainee name")


def test_a_damaged_ledger_is_named_and_the_lab_does_not_start(world_path, ledgers, doors):
    ledgers.mkdir()
    (ledgers / "ledger-alice.json").write_text('{"format": "hsmshell-ledger", "version": 1, "trai')
    status, out = lab(world_path, "start", "invalid-credentials", "--trainee", "alice")
    assert (status, out) == (1, f"hsmshell: {ledgers / 'ledger-alice.json'}: not a ledger (not valid JSON, line 1); "
                                "move it aside (keep it for your instructor) and a new ledger is begun\n")
    assert lab(world_path, "status")[0] == 1  # no lab under way, and the world is as it was
    assert doors.describe()["ConnectionState"] == "CONNECTED"
    (ledgers / "ledger-alice.json").write_text('{"format": "hsmshell-ledger", "version": 1, "trainee": "alice", '
                                              '"attempts": [{"lab": "x"}]}')
    status, out = lab(world_path, "report", "--trainee", "alice")
    assert status == 1 and "ledger-alice.json: a damaged ledger (TypeError" in out and "Traceback" not in out
    # a lab under way whose ledger is moved aside still stops: the new ledger lacks its attempt
    (ledgers / "ledger-alice.json").unlink()
    assert lab(world_path, "start", "internal-error", "--trainee", "alice")[0] == 0
    (ledgers / "ledger-alice.json").rename(ledgers / "alice-old.json")
    assert lab(world_path, "stop")[0] == 0


def test_a_ledger_folder_that_cannot_be_made_stops_the_start(world_path, ledgers, monkeypatch, doors):
    ledgers.write_text("a file where the folder should be")
    status, out = lab(world_path, "start", "invalid-credentials", "--trainee", "alice")
    assert status == 1 and "cannot keep the ledger there" in out, out
    assert doors.describe()["ConnectionState"] == "CONNECTED"


def test_the_report_as_csv_and_as_a_certificate(world_path):
    assert lab(world_path, "start", "internal-error", "--trainee", "frank")[0] == 0
    assert lab(world_path, "hint")[0] == 0
    replay_into(world_path, definition.load("internal-error").solution)
    assert lab(world_path, "check")[0] == 0
    assert lab(world_path, "stop")[0] == 0
    assert lab(world_path, "start", "invalid-credentials", "--trainee", "frank")[0] == 0
    assert lab(world_path, "stop")[0] == 0

    status, out = lab(world_path, "report", "--trainee", "frank", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["trainee"], r["lab"], r["hints"], r["result"]) for r in rows] == [
        ("frank", "internal-error", "1", "done"), ("frank", "invalid-credentials", "0", "stopped")]

    status, out = lab(world_path, "report", "--trainee", "frank", "--format", "markdown")
    lines = out.splitlines()
    assert lines[0] == "# Certificate of completion"
    assert "**frank** completed 1 hsmshell training lab (" in out
    assert "| Lab | Started | Time | Hints | Solution | Tools |" in lines
    (row,) = [line for line in lines if line.startswith("| internal-error |")]
    assert "| 1 | not viewed | sdk3 |" in row and " UTC |" in row
    assert "invalid-credentials" not in out  # not completed: no part of a certificate
    assert lines[-1].startswith("Issued 20") and "(UTC)" in lines[-1]


def test_export_writes_the_ledger_for_an_instructor(world_path, tmp_path):
    assert lab(world_path, "start", "internal-error", "--trainee", "gina")[0] == 0
    target = tmp_path / "gina.json"
    status, out = lab(world_path, "report", "--trainee", "gina", "--export", str(target))
    assert (status, out) == (0, f"Ledger of gina (1 attempts) written to {target}\n")
    assert json.loads(target.read_text()) == report(world_path, "--trainee", "gina")
    status, out = lab(world_path, "report", "--trainee", "gina", "--export", str(tmp_path / "no" / "x.json"))
    assert status == 1 and "cannot write the export" in out
