"""The lab a world is in: started, checked, hinted, reset, stopped.

Starting a lab puts the trainee's world aside (`<name>.before-lab.yaml` beside it) and makes
the lab's world in its place, by loading the lab's fixture and replaying its setup with the
real commands; stopping puts the trainee's world back.  What the lab needs to remember
(hints shown, values the setup captured) is kept in `<world>.lab`, beside the world; what the
trainee did is recorded in their ledger (`ledger.py`), which outlives the world.

An exam (`exam.py`) runs through the same doors, without title, hints or solution, against
its time limit.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

import yaml

from ..world import files, generation
from ..world.store import Store, WorldError
from . import exam as exams
from . import ledger
from . import seed as seeds
from .checks import Outcome, evaluate
from .definition import Check, Lab, LabError, load
from .exam import Exam


@dataclass
class Active:
    name: str
    hints_shown: int = 0
    solution_asked: bool = False
    variables: dict[str, str] = field(default_factory=dict)
    stamp: str = ""  # the world's lab_stamp when the lab made it
    trainee: str = ""  # whose ledger records it ("" for a lab started before ledgers)
    ledger: str = ""  # that ledger's file, as it was when the lab started
    attempt: str = ""  # the attempt's id in it
    exam: bool = False
    started: float = 0.0  # wall clock
    minutes: float | None = None  # an exam's time limit
    seed: int | None = None  # draws the lab's seeded values (seed.py); None before seeds
    generation: str | None = None  # the lab's form (definition.variant); None: the SDK 3 form

    @property
    def deadline(self) -> float | None:
        return None if self.minutes is None else self.started + self.minutes * 60


# What a check reports when the world is not the one the lab made.
UNTOUCHED = Check("The world is the one this lab set up (not re-created, replaced or given faults by hand)",
                  expect="")


def state_path(store: Store) -> Path:
    return store.path.with_name(store.path.name + ".lab")


def handouts_path(store: Store) -> Path:
    """Where a started lab puts the files a trainee works with, beside the world."""
    return store.path.with_name(store.path.name + ".lab-files")


def saved_path(store: Store) -> Path:
    return store.path.with_name(store.path.stem + ".before-lab.yaml")


def active(store: Store) -> Active | None:
    try:
        data = yaml.safe_load(state_path(store).read_text(encoding="utf-8"))
        return Active(**data)
    except FileNotFoundError:
        return None
    except (OSError, TypeError, yaml.YAMLError) as exc:
        raise LabError(f"{state_path(store)}: the lab's state is unreadable ({exc}); "
                       "remove it to leave the lab") from None


def _save(store: Store, state: Active) -> None:
    text = yaml.safe_dump(asdict(state), sort_keys=False)
    files.replace(state_path(store), text.encode("utf-8"), sync=False)  # private, never a planted file


def start(store: Store, name: str, trainee: str, seed: int | None = None, generation: str | None = None) -> Lab:
    return _begin(store, load(name, generation), trainee, seed)


def start_exam(store: Store, name: str, trainee: str, minutes: float | None, seed: int | None = None,
               generation: str | None = None) -> Exam:
    exam = exams.load(name, generation)
    if minutes is not None and minutes <= 0:
        raise LabError("--minutes must be above 0")
    return _begin(store, exam, trainee, seed, minutes=exam.minutes if minutes is None else minutes)


def _begin(store: Store, lab: Lab | Exam, trainee: str, seed: int | None, *, minutes: float | None = None):
    under_way = active(store)
    if under_way:
        raise LabError(f"{_what(under_way)} is under way: `hsmshell lab stop` ends it first")
    # The ledger is read before the world is touched: a ledger that cannot take the record
    # stops the lab from starting rather than leaving it unrecorded.
    with ledger.changing(trainee) as book:
        if store.exists():
            try:
                data = store.export()  # with its CloudTrail events, which live beside the world file
            except WorldError:
                data = files.read_world(store.path)  # a broken world comes back as it was
            files.replace(saved_path(store), data, sync=False)
        state = Active(lab.name, trainee=trainee, ledger=str(ledger.path_of(trainee)),
                       exam=isinstance(lab, Exam), started=ledger.wall_clock(), minutes=minutes,
                       seed=seeds.new_seed() if seed is None else seed,
                       generation=None if lab.generation == generation.SDK3 else lab.generation)
        try:
            state.variables, state.stamp = set_up(store, lab, state.seed)
        except BaseException:
            _put_back(store)  # a lab that cannot start must not cost the trainee their world
            raise
        attempt = ledger.new_attempt(book, lab.name, generation.of(store.read()), minutes=minutes)
        attempt.started = ledger.stamp(state.started)
        attempt.seed = state.seed
        state.attempt = attempt.id
        _save(store, state)
    _hand_out(store, lab)
    return lab


def _what(state: Active) -> str:
    return "an exam" if state.exam else f"the lab {state.name!r}"


def _hand_out(store: Store, lab: Lab | Exam) -> None:
    folder = handouts_path(store)
    shutil.rmtree(folder, ignore_errors=True)
    if lab.handouts():
        folder.mkdir(mode=0o700)
        for path in lab.handouts():
            shutil.copyfile(path, folder / path.name)


def set_up(store: Store, lab: Lab | Exam, seed: int | None) -> tuple[dict[str, str], str]:
    """Make the lab's world: its fixture, then its setup replayed with the real commands (an
    exam's: its labs' setups, one after the other), and stamp it.  The values drawn from the
    seed and the variables the setups captured, and the stamp."""
    parts = lab.parts if isinstance(lab, Exam) else (lab,)
    variables = drawn(lab, seed)
    _make_world(store, lab, variables)
    if seed is not None and any(part.seeded for part in parts):
        with store.transaction() as world:
            _reseed(world, seed)
    for part in parts:
        # `<lab>` names files the lab ships (a ciphertext to decrypt: `fileb://<lab>/x.bin`).
        variables["lab"] = str(part.folder)
        if part.setup is not None:
            from ..testing.parse import load as load_transcript
            from ..testing.replay import replay

            result = replay(load_transcript(part.setup), store=store, variables=variables, readable=(part.folder,))
            if not result.ok:
                raise LabError(f"the lab's setup did not produce its world:\n{result.report()}")
            variables = result.variables
    stamp = f"{lab.name}:{secrets.token_hex(8)}"
    with store.transaction() as world:
        world.lab_stamp = stamp
    return variables, stamp


def drawn(lab: Lab | Exam, seed: int | None) -> dict[str, str]:
    """The values the attempt's seed draws for the lab (an exam: for its labs)."""
    parts = lab.parts if isinstance(lab, Exam) else (lab,)
    return seeds.draw(tuple(d for part in parts for d in part.seeded), seed or 0)  # 0: a lab begun before seeds


