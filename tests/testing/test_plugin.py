"""The pytest plugin: transcript files are collected as tests, and the fixtures give Python
tests a fresh world and the three front-ends."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ..conftest import KEY_ARN, STORE_ID

PASSING = ("# world: default\n$ aws kms list-keys --query \"length(Keys)\"\n2\n")
RUNBOOK = ("# Runbook\n\n<!-- transcript\nworld: default\n-->\n\n```\n"
           "$ aws kms disconnect-custom-key-store --custom-key-store-id " + STORE_ID + "\n```\n\n"
           "```\nCommand: findKey -l nothing\nTotal number of keys present 3\n```\n")


def test_transcripts_are_collected_and_failures_show_the_diff(tmp_path):
    (tmp_path / "good.transcript").write_text(PASSING)
    (tmp_path / "runbook.md").write_text(RUNBOOK)
    (tmp_path / "notes.md").write_text("# not a transcript\n\n```\n$ aws kms list-keys\n```\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "1 failed, 1 passed" in done.stdout, done.stdout
    assert f"transcript {tmp_path / 'runbook.md'} does not replay:" in done.stdout
    assert "@@ -10,5 +10," in done.stdout  # the lines, numbered in the Markdown file
    assert "-Total number of keys present 3\n" in done.stdout
    assert "notes.md" not in done.stdout


def test_fixtures_run_a_line_and_return_its_output(hsmshell_store, cmu, kmu, aws):
    with hsmshell_store.transaction() as world:
        world.client.aws_cli = 1  # written in AWS CLI v1's words
    assert aws("kms disconnect-custom-key-store --custom-key-store-id " + STORE_ID) == ""
    assert aws.status == 0
    assert "loginHSM success on server 2(10.0.1.12)" in cmu("loginHSM CO admin co12345")
    assert "Connected to server '10.0.1.12'" in cmu.banner
    assert cmu("changePswd CU kmsuser tempPassword", "y").endswith(
        "Do you want to continue(y/n)?y\nChanging password for kmsuser(CU) on 3 nodes\n")
    assert "Cfm3LoginHSM returned: 0x00 : HSM Return: SUCCESS" in kmu("loginHSM -u CU -s kmsuser -p tempPassword")
    assert "Total number of keys present 1" in kmu("findKey -l " + KEY_ARN)
    assert "connect-custom-key-store" not in aws("kms", "connect-custom-key-store", "--custom-key-store-id", "x")
    assert aws.status == 255


@pytest.mark.hsmshell_fixture("default")
def test_each_test_gets_a_fresh_world(aws, hsmshell_store):
    assert '"ConnectionState": "CONNECTED"' in aws("kms describe-custom-key-stores")
    assert hsmshell_store.path.parent.name == "world"
