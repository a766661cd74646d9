"""An exam: several labs' breakages at once, graded cause by cause, against the clock.

An exam is a folder under `training/exams/`:

    exam.yaml             minutes (the time limit), setups (labs whose setups, replayed in that
                          order on the first one's world, break the world), causes (each a name
                          and its objectives), guards
    guide.md              what the candidate is told: the symptom, never the causes
    solution.transcript   the repair of every cause, replayed by the tests
    wrong-fix.transcript  a repair of one cause only, which must leave the check failing
    current/              optional: the exam on the current generation (its labs' current forms
                          break the world; its solution and wrong fix, in the CloudHSM CLI's
                          words, are in this folder)

A candidate sees no title, runbook section, hint or solution; the causes' names appear only in
the ledger's report, after the exam.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..world.generation import CURRENT, SDK3
from . import definition
from .definition import Check, Lab, LabError
from .definition import _checks as checks  # one reading of a check, for labs and exams

DEFAULT_MINUTES = 45
TITLE = "Exam"  # all a candidate is told about what is broken


@dataclass(frozen=True)
class Cause:
    name: str
    objectives: tuple[Check, ...]


@dataclass(frozen=True)
class Exam:
    name: str
    folder: Path
    minutes: float
    parts: tuple[Lab, ...]  # the labs whose setups make the exam's world
    causes: tuple[Cause, ...]
    guards: tuple[Check, ...]
    guide: str
    solution: Path | None = None
    wrong_fix: Path | None = None
    generation: str = SDK3  # the form, as a lab's (definition.variant)
    generations: tuple[str, ...] = (SDK3,)

    @property
    def objectives(self) -> tuple[Check, ...]:
        return tuple(check for cause in self.causes for check in cause.objectives)

    def world_path(self) -> str:
        return self.parts[0].world_path()

    def handouts(self) -> list[Path]:
        return [path for part in self.parts for path in part.handouts()]


def folder() -> Path:
    return definition.training_folder() / "exams"


def names() -> list[str]:
    return sorted(p.name for p in folder().iterdir() if (p / "exam.yaml").is_file()) if folder().is_dir() else []


def load(name: str, generation: str | None = None) -> Exam:
    """An exam in the form for `generation` (None: the SDK 3 form)."""
    if name not in names():
        raise LabError(f"no exam named {name!r} (there are: {', '.join(names()) or 'none'})")
    where = folder() / name
    source = where / "exam.yaml"
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LabError(f"{source}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise LabError(f"{source}: expected a mapping")
    unknown = set(data) - {"minutes", "setups", "causes", "guards"}
    if unknown:
        raise LabError(f"{source}: unknown field {sorted(map(str, unknown))[0]!r}")
    setups = data.get("setups")
    if not isinstance(setups, list) or not setups:
        raise LabError(f"{source}: setups must name the labs whose breakages the exam combines")
    causes = data.get("causes")
    if not isinstance(causes, list) or len(causes) < 2:
        raise LabError(f"{source}: an exam has two causes or more")
    minutes = data.get("minutes", DEFAULT_MINUTES)
    if not isinstance(minutes, (int, float)) or minutes <= 0:
        raise LabError(f"{source}: minutes must be a number above 0")
    for i, cause in enumerate(causes):
        if not isinstance(cause, dict) or not isinstance(cause.get("name"), str):
            raise LabError(f"{source}: causes[{i}] needs a name and objectives")

    generations = (SDK3, *(g for g in (CURRENT,) if (where / g).is_dir()))
    generation = generation or SDK3
    if generation not in generations:
        raise LabError(f"the exam {name!r} has no {generation} form (it has: {', '.join(generations)})")
    form = where if generation == SDK3 else where / generation

    def optional(file: str) -> Path | None:
        return form / file if (form / file).is_file() else None

    guide = where / "guide.md"
    return Exam(
        name=name, folder=where, minutes=float(minutes),
        parts=tuple(definition.load(str(lab), None if generation == SDK3 else generation) for lab in setups),
        causes=tuple(Cause(c["name"], checks(source, c.get("objectives"), f"causes[{i}].objectives"))
                     for i, c in enumerate(causes)),
        guards=checks(source, data.get("guards") or [], "guards"),
        guide=guide.read_text(encoding="utf-8") if guide.is_file() else "",
        solution=optional("solution.transcript"), wrong_fix=optional("wrong-fix.transcript"),
        generation=generation, generations=generations,
    )
