"""`hsmshell serve` as an operator starts it: where the signing secret comes from, and what a
bad argument gets."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from hsmshell import cli

KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def serve(*args: str, **env: str) -> tuple[subprocess.Popen, str]:
    """The server and the URL its banner names (or the banner line, if it failed to start)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "HSMSHELL_SIGNING_SECRET"}
    proc = subprocess.Popen([shutil.which("hsmshell"), "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**clean, **env})
    banner = proc.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+", banner)
    return proc, found.group() if found else banner


def stop(proc: subprocess.Popen) -> str:
    """Stops the server; what it wrote to stderr."""
    proc.terminate()
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    return err


def signs_with(url: str, secret: str, key: str = KEY) -> bool:
    kms = boto3.client("kms", endpoint_url=url, region_name="us-west-2", aws_access_key_id=key,
                       aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}))
    try:
        kms.list_keys()
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] in ("InvalidSignatureException", "UnrecognizedClientException")
        return False
    return True


def command_line(proc: subprocess.Popen) -> str:
    return Path(f"/proc/{proc.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


@pytest.mark.parametrize("variable", ["HSMSHELL_SIGNING_SECRET", "AWS_SECRET_ACCESS_KEY"])
def test_the_secret_comes_from_the_environment_and_not_the_command_line(world_path, variable):
    proc, url = serve("--check-signatures", KEY, **{variable: SECRET})
    try:
        assert SECRET not in command_line(proc)  # what `ps` shows every user of the machine
        assert signs_with(url, SECRET) and not signs_with(url, "not-the-secret")
    finally:
        assert stop(proc) == ""


def test_the_signing_secret_wins_over_the_aws_one(world_path):
    proc, url = serve("--check-signatures", KEY, HSMSHELL_SIGNING_SECRET=SECRET, AWS_SECRET_ACCESS_KEY="other")
    try:
        assert signs_with(url, SECRET) and not signs_with(url, "other")
    finally:
        stop(proc)


def test_the_secrets_come_from_a_file(world_path, tmp_path):
    secrets = tmp_path / "signing"
    secrets.write_text(f"# access keys the rehearsal accepts\n\n{KEY}:{SECRET}\nAKIAOTHER: other/secret+1 \n")
    proc, url = serve("--check-signatures-file", str(secrets))
    try:
        assert SECRET not in command_line(proc)
        assert signs_with(url, SECRET) and signs_with(url, "other/secret+1", key="AKIAOTHER")
        assert not signs_with(url, SECRET, key="AKIAOTHER")
    finally:
        assert stop(proc) == ""


def test_the_old_form_still_works_and_warns(world_path):
    proc, url = serve("--check-signatures", f"{KEY}:{SECRET}")
    try:
        assert signs_with(url, SECRET) and not signs_with(url, "not-the-secret")
    finally:
        err = stop(proc)
    assert err == ("Warning: --check-signatures ACCESS_KEY:SECRET shows the secret to anyone who can list "
                   "processes; give the access key alone with the secret in $HSMSHELL_SIGNING_SECRET, or use "
                   "--check-signatures-file FILE.\n")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return cli.main(list(argv), out, err), out.getvalue(), err.getvalue()


@pytest.mark.parametrize("lines, message", [
    (None, "hsmshell: cannot read {path}: No such file or directory\n"),
    ("", "hsmshell: {path} holds no ACCESS_KEY:SECRET line\n"),
    (f"# keys\n{KEY} {SECRET}\n", "hsmshell: {path}, line 2: expected ACCESS_KEY:SECRET\n"),
], ids=["missing", "empty", "no-colon"])
def test_a_secrets_file_that_cannot_be_used_is_said_so_without_showing_it(world_path, tmp_path, lines, message):
    path = tmp_path / "signing"
    if lines is not None:
        path.write_text(lines)
    assert run("serve", "--port", "0", "--check-signatures-file", str(path)) == (2, "", message.format(path=path))


def test_an_access_key_without_a_secret_anywhere_is_refused(world_path, monkeypatch):
    monkeypatch.delenv("HSMSHELL_SIGNING_SECRET", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    assert run("serve", "--port", "0", "--check-signatures", KEY) == (
        2, "", f"hsmshell: --check-signatures {KEY} takes the secret from $HSMSHELL_SIGNING_SECRET or "
               "$AWS_SECRET_ACCESS_KEY, and neither is set\n")


@pytest.mark.parametrize("port, message", [("99999", "99999 is not a port (0 to 65535)"),
                                           ("-1", "-1 is not a port (0 to 65535)"),
                                           ("http", "'http' is not a port number")])
def test_a_port_out_of_range_is_a_usage_error(world_path, port, message):
    status, out, err = run("serve", "--port", port)
    assert (status, out) == (2, "")
    assert err.endswith(f"hsmshell serve: error: argument --port: {message}\n") and "Traceback" not in err
