"""The real AWS CLI v2 against `hsmshell serve` prints byte for byte what `hsmshell aws` prints
in v2 mode (the default), errors and exit statuses included, for every command `hsmshell aws`
supports and in each output format.

The real v2 is Debian's `awscli` package (2.9.19, `apt-get install awscli`; .ci/run installs
it); without one these tests skip and say so.  2.9.19 reads no AWS_ENDPOINT_URL (2.13 and
later do), so it is given --endpoint-url.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shlex
import subprocess

import pytest

from hsmshell.aws import cli
from hsmshell.aws.server import Endpoint
from hsmshell.kms.policies import default_policy
from hsmshell.services import open_store
from hsmshell.testing.worlds import copy_world

from .oracle import V2_ENV, V2_MISSING, aws_v2
from .scenario import CLUSTER, CLUSTER_RESOURCES, KEY, KEY_ADMINISTRATION, STORE, TRAILS, missing_commands
from .test_real_cli import hsmshell_aws

AWS_V2 = aws_v2()
pytestmark = pytest.mark.skipif(AWS_V2 is None, reason=V2_MISSING)


# The runbook's commands and every other one, in an order whose state changes the later lines
# see; blobs in v2's words (base64 text, fileb://, or --cli-binary-format raw-in-base64-out).
SCENARIO = [
    "kms describe-custom-key-stores",
    "kms describe-custom-key-stores --custom-key-store-name ExampleKeyStore --output text",
    "kms describe-custom-key-stores --custom-key-store-id cks-0000000000000000f",
    "kms describe-custom-key-stores --max-items 1",
    f"kms describe-key --key-id {KEY}",
    "kms describe-key --key-id alias/nope",
    "kms list-keys --query Keys[].KeyId",
    f"kms create-alias --alias-name alias/example --target-key-id {KEY}",
    "kms list-aliases",
    "kms encrypt --key-id alias/example --plaintext fileb://{plain}",
    "kms encrypt --key-id alias/example --plaintext aGVsbG8= --query KeyId",
    "kms encrypt --key-id alias/example --plaintext hello",
    "kms encrypt --key-id alias/example --plaintext file://{plain}",
    "kms encrypt --key-id alias/example --plaintext file://{encoded} --query KeyId",
    "kms encrypt --key-id alias/example --plaintext hello --cli-binary-format raw-in-base64-out --query KeyId",
    "kms encrypt --key-id alias/example --plaintext aGVsbG8= --cli-binary-format bogus",
    "kms encrypt --key-id alias/example --plaintext fileb://missing.bin",
    "kms generate-data-key --key-id alias/example --key-spec AES_256 --query KeyId",
    "kms generate-data-key-without-plaintext --key-id alias/example --number-of-bytes 32 --query KeyId",
    f"kms generate-random --number-of-bytes 16 --custom-key-store-id {STORE} --query length(Plaintext)",
    f"kms disable-key --key-id {KEY}",
    f"kms encrypt --key-id {KEY} --plaintext fileb://{{plain}}",
    f"kms enable-key --key-id {KEY}",
    f"kms schedule-key-deletion --key-id {KEY} --pending-window-in-days 7",
    f"kms schedule-key-deletion --key-id {KEY} --pending-window-in-days x",
    f"kms cancel-key-deletion --key-id {KEY}",
    f"kms disconnect-custom-key-store --custom-key-store-id {STORE}",
    f"kms disconnect-custom-key-store --custom-key-store-id {STORE}",
    f"kms update-custom-key-store --custom-key-store-id {STORE} --key-store-password tooShort",
    f"kms connect-custom-key-store --custom-key-store-id {STORE}",
    "kms connect-custom-key-store",
    f"kms connect-custom-key-store --custom-key-store-id {STORE} --bogus 1",
    f"kms create-key --origin AWS_CLOUDHSM --custom-key-store-id {STORE} --description rehearsal "
    "--query KeyMetadata.[Origin,KeyState,CustomKeyStoreId]",
    f"kms create-custom-key-store --custom-key-store-name Second --cloud-hsm-cluster-id {CLUSTER} "
    "--trust-anchor-certificate file://{anchor} --key-store-password kmsPswd1",
    "kms delete-custom-key-store --custom-key-store-id cks-0000000000000000f",
    "kms re-encrypt --ciphertext-blob fileb://{blob} --destination-key-id alias/example --query KeyId",
    "kms decrypt --ciphertext-blob fileb://{blob} --query KeyId",
    "kms decrypt --ciphertext-blob fileb://{blob} --output yaml",
    f"cloudhsmv2 describe-clusters --filters clusterIds={CLUSTER} --query Clusters[].[ClusterId,State]",
    f"cloudhsmv2 describe-backups --filters clusterIds={CLUSTER}",
    "cloudhsmv2 describe-backups --filters clusterIds",
    "cloudhsmv2 describe-backups --filters {{bad",
    "cloudhsmv2 create-cluster --hsm-type hsm1.medium --subnet-ids subnet-0e358c43a2b4f8c1d "
    "--source-backup-id backup-9g87f6edcba --query Cluster.[State,SourceBackupId]",
    "cloudhsmv2 create-hsm --cluster-id cluster-0000000000000 --availability-zone us-west-2a",
    "cloudhsmv2 delete-hsm --cluster-id cluster-0000000000000 --eni-ip 10.0.0.1",
    "cloudhsmv2 delete-cluster --cluster-id cluster-0000000000000",
    "cloudhsmv2 initialize-cluster --cluster-id cluster-0000000000000 --signed-cert x --trust-anchor y",
    "cloudhsmv2 delete-backup --backup-id backup-9g87f6edcba --output yaml",
    "cloudhsmv2 restore-backup --backup-id backup-9g87f6edcba --output text",
    "cloudhsmv2 modify-backup-attributes --backup-id backup-9g87f6edcba --no-never-expires",
    "cloudhsmv2 modify-backup-attributes --backup-id backup-9g87f6edcba",
    "cloudhsmv2 modify-backup-attributes --backup-id backup-0000000000000 --never-expires",
    f"cloudhsmv2 modify-cluster --cluster-id {CLUSTER} --backup-retention-policy Type=DAYS,Value=30 "
    "--query Cluster.BackupRetentionPolicy",
    f"cloudhsmv2 modify-cluster --cluster-id {CLUSTER} --backup-retention-policy Type=DAYS,Value=400",
    "cloudtrail lookup-events --max-results 2 --query length(Events)",
    "cloudtrail lookup-events --max-items 2 --query Events[].[EventName,EventTime] --output text",
    # The commands both versions run alike (scenario.py).
    *KEY_ADMINISTRATION,
    *CLUSTER_RESOURCES,
    *TRAILS,
]


def test_every_command_is_in_the_scenario():
    missing = missing_commands(SCENARIO)
    assert not missing, f"add these to SCENARIO: {missing}"


def _frozen_copies(template_world, folder) -> list:
    copies = []
    for side in ("cli", "ours"):
        store = open_store(copy_world(template_world, folder / side))
        with store.transaction() as world:
            world.clock.frozen_at = 1_796_000_000.0
            world.client.aws_cli = None  # as shipped: v2 (the suite's template runs v1)
        copies.append(store.path)
    return copies


def _real(endpoint: Endpoint, argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    # bytes, not text: universal newlines would turn a \r into \n
    done = subprocess.run([AWS_V2, "--endpoint-url", endpoint.url, *argv], capture_output=True,
                          env={**_clean_environment(), **V2_ENV, **(env or {})}, timeout=120)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in ("PAGER", "LESS")}


def _ours(path, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(argv, open_store(path), out, err)  # the world names no version: v2
    return status, out.getvalue(), err.getvalue()


def _difference(line: str, real, ours) -> str | None:
    if real == ours:
        return None
    return (f"$ aws {line}\n--- real v2 [{real[0]}]\n{real[1]}{real[2]}"
            f"--- hsmshell [{ours[0]}]\n{ours[1]}{ours[2]}")


def test_the_real_cli_v2_and_hsmshell_aws_print_the_same(template_world, tmp_path, monkeypatch):
    cli_world, our_world = _frozen_copies(template_world, tmp_path)
    files = {"plain": tmp_path / "plain.txt", "anchor": tmp_path / "customerCA.crt",
             "blob": tmp_path / "blob.bin", "encoded": tmp_path / "encoded.txt", "policy": tmp_path / "policy.json"}
    files["policy"].write_text(default_policy("111122223333"))
    files["plain"].write_bytes(b"the secret")
    files["encoded"].write_text(base64.b64encode(b"the secret").decode())
    files["anchor"].write_text(open_store(our_world).read().clusters[CLUSTER].trust_anchor)
    monkeypatch.chdir(tmp_path)
    endpoint = Endpoint(cli_world).start()
    differences = []
    try:
        for template in SCENARIO:
            line = template.format(**files)
            real, ours = _real(endpoint, line.split()), _ours(our_world, line.split())
            differences.append(_difference(line, real, ours))
            if template == "kms encrypt --key-id alias/example --plaintext fileb://{plain}":
                # the next steps decrypt what was just encrypted
                files["blob"].write_bytes(base64.b64decode(json.loads(ours[1])["CiphertextBlob"]))
    finally:
        endpoint.stop()
    differences = [d for d in differences if d]
    assert not differences, "\n\n".join(differences)


# Each output format, on what a runbook reads: timestamps, certificates, paging, --query.
READS = [
    "kms describe-custom-key-stores",
    f"kms describe-key --key-id {KEY}",
    "kms list-keys --max-items 1",
    "kms list-keys --page-size 1",
    "kms list-keys --page-size 1 --query Keys[].KeyId",
    "kms list-keys --no-paginate",
    "kms list-keys --starting-token bogus",
    "kms list-keys --limit 1 --max-items 1",
    "kms list-aliases",
    "cloudhsmv2 describe-clusters",
    "cloudhsmv2 describe-backups",
    "cloudtrail lookup-events --max-items 2",
    f"kms describe-key --key-id {KEY} --query KeyMetadata.CreationDate",
    f"kms describe-key --key-id {KEY} --query KeyMetadata.Enabled",
    "kms list-keys --query nothing",
    f"kms disable-key --key-id {KEY}",
    # an operation's --name=value before the operation (real scripts write it so)
    "cloudhsmv2 --filters=states=ACTIVE describe-clusters",
]
FORMATS = ["json", "text", "table", "yaml", "yaml-stream"]
# What the CLI says about the command line itself.
REFUSED = [
    "kms list-keys --output yaml2",
    "kms list-keys --output",
    "kms list-keys --color bogus",
    "kms list-keys --query Keys[",
    "kms list-keys --bogus",
    "kms list-keys --no-paginate --max-items 1",
    "kms",
    "kms describe-key",
    "kms encrypt --key-id x --plaintext x --dry-run",
    "cloudhsmv2 create-cluster --hsm-type hsm1.medium --subnet-ids",
    "kms decrypt",
    f"cloudhsmv2 modify-cluster --cluster-id {CLUSTER}",
    "kms list-keys --no-cli-pager --no-cli-auto-prompt --query Keys[0].KeyId",
    "cloudhsmv2 --filters states=ACTIVE describe-clusters",
]
FORMATTED = [f"{line} --output {fmt}" for line in READS for fmt in FORMATS] + REFUSED


@pytest.fixture(scope="module")
def twins(template_world, tmp_path_factory):
    cli_world, our_world = _frozen_copies(template_world, tmp_path_factory.mktemp("v2"))
    endpoint = Endpoint(cli_world).start()
    yield endpoint, our_world
    endpoint.stop()


def test_each_output_format_prints_the_same(twins):
    """One test over many lines: a real v2 run costs about a second."""
    endpoint, ours = twins
    differences = [_difference(line, _real(endpoint, shlex.split(line)), _ours(ours, shlex.split(line)))
                   for line in FORMATTED]
    differences = [d for d in differences if d]
    assert not differences, f"{len(differences)} of {len(FORMATTED)} differ:\n\n" + "\n\n".join(differences)


def test_timestamps_are_in_the_local_time_zone(twins):
    endpoint, ours = twins
    argv = ["kms", "describe-custom-key-stores", "--query", "CustomKeyStores[0].CreationDate"]
    env = {"TZ": "America/New_York"}
    real = _real(endpoint, argv, env)
    done = subprocess.run(hsmshell_aws(ours, *argv), capture_output=True, timeout=120,
                          env={**_clean_environment(), **env})
    assert real == (done.returncode, done.stdout.decode(), done.stderr.decode())
    assert real[1] == '"2017-07-05T17:04:55.918000-04:00"\n'


def _at_terminal(command: list[str], env: dict[str, str]) -> bytes:
    import pexpect

    child = pexpect.spawn(command[0], command[1:], env={**_clean_environment(), **V2_ENV, **env},
                          dimensions=(24, 200), timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    return child.before + f"[{child.exitstatus}]".encode()


@pytest.mark.parametrize("env, options", [
    ({"AWS_PAGER": "sed s/^/paged:/"}, []),
    ({"PAGER": "sed s/^/paged:/"}, []),
    ({"AWS_PAGER": "sed s/^/paged:/", "PAGER": "cat -n"}, ["--output", "text"]),
    ({"AWS_PAGER": "sed s/^/paged:/"}, ["--no-cli-pager"]),
    ({"AWS_PAGER": ""}, []),
    ({"AWS_PAGER": "no-such-pager"}, []),
    ({"AWS_PAGER": "no-such-pager"}, ["--query", "nothing"]),
    ({"AWS_PAGER": "sed s/^/paged:/"}, ["--output", "table", "--color", "on"]),
], ids=["AWS_PAGER", "PAGER", "AWS_PAGER first", "--no-cli-pager", "empty", "missing", "nothing to print",
        "colour"])
def test_the_pager_at_a_terminal(twins, env, options):
    """At a terminal v2 writes through $AWS_PAGER, else $PAGER (else less), as the real one does;
    through a pipe, never."""
    endpoint, ours = twins
    argv = ["kms", "list-keys", *options]
    ours_at_terminal = _at_terminal(hsmshell_aws(ours, *argv), env)
    assert ours_at_terminal == _at_terminal([AWS_V2, "--endpoint-url", endpoint.url, *argv], env)
    if env.get("AWS_PAGER", "").startswith("sed") and "--no-cli-pager" not in options:
        assert b"paged:" in ours_at_terminal
        piped = subprocess.run(hsmshell_aws(ours, *argv), capture_output=True, timeout=60,
                               env={**_clean_environment(), **env})
        assert piped.returncode == 0 and b"paged:" not in piped.stdout


def test_at_a_terminal_the_colour_and_the_pager_match_without_a_pager_given(twins):
    """No AWS_PAGER or PAGER: `less` with LESS=FRX, which prints a short output and ends."""
    import shutil

    if shutil.which("less") is None:
        pytest.skip("no less on this machine")
    endpoint, ours = twins
    argv = ["cloudhsmv2", "describe-clusters", "--query", "Clusters[].State", "--output", "table"]
    assert _at_terminal(hsmshell_aws(ours, *argv), {}) == _at_terminal(
        [AWS_V2, "--endpoint-url", endpoint.url, *argv], {})

