"""quit and help."""

from __future__ import annotations

from .shell import TABLE, CloudHsmMgmtUtil


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
