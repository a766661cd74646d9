"""quit, help, server and exit: the session commands of cloudhsm_mgmt_util."""

from __future__ import annotations

from .shell import GLOBAL_PROMPT, TABLE, CloudHsmMgmtUtil, command
from .syntax import COMMAND, DIGITS, Arg


@command("quit", "Quits this application", lenient=True)
def quit_(shell: CloudHsmMgmtUtil, args: dict) -> None:
    shell.line()
    shell.line("disconnecting from servers, please wait...")
    shell.done = True


@command("enable_e2e", "Enables end-to-end encryption with the servers", lenient=True)
def enable_e2e(shell: CloudHsmMgmtUtil, args: dict) -> None:
    # Scripts send it first thing (real sessions: `E2E enabled on server 0(10.0.1.139)`).
    # GAP: its help summary is undocumented.
    shell.e2e_enabled()


@command("help", "Displays this information", Arg("command", "command", optional=True, known=COMMAND), lenient=True)
def help_(shell: CloudHsmMgmtUtil, args: dict) -> None:
    # GAP: CMU's own help text is undocumented; this lists the table that drives parsing.
    if args["command"]:
        command = TABLE.resolve(args["command"])
        if command:
            shell.line()
            shell.line(f"Syntax: {command.usage}")
            shell.line()
            return
    shell.line()
    shell.line("Help Commands Available:")
    shell.line()
    shell.line("Syntax: help <command>")
    shell.line()
    for name, command in sorted(TABLE.commands.items(), key=lambda item: item[0].lower()):
        shell.line(f"   {name:<22} {command.summary}")
    shell.line()


@command("server", "Enters server mode on one server",
         Arg("number", "server-number", DIGITS, invalid="Invalid server number {value}."))
def server(shell: CloudHsmMgmtUtil, args: dict) -> None:
    chosen = next((s for s in shell.servers if s.index == args["number"]), None)
    if chosen is None:
        shell.error(f"Invalid server number {args['number']}.")  # GAP: undocumented
        return
    shell.line()
    shell.line("Server is in 'E2' mode...")
    shell.server_mode = chosen
    # server.md and getCert.md show `server0>`; syncUser.md's `server 0>` is the odd one out.
    shell.prompt = f"server{chosen.index}>"


@command("exit", "Leaves server mode", lenient=True)
def exit_(shell: CloudHsmMgmtUtil, args: dict) -> None:
    if shell.server_mode is None:
        shell.unknown("exit")  # GAP: outside server mode CMU leaves with quit only
        return
    shell.server_mode = None
    shell.prompt = GLOBAL_PROMPT
