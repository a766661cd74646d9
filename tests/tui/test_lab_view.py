"""The lab view through a pilot: the timer, the trainee's progress from the ledger, exam mode
(no title, no objective's words), and a re-made world shown as tampering."""

from __future__ import annotations

import io
import shutil
from importlib import resources

from hsmshell.cli import main
from hsmshell.labs import definition
from tui.app import HsmShellApp
from tui.lab_view import LabView

from ..labs.test_labs import replay_into
from .test_app import until


def lab(world_path, *args: str) -> int:
    return main(["--world", str(world_path), "lab", *args], io.StringIO(), io.StringIO())


def shown(app) -> str:
    return app.query_one(LabView).plain()


async def test_the_timer_runs_and_the_progress_follows_the_ledger(world_path, clock):
    assert lab(world_path, "start", "internal-error", "--trainee", "alice") == 0
    app = HsmShellApp(world_path, status_only=True)
    async with app.run_test(size=(120, 48)) as pilot:
        await until(pilot, lambda: "⏲ 00:00 on this lab" in shown(app))
        assert "alice: labs done 0, attempted 1" in shown(app)
        clock[0] += 65
        await until(pilot, lambda: "⏲ 01:05 on this lab" in shown(app))
        replay_into(world_path, definition.load("internal-error").solution)
        await until(pilot, lambda: "All objectives hold." in shown(app))
        assert "alice: labs done 0, attempted 1" in shown(app)  # holding is not yet a check
        assert lab(world_path, "check") == 0
        await until(pilot, lambda: "alice: labs done 1, attempted 1" in shown(app))


async def test_an_exam_shows_its_time_left_and_causes_but_never_what_they_are(world_path, clock):
    assert lab(world_path, "exam", "--minutes", "30", "--trainee", "bob") == 0
    app = HsmShellApp(world_path, status_only=True)
    async with app.run_test(size=(120, 48)) as pilot:
        await until(pilot, lambda: "⏳ 30:00 left" in shown(app))
        assert shown(app).splitlines()[:4] == [
            "Exam  ⏳ 30:00 left", "bob: labs done 0, attempted 0",
            "✗ Cause 1 of 2 not repaired yet", "✗ Cause 2 of 2 not repaired yet"]
        for secret in ("ExampleKeyStore", "subnet", "kmsuser", "Lab "):
            assert secret not in shown(app)
        clock[0] += 29 * 60 + 1
        await until(pilot, lambda: "⏳ 00:59 left" in shown(app))
        clock[0] += 60
        await until(pilot, lambda: "⏳ time is up: a check now fails" in shown(app))


async def test_a_world_made_again_shows_as_tampering_in_the_view(world_path):
    assert lab(world_path, "start", "internal-error") == 0
    app = HsmShellApp(world_path, status_only=True)
    async with app.run_test(size=(120, 48)) as pilot:
        await until(pilot, lambda: "✗ The KMS keys in it encrypt again" in shown(app)
                    or "✗ ExampleKeyStore is connected" in shown(app))
        world_path.with_name(world_path.name + ".cache").unlink(missing_ok=True)
        with resources.as_file(resources.files("hsmshell") / "fixtures" / "default.yaml") as healthy:
            shutil.copyfile(healthy, world_path)
        await until(pilot, lambda: "✗ BROKEN: The world is the one this lab set up" in shown(app))
        assert "All objectives hold." not in shown(app)
