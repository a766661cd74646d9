"""Fresh answers per attempt: a lab started with its own seed draws the values its solution
needs (subnet-not-found: which subnet was deleted), so one trainee's answers do not fit
another's world; the same seed repeats the same world."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hsmshell.labs import definition, exam, seed, session
from hsmshell.services import open_store
from hsmshell.testing.parse import load as load_transcript
from hsmshell.testing.parse import parse
from hsmshell.testing.replay import replay

from .test_labs import lab, replay_into

LAB = definition.load("subnet-not-found")


def deleted_by(seed_: int) -> str:
    return seed.draw(LAB.seeded, seed_)["deleted.subnet"]


def seeds_deleting_each_subnet() -> list[int]:
    found: dict[str, int] = {}
    for candidate in range(100):
        found.setdefault(deleted_by(candidate), candidate)
    assert len(found) == 3  # every subnet can be the one deleted
    return sorted(found.values())


def faults(world_path) -> list:
    return [(f["kind"], f.get("subnet_id")) for f in open_store(world_path).read().faults]


@pytest.mark.parametrize("seed_", seeds_deleting_each_subnet())
def test_each_seed_deletes_its_own_subnet_and_its_own_solution_repairs_it(world_path, seed_):
    status, out = lab(world_path, "start", "subnet-not-found", "--seed", str(seed_))
    assert status == 0, out
    assert f"This attempt's values are drawn from seed {seed_} (`--seed {seed_}` repeats them)." in out
    assert faults(world_path) == [("subnet_deleted", deleted_by(seed_))]
    replay_into(world_path, LAB.solution)
    assert lab(world_path, "check")[0] == 0


def test_one_attempts_answers_do_not_fit_another_attempts_world(world_path):
    first, second = seeds_deleting_each_subnet()[:2]
    assert lab(world_path, "start", "subnet-not-found", "--seed", str(first))[0] == 0
    store = open_store(world_path)
    theirs = {**session.active(store).variables, **seed.draw(LAB.seeded, second)}
    result = replay(load_transcript(LAB.solution), store=store, variables=theirs)
    assert not result.ok  # the other attempt's cluster would sit in the deleted subnet
    assert lab(world_path, "check")[0] == 1


def test_the_same_seed_repeats_the_same_world_and_a_new_one_is_drawn_by_default(world_path, tmp_path):
    assert lab(world_path, "start", "subnet-not-found", "--seed", "41", "--trainee", "ann")[0] == 0
    drawn = session.active(open_store(world_path)).variables
    before = faults(world_path)
    assert lab(world_path, "reset")[0] == 0  # the same attempt: the same values
    assert session.active(open_store(world_path)).variables == drawn and faults(world_path) == before
    assert lab(world_path, "stop")[0] == 0
    assert lab(world_path, "start", "subnet-not-found", "--seed", "41", "--trainee", "ann")[0] == 0
    assert session.active(open_store(world_path)).variables == drawn and faults(world_path) == before
    assert lab(world_path, "stop")[0] == 0
    status, out = lab(world_path, "start", "subnet-not-found", "--trainee", "ann")
    fresh = session.active(open_store(world_path)).seed
    assert f"drawn from seed {fresh} " in out
    ledger = json.loads(lab(world_path, "report", "--trainee", "ann", "--format", "json")[1])
    assert [a["seed"] for a in ledger["attempts"]] == [41, 41, fresh]


def test_ids_made_during_the_attempt_follow_its_seed(world_path, doors):
    """The nightly backup the setup makes, which the solution restores, has another ID in
    another attempt; the fixture's own ids stay as the guide names them."""
    latest = ("cloudhsmv2", "describe-backups", "--filters", "clusterIds=cluster-1a23b4cdefg", "--query",
              "max_by(Backups, &CreateTimestamp).BackupId", "--output", "text")
    seen = []
    for seed_ in (5, 6, 5):
        assert lab(world_path, "start", "subnet-not-found", "--seed", str(seed_))[0] == 0
        seen.append(doors.aws(*latest)[1])
        assert doors.describe()["CloudHsmClusterId"] == "cluster-1a23b4cdefg"
        assert lab(world_path, "stop")[0] == 0
    assert seen[0] != seen[1] and seen[0] == seen[2]


