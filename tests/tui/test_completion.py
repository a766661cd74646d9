"""Tab in a console tab completes what a terminal would: programs, `aws` services, operations
and options from botocore's models, and a tool's commands, flags and arguments."""

from __future__ import annotations

from tui.app import HsmShellApp

from .test_app import active_tab, output, type_line, until


async def tab_completes(pilot, app, typed: str) -> str:
    line = active_tab(app).query_one("CommandInput")
    line.value = typed
    line.cursor_position = len(typed)
    await pilot.press("tab")
    return line.value


async def test_aws_operations_and_their_options_complete(world_path):
    app = HsmShellApp(world_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: active_tab(app)._prompt == "$ ", timeout=60)
        assert await tab_completes(pilot, app, "cloudhsm_m") == "cloudhsm_mgmt_util "
        assert await tab_completes(pilot, app, "aws kms disc") == "aws kms disconnect-custom-key-store "
        assert await tab_completes(pilot, app, "aws kms disconnect-custom-key-store --c") \
            == "aws kms disconnect-custom-key-store --c"  # --custom-key-store-id, --color, --cli-...
        await pilot.press("tab")  # a second Tab lists the choices
        await until(pilot, lambda: "--custom-key-store-id" in output(app))
        assert await tab_completes(pilot, app, "aws kms disconnect-custom-key-store --cu") \
            == "aws kms disconnect-custom-key-store --custom-key-store-id "


async def test_a_tools_commands_and_flags_complete_at_its_prompt(world_path):
    app = HsmShellApp(world_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, app, "cloudhsm_mgmt_util", expect="Connected to server '10.0.1.12'")
        await until(pilot, lambda: active_tab(app)._prompt == "aws-cloudhsm>", timeout=60)
        assert await tab_completes(pilot, app, "listU") == "listUsers "
        active_tab(app).query_one("CommandInput").value = ""
        await type_line(pilot, app, "quit", expect="disconnecting from servers")
        await type_line(pilot, app, "key_mgmt_util")
        await until(pilot, lambda: active_tab(app)._prompt == "Command:  ", timeout=60)
        assert await tab_completes(pilot, app, "findKey -kc") == "findKey -kcv "
        await tab_completes(pilot, app, "findKey -")
        await until(pilot, lambda: "-kcv" in output(app) and "-sess" in output(app))