def _make_world(store: Store, lab: Lab | Exam, values: dict[str, str]) -> None:
    """The lab's world; one the lab ships is a template of the values it draws (seed.py)."""
    source = Path(lab.world_path())
    if isinstance(lab, Exam) or not lab.seeded or not source.is_file():
        store.create(lab.world_path(), force=True)
        return
    with tempfile.TemporaryDirectory(prefix="hsmshell-lab-") as folder:
        world = Path(folder) / source.name
        world.write_text(seeds.world_text(source, values), encoding="utf-8")
        store.create(str(world), force=True)


def _reseed(world, seed: int) -> None:
    """In a lab that draws values, the ids, handles and passwords the setup and the trainee
    make (a backup's, a restored cluster's, the password KMS rotates kmsuser to) follow the
    attempt's seed too; the fixture's stay, as its guide and checks name them, and so does the
    fixture's key material, which a ciphertext the lab ships was made under."""
    from ..cloudhsm import keys

    if world.ids.seed is not None:
        for cluster in world.clusters.values():
            for key in cluster.keys.values():
                keys.material(world, cluster, key)  # made now, from the fixture's seed
        mixed = hashlib.sha256(f"{world.ids.seed}:{seed}".encode()).digest()
        world.ids.seed = int.from_bytes(mixed[:7], "big")  # the world file holds 64 bits, signed


def definition_of(state: Active) -> Lab | Exam:
    return exams.load(state.name, state.generation) if state.exam else load(state.name, state.generation)


def reset(store: Store) -> Lab | Exam:
    """The broken world again; the attempt and, in an exam, its clock go on."""
    state = _require(store)
    lab = definition_of(state)
    state.variables, state.stamp = set_up(store, lab, state.seed)  # the same values again
    _save(store, state)
    return lab


def stop(store: Store) -> tuple[Active, bool]:
    """End the lab: its state, and whether the trainee's own world came back (False: there
    was none before the lab, and the healthy default world takes the broken one's place)."""
    state = _require(store)
    with _record(state) as attempt:
        if attempt is not None:
            attempt.stopped = ledger.stamp(ledger.wall_clock())
            if attempt.exam and attempt.result is None:
                attempt.result = "failed"  # ended without every cause repaired
    came_back = _put_back(store)
    state_path(store).unlink()
    shutil.rmtree(handouts_path(store), ignore_errors=True)
    return state, came_back


