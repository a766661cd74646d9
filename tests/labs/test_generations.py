"""Labs in both generations: a lab with a `current/` form starts on an hsm2m.medium world
(`lab start NAME --generation current`), its CloudHSM CLI solution passes and its wrong fix
does not, and `lab list` says which generations each lab has."""

from __future__ import annotations

import json

import pytest

from hsmshell.labs import definition, exam
from hsmshell.labs.definition import LabError
from hsmshell.services import open_store

from .test_labs import lab, replay_into

# Labs of both generations (those of the current one only: test_current_only_labs.py).
CURRENT = [name for name in definition.names() if definition.load(name).generations == ("sdk3", "current")]


def test_the_runbooks_credential_labs_have_a_current_form():
    assert {"invalid-credentials", "user-locked-out", "user-logged-in"} <= set(CURRENT)


@pytest.mark.parametrize("name", CURRENT)
def test_the_current_form_starts_on_an_hsm2m_cluster_and_its_solution_repairs_it(world_path, name):
    status, out = lab(world_path, "start", name, "--generation", "current")
    assert status == 0, out
    world = open_store(world_path).read()
    assert world.generation == "current"
    # every cluster is hsm2m.medium (cluster-not-found's world has none left: its cluster was deleted)
    assert {c.hsm_type for c in world.clusters.values()} <= {"hsm2m.medium"}
    assert world.clusters or world.backups
    status, out = lab(world_path, "check")
    assert status == 1 and "✗" in out
    replay_into(world_path, definition.load(name, "current").solution)
    status, out = lab(world_path, "check")
    assert status == 0, out


@pytest.mark.parametrize("name", CURRENT)
def test_the_current_forms_wrong_fix_does_not_pass(world_path, name):
    assert lab(world_path, "start", name, "--generation", "current")[0] == 0
    replay_into(world_path, definition.load(name, "current").wrong_fix)
    status, out = lab(world_path, "check")
    assert status == 1 and "✗" in out, out


def test_a_repair_with_the_sdk3_tools_is_judged_by_the_world_not_the_tools(world_path):
    """The SDK 3 form's solution, on the SDK 3 form: unchanged by the current form's existence."""
    assert lab(world_path, "start", "invalid-credentials")[0] == 0
    assert open_store(world_path).read().generation is None
    replay_into(world_path, definition.load("invalid-credentials").solution)
    assert lab(world_path, "check")[0] == 0


def test_lab_list_names_each_labs_generations(world_path):
    status, out = lab(world_path, "list")
    assert status == 0
    for name in definition.names():
        row = next(l for l in out.splitlines() if l.startswith(name + " "))
        assert ("sdk3, current" in row) == (name in CURRENT), row


def test_a_lab_without_that_form_is_refused_by_name(world_path):
    without = next(n for n in definition.names() if "current" not in definition.load(n).generations)
    status, out = lab(world_path, "start", without, "--generation", "current")
    assert status != 0 and f"the lab {without!r} has no current form" in out
    with pytest.raises(LabError):
        definition.load(without, "current")
    status, out = lab(world_path, "start", "invalid-credentials", "--generation", "sdk5")
    assert status != 0 and "sdk5" in out


# -- the exams' current forms (exams/NAME/current/) -------------------------------------------

CURRENT_EXAMS = [name for name in exam.names() if "current" in exam.load(name).generations]


def test_the_exam_has_a_current_form():
    assert "exam-1" in CURRENT_EXAMS


@pytest.mark.parametrize("name", CURRENT_EXAMS)
def test_an_exams_current_form_is_passed_by_its_solution_and_not_by_its_wrong_fix(world_path, name):
    current = exam.load(name, "current")
    assert current.solution.parent.name == "current" and current.wrong_fix.parent.name == "current"
    status, out = lab(world_path, "exam", name, "--generation", "current", "--trainee", "cora")
    assert status == 0, out
    world = open_store(world_path).read()
    assert world.generation == "current" and {c.hsm_type for c in world.clusters.values()} == {"hsm2m.medium"}
    assert lab(world_path, "check")[0] == 1
    replay_into(world_path, current.solution)
    status, out = lab(world_path, "check")
    assert status == 0 and "Exam result: passed" in out, out
    assert lab(world_path, "stop")[0] == 0
    assert lab(world_path, "exam", name, "--generation", "current", "--trainee", "cora")[0] == 0
    replay_into(world_path, current.wrong_fix)
    assert lab(world_path, "check")[0] == 1
    assert lab(world_path, "stop")[0] == 0
    status, out = lab(world_path, "report", "--trainee", "cora", "--format", "json")
    assert [(a["generation"], a["result"]) for a in json.loads(out)["attempts"]] == [
        ("current", "passed"), ("current", "failed")]


# The labs centred on the HSM shells whose failure exists on hsm2m.medium (all of them but those
# listed with a reason in their lab.yaml).
SHELL_LABS_CURRENT = ["invalid-credentials", "user-locked-out", "user-logged-in", "log-in-as-kmsuser",
                      "orphaned-key-material", "user-not-found", "cluster-not-active", "find-key-handle",
                      "recover-key-material"]


def test_the_shell_labs_have_a_current_form():
    assert set(SHELL_LABS_CURRENT) <= set(CURRENT)
