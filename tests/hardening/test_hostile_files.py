"""Hostile files: a mangled world file gives a WorldError naming the file (and the line, when
the file has lines to name) or loads cleanly, and a failed load never rewrites it; a mangled
transcript gives a clear error, never a traceback; a mangled lab definition gives a LabError."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hsmshell import cli
from hsmshell.labs.definition import LabError, load_folder, training_folder
from hsmshell.services import open_store
from hsmshell.testing.parse import TranscriptError, load
from hsmshell.world.store import Store, WorldError

JUNK = st.sampled_from([
    "", "~", "null", "[]", "{}", "-1", "99999999999999999999999", "1.5", "true", "'x'", "[1, 2]", "{a: 1}",
    "&anchor x", "*nowhere", "!!python/object:os.system", "\t", "'unterminated", "- x", ": :", "%YAML 9.9",
    "\x00", "\x1b[2J", "é", "{{", "]]",
]) | st.text(max_size=12)
MANGLES = ("delete", "duplicate", "swap-values", "replace-value", "insert", "truncate", "bytes")


@st.composite
def mangled(draw, text: str) -> bytes:
    """A real file with a few lines deleted, duplicated, swapped or replaced, or cut short,
    or with bytes that are not UTF-8 written into it."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(MANGLES))
        i = draw(st.integers(0, len(lines) - 1))
        if how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "swap-values":
            j = draw(st.integers(0, len(lines) - 1))
            (ki, _, vi), (kj, _, vj) = lines[i].partition(": "), lines[j].partition(": ")
            if vi and vj:
                lines[i], lines[j] = f"{ki}: {vj}", f"{kj}: {vi}"
        elif how == "replace-value":
            key, sep, _ = lines[i].partition(": ")
            lines[i] = f"{key}{sep or ': '}{draw(JUNK)}"
        elif how == "insert":
            lines.insert(i, " " * draw(st.integers(0, 8)) + draw(JUNK))
        elif how == "truncate":
            lines = lines[:i] + [lines[i][:draw(st.integers(0, len(lines[i])))]]
        if not lines:
            lines = [""]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


FILES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# -- world files ----------------------------------------------------------------------------

@FILES
@given(data=st.data())
def test_a_mangled_world_file_is_refused_clearly_and_left_as_it_is(template_world, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("world", numbered=True)
    shutil.copy2(template_world / "world.yaml.key", folder / "world.yaml.key")
    path = folder / "world.yaml"
    text = (template_world / "world.yaml").read_text(encoding="utf-8")
    broken = data.draw(mangled(text))
    path.write_bytes(broken)
    stamp = os.stat(path).st_mtime_ns, os.stat(path).st_ino

    for attempt in (lambda: Store(path).read(), lambda: open_store(path).read(),
                    lambda: open_store(path).transaction().__enter__()):
        try:
            attempt()
        except WorldError as exc:
            message = str(exc)
            assert message.startswith(str(path)), message
            named_line = ", line " in message.split(": ")[0]
            assert named_line or "cannot read" in message, message
        else:
            continue
        # refused: the file is exactly as it was, and nothing was left beside it
        assert path.read_bytes() == broken
        assert (os.stat(path).st_mtime_ns, os.stat(path).st_ino) == stamp
        assert sorted(p.name for p in folder.iterdir()) == ["world.yaml", "world.yaml.key", "world.yaml.lock"]


# -- transcripts ----------------------------------------------------------------------------

TRANSCRIPTS = sorted(Path(__file__).parents[1].joinpath("transcripts").glob("*.transcript"))


@FILES
@given(source=st.sampled_from(TRANSCRIPTS), data=st.data())
def test_a_mangled_transcript_is_refused_or_read(source, tmp_path_factory, data):
    path = tmp_path_factory.mktemp("transcript", numbered=True) / source.name
    path.write_bytes(data.draw(mangled(source.read_text(encoding="utf-8"))))
    try:
        load(path)
    except TranscriptError as exc:
        assert str(exc).startswith(str(path)), exc


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(TRANSCRIPTS), data=st.data())
def test_replaying_a_mangled_transcript_ends_in_a_report_never_a_traceback(source, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("replay", numbered=True)
    path = folder / source.name
    path.write_bytes(data.draw(mangled(source.read_text(encoding="utf-8"))))
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setattr("sys.stdout", out)
        status = cli.main(["transcript", "run", str(path)], out, err)
    text = out.getvalue() + err.getvalue()
    assert status in (0, 1), text
    assert "Traceback" not in text and "internal error" not in text, text
    assert text.rstrip().endswith(("1 passed, 0 failed", "0 passed, 1 failed")), text


# -- lab definitions ------------------------------------------------------------------------

LAB = training_folder() / "invalid-credentials"


@FILES
@given(name=st.sampled_from(["lab.yaml", "lab.yaml", "lab.yaml", "guide.md"]), data=st.data())
def test_a_mangled_lab_definition_is_a_lab_error(name, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("lab", numbered=True) / LAB.name
    shutil.copytree(LAB, folder)
    (folder / name).write_bytes(data.draw(mangled((LAB / name).read_text(encoding="utf-8"))))
    try:
        lab = load_folder(folder)
    except LabError as exc:
        assert str(folder) in str(exc), exc
        return
    assert lab.objectives and lab.title  # what loads is usable


CHECK = "[{title: t, expect: '@'}]"


@pytest.mark.parametrize("lab_yaml", [
    f"1: x\nfoo: y\ntitle: t\nrunbook: r\ndifficulty: beginner\nobjectives: {CHECK}\n",  # once a TypeError
    "title: t\nrunbook: r\ndifficulty: beginner\nobjectives: [{title: t, expect: '@', 1: x, foo: y}]\n",
    f"title: t\nrunbook: r\ndifficulty: [beginner]\nobjectives: {CHECK}\n",
    "title: t\nrunbook: r\ndifficulty: beginner\nobjectives: [{title: t, ask: [aws], expect: '@'}]\n",
    f"title: t\nrunbook: r\ndifficulty: beginner\nobjectives: {CHECK}\nhints: [[a]]\n",
    "? [a, b]\n: x\n",
], ids=["keys-of-two-types", "check-keys-of-two-types", "difficulty-list", "ask-list", "hint-list", "list-key"])
def test_lab_definitions_the_fuzzing_found(tmp_path, lab_yaml):
    (tmp_path / "lab.yaml").write_text(lab_yaml, encoding="utf-8")
    with pytest.raises(LabError, match=str(tmp_path)):
        load_folder(tmp_path)
