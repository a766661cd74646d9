"""The TUI on the current generation: `hsmshell tui --fixture current` makes and opens that
world; the status pane shows each cluster's HSM type, each user's cluster-coverage and the
CloudHSM CLI's sessions; tabs run configure-cli and cloudhsm-cli."""

from __future__ import annotations

import io

import pytest

from hsmshell import cli
from hsmshell.services import open_store
from tui.app import HsmShellApp

from .test_app import active_tab, status_text, type_line, until


@pytest.fixture
def opened(monkeypatch) -> list:
    """The worlds `hsmshell tui` opens, without drawing the screen in the test's terminal."""
    paths = []
    monkeypatch.setattr(HsmShellApp, "run", lambda app: paths.append(app.world_path))
    return paths


def test_tui_fixture_makes_the_world_beside_your_own_and_opens_it(tmp_path, monkeypatch, opened):
    monkeypatch.delenv("HSMSHELL_WORLD", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    err = io.StringIO()
    assert cli.main(["tui", "--fixture", "current"], io.StringIO(), err) == 0
    made = tmp_path / "hsmshell" / "current.yaml"
    assert opened == [made] and f"created {made} from fixture current" in err.getvalue()
    assert open_store(made).read().generation == "current"
    assert not (tmp_path / "hsmshell" / "world.yaml").exists()  # your own world is left alone
    with open_store(made).transaction() as world:  # opened again as it stands, not made anew
        world.clusters["cluster-1a23b4cdefg"].backup_retention_days = 30
    assert cli.main(["tui", "--fixture", "current"], io.StringIO(), io.StringIO()) == 0
    assert open_store(made).read().clusters["cluster-1a23b4cdefg"].backup_retention_days == 30


def test_tui_fixture_makes_the_world_where_world_names_it(tmp_path, opened):
    path = tmp_path / "rehearsal.yaml"
    assert cli.main(["--world", str(path), "tui", "--fixture", "current"], io.StringIO(), io.StringIO()) == 0
    assert opened == [path] and open_store(path).read().clusters["cluster-1a23b4cdefg"].hsm_type == "hsm2m.medium"
    assert cli.main(["--world", str(path), "tui", "--fixture", "nosuch"], io.StringIO(), err := io.StringIO()) == 0
    assert opened[-1] == path  # a world is there: it is opened, whatever fixture is named
    assert cli.main(["--world", str(tmp_path / "other.yaml"), "tui", "--fixture", "nosuch"],
                    io.StringIO(), err) == 1
    assert "nosuch: no such fixture" in err.getvalue()


async def test_status_pane_and_tabs_on_the_current_fixture(tmp_path):
    from hsmshell.testing.worlds import fresh_world

    path = fresh_world(tmp_path, "current", password_cost=4).path
    app = HsmShellApp(path)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: "hsm2m.medium" in status_text(app))
        users = {line.split()[1]: line.split()[-1] for line in app.query_one("ClusterView").plain().splitlines()
                 if line.split()[-1:] in (["full"], ["inconsistent"])}
        assert users == {"admin": "full", "app_user": "full", "kmsuser": "full"}
        await type_line(pilot, app, "configure-cli -a 10.0.3.11", expect="")
        assert open_store(path).read().client.cli.clusters[0].hsm_addresses == ["10.0.3.11"]
        await type_line(pilot, app, "cloudhsm-cli interactive")
        await until(pilot, lambda: active_tab(app)._prompt == "aws-cloudhsm > ")
        await type_line(pilot, app, "login --username admin --role admin --password co12345", expect='"role": "admin"')
        await until(pilot, lambda: "cloudhsm-cli" in app.query_one("SessionsView").plain())
        assert "admin (CO)" in app.query_one("SessionsView").plain()
        # a user that one HSM lacks reads `inconsistent`, as `user list` says
        await type_line(pilot, app, "user create --username carol --role crypto-user --password carolPw1",
                        expect='"username": "carol"')
        with open_store(path).transaction() as world:
            hsm = world.clusters["cluster-1a23b4cdefg"].hsms[2]
            hsm.users = [u for u in hsm.users if u.name != "carol"]
        await until(pilot, lambda: "— missing" in app.query_one("ClusterView").plain())
        carol = next(line for line in app.query_one("ClusterView").plain().splitlines() if "carol" in line)
        assert carol.split()[-1] == "inconsistent"
        await type_line(pilot, app, "quit")
        await until(pilot, lambda: "cloudhsm-cli" not in app.query_one("SessionsView").plain())
