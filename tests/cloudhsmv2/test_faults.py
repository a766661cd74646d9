"""`hsmshell fault`: faults no API call can produce, visible in `fault list` and `world show`."""

from __future__ import annotations

from hsmshell.cli import main as hsmshell

from ..conftest import STORE_ID


def run(capsys, *argv) -> tuple[int, str, str]:
    status = hsmshell(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_faults_are_listed_shown_and_cleared(world_path, capsys):
    assert run(capsys, "fault", "list") == (0, "No faults\n", "")
    assert run(capsys, "fault", "subnet-full", "subnet-0e358c43a2b4f8c1d")[1] == (
        "subnet subnet-0e358c43a2b4f8c1d has no free addresses\n")
    assert run(capsys, "fault", "internal-error", "--times", "2")[1] == (
        "connections fail with INTERNAL_ERROR (2 more attempts)\n")
    assert run(capsys, "fault", "hsm-unreachable", "10.0.3.11")[1] == "HSM hsm-ab2cdefg3hi (10.0.3.11) unreachable\n"
    shown = run(capsys, "world", "show")[1]
    assert "Faults\n  subnet subnet-0e358c43a2b4f8c1d has no free addresses\n" in shown
    assert "10.0.3.11       ACTIVE   UNREACHABLE" in shown
    assert run(capsys, "fault", "list")[1].splitlines() == [
        "subnet subnet-0e358c43a2b4f8c1d has no free addresses",
        "connections fail with INTERNAL_ERROR (2 more attempts)",
        "HSM hsm-ab2cdefg3hi (10.0.3.11) unreachable"]
    assert run(capsys, "fault", "clear")[1] == "Cleared 3 fault(s)\n"
    assert run(capsys, "fault", "list")[1] == "No faults\n"


def test_bad_fault_arguments_get_a_clear_error(world_path, capsys):
    assert run(capsys, "fault", "hsm-unreachable", "hsm-nope") == (1, "", "hsmshell: no HSM hsm-nope in this world\n")
    status, _, err = run(capsys, "fault", "network-errors", "--for", "soon")
    assert status == 2 and "invalid duration 'soon'" in err


def test_an_on_demand_backup(world_path, capsys, store):
    status, out, _ = run(capsys, "cluster", "backup", "cluster-1a23b4cdefg")
    backup = store.read().backups[out.strip()]
    assert status == 0 and backup.cluster_id == "cluster-1a23b4cdefg" and sorted(backup.keys) == [262162, 262168]
    assert run(capsys, "cluster", "activate", "cluster-1a23b4cdefg") == (
        1, "", "hsmshell: Cluster cluster-1a23b4cdefg is in state ACTIVE; only an INITIALIZED cluster can be activated.\n")


def connect_error_code(doors) -> str | None:
    """Connect the conftest's key store (disconnecting it first) and the ConnectionErrorCode it got."""
    for action in ("disconnect", "connect"):
        status, _, err = doors.aws("kms", f"{action}-custom-key-store", "--custom-key-store-id", STORE_ID)
        assert status == 0, err
    return doors.describe().get("ConnectionErrorCode")


def test_an_internal_error_fails_as_many_attempts_as_it_says(world_path, capsys, doors):
    assert run(capsys, "fault", "internal-error", "--times", "1")[1] == (
        "connections fail with INTERNAL_ERROR (1 more attempt)\n")
    assert run(capsys, "fault", "clear")[1] == "Cleared 1 fault(s)\n"
    run(capsys, "fault", "internal-error", "--times", "3")
    assert connect_error_code(doors) == "INTERNAL_ERROR"
    assert run(capsys, "fault", "list")[1] == "connections fail with INTERNAL_ERROR (2 more attempts)\n"
    assert connect_error_code(doors) == "INTERNAL_ERROR"
    assert run(capsys, "fault", "list")[1] == "connections fail with INTERNAL_ERROR (1 more attempt)\n"
    assert connect_error_code(doors) == "INTERNAL_ERROR"
    assert run(capsys, "fault", "list")[1] == "No faults\n"
    assert connect_error_code(doors) is None


def test_network_errors_end_at_their_time(world_path, capsys, doors):
    assert run(capsys, "clock", "freeze")[0] == 0
    run(capsys, "fault", "network-errors", "--for", "5m")
    assert run(capsys, "clock", "advance", "299s")[0] == 0
    assert connect_error_code(doors) == "NETWORK_ERRORS"
    assert run(capsys, "clock", "advance", "1s")[0] == 0  # exactly the fault's `until`: over
    assert connect_error_code(doors) is None


def test_a_fault_that_does_not_apply_does_not_hide_one_that_does(world_path, capsys, doors):
    """Faults listed before the one that stops the attempt: another kind, another key store,
    network errors that are over."""
    assert run(capsys, "clock", "freeze")[0] == 0
    run(capsys, "fault", "subnet-full", "subnet-0aa1bb2cc3dd4ee5f")  # not a subnet of the store's cluster
    run(capsys, "fault", "internal-error", "--custom-key-store-id", "cks-0000000000000000")
    run(capsys, "fault", "network-errors", "--for", "1m")
    run(capsys, "clock", "advance", "1m")
    run(capsys, "fault", "internal-error", "--custom-key-store-id", STORE_ID)
    assert connect_error_code(doors) == "INTERNAL_ERROR"
    assert connect_error_code(doors) is None
