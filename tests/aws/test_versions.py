"""`aws` speaks AWS CLI v2 unless the world's client host runs v1 or a transcript's header asks
for it; what differs between them, as the real releases print it (their differential tests,
test_real_cli.py and test_real_cli_v2.py, compare everything when the CLIs are installed; these
hold without them)."""

from __future__ import annotations

import glob
import json
import textwrap

import pytest

from hsmshell.aws import cli, versions
from hsmshell.services import open_store
from hsmshell.testing.replay import run_file

from .oracle import V2_MISSING, aws_v2

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
STORE = "cks-1234567890abcdef0"


@pytest.fixture(autouse=True)
def _default_client_host(store):
    """The suite's template world runs v1 (tests/conftest.py): here the host is as shipped."""
    with store.transaction() as world:
        world.client.aws_cli = None


def _runs_v1(store) -> None:
    with store.transaction() as world:
        world.client.aws_cli = 1


def test_v2_by_default_v1_when_the_client_host_says_so(doors, store):
    argv = ("kms", "describe-custom-key-stores", "--query", "CustomKeyStores[0].CreationDate")
    assert doors.aws(*argv) == (0, '"2017-07-05T21:04:55.918000+00:00"\n', "")
    _runs_v1(store)
    assert doors.aws(*argv) == (0, "1499288695.918\n", "")


def test_timestamps_in_every_format(doors):
    argv = ("cloudhsmv2", "describe-backups", "--query", "Backups[0].[BackupId,CreateTimestamp]")
    assert doors.aws(*argv, "--output", "text")[1] == "backup-9g87f6edcba\t2018-09-11T12:00:38.328000+00:00\n"
    assert doors.aws(*argv, "--output", "yaml")[1] == "- backup-9g87f6edcba\n- '2018-09-11T12:00:38.328000+00:00'\n"
    assert "|  2018-09-11T12:00:38.328000+00:00  |" in doors.aws(*argv, "--output", "table")[1]


def test_blob_arguments_are_base64_in_v2_and_raw_in_v1(doors, store):
    encrypt = ("kms", "encrypt", "--key-id", KEY, "--query", "KeyId", "--output", "text")
    assert doors.aws(*encrypt, "--plaintext", "hello") == (255, "", '\nInvalid base64: "hello"\n')
    assert doors.aws(*encrypt, "--plaintext", "aGVsbG8=")[0] == 0
    raw = doors.aws(*encrypt, "--plaintext", "hello", "--cli-binary-format", "raw-in-base64-out")
    assert raw == (0, f"arn:aws:kms:us-west-2:111122223333:key/{KEY}\n", "")
    _runs_v1(store)
    assert doors.aws(*encrypt, "--plaintext", "hello")[0] == 0
    status, _, err = doors.aws(*encrypt, "--plaintext", "hello", "--cli-binary-format", "raw-in-base64-out")
    assert status == 255 and err.endswith("\nUnknown options: --cli-binary-format, raw-in-base64-out\n")


def test_v2_decrypts_what_it_encrypted_from_base64(doors):
    status, out, _ = doors.aws("kms", "encrypt", "--key-id", KEY, "--plaintext", "aGVsbG8=")
    blob = json.loads(out)["CiphertextBlob"]
    status, out, err = doors.aws("kms", "decrypt", "--ciphertext-blob", blob, "--query", "Plaintext", "--output", "text")
    assert (status, out, err) == (0, "aGVsbG8=\n", "")


@pytest.mark.parametrize("argv, v1, v2", [
    (("kms", "describe-key", "--key-id", "alias/nope"), 255, 254),
    (("kms", "connect-custom-key-store"), 2, 252),
    (("kms", "list-keys", "--bogus"), 255, 252),
    (("kms", "list-keys", "--query", "Keys["), 255, 252),
    (("kms", "list-keys", "--no-paginate", "--max-items", "1"), 255, 252),
    (("cloudhsmv2", "describe-backups", "--filters", "{bad"), 255, 252),
    (("kms", "schedule-key-deletion", "--key-id", KEY, "--pending-window-in-days", "x"), 255, 255),
])
def test_exit_statuses(doors, store, argv, v1, v2):
    assert doors.aws(*argv)[0] == v2
    _runs_v1(store)
    assert doors.aws(*argv)[0] == v1


def test_v2_words_around_a_usage_error(doors):
    assert doors.aws("kms", "list-keys", "--output", "yaml2") == (252, "", textwrap.dedent("""
        usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]
        To see help text, you can run:

          aws help
          aws <command> help
          aws <command> <subcommand> help

        aws: error: argument --output: Invalid choice, valid choices are:

        json                                     | text                                    
        table                                    | yaml                                    
        yaml-stream                             


        Invalid choice: 'yaml2', maybe you meant:

          * yaml

        """))


def test_v2_shorthand_error_points_at_the_place(doors):
    assert doors.aws("cloudhsmv2", "describe-backups", "--filters", "clusterIds") == (
        252, "", "\nError parsing parameter '--filters': Expected: '=', received: 'EOF' for input:\n"
                 "clusterIds\n          ^\n")


