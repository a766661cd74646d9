"""`hsmshell lab start` takes the name of a shipped lab, never a path to a lab elsewhere (whose
setup it would run)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from hsmshell.labs import definition


@pytest.mark.parametrize("name", ["{copy}", "../../{name}", "../{name}/../invalid-credentials", ".", ".."])
def test_a_lab_named_by_a_path_is_refused(world_path, tmp_path, name):
    copy = tmp_path / "elsewhere"
    shutil.copytree(definition.training_folder() / "invalid-credentials", copy)
    name = name.format(copy=copy, name=os.path.relpath(copy, definition.training_folder().parent.parent))
    before = sorted(p.name for p in world_path.parent.iterdir())
    done = subprocess.run([shutil.which("hsmshell"), "lab", "start", name], capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"hsmshell: {name!r} is a path: a lab is named by its name in `hsmshell lab list`\n"
    assert sorted(p.name for p in world_path.parent.iterdir() if not p.name.startswith("world.yaml.lock")) == \
        [n for n in before if not n.startswith("world.yaml.lock")]  # no lab started, nothing set up
