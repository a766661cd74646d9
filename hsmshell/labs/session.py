"""The lab a world is in: started, checked, hinted, reset, stopped.

Starting a lab puts the trainee's world aside (`<name>.before-lab.yaml` beside it) and makes
the lab's world in its place, by loading the lab's fixture and replaying its setup with the
real commands; stopping puts the trainee's world back.  What the lab needs to remember
(hints shown, values the setup captured) is kept in `<world>.lab`, beside the world.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from ..world import files
from ..world.store import Store, WorldError
from .checks import Outcome, evaluate
from .definition import Lab, LabError, load


@dataclass
class Active:
    name: str
    hints_shown: int = 0
    solution_asked: bool = False
    variables: dict[str, str] = field(default_factory=dict)


def state_path(store: Store) -> Path:
    return store.path.with_name(store.path.name + ".lab")


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
        state.variables = set_up(store, lab)
    except BaseException:
        _put_back(store)  # a lab that cannot start must not cost the trainee their world
        raise
    _save(store, state)
    return lab


def set_up(store: Store, lab: Lab) -> dict[str, str]:
    """Make the lab's world: its fixture, then its setup replayed with the real commands."""
    store.create(lab.world_path(), force=True)
    # `<lab>` names files the lab ships (a ciphertext to decrypt: `fileb://<lab>/x.bin`).
    variables = {"lab": str(lab.folder)}
    if lab.setup is None:
        return variables
    from ..testing.parse import load as load_transcript
    from ..testing.replay import replay

    result = replay(load_transcript(lab.setup), store=store, variables=variables, readable=(lab.folder,))
    if not result.ok:
        raise LabError(f"the lab's setup did not produce its world:\n{result.report()}")
    return result.variables


def reset(store: Store) -> Lab:
    state = _require(store)
    lab = load(state.name)
    state.variables = set_up(store, lab)
    _save(store, state)
    return lab


def stop(store: Store) -> str:
    state = _require(store)
    _put_back(store)
    state_path(store).unlink()
    return state.name


def _put_back(store: Store) -> None:
    saved = saved_path(store)
    if saved.exists():
        store.create(str(saved), force=True)
        saved.unlink()


def check(store: Store) -> tuple[Lab, list[Outcome], list[Outcome]]:
    state = _require(store)
    lab = load(state.name)
    world = store.read()
    return lab, evaluate(lab.objectives, world, state.variables), evaluate(lab.guards, world, state.variables)


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
