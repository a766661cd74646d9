"""The corpus of broken and hostile world folders (hostile_worlds.py), replayed through the
console scripts people run: each front-end prints one line naming the file and saying what is
wrong, exits 1, never hangs or shows a traceback, and rewrites nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hsmshell.testing.worlds import copy_world
from tests.hardening.hostile_worlds import RECIPES, Case
from tests.hardening.users import give_away, need_second_user, run, shared_folder

FRONT_ENDS = {
    "hsmshell world show": (["hsmshell", "world", "show"], ""),
    "cloudhsm_mgmt_util": (["cloudhsm_mgmt_util", "cloudhsm_mgmt_util.cfg"], "listUsers\nquit\n"),
    "hsmshell aws kms list-keys": (["hsmshell", "aws", "kms", "list-keys"], ""),
}


def snapshot(folder: Path) -> dict[str, tuple]:
    """Each file's kind, mode, identity and bytes, without following links or opening FIFOs."""
    seen = {}
    for entry in folder.iterdir():
        info = entry.lstat()
        data = entry.read_bytes() if stat.S_ISREG(info.st_mode) and info.st_mode & 0o400 else None
        seen[entry.name] = (info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns, info.st_uid, data)
    return seen


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("case", RECIPES, ids=[c.name for c in RECIPES])
def test_a_hostile_world_folder_gets_one_clear_line_and_exit_1(case: Case, front_end, template_world):
    if case.needs_root or (case.needs_non_root and os.geteuid() == 0):
        need_second_user()  # as root: the world belongs to nobody, who runs the tools
    as_other = case.needs_non_root and os.geteuid() == 0
    with shared_folder() as folder:
        world = copy_world(template_world, folder / "w")
        if as_other:
            give_away(world.parent)
        case.make(world)
        before = snapshot(world.parent)
        argv, stdin = FRONT_ENDS[front_end]
        done = run(argv, world, stdin=stdin, as_other=as_other)
        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        assert "Traceback" not in output and "internal error" not in output, output
        lines = [line for line in done.stderr.splitlines() if case.says in line]
        assert len(lines) == 1, output
        assert f"{case.file(world)}: " in lines[0], lines[0]
        after = snapshot(world.parent)
        made = set(after) - set(before)
        assert made <= {"world.yaml.lock", "world.yaml.cache"}, made  # made, never rewritten
        assert {name: after[name] for name in before} == before
