"""Fresh worlds, fast.

Making a world from a fixture hashes every password with scrypt (about half a second for
the default fixture), so each fixture is made once per process into a template folder and
copied for every transcript: a copy costs well under a millisecond.
"""

from __future__ import annotations

import atexit
import calendar
import shutil
import tempfile
import time
from pathlib import Path

import yaml

from ..services import open_store
from ..world import clock
from ..world.store import Store, fixture_path

FILES = ("world.yaml", "world.yaml.key", "world.yaml.trail")  # a world: its file, its key, its CloudTrail
_templates: dict[tuple, Path] = {}


def fresh_world(folder: Path, fixture: str = "default", *, base: Path | None = None,
                password_cost: int | None = None, frozen_at: str | None = None) -> Store:
    """A new world in `folder` made from `fixture` (a name, or a path relative to `base`),
    with the clock frozen at `frozen_at` (an ISO time, or `now`) when given."""
    template = _template(_fixture(fixture, base), password_cost)
    store = open_store(copy_world(template, folder))
    if frozen_at is not None:
        moment = parse_time(frozen_at)
        with store.transaction() as world:
            world.clock.offset, world.clock.frozen_at = 0.0, moment if moment is not None else clock.now(world)
    return store


def copy_world(source: Path, folder: Path) -> Path:
    """A copy of the world in `source` (a folder holding world.yaml) made in `folder`, with the
    files beside it that belong to it, private as the store made them; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if (source / name).exists():
            shutil.copy2(source / name, folder / name)
    return folder / FILES[0]


def parse_time(text: str) -> float | None:
    """`2019-07-05T21:04:55Z` -> seconds since the epoch; `now` -> None (the world's now)."""
    if text == "now":
        return None
    for layout in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return float(calendar.timegm(time.strptime(text, layout)))
        except ValueError:
            continue
    raise ValueError(f"invalid clock {text!r}: write an ISO time like 2019-07-05T21:04:55Z, or now")


def _fixture(name: str, base: Path | None) -> Path:
    if base is not None and (base / name).is_file():
        return (base / name).resolve()
    return fixture_path(name).resolve()


def _template(source: Path, password_cost: int | None) -> Path:
    key = (str(source), source.stat().st_mtime_ns, password_cost)
    folder = _templates.get(key)
    if folder is None or not (folder / FILES[0]).exists():
        folder = Path(tempfile.mkdtemp(prefix="hsmshell-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        if password_cost is not None:
            # Test worlds that log in a great deal hash at a cheaper work factor (DESIGN.md).
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            data.setdefault("settings", {})["password_cost"] = password_cost
            copy = folder / "fixture.yaml"
            copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
            source = copy
        open_store(folder / FILES[0]).create(str(source))
        _templates[key] = folder
    return folder
