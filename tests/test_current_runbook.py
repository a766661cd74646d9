"""The runbook on the current generation as an operator runs it for real: the AWS CLI v1 through
the endpoint (`AWS_ENDPOINT_URL`), and the CloudHSM CLI's console script in single-command and
interactive mode, each a process of its own on the `current` fixture's world.  For each
connection error code of the kmsuser account the world is broken the way it happens, repaired
with the CloudHSM CLI's form of the runbook (cloudhsm-cli-spec §9.4), and reconnected."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hsmshell.aws.server import Endpoint
from hsmshell.testing.worlds import fresh_world

BIN = Path(sys.executable).parent
STORE = "cks-1234567890abcdef0"
ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ADMIN = {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345"}


class Host:
    """A terminal on the client host: the real `aws` pointed at the endpoint, cloudhsm-cli."""

    def __init__(self, world: Path, endpoint_url: str, scratch: Path):
        self.world = world
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLOUDHSM_"))}
        self.env.update(HSMSHELL_WORLD=str(world), AWS_ENDPOINT_URL=endpoint_url,
                        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
                        AWS_DEFAULT_REGION="us-west-2", AWS_CONFIG_FILE=str(scratch / "none"),
                        AWS_SHARED_CREDENTIALS_FILE=str(scratch / "none"))

    def aws(self, *args: str) -> str:
        done = subprocess.run([shutil.which("aws"), "kms", *args], env=self.env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def state(self) -> list[str]:
        return self.aws("describe-custom-key-stores", "--custom-key-store-id", STORE, "--query",
                        "CustomKeyStores[0].[ConnectionState,ConnectionErrorCode]", "--output", "text").split()

    def store(self, verb: str, *args: str) -> None:
        self.aws(f"{verb}-custom-key-store", "--custom-key-store-id", STORE, *args)

    def cli(self, *args: str, env: dict | None = None, input: str | None = None) -> dict:
        done = subprocess.run([str(BIN / "cloudhsm-cli"), *args], env={**self.env, **(env or {})}, input=input,
                              capture_output=True, text=True, timeout=120)
        return json.loads(done.stdout[done.stdout.index("{"):])

    def interactive(self, lines: str) -> str:
        done = subprocess.run([str(BIN / "cloudhsm-cli"), "interactive"], env=self.env, input=lines,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def set_kmsuser_password(self, password: str) -> dict:
        return self.cli("user", "change-password", "--username", "kmsuser", "--role", "crypto-user",
                        "--password", password, env=ADMIN)

    def kmsuser_keys(self, password: str) -> dict:
        return self.cli("key", "list", "--filter", f"attr.label={ARN}",
                        env={"CLOUDHSM_ROLE": "crypto-user", "CLOUDHSM_PIN": f"kmsuser:{password}"})


def _host(folder: Path, fixture: str):
    if shutil.which("aws") is None:
        pytest.skip("the AWS CLI v1 is not installed (pip install '.[test]')")
    world = fresh_world(folder, fixture, password_cost=4).path
    endpoint = Endpoint(world).start()
    try:
        yield Host(world, endpoint.url, folder)
    finally:
        endpoint.stop()


@pytest.fixture
def host(tmp_path):
    yield from _host(tmp_path, "current")


def repair_with_the_cloudhsm_cli(host: Host) -> None:
    """How to fix invalid kmsuser credentials, in the CloudHSM CLI's interactive mode."""
    host.store("disconnect")
    out = host.interactive("login --username admin --role admin\nco12345\n"
                           "user change-password --username kmsuser --role crypto-user\ntempPassword\ntempPassword\n"
                           "logout\nquit\n")
    assert out.count('"error_code": 0') == 3, out
    host.store("update", "--key-store-password", "tempPassword")
    host.store("connect")
    assert host.state() == ["CONNECTED", "None"]


def test_invalid_credentials(host):
    host.store("disconnect")
    assert host.set_kmsuser_password("AuditRotated2025")["error_code"] == 0
    host.store("connect")
    assert host.state() == ["FAILED", "INVALID_CREDENTIALS"]
    repair_with_the_cloudhsm_cli(host)