def test_a_lab_without_drawn_values_says_nothing_of_a_seed(world_path):
    status, out = lab(world_path, "start", "internal-error", "--seed", "3")
    assert status == 0 and "seed" not in out


def test_a_bad_seeded_section_is_named(tmp_path):
    folder = tmp_path / "broken-lab"
    folder.mkdir()
    (folder / "lab.yaml").write_text(
        "title: t\nrunbook: How to x\ndifficulty: beginner\nobjectives:\n  - {title: o, expect: '@'}\n"
        "seeded:\n  - names: [a, b]\n    shuffle: [x]\n")
    with pytest.raises(definition.LabError, match=r"lab.yaml: seeded\[0\]: shuffle needs an item for every name"):
        definition.load_folder(folder)


# The control-plane labs, each in every generation it has: the drawn value its solution needs
# (two seeds are found that draw it differently), and how another attempt's solution is tried
# here: "draws" replays it with that attempt's drawn values; "typed" as its trainee typed it,
# with the ids they read off their own screen (the restored cluster's), which this attempt's
# world does not have.
CONTROL_PLANE_LABS = {
    "unavailable-keys": ("retired", "draws"),
    "keys-pending-deletion": ("pending", "draws"),
    "network-errors": ("settle", "draws"),
    "hsms-lost-while-connected": ("hsms.ip_1", "draws"),
    "insufficient-cloudhsm-hsms": ("hsms.ip_1", "draws"),
    "subnet-not-found": ("deleted.subnet", "draws"),
    "insufficient-free-addresses": ("new_1", "draws"),
    "cluster-not-found": ("gone", "draws"),
    "cluster-replaced": ("restored", "typed"),
    "wrong-cluster-id": ("production", "typed"),
}
ORDERED = {"network-errors": int}  # a shorter wait falls short of a longer one
CONTROL_PLANE_FORMS = [(name, generation) for name in CONTROL_PLANE_LABS
                       for generation in definition.load(name).generations]


def two_seeds(name: str) -> tuple[int, int]:
    """Two seeds that draw the value `name`'s solution needs differently; a lab with an order
    among its values (a longer wait) gives the first the one the second's solution falls short of."""
    lab_ = definition.load(name)
    key = CONTROL_PLANE_LABS[name][0]

    def drawn(seed_: int):  # a value the setup makes (a cluster's ID) follows every draw
        values = seed.draw(lab_.seeded, seed_)
        return values.get(key, values)

    first = 0
    second = next(s for s in range(1, 200) if drawn(s) != drawn(first))
    ordered = ORDERED.get(name)
    if ordered and ordered(drawn(first)) < ordered(drawn(second)):
        first, second = second, first
    return first, second


def solve(world_path, name: str, generation: str, variables=None, text: str | None = None):
    store = open_store(world_path)
    state = session.active(store)
    path = definition.load(name, generation).solution
    transcript = load_transcript(path) if text is None else parse(text, path)
    return replay(transcript, store=store, variables={**state.variables, **(variables or {})},
                  readable=(Path(state.variables["lab"]),))


def as_typed(name: str, generation: str, variables: dict[str, str]) -> str:
    """The solution with every value its trainee captured off the screen written in."""
    text = definition.load(name, generation).solution.read_text(encoding="utf-8")
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: re.escape(variables[m[1]]) if m[1] in variables else m[0], text)


def snapshot(world_path) -> tuple:
    """What a seed decides in a lab's world: the drawn and captured values, and the ids,
    addresses and faults the world holds (not the clock's times)."""
    world = open_store(world_path).read()
    return (
        session.active(open_store(world_path)).variables,
        sorted((c.cluster_id, c.state, c.hsm_type, sorted(c.subnets.items()),
                sorted((h.hsm_id, h.availability_zone, h.eni_ip) for h in c.hsms)) for c in world.clusters.values()),
        sorted(world.backups),
        sorted((f.get("kind"), f.get("subnet_id"), f.get("code")) for f in world.faults),
        sorted((k.key_id, k.enabled, k.deletion_date is None, k.custom_key_store_id) for k in world.kms_keys.values()),
        sorted((s.custom_key_store_id, s.cloud_hsm_cluster_id, s.connection_state)
               for s in world.custom_key_stores.values()),
    )


