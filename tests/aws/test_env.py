"""`eval "$(hsmshell env)"` points either AWS CLI at `hsmshell serve`: v1 and v2 2.13+ through
AWS_ENDPOINT_URL, and an older v2 (Debian 12's 2.9.19, which reads no AWS_ENDPOINT_URL)
through the `aws` function that adds --endpoint-url."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hsmshell.aws.server import Endpoint

from .oracle import V2_MISSING, aws_v2


def _in_a_shell(world_path, port: int, aws: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """A fresh bash that evals `hsmshell env` and runs `aws` (the given binary first on PATH)."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    link = folder / "aws"
    if link.exists():
        link.unlink()
    link.symlink_to(aws)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PATH=f"{folder}{os.pathsep}{env['PATH']}", AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    script = (f'eval "$({shutil.which("hsmshell")} --world {world_path} env --port {port})" && '
              "aws kms describe-custom-key-stores --query CustomKeyStores[0].ConnectionState --output text")
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("version", [1, 2])
def test_the_exports_reach_the_endpoint_from_either_cli(world_path, tmp_path, version):
    aws = shutil.which("aws") if version == 1 else aws_v2()
    if aws is None:
        pytest.skip(V2_MISSING)
    endpoint = Endpoint(world_path).start()
    try:
        done = _in_a_shell(world_path, endpoint.port, aws, tmp_path)
    finally:
        endpoint.stop()
    assert (done.returncode, done.stdout, done.stderr) == (0, "CONNECTED\n", "")


def test_the_exports_name_the_endpoint_for_both_ways(world_path):
    done = subprocess.run([shutil.which("hsmshell"), "--world", str(world_path), "env", "--port", "4700"],
                          capture_output=True, text=True, timeout=60)
    lines = done.stdout.splitlines()
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:4700" in lines
    assert 'aws() { command aws --endpoint-url http://127.0.0.1:4700 "$@"; }' in lines
