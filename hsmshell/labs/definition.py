"""A lab as an instructor writes it: a folder under `training/` with

    lab.yaml            title, runbook section, difficulty, world, objectives, guards, hints,
                        and values drawn for each attempt (seeded, see seed.py)
    guide.md            the situation and the symptom, as a user would meet them (not the fix)
    setup.transcript    optional: what breaks the world, done with the real commands
    solution.transcript the repair, replayed by the tests
    wrong-fix.transcript optional: a plausible wrong repair, which must leave check failing

Objectives and guards are declarative: an `aws` command line whose response a JMESPath
expression (the language of the AWS CLI's --query) must make true, or a JMESPath expression
over the world itself.  No Python is needed to write a lab.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import yaml

from ..world.generation import CURRENT, SDK3

DIFFICULTIES = ("beginner", "intermediate", "advanced")


class LabError(Exception):
    """A lab definition that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Check:
    title: str
    expect: str  # JMESPath; the check holds when it evaluates to something truthy
    ask: str | None = None  # an `aws ...` command line, e.g. "aws kms describe-key --key-id ..."
    error: str | None = None  # the check holds when `ask` fails with this error code instead


@dataclass(frozen=True)
class Lab:
    name: str
    folder: Path
    title: str
    runbook: str  # the section of the runbook the lab trains
    difficulty: str
    world: str  # a fixture name, or a file in the lab's folder
    objectives: tuple[Check, ...]
    guards: tuple[Check, ...] = ()
    hints: tuple[str, ...] = ()
    setup: Path | None = None
    solution: Path | None = None
    wrong_fix: Path | None = None
    guide: str = field(default="", repr=False)
    seeded: tuple = ()  # seed.Draw each: values drawn afresh for each attempt
    # The generation of tools this form of the lab is set up and solved with, and those it has
    # a form for: a folder `current/` beside lab.yaml holds the current generation's (variant).
    generation: str = SDK3
    generations: tuple[str, ...] = (SDK3,)

    def handouts(self) -> list[Path]:
        """The files a trainee works with (a ciphertext to decrypt): not the lab's definition,
        worlds (either form's) or transcripts, where the solution sits."""
        kept = {"lab.yaml", "guide.md", self.world}
        return sorted(p for p in self.folder.iterdir()
                      if p.is_file() and p.name not in kept and p.suffix not in (".transcript", ".yaml", ".yml"))

    def world_path(self) -> str:
        local = self.folder / self.world
        return str(local) if local.suffix in (".yaml", ".yml") and local.exists() else self.world


def training_folder() -> Path:
    return Path(str(resources.files("hsmshell") / "training"))


def names() -> list[str]:
    return sorted(p.name for p in training_folder().iterdir() if (p / "lab.yaml").is_file())


def load(name: str, generation: str | None = None) -> Lab:
    """A shipped lab, by its plain name: a path ("../x", "/tmp/x") would load a lab, and run
    its setup, from any folder.  In the form for `generation` (None: the SDK 3 form, or the one
    form of a lab of one generation)."""
    lab = _load(name)
    return lab if generation in (None, lab.generation) else variant(lab, generation)


def variant(lab: Lab, generation: str) -> Lab:
    """The lab in another generation's form.  Its folder `<generation>/` holds that form's
    setup, solution and wrong fix, and a lab.yaml of what differs (its world, objectives,
    guards, hints); the guide, title and runbook section are the lab's.  A check reads the
    world, so a repair made with either generation's tools passes either form.  A transcript
    the folder lacks is the lab's own: a lab done with `aws` commands alone reads the same in
    both generations."""
    if generation not in lab.generations:
        raise LabError(f"the lab {lab.name!r} has no {generation} form (it has: {', '.join(lab.generations)})")
    folder = lab.folder / generation
    source = folder / "lab.yaml"
    data = _yaml(source) if source.is_file() else {}
    unknown = set(data) - {"world", "objectives", "guards", "hints"}
    if unknown:
        raise LabError(f"{source}: unknown field {sorted(map(str, unknown))[0]!r}")
    world = str(data.get("world", lab.world))
    if (folder / world).is_file():  # a world file of the form's own
        world = f"{generation}/{world}"
    return replace(
        lab, generation=generation, world=world,
        objectives=_checks(source, data["objectives"], "objectives") if "objectives" in data else lab.objectives,
        guards=_checks(source, data["guards"], "guards") if "guards" in data else lab.guards,
        hints=_hints(source, data["hints"]) if "hints" in data else lab.hints,
        setup=_file(folder, "setup.transcript") or lab.setup,
        solution=_file(folder, "solution.transcript") or lab.solution,
        wrong_fix=_file(folder, "wrong-fix.transcript") or lab.wrong_fix)


