"""The CloudHSM CLI in a TUI tab: a password typed at its hidden `Enter password:` and a PIN
given in CLOUDHSM_PIN never reach the screen's history, nor the screen for the hidden one."""

from __future__ import annotations

from tui.app import HsmShellApp

from .test_app import active_tab, output, type_line, until


async def test_cloudhsm_cli_passwords_stay_out_of_the_tab_history(world_path):
    app = HsmShellApp(world_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await type_line(pilot, app, "CLOUDHSM_PIN=admin:co12345 CLOUDHSM_ROLE=admin cloudhsm-cli user list",
                        expect='"username": "kmsuser"')
        await type_line(pilot, app, "export CLOUDHSM_PIN=admin:co12345")
        await type_line(pilot, app, "cloudhsm-cli interactive")
        await until(pilot, lambda: active_tab(app)._prompt == "aws-cloudhsm > ")
        await type_line(pilot, app, "login --username admin --role admin")
        await until(pilot, lambda: active_tab(app)._secret)
        await type_line(pilot, app, "co12345", expect='"role": "admin"')
        await type_line(pilot, app, "user list", expect='"username": "app_user"')
        await type_line(pilot, app, "quit")
        await until(pilot, lambda: active_tab(app)._prompt == "$ ")
        history = active_tab(app).query_one("CommandInput").history
        assert "cloudhsm-cli interactive" in history and "user list" in history  # the history works
        assert not any("co12345" in line for line in history), history
        # the PIN was on the screen as typed on the `$` line; the hidden password never was
        assert output(app).count("co12345") == 2
