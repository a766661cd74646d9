"""Secrets: no password typed reaches a recorded transcript or the endpoint's log; every file
kept beside a world (the world, its key, its cache, the world put aside for a lab, the lab's
state) is private; the endpoint listens on loopback unless told otherwise, and warns when told;
files the tools write land where the person asked and nowhere else."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess

import boto3
from botocore.config import Config

from hsmshell import cli
from hsmshell.aws.server import Endpoint

from ..conftest import STORE_ID

PASSWORDS = ("co12345", "alicePassword1", "alicePassword2", "storePassword1")


def test_a_recorded_transcript_keeps_no_password_and_still_replays(tmp_path):
    session = ("cloudhsm_mgmt_util\nloginHSM CO admin co12345\ncreateUser CU alice alicePassword1\ny\n"
               "login CU alice -hpswd\nalicePassword1\nlogoutHSM\n"
               "loginHSM CO admin co12345\nchangePswd CU alice alicePassword2\ny\nquit\n"
               "key_mgmt_util\nloginHSM -u CU -s alice -p alicePassword2\nlogoutHSM\nexit\n"
               f"aws kms update-custom-key-store --custom-key-store-id {STORE_ID} --key-store-password=storePassword1\n")
    done = subprocess.run([shutil.which("hsmshell"), "transcript", "record", "session.transcript"], input=session,
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "session.transcript").read_text()
    for password in PASSWORDS:
        assert password not in text, password
    assert "aws-cloudhsm>login CU alice -hpswd\nEnter password:<password2>\n" in text.replace("Enter password: ", "Enter password:")
    assert "Command:  loginHSM -u CU -s alice -p <password3>\n" in text
    assert "--key-store-password=<password4>\n" in text
    env = {**os.environ, "HSMSHELL_PASSWORD": "co12345", "HSMSHELL_PASSWORD2": "alicePassword1",
           "HSMSHELL_PASSWORD3": "alicePassword2", "HSMSHELL_PASSWORD4": "storePassword1"}
    replayed = subprocess.run([shutil.which("hsmshell"), "transcript", "run", "session.transcript"], env=env,
                              capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert replayed.returncode == 0, replayed.stdout


def test_the_endpoint_logs_and_records_no_password(world_path):
    lines: list[str] = []
    endpoint = Endpoint(world_path, log=lines.append).start()
    try:
        kms = boto3.session.Session().client(
            "kms", endpoint_url=endpoint.url, region_name="us-west-2", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))
        kms.disconnect_custom_key_store(CustomKeyStoreId=STORE_ID)
        kms.update_custom_key_store(CustomKeyStoreId=STORE_ID, KeyStorePassword="storePassword1")
    finally:
        endpoint.stop()
    assert len(lines) == 2 and all('"POST / HTTP/1.1" 200' in line for line in lines), lines
    assert "storePassword1" not in "".join(lines)
    assert "storePassword1" not in world_path.read_text(encoding="utf-8")
    events = world_path.with_name("world.yaml.trail").read_text(encoding="utf-8")
    assert "UpdateCustomKeyStore" in events and "storePassword1" not in events  # nor in CloudTrail


def test_every_file_beside_a_world_is_private(tmp_path, monkeypatch):
    path = tmp_path / "world.yaml"
    old = os.umask(0)  # however permissive the umask
    try:
        out = io.StringIO()
        assert cli.main(["--world", str(path), "world", "init"], out, out) == 0, out.getvalue()
        assert cli.main(["--world", str(path), "lab", "start", "invalid-credentials"], out, out) == 0, out.getvalue()
        lab_files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
        assert cli.main(["--world", str(path), "lab", "stop"], out, out) == 0, out.getvalue()
        after = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    finally:
        os.umask(old)
    assert {"world.yaml", "world.yaml.key", "world.yaml.trail", "world.before-lab.yaml", "world.yaml.lab"} <= set(lab_files)
    for name, mode in {**lab_files, **after}.items():
        assert mode == 0o600, f"{name} is {oct(mode)}"


def serve(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([shutil.which("hsmshell"), "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline()


def test_the_endpoint_listens_on_loopback_unless_told_and_then_warns(world_path):
    quiet, banner = serve()
    loud, loud_banner = serve("--host", "0.0.0.0")
    for proc in (quiet, loud):
        proc.terminate()
    assert banner.startswith("Serving KMS, CloudHSM v2 and CloudTrail at http://127.0.0.1:")
    assert quiet.communicate(timeout=10)[1] == ""
    assert loud_banner.startswith("Serving KMS, CloudHSM v2 and CloudTrail at http://0.0.0.0:")
    assert "Warning: listening on 0.0.0.0, not loopback: anyone who can reach this address can read and " \
           "change the world." in loud.communicate(timeout=10)[1]


def test_files_the_tools_write_land_where_asked_and_nowhere_else(world_path, tmp_path, monkeypatch):
    here = tmp_path / "here"
    (here / "sub").mkdir(parents=True)
    monkeypatch.chdir(here)
    before = {p.name for p in world_path.parent.iterdir()}
    script = ("loginHSM CO admin co12345\ngetAttribute 262162 512 attr.txt\ngetAttribute 262162 512 sub/../sub/a.txt\n"
              "getAttribute 262162 512 missing/dir/b.txt\nquit\n")
    done = subprocess.run([shutil.which("cloudhsm_mgmt_util"), "--world", str(world_path)], input=script,
                          capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stdout + done.stderr and "internal error" not in done.stdout
    assert sorted(str(p.relative_to(here)) for p in here.rglob("*")) == ["attr.txt", "sub", "sub/a.txt"]
    new = {p.name for p in world_path.parent.iterdir()} - before
    assert all(name.startswith("world.yaml.") for name in new), new  # the store's own lock and cache
