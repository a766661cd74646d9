"""The pytest plugin (entry point `pytest11`): transcripts are tests, and Python tests get a
fresh world and the three front-ends.

Collected: `*.transcript` files, and Markdown files that declare a transcript header
(`<!-- transcript ... -->`) outside their code blocks.  Each file is one test, replayed
against a fresh world; a failure shows the unified diff naming the file's lines.

Fixtures: `hsmshell_store` (a fresh world, from the fixture named by
`@pytest.mark.hsmshell_fixture("NAME")`, else the default one), and `cmu`, `kmu`, `aws`,
which run a line against it and return its output.

This module is imported by every pytest run where hsmshell is installed, so it imports
nothing of hsmshell until a transcript or a fixture is used.
"""

from __future__ import annotations

import pytest


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "hsmshell_fixture(name): the world fixture the hsmshell "
                            "fixtures start from (default: default)")


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".transcript":
        return TranscriptFile.from_parent(parent, path=file_path)
    if file_path.suffix == ".md":
        from .parse import is_markdown_transcript

        try:
            text = file_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if is_markdown_transcript(text):
            return TranscriptFile.from_parent(parent, path=file_path)
    return None


class TranscriptFile(pytest.File):
    def collect(self):
        yield TranscriptItem.from_parent(self, name=self.path.name)


class TranscriptFailure(Exception):
    def __init__(self, report: str):
        super().__init__(report)
        self.report = report


class TranscriptItem(pytest.Item):
    def runtest(self) -> None:
        from .replay import run_file

        result = run_file(self.path)
        if not result.ok:
            raise TranscriptFailure(result.report())

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, TranscriptFailure):
            return f"transcript {self.path} does not replay:\n{excinfo.value.report}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"transcript {self.path.name}"


@pytest.fixture
def hsmshell_store(request, tmp_path):
    """A fresh world (a Store) made from the test's fixture."""
    from .worlds import fresh_world

    marker = request.node.get_closest_marker("hsmshell_fixture")
    return fresh_world(tmp_path / "world", marker.args[0] if marker else "default")


@pytest.fixture
def cmu(hsmshell_store):
    """cloudhsm_mgmt_util on the test's world: `cmu("loginHSM CO admin co12345")`."""
    from .doors import ToolDoor

    door = ToolDoor("cmu", hsmshell_store)
    yield door
    door.close()


@pytest.fixture
def kmu(hsmshell_store):
    """key_mgmt_util on the test's world: `kmu("loginHSM -u CU -s kmsuser -p pw")`."""
    from .doors import ToolDoor

    door = ToolDoor("kmu", hsmshell_store)
    yield door
    door.close()


@pytest.fixture
def aws(hsmshell_store):
    """The AWS CLI on the test's world: `aws("kms describe-custom-key-stores")`."""
    from .doors import AwsDoor

    return AwsDoor(hsmshell_store)
