"""Labs of failures only the current generation has (`generation: current` in lab.yaml): they
start on an hsm2m.medium world without --generation, refuse the SDK 3 form by name, show as
current-only in `lab list`, and draw their values per attempt: each attempt's own solution
repairs it, another attempt's does not.  Every lab's solution, wrong fix and tampering checks
run in test_labs.py and test_tampering.py, these labs among them (asserted below)."""

from __future__ import annotations

import pytest

from hsmshell.labs import definition, seed, session
from hsmshell.services import open_store
from hsmshell.testing.parse import load as load_transcript
from hsmshell.testing.replay import replay

from . import test_labs, test_tampering
from .test_labs import lab, replay_into

ONLY_CURRENT = [n for n in definition.names() if definition.load(n).generations == ("current",)]

# For each lab, when another attempt's solution (its values drawn with seed `theirs`) does not
# fit this attempt's world (drawn with `mine`): the values the solution needs differ that way.
# (user-inconsistent's solution needs the key store's ID, which the attempt's seed makes.)
CLASHES = {
    "user-inconsistent": lambda mine, theirs: mine != theirs,
    "key-on-one-hsm": lambda mine, theirs: theirs["lost_1.zone"] == mine["kept.zone"],
    "migration-rollback": lambda mine, theirs: theirs["migrated.cluster"] != mine["migrated.cluster"],
    "mtls-enforced": lambda mine, theirs: theirs["trusted"] != mine["trusted"],
}


def test_the_labs_of_the_current_generation_are_there_and_run_with_every_lab():
    assert set(CLASHES) <= set(ONLY_CURRENT) and set(ONLY_CURRENT) <= set(CLASHES)
    assert set(ONLY_CURRENT) <= set(test_labs.LABS) and set(ONLY_CURRENT) <= set(test_tampering.LABS)
    for name in ONLY_CURRENT:
        lab_ = definition.load(name)
        assert lab_.generation == "current" and lab_.seeded and lab_.wrong_fix and lab_.solution, name


@pytest.mark.parametrize("name", ONLY_CURRENT)
def test_lab_list_shows_it_current_only(world_path, name):
    status, out = lab(world_path, "list")
    row = next(l for l in out.splitlines() if l.startswith(name + " "))
    assert status == 0 and " current " in row and "sdk3" not in row, row


@pytest.mark.parametrize("name", ONLY_CURRENT)
def test_the_sdk3_form_is_refused_by_name(world_path, name):
    status, out = lab(world_path, "start", name, "--generation", "sdk3")
    assert status == 1 and out == f"hsmshell: the lab {name!r} has no sdk3 form (it has: current)\n"
    assert not session.state_path(open_store(world_path)).exists()


def seeds_that_clash(name: str) -> tuple[int, int]:
    draws = definition.load(name).seeded
    for mine in range(50):
        for theirs in range(50):
            if CLASHES[name](seed.draw(draws, mine), seed.draw(draws, theirs)):
                return mine, theirs
    raise AssertionError(f"{name}: no two seeds draw values that clash")


@pytest.mark.parametrize("name", ONLY_CURRENT)
def test_each_attempt_needs_its_own_values(world_path, name):
    """Started without --generation, on an hsm2m.medium world; another attempt's solution,
    with the values its own start drew and captured, does not repair it; its own does; the
    same seed makes the same world."""
    mine, theirs = seeds_that_clash(name)
    lab_ = definition.load(name)
    store = open_store(world_path)
    assert lab(world_path, "start", name, "--seed", str(theirs))[0] == 0
    their_values = session.active(store).variables
    assert lab(world_path, "stop")[0] == 0
    status, out = lab(world_path, "start", name, "--seed", str(mine))
    assert status == 0, out
    assert "This lab exists only in the current generation" in out
    world = store.read()
    assert world.generation == "current" and "hsm2m.medium" in {c.hsm_type for c in world.clusters.values()}
    drawn = session.active(store).variables
    assert drawn != their_values
    replay(load_transcript(lab_.solution), store=store, variables=their_values, readable=(lab_.folder,))
    status, out = lab(world_path, "check")
    assert status == 1 and "✗" in out, out
    assert lab(world_path, "reset")[0] == 0
    assert session.active(store).variables == drawn
    replay_into(world_path, lab_.solution)
    status, out = lab(world_path, "check")
    assert status == 0, out
    assert lab(world_path, "stop")[0] == 0
    assert lab(world_path, "start", name, "--seed", str(mine))[0] == 0
    assert session.active(store).variables == drawn


def test_a_lab_of_another_generation_is_named(tmp_path):
    folder = tmp_path / "odd-lab"
    folder.mkdir()
    (folder / "lab.yaml").write_text("title: t\nrunbook: How to x\ndifficulty: beginner\ngeneration: sdk5\n"
                                     "objectives:\n  - {title: o, expect: '@'}\n")
    with pytest.raises(definition.LabError, match=r"lab.yaml: generation must be current"):
        definition.load_folder(folder)
    (folder / "lab.yaml").write_text("title: t\nrunbook: How to x\ndifficulty: beginner\ngeneration: current\n"
                                     "objectives:\n  - {title: o, expect: '@'}\n")
    lab_ = definition.load_folder(folder)
    assert (lab_.generation, lab_.generations) == ("current", ("current",))