def test_yaml_stream_prints_each_page_as_sent(doors):
    status, out, err = doors.aws("kms", "list-keys", "--page-size", "1", "--output", "yaml-stream")
    assert (status, err) == (0, "")
    assert out.count("- Keys:\n") == 2 and "  NextMarker: " in out and "  Truncated: true\n" in out
    assert out.endswith("  Truncated: false\n")


def test_members_the_v2_models_lack_are_dropped(doors, store):
    argv = ("cloudhsmv2", "describe-backups", "--query", "Backups[0]")
    assert "BackupArn" not in doors.aws(*argv)[1]
    _runs_v1(store)
    assert "BackupArn" in doors.aws(*argv)[1]


def test_a_transcript_header_chooses_the_version(tmp_path):
    session = ("$ aws kms describe-custom-key-stores --query CustomKeyStores[0].CreationDate\n"
               "{}\n"
               "$ aws kms describe-key --key-id alias/nope\n"
               "\n"
               "An error occurred (NotFoundException) when calling the DescribeKey operation: Alias "
               "arn:aws:kms:us-west-2:111122223333:alias/nope is not found.\n"
               "[{}]\n")
    v1 = tmp_path / "v1.transcript"
    v1.write_text("# aws-cli: 1\n" + session.format("1499288695.918", 255))
    v2 = tmp_path / "v2.transcript"
    v2.write_text(session.format('"2017-07-05T21:04:55.918000+00:00"', 254))
    assert run_file(v1).ok, run_file(v1).report()
    assert run_file(v2).ok, run_file(v2).report()
    wrong = tmp_path / "wrong.transcript"
    wrong.write_text("# aws-cli: 1\n" + session.format('"2017-07-05T21:04:55.918000+00:00"', 254))
    assert not run_file(wrong).ok
    bad = tmp_path / "bad.transcript"
    bad.write_text("# aws-cli: 3\n" + session.format("1499288695.918", 255))
    assert run_file(bad).error == f"{bad}, line 1: aws-cli must be 1 or 2 (the AWS CLI's major version)"


def test_world_show_says_which_version(doors, store):
    assert "  aws                            AWS CLI v2 (2.9.19)" in doors.run(["hsmshell", "world", "show"])[1]
    _runs_v1(store)
    assert "  aws                            AWS CLI v1 (1.45.11)" in doors.run(["hsmshell", "world", "show"])[1]


def test_a_world_naming_another_version_is_refused(world_path):
    text = world_path.read_text()
    world_path.write_text(text.replace("\nclient:\n", "\nclient:\n  aws_cli: 3\n", 1))
    from hsmshell.world.store import WorldError

    with pytest.raises(WorldError, match="not an AWS CLI major version"):
        open_store(world_path).read()


def test_completion_offers_the_versions_formats(store):
    world = store.read()
    assert cli.complete_args(["kms", "list-keys", "--output"], "", world)[-2:] == ["yaml", "yaml-stream"]
    assert "--no-cli-pager" in cli.complete_args(["kms", "list-keys"], "--", world)
    _runs_v1(store)
    world = store.read()
    assert cli.complete_args(["kms", "list-keys", "--output"], "", world) == ["json", "text", "table"]
    assert "--no-cli-pager" not in cli.complete_args(["kms", "list-keys"], "--", world)


def test_timestamp_members_are_the_models():
    """Every timestamp member of the three services' output shapes, and no member of those
    names is anything else."""
    import botocore.session

    session = botocore.session.get_session()
    timestamps, others = set(), set()

    def walk(shape, seen=frozenset()):
        if shape.name in seen:
            return
        seen |= {shape.name}
        for member, member_shape in getattr(shape, "members", {}).items():
            (timestamps if member_shape.type_name == "timestamp" else others).add(member)
            walk(member_shape, seen)
        for inner in (getattr(shape, "member", None), getattr(shape, "value", None)):
            if inner is not None:
                walk(inner, seen)

    for service in ("kms", "cloudhsmv2", "cloudtrail"):
        model = session.get_service_model(service)
        for operation in model.operation_names:
            output = model.operation_model(operation).output_shape
            if output is not None:
                walk(output)
    assert versions.TIMESTAMP_MEMBERS == timestamps
    assert not versions.TIMESTAMP_MEMBERS & others


def test_the_v2_model_table_is_current():
    """v2_models.py is what tools/generate_aws_v2_models.py makes from the installed v2."""
    import subprocess
    import sys
    from pathlib import Path

    if aws_v2() != "/usr/bin/aws" or not glob.glob("/usr/lib/python3/dist-packages/awscli/botocore/data/kms"):
        pytest.skip(V2_MISSING)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "tools" / "generate_aws_v2_models.py")],
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout == (root / "hsmshell" / "aws" / "v2_models.py").read_text()


async def test_a_tui_tab_speaks_the_worlds_version_and_pages_nothing(world_path, store, monkeypatch):
    """In a tab `aws` follows the world's client host, and no pager runs even when one is set."""
    from tui.app import HsmShellApp

    from ..tui.test_app import output, type_line

    monkeypatch.setenv("AWS_PAGER", "sed s/^/paged:/")
    line = "aws kms describe-custom-key-stores --query CustomKeyStores[0].CreationDate"
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await type_line(pilot, app, line, expect='"2017-07-05T21:04:55.918000+00:00"')
        _runs_v1(store)
        await type_line(pilot, app, line, expect="1499288695.918")
        assert "paged:" not in output(app)