@pytest.mark.parametrize(("name", "generation"), CONTROL_PLANE_FORMS)
def test_control_plane_labs_draw_per_attempt_and_each_solution_fits_its_own_world(world_path, name, generation):
    first, second = two_seeds(name)
    solved = {}
    for seed_ in (first, second):
        assert lab(world_path, "start", name, "--seed", str(seed_), "--generation", generation)[0] == 0
        result = solve(world_path, name, generation)
        assert result.ok, result.report()
        status, out = lab(world_path, "check")
        assert status == 0, out
        solved[seed_] = result.variables
        assert lab(world_path, "stop")[0] == 0
    key = CONTROL_PLANE_LABS[name][0]
    assert solved[first][key] != solved[second][key]
    # the other attempt's solution does not repair this attempt's world
    assert lab(world_path, "start", name, "--seed", str(first), "--generation", generation)[0] == 0
    theirs = solved[second]
    if CONTROL_PLANE_LABS[name][1] == "draws":
        solve(world_path, name, generation, seed.draw(definition.load(name).seeded, second))
    else:
        solve(world_path, name, generation, theirs, as_typed(name, generation, theirs))
    status, out = lab(world_path, "check")
    assert status == 1 and "✗" in out, out


@pytest.mark.parametrize(("name", "generation"), CONTROL_PLANE_FORMS)
def test_control_plane_labs_repeat_their_world_for_the_same_seed(world_path, name, generation):
    first, second = two_seeds(name)
    seen = []
    for seed_ in (first, second, first):
        assert lab(world_path, "start", name, "--seed", str(seed_), "--generation", generation)[0] == 0
        seen.append(snapshot(world_path))
        assert lab(world_path, "stop")[0] == 0
    assert seen[0] == seen[2] and seen[0] != seen[1]


# -- the exam: one seed draws its labs' values ---------------------------------------------------

EXAM_FORMS = ["sdk3", "current"]


def exam_seeds() -> tuple[int, int]:
    draws = tuple(d for part in exam.load("exam-1").parts for d in part.seeded)
    deleted = lambda s: seed.draw(draws, s)["deleted.subnet"]  # noqa: E731
    return 0, next(s for s in range(1, 200) if deleted(s) != deleted(0))


def start_exam(world_path, seed_: int, generation: str) -> None:
    status, out = lab(world_path, "exam", "exam-1", "--seed", str(seed_), "--generation", generation)
    assert status == 0 and f"drawn from seed {seed_} " in out, out


@pytest.mark.parametrize("generation", EXAM_FORMS)
def test_an_exam_draws_per_attempt_and_each_solution_fits_its_own_world(world_path, generation):
    form = exam.load("exam-1", generation)
    first, second = exam_seeds()
    drawn = {}
    for seed_ in (first, second):
        start_exam(world_path, seed_, generation)
        drawn[seed_] = session.active(open_store(world_path)).variables
        replay_into(world_path, form.solution)
        assert lab(world_path, "check")[0] == 0
        assert lab(world_path, "stop")[0] == 0
    assert drawn[first]["deleted.subnet"] != drawn[second]["deleted.subnet"]
    start_exam(world_path, first, generation)
    store = open_store(world_path)
    theirs = {**session.active(store).variables,
              **seed.draw(tuple(d for part in form.parts for d in part.seeded), second)}
    assert not replay(load_transcript(form.solution), store=store, variables=theirs).ok
    assert lab(world_path, "check")[0] == 1


