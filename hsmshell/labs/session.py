"""The lab a world is in: started, checked, hinted, reset, stopped.

Starting a lab puts the trainee's world aside (`<name>.before-lab.yaml` beside it) and makes
the lab's world in its place, by loading the lab's fixture and replaying its setup with the
real commands; stopping puts the trainee's world back.  What the lab needs to remember
(hints shown, values the setup captured) is kept in `<world>.lab`, beside the world.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from ..world import files
from ..world.store import Store, WorldError
from .checks import Outcome, evaluate
from .definition import Check, Lab, LabError, load


@dataclass
class Active:
    name: str
    hints_shown: int = 0
    solution_asked: bool = False
    variables: dict[str, str] = field(default_factory=dict)
    stamp: str = ""  # the world's lab_stamp when the lab made it


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


def start(store: Store, name: str) -> Lab:
    if active(store):
        raise LabError(f"the lab {active(store).name!r} is under way: `hsmshell lab stop` ends it first")
    lab = load(name)
    if store.exists():
        try:
            data = store.export()  # with its CloudTrail events, which live beside the world file
        except WorldError:
            data = files.read_world(store.path)  # a broken world comes back as it was
        files.replace(saved_path(store), data, sync=False)
    state = Active(lab.name)
    try:
        state.variables, state.stamp = set_up(store, lab)
    except BaseException:
        _put_back(store)  # a lab that cannot start must not cost the trainee their world
        raise
    _save(store, state)
    _hand_out(store, lab)
    return lab


def _hand_out(store: Store, lab: Lab) -> None:
    folder = handouts_path(store)
    shutil.rmtree(folder, ignore_errors=True)
    if lab.handouts():
        folder.mkdir(mode=0o700)
        for path in lab.handouts():
            shutil.copyfile(path, folder / path.name)


def set_up(store: Store, lab: Lab) -> tuple[dict[str, str], str]:
    """Make the lab's world: its fixture, then its setup replayed with the real commands, and
    stamp it.  The variables the setup captured, and the stamp."""
    store.create(lab.world_path(), force=True)
    # `<lab>` names files the lab ships (a ciphertext to decrypt: `fileb://<lab>/x.bin`).
    variables = {"lab": str(lab.folder)}
    if lab.setup is not None:
        from ..testing.parse import load as load_transcript
        from ..testing.replay import replay

        result = replay(load_transcript(lab.setup), store=store, variables=variables, readable=(lab.folder,))
        if not result.ok:
            raise LabError(f"the lab's setup did not produce its world:\n{result.report()}")
        variables = result.variables
    stamp = f"{lab.name}:{secrets.token_hex(8)}"
    with store.transaction() as world:
        world.lab_stamp = stamp
    return variables, stamp


def reset(store: Store) -> Lab:
    state = _require(store)
    lab = load(state.name)
    state.variables, state.stamp = set_up(store, lab)
    _save(store, state)
    return lab


def stop(store: Store) -> tuple[str, bool]:
    """End the lab: the lab's name, and whether the trainee's own world came back (False: there
    was none before the lab, and the healthy default world takes the broken one's place)."""
    state = _require(store)
    came_back = _put_back(store)
    state_path(store).unlink()
    shutil.rmtree(handouts_path(store), ignore_errors=True)
    return state.name, came_back


def _put_back(store: Store) -> bool:
    saved = saved_path(store)
    if saved.exists():
        store.create(str(saved), force=True)
        saved.unlink()
        return True
    store.create("default", force=True)  # no broken lab world is left behind
    return False


def check(store: Store) -> tuple[Lab, list[Outcome], list[Outcome]]:
    state = _require(store)
    lab = load(state.name)
    world = store.read()
    guards = evaluate(lab.guards, world, state.variables)
    if state.stamp and world.lab_stamp != state.stamp:  # (a lab started before stamps had none)
        guards.insert(0, Outcome(UNTOUCHED, False, _how_touched(world.lab_stamp)))
    return lab, evaluate(lab.objectives, world, state.variables), guards


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
    lab = load(state.name)
    if state.hints_shown >= len(lab.hints):
        return None
    state.hints_shown += 1
    _save(store, state)
    return state.hints_shown, lab.hints[state.hints_shown - 1]


def ask_solution(store: Store, yes: bool) -> Path | None:
    """The solution is shown only when asked twice, or with --yes."""
    state = _require(store)
    lab = load(state.name)
    if not (yes or state.solution_asked):
        state.solution_asked = True
        _save(store, state)
        return None
    if lab.solution is None:
        raise LabError(f"the lab {lab.name!r} has no solution transcript")
    return lab.solution


def _require(store: Store) -> Active:
    state = active(store)
    if state is None:
        raise LabError("no lab is under way: `hsmshell lab start NAME` starts one (`hsmshell lab list`)")
    return state
