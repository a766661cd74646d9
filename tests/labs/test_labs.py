"""Every lab: it starts broken, its solution repairs it, a plausible wrong fix does not."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from hsmshell.cli import main
from hsmshell.labs import definition, session
from hsmshell.services import open_store
from hsmshell.testing.parse import load as load_transcript
from hsmshell.testing.replay import replay

LABS = definition.names()


def lab(world_path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["--world", str(world_path), "lab", *args], out, err)
    return status, out.getvalue() + err.getvalue()


def replay_into(world_path, transcript) -> None:
    store = open_store(world_path)
    state = session.active(store)
    result = replay(load_transcript(transcript), store=store, variables=state.variables,
                    readable=(Path(state.variables["lab"]),))
    assert result.ok, result.report()


def test_there_are_labs_and_each_is_complete():
    assert LABS
    for name in LABS:
        lab_ = definition.load(name)
        assert lab_.guide and lab_.hints and lab_.solution and lab_.wrong_fix, name
        assert lab_.runbook.startswith("How to"), name


def test_every_form_of_every_lab_loads_without_a_warning():
    """A check's drawn values (`<kms_id>`) are checked as the numbers or text they will be: a
    placeholder between backticks once read as jmespath's deprecated bare string literal."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in LABS:
            for generation in definition.load(name).generations:
                definition.load(name, generation)


def test_lab_list_shows_section_and_difficulty(world_path):
    status, out = lab(world_path, "list")
    assert status == 0
    for name in LABS:
        lab_ = definition.load(name)
        row = next(l for l in out.splitlines() if l.startswith(name + " "))
        assert lab_.difficulty in row and lab_.runbook in row


@pytest.mark.parametrize("name", LABS)
def test_the_solution_repairs_the_lab(world_path, name):
    assert lab(world_path, "start", name)[0] == 0
    status, out = lab(world_path, "check")
    assert status == 1 and "✗" in out
    replay_into(world_path, definition.load(name).solution)
    status, out = lab(world_path, "check")
    assert status == 0, out
    assert "✗" not in out and "All objectives hold" in out


@pytest.mark.parametrize("name", LABS)
def test_a_wrong_fix_does_not_pass(world_path, name):
    assert lab(world_path, "start", name)[0] == 0
    replay_into(world_path, definition.load(name).wrong_fix)
    status, out = lab(world_path, "check")
    assert status == 1 and "✗" in out, out


def test_start_puts_the_world_aside_and_stop_brings_it_back(world_path, doors):
    doors.aws("kms", "update-custom-key-store", "--custom-key-store-id", "cks-1234567890abcdef0",
              "--new-custom-key-store-name", "MyOwnStore")
    assert lab(world_path, "start", LABS[0])[0] == 0
    assert doors.describe()["CustomKeyStoreName"] == "ExampleKeyStore"
    status, out = lab(world_path, "start", LABS[0])
    assert status == 1 and "is under way" in out
    assert lab(world_path, "stop")[0] == 0
    assert doors.describe()["CustomKeyStoreName"] == "MyOwnStore"
    # and its CloudTrail history, which lives beside the world file, comes back with it
    status, out, _ = doors.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                               "AttributeKey=EventName,AttributeValue=UpdateCustomKeyStore",
                               "--query", "length(Events)")
    assert out == "1\n"
    assert lab(world_path, "check") == (1, "hsmshell: no lab is under way: `hsmshell lab start NAME` starts one "
                                           "(`hsmshell lab list`)\n")


def test_hints_one_at_a_time_and_the_solution_only_when_asked_twice(world_path):
    lab_ = definition.load(LABS[0])
    lab(world_path, "start", LABS[0])
    for number, hint in enumerate(lab_.hints, 1):
        assert lab(world_path, "hint") == (0, f"Hint {number}: {hint}\n")
    assert lab(world_path, "hint") == (0, "No more hints.\n")
    status, out = lab(world_path, "solution")
    assert "Are you sure?" in out and "$ " not in out
    status, out = lab(world_path, "solution")
    assert out == lab_.solution.read_text()


