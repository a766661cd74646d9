"""A lab done the way an operator would do it for real: the AWS CLI v1 through `hsmshell serve`,
the console scripts in a terminal of their own, and `hsmshell lab check` at the end."""

from __future__ import annotations

import os
import shutil
import subprocess

from hsmshell.aws.server import Endpoint
from hsmshell.labs import session
from hsmshell.services import open_store

STORE = "cks-1234567890abcdef0"


def test_invalid_credentials_repaired_with_the_real_aws_cli(world_path, tmp_path):
    def run(*argv, stdin="", env=None):
        path = shutil.which(argv[0])
        assert path, f"{argv[0]} is not installed"
        return subprocess.run([path, *argv[1:]], input=stdin, capture_output=True, text=True,
                              env=env or os.environ, cwd=tmp_path, timeout=120)

    assert run("hsmshell", "lab", "start", "invalid-credentials").returncode == 0
    co_password = session.active(open_store(world_path)).variables["co_password"]  # drawn for the attempt
    endpoint = Endpoint(world_path).start()
    try:
        cli = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        cli.update(AWS_ENDPOINT_URL=endpoint.url, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
                   AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="us-west-2",
                   AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
        done = run("aws", "kms", "describe-custom-key-stores", "--custom-key-store-id", STORE,
                   "--query", "CustomKeyStores[0].ConnectionErrorCode", "--output", "text", env=cli)
        assert done.stdout == "INVALID_CREDENTIALS\n"
        assert run("aws", "kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE, env=cli).returncode == 0
        cmu = run("cloudhsm_mgmt_util", "/opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg",
                  stdin=f"loginHSM CO admin {co_password}\nchangePswd CU kmsuser tempPassword\ny\nquit\n")
        assert "Changing password for kmsuser(CU) on 3 nodes" in cmu.stdout
        assert run("hsmshell", "lab", "check").returncode == 1
        assert run("aws", "kms", "update-custom-key-store", "--custom-key-store-id", STORE,
                   "--key-store-password", "tempPassword", env=cli).returncode == 0
        assert run("aws", "kms", "connect-custom-key-store", "--custom-key-store-id", STORE, env=cli).returncode == 0
    finally:
        endpoint.stop()
    check = run("hsmshell", "lab", "check")
    assert check.returncode == 0, check.stdout
    assert "All objectives hold" in check.stdout
