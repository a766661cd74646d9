"""The real AWS CLI v1 against `hsmshell serve` prints byte for byte what `hsmshell aws` prints
in v1 mode (the world's client host runs v1), errors and exit statuses included, for every
command `hsmshell aws` supports.

Two copies of one frozen, seeded world evolve side by side: each line runs through the real
CLI against the endpoint on one copy, and through `hsmshell aws` in-process on the other.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess

import pytest

from hsmshell.aws.server import Endpoint
from hsmshell.kms.policies import default_policy
from hsmshell.services import open_store
from hsmshell.testing.worlds import copy_world

from .scenario import CLUSTER, CLUSTER_RESOURCES, KEY, KEY_ADMINISTRATION, STORE, TRAILS, missing_commands


SCENARIO = [
    "kms describe-custom-key-stores",
    f"kms describe-custom-key-stores --custom-key-store-name ExampleKeyStore --output text",
    "kms describe-custom-key-stores --custom-key-store-id cks-0000000000000000f",
    "kms describe-custom-key-stores --max-items 1",
    f"kms describe-key --key-id {KEY}",
    f"kms describe-key --key-id alias/nope",
    "kms list-keys --query Keys[].KeyId",
    f"kms create-alias --alias-name alias/example --target-key-id {KEY}",
    "kms list-aliases",
    "kms create-alias --alias-name ExampleAlias --target-key-id " + KEY,
    *KEY_ADMINISTRATION,
    "kms encrypt --key-id alias/example --plaintext fileb://{plain}",
    "kms generate-data-key --key-id alias/example --key-spec AES_256 --query KeyId",
    "kms generate-data-key-without-plaintext --key-id alias/example --number-of-bytes 32 --query KeyId",
    f"kms generate-random --number-of-bytes 16 --custom-key-store-id {STORE} --query length(Plaintext)",
    f"kms disable-key --key-id {KEY}",
    f"kms encrypt --key-id {KEY} --plaintext fileb://{{plain}}",
    f"kms enable-key --key-id {KEY}",
    f"kms schedule-key-deletion --key-id {KEY} --pending-window-in-days 7",
    f"kms cancel-key-deletion --key-id {KEY}",
    f"kms disconnect-custom-key-store --custom-key-store-id {STORE}",
    f"kms disconnect-custom-key-store --custom-key-store-id {STORE}",
    f"kms update-custom-key-store --custom-key-store-id {STORE} --key-store-password tooShort",
    f"kms connect-custom-key-store --custom-key-store-id {STORE}",
    f"kms connect-custom-key-store",
    f"kms connect-custom-key-store --custom-key-store-id {STORE} --bogus 1",
    "kms create-key --origin AWS_CLOUDHSM --custom-key-store-id " + STORE + " --description rehearsal --query KeyMetadata.[Origin,KeyState,CustomKeyStoreId]",
    "kms create-custom-key-store --custom-key-store-name Second --cloud-hsm-cluster-id " + CLUSTER
    + " --trust-anchor-certificate file://{anchor} --key-store-password kmsPswd1",
    "kms delete-custom-key-store --custom-key-store-id cks-0000000000000000f",
    "kms re-encrypt --ciphertext-blob fileb://{blob} --destination-key-id alias/example --query KeyId",
    "kms decrypt --ciphertext-blob fileb://{blob} --query KeyId",
    f"cloudhsmv2 describe-clusters --filters clusterIds={CLUSTER} --query Clusters[].[ClusterId,State]",
    f"cloudhsmv2 describe-backups --filters clusterIds={CLUSTER}",
    "cloudhsmv2 create-cluster --hsm-type hsm1.medium --subnet-ids subnet-0e358c43a2b4f8c1d --source-backup-id backup-9g87f6edcba --query Cluster.[State,SourceBackupId]",
    "cloudhsmv2 create-hsm --cluster-id cluster-0000000000000 --availability-zone us-west-2a",
    "cloudhsmv2 delete-hsm --cluster-id cluster-0000000000000 --eni-ip 10.0.0.1",
    "cloudhsmv2 delete-cluster --cluster-id cluster-0000000000000",
    "cloudhsmv2 initialize-cluster --cluster-id cluster-0000000000000 --signed-cert x --trust-anchor y",
    "cloudhsmv2 delete-backup --backup-id backup-9g87f6edcba --query Backup.BackupState",
    "cloudhsmv2 restore-backup --backup-id backup-9g87f6edcba --query Backup.BackupState",
    "cloudhsmv2 modify-backup-attributes --backup-id backup-9g87f6edcba --no-never-expires",
    "cloudhsmv2 modify-backup-attributes --backup-id backup-9g87f6edcba",
    "cloudhsmv2 modify-backup-attributes --backup-id backup-0000000000000 --never-expires",
    f"cloudhsmv2 modify-cluster --cluster-id {CLUSTER} --backup-retention-policy Type=DAYS,Value=30 --query Cluster.BackupRetentionPolicy",
    f"cloudhsmv2 modify-cluster --cluster-id {CLUSTER} --backup-retention-policy Type=DAYS,Value=400",
    *CLUSTER_RESOURCES,
    "cloudtrail lookup-events --max-results 2 --query length(Events)",
    *TRAILS,
]


def test_every_command_is_in_the_scenario():
    missing = missing_commands(SCENARIO)
    assert not missing, f"add these to SCENARIO: {missing}"


@pytest.fixture
def worlds(template_world, tmp_path):
    copies = []
    for side in ("cli", "ours"):
        store = open_store(copy_world(template_world, tmp_path / side))
        with store.transaction() as world:
            world.clock.frozen_at = 1_796_000_000.0
            world.client.aws_cli = 1
        copies.append(store.path)
    return copies


def test_the_real_cli_and_hsmshell_aws_print_the_same(worlds, tmp_path, monkeypatch):
    cli_world, our_world = worlds
    aws = shutil.which("aws")
    assert aws, "the AWS CLI is a test dependency"
    files = {"plain": tmp_path / "plain.txt", "anchor": tmp_path / "customerCA.crt", "blob": tmp_path / "blob.bin",
             "policy": tmp_path / "policy.json"}
    files["plain"].write_bytes(b"the secret")
    files["policy"].write_text(default_policy("111122223333"))
    files["anchor"].write_text(open_store(our_world).read().clusters[CLUSTER].trust_anchor)
    endpoint = Endpoint(cli_world).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=endpoint.url, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
               AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="us-west-2",
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    monkeypatch.chdir(tmp_path)
    from hsmshell.aws import cli

    differences = []
    try:
        for template in SCENARIO:
            line = template.format(**files)
            # bytes, not text: universal newlines would turn the CLI's own \r into \n
            done = subprocess.run([aws, *line.split()], capture_output=True, env=env, timeout=60)
            real = subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())
            out, err = io.StringIO(), io.StringIO()
            status = cli.main(line.split(), open_store(our_world), out, err)
            if (real.returncode, real.stdout, real.stderr) != (status, out.getvalue(), err.getvalue()):
                differences.append(f"$ aws {line}\n--- real [{real.returncode}]\n{real.stdout}{real.stderr}"
                                   f"--- hsmshell [{status}]\n{out.getvalue()}{err.getvalue()}")
            if line.startswith("kms encrypt --key-id alias/example"):
                # the next steps decrypt what was just encrypted
                import json

                files["blob"].write_bytes(base64.b64decode(json.loads(out.getvalue())["CiphertextBlob"]))
    finally:
        endpoint.stop()
    assert not differences, "\n\n".join(differences)