def test_user_locked_out(host):
    host.store("disconnect")
    host.set_kmsuser_password("AuditRotated2025")
    for attempt in range(6):  # five failed logins lock kmsuser; the sixth attempt says so
        if attempt:
            host.store("disconnect")
        host.store("connect")
    assert host.state() == ["FAILED", "USER_LOCKED_OUT"]
    kmsuser = next(u for u in host.cli("user", "list")["data"]["users"] if u["username"] == "kmsuser")
    assert kmsuser["locked"] == "true"
    assert host.kmsuser_keys("AuditRotated2025")["error_code"] == 1  # the right password, locked
    repair_with_the_cloudhsm_cli(host)
    assert host.aws("describe-key", "--key-id", ARN, "--query", "KeyMetadata.KeyState", "--output", "text") == "Enabled\n"


def test_user_logged_in(host):
    host.store("disconnect")
    host.set_kmsuser_password("tempPassword")
    host.store("update", "--key-store-password", "tempPassword")
    # kmsuser logged in in another terminal, still at the prompt when the key store reconnects
    terminal = subprocess.Popen([str(BIN / "cloudhsm-cli"), "interactive"], env=host.env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
    try:
        terminal.stdin.write("login --username kmsuser --role crypto-user --password tempPassword\n")
        terminal.stdin.flush()
        while '"role": "crypto-user"' not in terminal.stdout.readline():
            pass
        host.store("connect")
        assert host.state() == ["FAILED", "USER_LOGGED_IN"]
        terminal.stdin.write("logout\nquit\n")
        terminal.stdin.close()
        assert terminal.wait(timeout=60) == 0
    finally:
        if terminal.poll() is None:
            terminal.kill()
    host.store("disconnect")
    host.store("connect")
    assert host.state() == ["CONNECTED", "None"]
    # KMS holds kmsuser again: its password cannot change (CMU's changePswd is refused alike)
    assert host.set_kmsuser_password("tempPassword2") == {
        "error_code": 1, "data": "Cannot perform this operation on a user who is currently logged in to the cluster"}


def test_user_not_found(tmp_path):
    host = next(hosts := _host(tmp_path, "current-user-not-found"))
    try:
        host.store("connect")
        assert host.state() == ["FAILED", "USER_NOT_FOUND"]
        host.store("disconnect")
        kmsuser = next(u for u in host.cli("user", "list")["data"]["users"] if u["username"] == "kmsuser")
        assert kmsuser["cluster-coverage"] == "inconsistent"
        created = host.cli("user", "create", "--username", "kmsuser", "--role", "crypto-user", env=ADMIN,
                           input="kmsPswd1\nkmsPswd1\n")
        assert created == {"error_code": 0, "data": {"username": "kmsuser", "role": "crypto-user"}}
        host.store("connect")
        assert host.state() == ["CONNECTED", "None"]
    finally:
        hosts.close()


def test_the_readmes_five_minutes_with_the_cloudhsm_cli_as_written(tmp_path):
    """The README's CloudHSM CLI block, run line by line in a terminal of its own: its `$` lines
    as they stand, the `aws-cloudhsm > ` lines typed into one interactive cloudhsm-cli, each
    password prompt answered (co12345 for admin, tempPassword for kmsuser)."""
    import shlex

    text = (Path(__file__).parents[1] / "README.md").read_text()
    block = text.split("### The same five minutes with the CloudHSM CLI", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    answers = iter(["co12345", "tempPassword", "tempPassword", "tempPassword"])
    env = {k: v for k, v in os.environ.items() if k not in ("HSMSHELL_WORLD", "XDG_DATA_HOME")}
    env["HOME"] = str(tmp_path)
    typed, done = [], []

    def run(words: list[str], input: str | None = None) -> None:
        ran = subprocess.run([str(BIN / words[0]), *words[1:]], env=env, cwd=tmp_path, text=True,
                             capture_output=True, timeout=120, input=input)
        assert ran.returncode == 0, (words, ran.stderr)
        done.append(ran.stdout)

    session = None  # the interactive cloudhsm-cli the `aws-cloudhsm > ` lines are typed into
    for line in block.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("aws-cloudhsm > "):
            typed.append(line.removeprefix("aws-cloudhsm > "))
            if typed[-1] == "quit":
                run(session, "\n".join(typed) + "\n")
                session, typed = None, []
        elif line.endswith("password:"):
            typed.append(next(answers))
        elif line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            env[name] = value.replace("$PWD", str(tmp_path))
        elif shlex.split(line)[:2] == ["cloudhsm-cli", "interactive"]:
            session = shlex.split(line)
        else:
            run(shlex.split(line))
    assert session is None and done[-4].count("Logout successful") == 2 and '"total_key_count": 1' in done[-4]
    assert next(answers, None) is None  # every prompt the README shows was answered
    assert done[-1].count('"ConnectionState": "CONNECTED"') == 1