def _put_back(store: Store) -> bool:
    saved = saved_path(store)
    if saved.exists():
        store.create(str(saved), force=True)
        saved.unlink()
        return True
    store.create("default", force=True)  # no broken lab world is left behind
    return False


def check(store: Store) -> tuple[Lab | Exam, list[Outcome], list[Outcome]]:
    """How the lab's objectives and guards stand, recording nothing (`lab status`, the TUI)."""
    state = _require(store)
    lab = definition_of(state)
    return (lab, *_evaluate(store, state, lab))


def _evaluate(store: Store, state: Active, lab: Lab | Exam):
    world = store.read()
    guards = evaluate(lab.guards, world, state.variables)
    if state.stamp and world.lab_stamp != state.stamp:  # (a lab started before stamps had none)
        guards.insert(0, Outcome(UNTOUCHED, False, _how_touched(world.lab_stamp)))
    return evaluate(lab.objectives, world, state.variables), guards


@dataclass(frozen=True)
class Grade:
    lab: Lab | Exam
    objectives: list[Outcome]
    guards: list[Outcome]
    late: bool = False  # an exam checked after its time limit
    result: str | None = None  # an exam's result as the ledger holds it after this check

    @property
    def passed(self) -> bool:
        return not self.late and all(o.holds for o in self.objectives) and all(g.holds for g in self.guards)


def grade(store: Store) -> Grade:
    """`lab check`: the objectives and guards, and the attempt recorded in the ledger.  An
    exam checked after its time limit fails whatever the world; its first pass in time, or its
    first check after, decides its result."""
    state = _require(store)
    lab = definition_of(state)
    objectives, guards = _evaluate(store, state, lab)
    now = ledger.wall_clock()
    late = state.deadline is not None and now > state.deadline
    graded = Grade(lab, objectives, guards, late)
    with _record(state) as attempt:
        if attempt is None:
            return graded
        attempt.checks.append(ledger.Check(ledger.stamp(now), graded.passed, late))
        if graded.passed and attempt.finished is None:
            attempt.finished = ledger.stamp(now)
        if attempt.exam and attempt.result is None and (graded.passed or late):
            attempt.result = "passed" if graded.passed else "failed"
        return Grade(lab, objectives, guards, late, attempt.result)


def _how_touched(stamp: str | None) -> str:
    if stamp is None:
        return "the world was made again: `hsmshell world init`, or a file copied over it"
    if stamp.startswith("tampered:"):
        return f"`{stamp.removeprefix('tampered:')}` changed what the lab set up"
    return "the world is another lab's"


def void_stamp(world, how: str) -> None:
    """A change no repair may make (`hsmshell fault ...`) voids a lab world's stamp."""
    if world.lab_stamp and not world.lab_stamp.startswith("tampered:"):
        world.lab_stamp = f"tampered:{how}"


def next_hint(store: Store) -> tuple[int, str] | None:
    state = _require(store)
    _refuse_in_exam(state, "hints")
    lab = load(state.name, state.generation)
    if state.hints_shown >= len(lab.hints):
        return None
    state.hints_shown += 1
    _save(store, state)
    with _record(state) as attempt:
        if attempt is not None:
            attempt.hints = state.hints_shown
    return state.hints_shown, lab.hints[state.hints_shown - 1]


def ask_solution(store: Store, yes: bool) -> Path | None:
    """The solution is shown only when asked twice, or with --yes; the ledger records that it
    was seen."""
    state = _require(store)
    _refuse_in_exam(state, "solution")
    lab = load(state.name, state.generation)
    if not (yes or state.solution_asked):
        state.solution_asked = True
        _save(store, state)
        return None
    if lab.solution is None:
        raise LabError(f"the lab {lab.name!r} has no solution transcript")
    with _record(state) as attempt:
        if attempt is not None:
            attempt.solution_viewed = True
    return lab.solution


def _refuse_in_exam(state: Active, what: str) -> None:
    if state.exam:
        raise LabError(f"an exam has no {what}: `hsmshell lab check` grades your repair, "
                       "`hsmshell lab stop` ends the exam (as failed, unless it passed)")


@contextmanager
def _record(state: Active) -> Iterator[ledger.Attempt | None]:
    """The lab's attempt in its trainee's ledger, changed and written back; None for a lab
    started before ledgers (or whose attempt the trainee's ledger no longer holds)."""
    if not state.trainee:
        yield None
        return
    with ledger.changing(state.trainee, Path(state.ledger)) as book:
        yield book.attempt(state.attempt)


def _require(store: Store) -> Active:
    state = active(store)
    if state is None:
        raise LabError("no lab is under way: `hsmshell lab start NAME` starts one (`hsmshell lab list`)")
    return state
