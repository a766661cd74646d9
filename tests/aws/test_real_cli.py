"""`hsmshell aws` prints what the installed AWS CLI v1 prints: both are run against copies of
the same world (the real one through a throwaway endpoint over the same dispatcher) and their
exit status, stdout and stderr compared exactly.  A real CLI run costs most of a second, so
the commands are the runbook's and the CLI features it leans on."""

from __future__ import annotations

import shutil

import pytest

from .oracle import real_aws, serve

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
STORE = "cks-1234567890abcdef0"

COMMANDS = [
    ["kms", "describe-custom-key-stores", "--custom-key-store-name", "ExampleKeyStore"],
    ["kms", "describe-custom-key-stores", "--output", "text"],
    ["kms", "describe-key", "--key-id", KEY],
    ["kms", "list-keys", "--max-items", "1"],
    ["kms", "list-keys", "--page-size", "1", "--query", "Keys[].KeyId", "--output", "text"],
    ["kms", "list-aliases"],
    ["kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE],
    ["kms", "connect-custom-key-store", "--custom-key-store-id", "cks-0000000000000000f"],
    ["kms", "schedule-key-deletion", "--key-id", KEY, "--pending-window-in-days", "45"],
    ["kms", "update-custom-key-store", "--custom-key-store-id", STORE, "--key-store-password", "x" * 40],
    ["kms", "encrypt", "--key-id", KEY, "--plaintext", "aGVsbG8=", "--encryption-context", "purpose=test"],
    ["kms", "generate-data-key", "--key-id", KEY, "--key-spec", "AES_256", "--output", "text"],
    ["kms", "generate-random", "--number-of-bytes", "16", "--custom-key-store-id", STORE],
    ["kms", "create-key", "--origin", "AWS_CLOUDHSM", "--custom-key-store-id", STORE, "--description", "new"],
    ["cloudhsmv2", "describe-clusters"],
    ["cloudhsmv2", "describe-backups", "--filters", "clusterIds=cluster-1a23b4cdefg,states=READY"],
    ["cloudhsmv2", "describe-clusters", "--filters", '{"clusterIds": ["cluster-1a23b4cdefg"]}', "--output", "text"],
    ["cloudhsmv2", "delete-cluster", "--cluster-id", "cluster-1a23b4cdefg"],
    ["cloudtrail", "lookup-events", "--max-items", "1", "--query", "Events[].EventName"],
    ["cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=DeleteKey"],
    ["cloudtrail", "lookup-events", "--max-items", "2", "--output", "text"],
    ["cloudhsmv2", "create-cluster", "--hsm-type", "hsm1.medium", "--subnet-ids", "subnet-0aa1bb2cc3dd4ee5f",
     "subnet-0ff6ee5dd4cc3bb2a", "--source-backup-id", "backup-9g87f6edcba"],
    ["cloudhsmv2", "delete-backup", "--backup-id", "backup-9g87f6edcba"],
    ["cloudhsmv2", "describe-backups", "--output", "text"],
    ["cloudhsmv2", "restore-backup", "--backup-id", "backup-9g87f6edcba"],
    ["kms", "create-alias", "--alias-name", "alias/example", "--target-key-id", KEY],
    ["kms", "list-aliases", "--key-id", KEY, "--output", "text"],
    # What the CLI itself says about a command line.
    ["cloudhsmv2", "create-cluster", "--hsm-type", "hsm1.medium", "--subnet-ids"],
    ["cloudhsmv2", "describe-backups", "--filters", "clusterIds"],
    ["kms", "encrypt", "--key-id", KEY, "--plaintext", "x", "--dry-run"],
    ["kms", "list-keys", "--limit", "1", "--max-items", "1"],
    ["kms", "list-keys", "--starting-token", "bogus"],
    ["kms", "list-keys", "--output", "yaml"],
    ["kms", "describe-custom-key-stores", "--output", "table"],
    ["kms", "describe-key", "--key-id", KEY, "--output", "table"],
    ["cloudhsmv2", "describe-clusters", "--output", "table"],
    ["kms", "list-keys", "--output", "table", "--color", "off"],
    ["kms", "list-keys", "--query", "Keys[].KeyId", "--output", "table"],
    ["kms", "describe-key", "--key-id", KEY, "--query", "KeyMetadata.[KeyId"],
]


@pytest.fixture(scope="module")
def twins(tmp_path_factory, template_world):
    folders = {}
    for name in ("real", "ours"):
        folder = tmp_path_factory.mktemp(name)
        for file in ("world.yaml", "world.yaml.key"):
            shutil.copy2(template_world / file, folder / file)
        folders[name] = folder / "world.yaml"
    server = serve(folders["real"])
    yield server, folders["ours"]
    server.shutdown()


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c[:2] + c[2:4]) for c in COMMANDS])
def test_same_output_as_aws_cli_v1(twins, argv):
    from hsmshell.services import open_store
    from tests.conftest import Doors

    server, ours = twins
    with open_store(ours).transaction() as world:  # one clock for both: wire times must match
        world.clock.frozen_at = 1_700_000_000.0
    with open_store(server.RequestHandlerClass.store_path).transaction() as world:
        world.clock.frozen_at = 1_700_000_000.0
    assert Doors(ours).aws(*argv) == real_aws(server, *argv)