@pytest.mark.parametrize("generation", EXAM_FORMS)
def test_an_exam_repeats_its_world_for_the_same_seed(world_path, generation):
    first, second = exam_seeds()
    seen = []
    for seed_ in (first, second, first):
        start_exam(world_path, seed_, generation)
        seen.append(snapshot(world_path))
        assert lab(world_path, "stop")[0] == 0
    assert seen[0] == seen[2] and seen[0] != seen[1]


def test_the_guide_and_hints_name_the_attempts_own_values(world_path):
    drawn = seed.draw(definition.load("network-errors").seeded, 7)
    status, out = lab(world_path, "start", "network-errors", "--seed", "7")
    assert status == 0 and f"settle within {drawn['settle']}\nminutes." in out and "<settle>" not in out, out
    for _ in range(4):
        status, out = lab(world_path, "hint")
    assert status == 0 and f"`hsmshell clock advance {drawn['settle']}m`" in out and "<" not in out, out
    assert lab(world_path, "stop")[0] == 0
    drawn = seed.draw(definition.load("unavailable-keys").seeded, 7)
    status, out = lab(world_path, "start", "unavailable-keys", "--seed", "7", "--generation", "current")
    assert status == 0 and f"retires the KMS key\n`{drawn['retired']}` today" in out, out
    assert f"the payments key (`{drawn['payments']}`)" in out


# The labs centred on the HSM shells: each draws the values its solution needs (the crypto
# officer's password, which key or HSM is the broken one, ...), in every generation it has.
SHELL_LABS = {  # lab: the drawn values its solution cannot do without
    "invalid-credentials": ("co_password",),
    "user-locked-out": ("co_password",),
    "user-logged-in": ("sam_password",),
    "log-in-as-kmsuser": ("co_password", "scratch"),
    "orphaned-key-material": ("co_password", "deleted.handle"),
    "recover-key-material": ("maint_password",),
    "user-not-found": ("co_password", "team_password"),
    "kmsuser-on-one-hsm": ("co_password", "kms_id"),
    "find-key-handle": ("co_password", "archive.handle"),
    "cluster-not-active": ("old_backup",),  # and the ids the attempt makes: see below
}
# Labs whose solution reads every value it needs off the screen (captures): another attempt's
# answers are ids its own world made, which the next test shows are not in this one.
CAPTURED = {"cluster-not-active": "backup"}
SHELL_FORMS = [(name, generation) for name in SHELL_LABS for generation in definition.load(name).generations]


def two_seeds_that_differ(name: str) -> tuple[int, int]:
    """Two seeds whose draws differ in every value the lab's solution needs."""
    drawn = definition.load(name).seeded
    first = seed.draw(drawn, 0)
    for candidate in range(1, 200):
        other = seed.draw(drawn, candidate)
        if all(other[value] != first[value] for value in SHELL_LABS[name]):
            return 0, candidate
    raise AssertionError(f"{name}: no two seeds draw different values")


def start(world_path, name: str, generation: str, seed_: int) -> None:
    status, out = lab(world_path, "start", name, "--generation", generation, "--seed", str(seed_))
    assert status == 0, out
    assert f"drawn from seed {seed_} " in out, out
    told = out.split("drawn from seed")[1]  # the guide, with the attempt's values filled in
    drawn = seed.draw(definition.load(name).seeded, seed_)
    assert not [n for n in drawn if f"<{n}>" in told], out
    assert all(drawn[n] in told for n in drawn if f"<{n}>" in definition.load(name).guide), out


def world_as_checked(world_path) -> dict:
    from hsmshell.labs.checks import world_view

    def timeless(value):  # times are the wall clock's when the setup ran: not the seed's
        if isinstance(value, dict):
            return {k: timeless(v) for k, v in value.items() if not isinstance(v, float)}
        return [timeless(v) for v in value] if isinstance(value, list) else value

    view = world_view(open_store(world_path).read())
    view.pop("lab_stamp")
    return timeless(view)


@pytest.mark.parametrize("name,generation", SHELL_FORMS)
def test_a_shell_lab_draws_its_answers_and_each_attempts_solution_repairs_its_own_world(world_path, name, generation):
    form = definition.load(name, generation)
    for seed_ in two_seeds_that_differ(name):
        start(world_path, name, generation, seed_)
        assert lab(world_path, "check")[0] == 1
        replay_into(world_path, form.solution)
        status, out = lab(world_path, "check")
        assert status == 0, out
        assert lab(world_path, "stop")[0] == 0


