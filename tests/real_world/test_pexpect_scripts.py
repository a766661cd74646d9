"""People's pexpect code, run as it is: the module imported unchanged, its functions called
as its own package calls them, pexpect's rules (regular expressions, the earliest match,
`before`) deciding.  Only the program's path changes (/opt/cloudhsm/bin is this install's
console scripts), the world is the replay's, and pexpect's 30 s timeout is 10 s."""

from __future__ import annotations

import importlib.util

import pexpect
import pytest

from hsmshell.testing.worlds import fresh_world

from .corpus import CORPUS, HERE, load, make_host, use_release
from .expect import program_environment

XFAIL: dict[str, str] = {}


@pytest.fixture
def piggy(tmp_path, monkeypatch):
    """piggy-scripts 0.0.11's cloudhsm_mgmt_utility_scripts, spawning this install's CMU."""
    source = load(CORPUS / "piggy-cloudhsm-mgmt-utility-scripts.py")
    bin_dir, _ = make_host(tmp_path)
    (tmp_path / "home").mkdir()
    store = fresh_world(tmp_path / "world", source.world, base=HERE)
    use_release(store, source.path.read_text(encoding="utf-8"))
    environ = program_environment(store.path, tmp_path / "home")
    real_spawn = pexpect.spawn

    def spawn(command, timeout=30, **options):
        command = command.replace("/opt/cloudhsm/bin/", f"{bin_dir}/")
        return real_spawn(command, timeout=min(timeout, 10), env=environ, **options)

    monkeypatch.setattr(pexpect, "spawn", spawn)
    spec = importlib.util.spec_from_file_location("piggy_cmu_scripts", source.path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.store = store
    return module


def mark(case):
    return [pytest.mark.xfail(strict=True, reason=XFAIL[case])] if case in XFAIL else []


@pytest.mark.parametrize("case", [pytest.param("activate", marks=mark("activate"))])
def test_piggy_activates_a_cluster_as_its_controller_does(piggy, case):
    changed = piggy.change_user_password(crypto_officer_type="PRECO", crypto_officer_username="admin",
                                         crypto_officer_password="password", user_type="PRECO",
                                         user_username="admin", user_password="NewAdm1nPw")
    assert "changePswd success on server 0(10.0.1.130)" in changed
    created = piggy.create_user(crypto_officer_type="CO", crypto_officer_username="admin",
                                crypto_officer_password="NewAdm1nPw", user_type="CU",
                                user_username="appuser", user_password="appUserPw1")
    assert "createUser success on server 0(10.0.1.130)" in created
    assert [(u["id"], u["user_type"], u["username"]) for u in piggy.list_users()] == [
        ("1", "CO", "admin"), ("2", "AU", "app_user"), ("3", "CU", "appuser")]
    (cluster,) = piggy.store.read().clusters.values()
    assert cluster.state == "ACTIVE"


@pytest.mark.parametrize("case", [pytest.param("list-users", marks=mark("list-users"))])
def test_piggy_lists_users(piggy, case):
    assert [(u["id"], u["user_type"], u["username"]) for u in piggy.list_users()] == [
        ("1", "PRECO", "admin"), ("2", "AU", "app_user")]
