"""`hsmshell fault`: faults no API call can produce, visible in `fault list` and `world show`."""

from __future__ import annotations

from hsmshell.cli import main as hsmshell


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
