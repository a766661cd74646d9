"""Shared fixtures: a fresh world per test, and in-process doors into it.

Making a world from the default fixture hashes every password (scrypt, on purpose slow), so
one template world is made per test session, when a test first needs one, and copied for each
test.  What only some tests use is loaded when they are collected or run, not by every run:
a mutant of benchmarks/mutation.py runs a few tests and pays every second of pytest's start.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

# Every read's promise not to change the world is checked (world/store.py), here and in the
# programs the tests start: set before hsmshell is imported.
os.environ["HSMSHELL_CHECK_PROMISES"] = "1"
# The programs the tests start (hsmshell, key_mgmt_util, aws, ...) are this interpreter's: a venv
# run without activating it would otherwise start another tree's console scripts, or none.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

from hsmshell import host  # noqa: E402
from hsmshell.services import open_store  # noqa: E402
from hsmshell.shells.console import StreamConsole  # noqa: E402
from hsmshell.testing.worlds import copy_world  # noqa: E402

_untimed = False


def pytest_pycollect_makemodule(module_path: Path):
    """No property test is timed: a deadline fails on a busy machine (CI's two cores), not on a
    defect; speed is measured in benchmarks/.  The profile is loaded before the first test module
    that uses hypothesis is imported (its settings take their defaults from it then), and only
    then: importing hypothesis takes half a second."""
    global _untimed
    if not _untimed and ("hypothesis" in sys.modules or b"hypothesis" in module_path.read_bytes()):
        from hypothesis import settings

        settings.register_profile("hsmshell", deadline=None)
        settings.load_profile("hsmshell")
        _untimed = True

STORE_ID = "cks-1234567890abcdef0"
KEY_ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="session")
def template_world(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    store = open_store(folder / "world.yaml")
    store.create("default")
    # The suite's tests were written in AWS CLI v1's words, so their client host runs v1; the
    # v2 tests (tests/aws/test_versions.py, test_real_cli_v2.py) give the host v2 themselves.
    with store.transaction() as world:
        world.client.aws_cli = 1
    return folder


@pytest.fixture(autouse=True)
def ledgers(tmp_path_factory, monkeypatch) -> Path:
    """Trainees' ledgers (and the passwords checked lately) live with the user's state, outside
    any world: each test keeps its own, in a folder of its own (not yet made), away from the
    test's world and from the user's."""
    state = tmp_path_factory.mktemp("state")
    folder = state / "ledgers"
    monkeypatch.setenv("HSMSHELL_LEDGER_DIR", str(folder))
    monkeypatch.setenv("XDG_STATE_HOME", str(state / "xdg"))
    monkeypatch.delenv("HSMSHELL_TRAINEE", raising=False)
    return folder


@pytest.fixture
def clock(monkeypatch):
    """The wall clock a trainee's ledger and an exam's time limit read, moved by hand (no test
    waits)."""
    from hsmshell.labs import ledger

    now = [1_800_000_000.0]  # 2027-01-15 08:00:00 UTC
    monkeypatch.setattr(ledger, "wall_clock", lambda: now[0])
    return now


@pytest.fixture
def world_path(template_world, tmp_path, monkeypatch) -> Path:
    """A fresh default world, also the one $HSMSHELL_WORLD names."""
    path = copy_world(template_world, tmp_path)
    monkeypatch.setenv("HSMSHELL_WORLD", str(path))
    return path


@pytest.fixture
def store(world_path):
    return open_store(world_path)


class Doors:
    """Run programs of the client host in-process, as a pipe would drive them."""

    def __init__(self, path: Path):
        self.path = path

    def run(self, words: list[str], script: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        terminal = host.Terminal(open_store(self.path), StreamConsole(io.StringIO(script), out, echo=True), {},
                                 err=StreamConsole(stdout=err))
        status = host.run_words(words, terminal)
        return status, out.getvalue(), err.getvalue()

    def cmu(self, script: str, config: str | None = None) -> str:
        return self.run(["cloudhsm_mgmt_util", *([config] if config else [])], script)[1]

    def kmu(self, script: str) -> str:
        return self.run(["key_mgmt_util"], script)[1]

    def aws(self, *argv: str) -> tuple[int, str, str]:
        return self.run(["aws", *argv])

    def describe(self) -> dict:
        import json

        status, out, err = self.aws("kms", "describe-custom-key-stores", "--custom-key-store-id", STORE_ID)
        assert status == 0, err
        return json.loads(out)["CustomKeyStores"][0]


@pytest.fixture
def doors(world_path) -> Doors:
    return Doors(world_path)


def lines(text: str) -> list[str]:
    """Output lines compared as the spec recommends: tabs expanded, outer blanks stripped,
    blank lines dropped."""
    return [l.expandtabs().strip() for l in text.splitlines() if l.strip()]
