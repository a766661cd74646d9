"""What `pip install .` ships: every data file the package reads (fixtures, labs and their
current forms, exams, help) matches a package-data pattern, or an installed hsmshell would lack
it while an editable one, and the tests run from the tree, still find it."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_of_the_packages_is_shipped():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]
    missing = []
    for package, globs in patterns.items():
        base = ROOT / package
        for path in base.rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(base).as_posix()
            # setuptools' globs: `*` does not cross a folder
            if not any(fnmatch(relative, g) and relative.count("/") == g.count("/") for g in globs):
                missing.append(f"{package}/{relative}")
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
