"""`hsmshell aws ... help` prints the models' documentation as the AWS CLI v1 lays it out, and
`hsmshell aws --help` answers as `aws --help` does, not with hsmshell's own usage (issue 20)."""

from __future__ import annotations

import gzip
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hsmshell.cli import main as hsmshell

ROOT = Path(__file__).resolve().parents[2]


def run(*words: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return hsmshell(["aws", *words], out, err), out.getvalue(), err.getvalue()


def test_dash_dash_help_is_the_cli_s_usage_error_not_hsmshell_s(world_path, tmp_path):
    status, out, err = run("--help")
    real = subprocess.run([shutil.which("aws"), "--help"], capture_output=True, cwd=tmp_path, timeout=60)
    assert (status, out, err) == (real.returncode, real.stdout.decode(), real.stderr.decode())
    assert status == 2 and "hsmshell" not in err


@pytest.mark.parametrize("words, heading, text", [
    (["help"], "AWS()", "o kms"),
    (["kms", "help"], "KMS()", "Key Management Service (KMS) is an encryption and key management web"),
    (["kms", "connect-custom-key-store", "help"], "CONNECT-CUSTOM-KEY-STORE()",
     "--custom-key-store-id (string)"),
    (["cloudhsmv2", "describe-clusters", "help"], "DESCRIBE-CLUSTERS()", "Clusters -> (list)"),
])
def test_help_pages(world_path, words, heading, text):
    status, out, err = run(*words)
    assert (status, err) == (0, "")
    assert out.startswith(heading) and text in out
    assert all(len(line) <= 79 for line in out.splitlines() if not line.startswith("       o "))


def test_help_for_an_unknown_command_is_the_cli_s_invalid_choice(world_path):
    status, _, err = run("kms", "no-such-command", "help")
    assert status == 2 and "Invalid choice" in err


def test_the_committed_help_is_what_the_generator_writes(tmp_path):
    committed = (ROOT / "hsmshell" / "aws" / "help.json.gz").read_bytes()
    subprocess.run([sys.executable, str(ROOT / "tools" / "generate_aws_help.py"), str(tmp_path / "help.json.gz")],
                   check=True, cwd=ROOT)
    assert gzip.decompress((tmp_path / "help.json.gz").read_bytes()) == gzip.decompress(committed)