@pytest.mark.parametrize("name,generation", [(n, g) for n, g in SHELL_FORMS if n not in CAPTURED])
def test_a_shell_labs_answers_from_another_attempt_do_not_repair_it(world_path, name, generation):
    mine, theirs = two_seeds_that_differ(name)
    form = definition.load(name, generation)
    start(world_path, name, generation, mine)
    store = open_store(world_path)
    variables = {**session.active(store).variables, **seed.draw(form.seeded, theirs)}
    result = replay(load_transcript(form.solution), store=store, variables=variables, readable=(form.folder,))
    status, out = lab(world_path, "check")
    assert not result.ok or status == 1, out


@pytest.mark.parametrize("name,generation", [(n, g) for n, g in SHELL_FORMS if n in CAPTURED])
def test_the_ids_another_attempt_read_off_its_screen_are_not_in_this_attempts_world(world_path, doors, name, generation):
    form = definition.load(name, generation)
    answers = []
    for seed_ in two_seeds_that_differ(name):
        start(world_path, name, generation, seed_)
        store = open_store(world_path)
        result = replay(load_transcript(form.solution), store=store, variables=session.active(store).variables,
                        readable=(form.folder,))
        assert result.ok, result.report()
        answers.append(result.variables[CAPTURED[name]])
        assert lab(world_path, "stop")[0] == 0
    assert answers[0] != answers[1]
    start(world_path, name, generation, two_seeds_that_differ(name)[1])
    replay_into(world_path, form.solution)
    status, out, _ = doors.aws("cloudhsmv2", "describe-backups", "--query", "Backups[].BackupId", "--output", "text")
    assert status == 0 and answers[1] in out.split() and answers[0] not in out.split(), out


def test_hints_name_the_attempts_values(world_path):
    start(world_path, "invalid-credentials", "sdk3", 5)
    co_password = seed.draw(definition.load("invalid-credentials").seeded, 5)["co_password"]
    hints = [lab(world_path, "hint")[1] for _ in definition.load("invalid-credentials").hints]
    assert f"(admin, {co_password})" in hints[2] and "<" not in "".join(hints)


@pytest.mark.parametrize("name,generation", SHELL_FORMS)
def test_a_shell_lab_started_again_with_its_seed_is_the_same_world(world_path, name, generation):
    start(world_path, name, generation, 11)
    drawn, world = session.active(open_store(world_path)).variables, world_as_checked(world_path)
    assert lab(world_path, "stop")[0] == 0
    start(world_path, name, generation, 11)
    assert session.active(open_store(world_path)).variables == drawn
    assert world_as_checked(world_path) == world
    replay_into(world_path, definition.load(name, generation).wrong_fix)
    assert lab(world_path, "check")[0] == 1


def test_a_labs_world_is_a_template_whose_values_stay_data(tmp_path):
    import yaml

    source = tmp_path / "world.yaml"
    source.write_text("a: '<x>'\nb: 'pw <x>'\nc: '<n>'\nd: [keep, '<x>']\ne: {nested: '<n> keys'}\n")
    hostile = "v: 1\n- !!python/object/apply:os.system ['id']"
    filled = yaml.safe_load(seed.world_text(source, {"x": hostile, "n": "262170"}))
    assert filled == {"a": hostile, "b": f"pw {hostile}", "c": 262170, "d": ["keep", hostile],
                      "e": {"nested": "262170 keys"}}


def test_a_placeholder_the_lab_does_not_draw_stops_the_start_by_name(tmp_path):
    source = tmp_path / "world.yaml"
    source.write_text("users: [{name: admin, password: '<co_pasword>'}]\n")
    with pytest.raises(definition.LabError, match=r"world.yaml: <co_pasword> is not a value the lab draws"):
        seed.world_text(source, {"co_password": "x"})
