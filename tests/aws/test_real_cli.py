"""`hsmshell aws` in v1 mode (the world's client host says `aws_cli: 1`) prints what the
installed AWS CLI v1 prints: both are run against copies of
the same world (the real one through a throwaway endpoint over the same dispatcher) and their
exit status, stdout and stderr compared exactly.  A real CLI run costs most of a second, so
the commands are the runbook's and the CLI features it leans on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hsmshell.testing.worlds import copy_world

from .oracle import at_terminal, real_aws, real_aws_command, serve

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
    # Colour, as on a terminal: --color on colours a pipe too.
    ["kms", "describe-custom-key-stores", "--output", "table", "--color", "on"],
    ["cloudhsmv2", "describe-clusters", "--output", "table", "--color", "on"],
    ["kms", "list-keys", "--max-items", "1", "--output", "table", "--color", "on"],
    ["kms", "list-keys", "--starting-token", "bogus", "--output", "table", "--color", "on"],
    ["kms", "describe-key", "--key-id", "bogus", "--output", "table", "--color", "on"],
    ["kms", "list-keys", "--query", "Keys[", "--output", "table", "--color", "on"],
    ["kms", "list-keys", "--query", "nothing", "--output", "table", "--color", "on"],
    ["kms", "describe-key", "--key-id", KEY, "--color", "on"],
    ["kms", "list-keys", "--output", "table", "--color", "bogus"],
    ["kms", "list-keys", "--color", "bogus", "--output", "yaml"],
    ["kms", "list-keys", "--output", "yaml", "--color", "bogus"],
    ["kms", "list-keys", "--color"],
]


@pytest.fixture(scope="module")
def twins(tmp_path_factory, template_world):
    folders = {}
    for name in ("real", "ours"):
        folders[name] = copy_world(template_world, tmp_path_factory.mktemp(name))
    server = serve(folders["real"])
    yield server, folders["ours"]
    server.shutdown()


def freeze(server, ours) -> None:
    """One clock for both: wire times must match.  The client host runs AWS CLI v1."""
    from hsmshell.services import open_store

    for path in (ours, server.RequestHandlerClass.store_path):
        with open_store(path).transaction() as world:
            world.clock.frozen_at = 1_700_000_000.0
            world.client.aws_cli = 1


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_same_output_as_aws_cli_v1(twins, argv):
    from tests.conftest import Doors

    server, ours = twins
    freeze(server, ours)
    assert Doors(ours).aws(*argv) == real_aws(server, *argv)


ROOT = Path(__file__).resolve().parents[2]


def hsmshell_aws(ours, *argv: str) -> list[str]:
    """`hsmshell aws` from this checkout (the console script on PATH may be another one)."""
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
            "from hsmshell.cli import main; sys.exit(main())", "--world", str(ours), "aws", *argv]


@pytest.mark.parametrize("argv", [["cloudhsmv2", "describe-clusters", "--output", "table"],
                                  ["kms", "list-keys", "--query", "nothing", "--output", "table"]],
                         ids=["a table", "nothing to draw"])
def test_colour_by_default_at_a_terminal_only(twins, argv):
    """--color auto: at a terminal (here 100 columns, so the wide table turns vertical) the
    same bytes as the real CLI, colour and colorama's reset at exit included; through a pipe
    no colour at all."""
    server, ours = twins
    freeze(server, ours)
    ours_at_terminal = at_terminal(hsmshell_aws(ours, *argv), columns=100)
    assert ours_at_terminal == at_terminal(real_aws_command(server, *argv), columns=100)
    assert ours_at_terminal.endswith(b"\x1b[0m")
    piped = subprocess.run(hsmshell_aws(ours, *argv), capture_output=True, timeout=60)
    assert piped.returncode == 0 and b"\x1b" not in piped.stdout
    if argv[0] == "cloudhsmv2":
        assert b"|  \x1b[1m\x1b[34mACTIVE\x1b[0m" in ours_at_terminal
        assert b"|  ACTIVE" in piped.stdout
