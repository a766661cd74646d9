"""quit, help, server and exit: the session commands of cloudhsm_mgmt_util."""

from __future__ import annotations

from .shell import GLOBAL_PROMPT, TABLE, CloudHsmMgmtUtil


@TABLE.command("quit", usage="quit", summary="Quits this application")
def quit_(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    shell.line()
    shell.line("disconnecting from servers, please wait...")
    shell.done = True


@TABLE.command("help", usage="help [<command>]", summary="Displays this information")
def help_(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    # GAP: CMU's own help text is undocumented; this lists the table that drives parsing.
    if args:
        command = TABLE.resolve(args[0])
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


@TABLE.command("server", usage="server <server-number>", summary="Enters server mode on one server")
def server(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    if len(args) != 1 or not args[0].isdigit():
        shell.syntax_error("server", "Invalid number of arguments." if len(args) != 1
                           else f"Invalid server number {args[0]}.")
        return
    chosen = next((s for s in shell.servers if s.index == int(args[0])), None)
    if chosen is None:
        shell.error(f"Invalid server number {args[0]}.")  # GAP: undocumented
        return
    shell.line()
    shell.line("Server is in 'E2' mode...")
    shell.server_mode = chosen
    # server.md and getCert.md show `server0>`; syncUser.md's `server 0>` is the odd one out.
    shell.prompt = f"server{chosen.index}>"


@TABLE.command("exit", usage="exit", summary="Leaves server mode")
def exit_(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    if shell.server_mode is None:
        shell.unknown("exit")  # GAP: outside server mode CMU leaves with quit only
        return
    shell.server_mode = None
    shell.prompt = GLOBAL_PROMPT