def test_a_broken_guard_fails_the_lab(world_path, store):
    assert lab(world_path, "start", "invalid-credentials")[0] == 0
    replay_into(world_path, definition.load("invalid-credentials").solution)
    with store.transaction() as world:
        del world.clusters["cluster-1a23b4cdefg"].keys[262168]  # key material destroyed
    status, out = lab(world_path, "check")
    assert status == 1 and "BROKEN: The key material of both KMS keys is still in the cluster" in out


def test_an_unknown_lab_is_a_clear_error(world_path):
    assert lab(world_path, "start", "nope") == (1, "hsmshell: no lab named 'nope' (hsmshell lab list shows them)\n")


# A lab as an instructor may write one: the shipped invalid-credentials lab, with other checks.
WRITTEN = """\
title: Checks of every kind
runbook: How to fix invalid kmsuser credentials
difficulty: beginner
world: default
objectives:
  - title: An alias nobody made is not found
    ask: aws kms describe-key --key-id alias/nobody-made-this
    error: NotFoundException
  - title: The store's key is not found
    ask: aws kms describe-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
    error: NotFoundException
  - title: An alias nobody made is described
    ask: aws kms describe-key --key-id alias/nobody-made-this
    expect: KeyMetadata
  - title: The key named in the lab's own file is described
    ask: aws kms describe-key --key-id file://key-id.txt
    expect: KeyMetadata.KeyId == '1234abcd-12ab-34cd-56ef-1234567890ab'
  - title: A field the world does not have is empty
    expect: "length(no_such_field) == `0`"
  - title: Another error than the one the call ends in, sorting before it
    ask: aws kms describe-key --key-id alias/nobody-made-this
    error: AccessDeniedException
  - title: Another error than the one the call ends in, sorting after it
    ask: aws kms describe-key --key-id alias/nobody-made-this
    error: ValidationException
  - title: The world shows the users but not their passwords
    expect: "length(clusters[].hsms[].users[]) > `0` && length(clusters[].hsms[].users[].password_hash) == `0`"
"""


def written_lab(tmp_path, monkeypatch, text: str) -> None:
    training = tmp_path / "training"
    shutil.copytree(definition.training_folder() / "invalid-credentials", training / "written")
    (training / "written" / "lab.yaml").write_text(text)
    (training / "written" / "key-id.txt").write_text("1234abcd-12ab-34cd-56ef-1234567890ab")
    monkeypatch.setattr(definition, "training_folder", lambda: training)


def test_each_kind_of_check_of_a_written_lab(world_path, tmp_path, monkeypatch):
    written_lab(tmp_path, monkeypatch, WRITTEN)
    assert lab(world_path, "start", "written")[0] == 0
    status, out = lab(world_path, "check")
    assert status == 1
    assert [l.strip() for l in out.splitlines() if l.strip()[:1] in "✓✗"] == [
        "✓ An alias nobody made is not found",
        "✗ The store's key is not found  (expected NotFoundException, but the call succeeded)",
        "✗ An alias nobody made is described  (NotFoundException: Alias "
        "arn:aws:kms:us-west-2:111122223333:alias/nobody-made-this is not found.)",
        "✓ The key named in the lab's own file is described",
        # a world not the lab's can meet a valid expression with a value of another type
        "✗ A field the world does not have is empty  (JMESPathTypeError: In function length(), invalid type "
        "for value: None, expected one of: ['string', 'array', 'object'], received: \"null\")",
        "✗ Another error than the one the call ends in, sorting before it  (NotFoundException)",
        "✗ Another error than the one the call ends in, sorting after it  (NotFoundException)",
        "✓ The world shows the users but not their passwords"], out


def test_a_check_whose_command_is_not_valid_is_a_clear_error(world_path, tmp_path, monkeypatch):
    written_lab(tmp_path, monkeypatch, WRITTEN.split("objectives:")[0] + """\
objectives:
  - title: A command without its key
    ask: aws kms describe-key
    expect: KeyMetadata
""")
    assert lab(world_path, "start", "written")[0] == 0
    status, out = lab(world_path, "check")
    # what AWS CLI v1 would print for it, after the lab's own words
    assert status == 1 and out.startswith("hsmshell: the check's command is not valid: aws kms describe-key\nusage: ")
    assert out.endswith("aws: error: the following arguments are required: --key-id\n")
