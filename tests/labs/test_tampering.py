"""A lab's check holds only for a repair of the world the lab set up: re-creating the world,
copying a healthy fixture over it, or clearing faults by hand is reported as such, even where
every objective would then hold."""

from __future__ import annotations

import io
import shutil
from importlib import resources

import pytest

from hsmshell.cli import main
from hsmshell.labs import definition

from .test_labs import LABS, lab, replay_into

HEALTHY = resources.files("hsmshell") / "fixtures" / "default.yaml"
TAMPERED = "✗ BROKEN: The world is the one this lab set up"


def hsmshell(world_path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["--world", str(world_path), *args], out, err)
    return status, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("name", LABS)
def test_a_remade_world_or_a_fault_cleared_by_hand_fails_the_check(world_path, name):
    assert lab(world_path, "start", name)[0] == 0
    status, out = hsmshell(world_path, "world", "init", "--force")
    assert status == 1 and "`hsmshell lab stop`" in out, out
    # the healthy default world copied over the lab's by hand
    world_path.with_name(world_path.name + ".cache").unlink(missing_ok=True)
    with resources.as_file(HEALTHY) as healthy:
        shutil.copyfile(healthy, world_path)
    status, out = lab(world_path, "check")
    assert status == 1 and TAMPERED in out and "world was made again" in out, out
    # the real repair, then a fault cleared by hand
    assert lab(world_path, "reset")[0] == 0
    replay_into(world_path, definition.load(name).solution)
    assert lab(world_path, "check")[0] == 0
    assert hsmshell(world_path, "fault", "clear")[0] == 0
    status, out = lab(world_path, "check")
    assert status == 1 and TAMPERED in out and "`hsmshell fault clear` changed what the lab set up" in out, out
    assert lab(world_path, "stop")[0] == 0
    assert hsmshell(world_path, "world", "init", "--force")[0] == 0  # no lab: the world is yours


# The control-plane labs' current forms, guarded the same way (the healthy world copied over
# the lab's is then the current fixture).
CONTROL_PLANE_CURRENT = [name for name in ("cluster-not-found", "cluster-replaced", "hsms-lost-while-connected",
                                           "insufficient-cloudhsm-hsms", "insufficient-free-addresses",
                                           "internal-error", "keys-pending-deletion", "network-errors",
                                           "subnet-not-found", "unavailable-keys", "wrong-cluster-id")
                         if "current" in definition.load(name).generations]


@pytest.mark.parametrize("name", CONTROL_PLANE_CURRENT)
def test_a_current_form_remade_or_with_a_fault_cleared_by_hand_fails_the_check(world_path, name):
    assert lab(world_path, "start", name, "--generation", "current")[0] == 0
    status, out = hsmshell(world_path, "world", "init", "--force", "--fixture", "current")
    assert status == 1 and "`hsmshell lab stop`" in out, out
    world_path.with_name(world_path.name + ".cache").unlink(missing_ok=True)
    with resources.as_file(resources.files("hsmshell") / "fixtures" / "current.yaml") as healthy:
        shutil.copyfile(healthy, world_path)
    status, out = lab(world_path, "check")
    assert status == 1 and TAMPERED in out and "world was made again" in out, out
    assert lab(world_path, "reset")[0] == 0
    replay_into(world_path, definition.load(name, "current").solution)
    assert lab(world_path, "check")[0] == 0
    assert hsmshell(world_path, "fault", "clear")[0] == 0
    status, out = lab(world_path, "check")
    assert status == 1 and TAMPERED in out and "`hsmshell fault clear` changed what the lab set up" in out, out
