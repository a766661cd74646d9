"""`hsmshell aws ...`: what AWS CLI v1 does with a command line, in-process.

Arguments are read as the CLI reads them (`--name value`, `--name=value`, `file://` for
strings), paginated commands follow their markers and print only the result list, and the
response is printed as `json.dump(..., indent=4)`; an empty response prints nothing.  Errors
go to stderr in the CLI's words with its exit statuses (2 for argument errors, 255 for
service errors).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..world.store import Store, WorldError
from . import dispatch
from .errors import ApiError

USAGE = (
    "usage: \rNote: AWS CLI version 2, the latest major version of the AWS CLI, is now stable and "
    "recommended for general use. For more information, see the AWS CLI version 2 installation "
    "instructions at: https://docs.aws.amazon.com/cli/latest/userguide/install-cliv2.html\n"
    "\n"
    "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n"
    "\n"
    "  aws help\n"
    "  aws <command> help\n"
    "  aws <command> <subcommand> help\n"
)
# Global options the CLI accepts; in-process they change nothing (one account, one Region).
GLOBAL_VALUE_OPTIONS = {"--region", "--profile", "--endpoint-url", "--output", "--query",
                        "--cli-read-timeout", "--cli-connect-timeout", "--ca-bundle", "--color"}
GLOBAL_FLAGS = {"--debug", "--no-verify-ssl", "--no-paginate", "--no-sign-request", "--no-cli-pager"}


@dataclass
class Argument:
    option: str
    member: str
    kind: str = "string"  # string | integer
    required: bool = False


@dataclass
class Command:
    operation: str
    arguments: list[Argument] = field(default_factory=list)
    result_key: str | None = None  # set for paginated commands: the list the CLI prints


def _id(required: bool = True) -> Argument:
    return Argument("--custom-key-store-id", "CustomKeyStoreId", required=required)


COMMANDS: dict[str, dict[str, Command]] = {
    "kms": {
        "describe-custom-key-stores": Command("DescribeCustomKeyStores", [
            _id(required=False),
            Argument("--custom-key-store-name", "CustomKeyStoreName"),
            Argument("--limit", "Limit", "integer"),
            Argument("--marker", "Marker"),
        ], result_key="CustomKeyStores"),
        "connect-custom-key-store": Command("ConnectCustomKeyStore", [_id()]),
        "disconnect-custom-key-store": Command("DisconnectCustomKeyStore", [_id()]),
        "update-custom-key-store": Command("UpdateCustomKeyStore", [
            _id(),
            Argument("--new-custom-key-store-name", "NewCustomKeyStoreName"),
            Argument("--key-store-password", "KeyStorePassword"),
            Argument("--cloud-hsm-cluster-id", "CloudHsmClusterId"),
        ]),
        "describe-key": Command("DescribeKey", [Argument("--key-id", "KeyId", required=True)]),
        "list-keys": Command("ListKeys", [
            Argument("--limit", "Limit", "integer"), Argument("--marker", "Marker"),
        ], result_key="Keys"),
    },
}


class CliExit(Exception):
    def __init__(self, status: int):
        self.status = status


def main(argv: list[str], store: Store, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        service, name, command, values = _parse(argv, err)
        params = _params(command, values, err)
        response = _invoke(store, service, command, params)
    except CliExit as stop:
        return stop.status
    except ApiError as exc:
        err.write(f"\nAn error occurred ({exc.code}) when calling the {command.operation} "
                  f"operation: {exc.message}\n")
        return 255
    except WorldError:
        raise  # the caller names the world file
    except Exception as exc:  # noqa: BLE001 - a request never ends in a traceback
        err.write(f"\nAn error occurred (InternalFailure) when calling the {command.operation} "
                  f"operation: {type(exc).__name__}: {exc}\n")
        return 255
    if response:
        out.write(json.dumps(response, indent=4, ensure_ascii=False) + "\n")
    return 0


def _parse(argv: list[str], err: TextIO):
    words = [w for w in _strip_globals(argv)]
    if len(words) < 2 or words[0].startswith("-") or words[1].startswith("-"):
        err.write(USAGE + "aws: error: the following arguments are required: command\n")
        raise CliExit(2)
    service, name, rest = words[0], words[1], words[2:]
    if service not in COMMANDS:
        err.write(USAGE + f"aws: error: argument command: Invalid choice, valid choices are:\n\n"
                  + _columns(sorted(COMMANDS)) + "\n")
        raise CliExit(2)
    command = COMMANDS[service].get(name)
    if command is None:
        err.write(USAGE + "aws: error: argument operation: Invalid choice, valid choices are:\n\n"
                  + _columns(sorted(COMMANDS[service])) + "\n")
        raise CliExit(2)
    return service, name, command, rest


def _strip_globals(argv: list[str]) -> list[str]:
    out, i = [], 0
    while i < len(argv):
        word = argv[i]
        option = word.split("=", 1)[0]
        if option in GLOBAL_VALUE_OPTIONS:
            i += 1 if "=" in word else 2
            continue
        if word in GLOBAL_FLAGS:
            i += 1
            continue
        out.append(word)
        i += 1
    return out


def _columns(names: list[str]) -> str:
    rows = []
    for i in range(0, len(names), 2):
        pair = names[i:i + 2]
        rows.append(" | ".join(f"{n:<40}" for n in pair))
    return "\n".join(rows)


def _params(command: Command, words: list[str], err: TextIO) -> dict:
    by_option = {a.option: a for a in command.arguments}
    values: dict[str, str] = {}
    unknown: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        option, _, inline = word.partition("=")
        if option in by_option:
            if inline or "=" in word:
                values[option] = inline
                i += 1
            elif i + 1 < len(words):
                values[option] = words[i + 1]
                i += 2
            else:
                err.write(USAGE + f"aws: error: argument {option}: expected one argument\n")
                raise CliExit(2)
        else:
            unknown.append(word)
            i += 1
    missing = [a.option for a in command.arguments if a.required and a.option not in values]
    if missing:
        err.write(USAGE + f"aws: error: the following arguments are required: {', '.join(missing)}\n")
        raise CliExit(2)
    if unknown:
        err.write(USAGE + f"\nUnknown options: {', '.join(unknown)}\n")
        raise CliExit(255)
    params: dict = {}
    for option, text in values.items():
        argument = by_option[option]
        if argument.kind == "integer":
            try:
                params[argument.member] = int(text)
            except ValueError:
                err.write(f"\ninvalid literal for int() with base 10: '{text}'\n")
                raise CliExit(255) from None
        else:
            params[argument.member] = _read_file_argument(text, err)
    return params


def _read_file_argument(text: str, err: TextIO) -> str:
    """`file://path` inlines the file's text, as the CLI does for string arguments."""
    if not text.startswith("file://"):
        return text
    path = Path(text[len("file://"):]).expanduser()
    try:
        return path.read_text()
    except OSError as exc:
        err.write(f"\nError parsing parameter: Unable to load paramfile {text}: {exc}\n")
        raise CliExit(255) from None


def _invoke(store: Store, service: str, command: Command, params: dict) -> dict:
    # Giving --limit or --marker turns the CLI's own paging off: one call, printed whole.
    if command.result_key is None or "Limit" in params or "Marker" in params:
        return dispatch.call(store, service, command.operation, params)
    # Otherwise the CLI follows NextMarker itself and prints only the result list.
    items: list = []
    request = dict(params)
    while True:
        page = dispatch.call(store, service, command.operation, request)
        items.extend(page.get(command.result_key, []))
        marker = page.get("NextMarker")
        if not marker:
            return {command.result_key: items}
        request = {**params, "Marker": marker}