def _file(folder: Path, name: str) -> Path | None:
    path = folder / name
    return path if path.is_file() else None


def _load(name: str) -> Lab:
    if name not in names():
        if Path(name).name != name or name in (".", ".."):
            raise LabError(f"{name!r} is a path: a lab is named by its name in `hsmshell lab list`")
        raise LabError(f"no lab named {name!r} (hsmshell lab list shows them)")
    return load_folder(training_folder() / name)


def _yaml(source: Path) -> dict:
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LabError(f"{source}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LabError(f"{source}{f', line {mark.line + 1}' if mark else ''}: not valid YAML") from None
    if not isinstance(data, dict):
        raise LabError(f"{source}: expected a mapping")
    return data


def _hints(source: Path, hints) -> tuple[str, ...]:
    if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
        raise LabError(f"{source}: hints must be a list of texts")
    return tuple(hints)


def load_folder(folder: Path) -> Lab:
    from . import seed

    source = folder / "lab.yaml"
    data = _yaml(source)
    unknown = set(data) - {"title", "runbook", "difficulty", "world", "objectives", "guards", "hints", "seeded",
                           "generation"}
    if unknown:
        raise LabError(f"{source}: unknown field {sorted(map(str, unknown))[0]!r}")
    # `generation: current`: a failure only today's clusters have (an hsm2m.medium cluster, the
    # CloudHSM CLI), so the lab has that one form, written at its top level.
    only = data.get("generation")
    if only not in (None, CURRENT):
        raise LabError(f"{source}: generation must be {CURRENT} (a lab of both generations has a {CURRENT}/ folder)")
    for required in ("title", "runbook", "difficulty", "objectives"):
        if not data.get(required):
            raise LabError(f"{source}: missing {required!r}")
    if data["difficulty"] not in DIFFICULTIES:
        raise LabError(f"{source}: difficulty must be one of {', '.join(DIFFICULTIES)}")
    hints = _hints(source, data.get("hints") or [])

    def optional(name: str) -> Path | None:
        return _file(folder, name)

    guide = folder / "guide.md"
    return Lab(
        name=folder.name, folder=folder, title=str(data["title"]), runbook=str(data["runbook"]),
        difficulty=data["difficulty"], world=str(data.get("world", "default")),
        objectives=_checks(source, data["objectives"], "objectives"),
        guards=_checks(source, data.get("guards") or [], "guards"),
        hints=hints, setup=optional("setup.transcript"), solution=optional("solution.transcript"),
        wrong_fix=optional("wrong-fix.transcript"),
        guide=guide.read_text(encoding="utf-8", errors="replace") if guide.is_file() else "",
        seeded=seed.read(source, data.get("seeded")),
        generation=only or SDK3,
        generations=(only,) if only else (SDK3, *(g for g in (CURRENT,) if (folder / g).is_dir())),
    )


def _checks(source: Path, items, section: str) -> tuple[Check, ...]:
    if not isinstance(items, list):
        raise LabError(f"{source}: {section} must be a list")
    checks = []
    for i, item in enumerate(items):
        where = f"{source}: {section}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            raise LabError(f"{where}: each check needs a title")
        unknown = set(item) - {"title", "ask", "expect", "error"}
        if unknown:
            raise LabError(f"{where}: unknown field {sorted(map(str, unknown))[0]!r}")
        if not item.get("expect") and not item.get("error"):
            raise LabError(f"{where}: give expect (a JMESPath expression) or error (an error code)")
        if item.get("error") and not item.get("ask"):
            raise LabError(f"{where}: error needs an ask")
        if item.get("ask") is not None and not str(item["ask"]).startswith("aws "):
            raise LabError(f"{where}: ask is an `aws ...` command line")
        import jmespath

        from ..testing.match import VARIABLE

        try:
            # The drawn values (`<kms_id>`) are filled in when the check runs: a number stands in
            # for each, so that `` `<kms_id>` `` reads as the JSON literal it will be, not as
            # jmespath's deprecated bare string literal.
            jmespath.compile(VARIABLE.sub("0", str(item.get("expect") or "@")))
        except jmespath.exceptions.JMESPathError as exc:
            raise LabError(f"{where}: expect is not valid JMESPath: {exc}") from None
        checks.append(Check(item["title"], str(item.get("expect") or "@"), item.get("ask"), item.get("error")))
    return tuple(checks)
