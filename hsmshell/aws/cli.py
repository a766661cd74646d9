"""`hsmshell aws ...`: what AWS CLI v1 does with a command line, in-process.

The commands and their arguments come from botocore's models (`tables.py`, generated).  Values
are read as the CLI reads them: `--name value` or `--name=value`; `file://` inlines a file's
text and `fileb://` its bytes; blob arguments are raw bytes that go on the wire base64-encoded
(CLI v1's behaviour); booleans are `--flag`/`--no-flag`; lists take several words; maps and
structures take the CLI's shorthand (`clusterIds=a,b,states=READY`) or JSON.  Paginated
commands follow the service's tokens and print only the result list, unless `--limit`-style
arguments turn paging off; `--max-items`, `--page-size` and `--starting-token` work as in the
CLI.  The response is printed as `--output json` (`json.dumps(..., indent=4)`, nothing for an
empty response), `--output text` or `--output table`, after `--query`; a table is coloured as
`--color` says (auto: only when stdout is a terminal).  Errors go to stderr in the CLI's words
with its exit statuses (2 for argument errors, 255 for the rest).
"""

from __future__ import annotations

import base64
import calendar
import json
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from .. import files
from ..errors import AwsError
from ..world.store import Store, WorldError
from . import dispatch, help, render, table
from .tables import COMMANDS

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
# Global options the CLI accepts; in-process most change nothing (one account, one Region).
GLOBAL_VALUE_OPTIONS = {"--region", "--profile", "--endpoint-url", "--output", "--query",
                        "--cli-read-timeout", "--cli-connect-timeout", "--ca-bundle", "--color"}
GLOBAL_FLAGS = {"--debug", "--no-verify-ssl", "--no-paginate", "--no-sign-request", "--no-cli-pager"}
OUTPUTS = ("json", "text", "table")
CHOICES = {"--output": OUTPUTS, "--color": table.COLORS}
PAGING_OPTIONS = {"--starting-token": "string", "--page-size": "integer", "--max-items": "integer"}


class CliExit(Exception):
    def __init__(self, status: int):
        self.status = status


# The one argument that carries a secret; a terminal's history and a recording keep it out.
PASSWORD_OPTION = "--key-store-password"


@dataclass
class Request:
    options: dict[str, Any]  # the global options (--output, --query, ...)
    service: str
    operation: str
    params: dict
    paging: Any
    page_options: dict


def request(argv: list[str], err: TextIO) -> Request:
    """A command line read the way the CLI reads it, into the API request it makes.  Usage
    errors are written to `err` and raise CliExit with the CLI's status."""
    options, words = _globals(argv, err)
    service, name, words = _command(words, err)
    operation, arguments, paging = COMMANDS[service][name]
    params, page_options = _params(arguments, paging, words, err)
    return Request(options, service, operation, params, paging, page_options)


def main(argv: list[str], store: Store, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    operation = "unknown"
    coloured = False  # the CLI's table formatter has coloured: colorama resets after each write
    try:
        _, words = _globals(argv, err)
        if help.asked(words) and help.known(words):
            help.show(words, out)
            return 0
        call = request(argv, err)
        options, service, operation, params = call.options, call.service, call.operation, call.params
        paging, page_options = call.paging, call.page_options
        fmt, query = options.get("--output", "json"), options.get("--query")
        render.check_query(query)
        if paging is not None and (options.get("--no-paginate") or _paging_off(paging, params)):
            if page_options:
                err.write("\nError during pagination: Cannot specify --no-paginate along with pagination arguments: "
                          + ", ".join(page_options) + "\n")
                return 255
            paging = None
        colour = fmt == "table" and table.colours(options.get("--color", "auto"), out)
        if paging is None:
            response = dispatch.call(store, service, operation, params)
            coloured = colour
            text = render.output(response, fmt, query, title=operation, colour=colour)
        else:
            coloured = colour  # the CLI builds its formatter before it fetches the first page
            pages, token = _paginate(store, service, operation, params, paging, page_options)
            text = render.paginated(paging[3], pages, token, fmt, query, title=operation, colour=colour)
    except CliExit as stop:
        return stop.status
    except AwsError as exc:
        _error(err, coloured, f"An error occurred ({exc.code}) when calling the {operation} operation: {exc.message}")
        return 255
    except render.QueryError as exc:
        err.write(f"\nBad value for --query {exc.query}: {exc}\n")
        return 255
    except WorldError:
        raise  # the caller names the world file
    except Exception as exc:  # noqa: BLE001 - a request never ends in a traceback
        _error(err, coloured, f"An error occurred (InternalFailure) when calling the {operation} "
                              f"operation: {type(exc).__name__}: {exc}")
        return 255
    else:
        out.write(text)
        return 0
    finally:
        if coloured and table.is_a_tty(out):
            out.write(table.RESET)  # colorama's reset at exit, on a terminal only


def _error(err: TextIO, coloured: bool, message: str) -> None:
    stream = table.AutoReset(err) if coloured else err
    for part in ("\n", message, "\n"):  # awscli.utils.write_exception's three writes
        stream.write(part)


# -- the command line -------------------------------------------------------------------------

def _globals(argv: list[str], err: TextIO) -> tuple[dict[str, Any], list[str]]:
    options: dict[str, Any] = {}
    rest, i = [], 0
    while i < len(argv):
        word = argv[i]
        option, has_value, inline = word.partition("=")
        if option in GLOBAL_VALUE_OPTIONS:
            if has_value:
                options[option] = inline
                i += 1
            elif i + 1 < len(argv):
                options[option] = argv[i + 1]
                i += 2
            else:
                err.write(USAGE + f"aws: error: argument {option}: expected one argument\n")
                raise CliExit(2)
            if option in CHOICES and options[option] not in CHOICES[option]:
                # argparse checks each choice as it reads it: the first bad one is reported.
                err.write(USAGE + f"aws: error: argument {option}: Invalid choice, valid choices are:\n\n"
                          + _columns(list(CHOICES[option])) + "\n")
                raise CliExit(2)
            continue
        if word in GLOBAL_FLAGS:
            options[word] = True
        else:
            rest.append(word)
        i += 1
    return options, rest


def _command(words: list[str], err: TextIO) -> tuple[str, str, list[str]]:
    if len(words) < 2 or words[0].startswith("-") or words[1].startswith("-"):
        err.write(USAGE + "aws: error: the following arguments are required: command\n")
        raise CliExit(2)
    service, name = words[0], words[1]
    if service not in COMMANDS:
        err.write(USAGE + "aws: error: argument command: Invalid choice, valid choices are:\n\n"
                  + _columns(sorted(COMMANDS)) + "\n")
        raise CliExit(2)
    if name not in COMMANDS[service]:
        err.write(USAGE + "aws: error: argument operation: Invalid choice, valid choices are:\n\n"
                  + _columns(sorted(COMMANDS[service])) + "\n")
        raise CliExit(2)
    return service, name, words[2:]


def _columns(names: list[str]) -> str:
    rows = []
    for i in range(0, len(names), 2):
        rows.append(" | ".join(f"{n:<40}" for n in names[i:i + 2]))
    return "\n".join(rows)


def _params(arguments: list, paging, words: list[str], err: TextIO) -> tuple[dict, dict]:
    by_option = {f"--{option}": (member, kind) for option, member, kind, _ in arguments}
    flags = {f"--no-{option}": member for option, member, kind, _ in arguments if kind == "boolean"}
    paging_options = PAGING_OPTIONS if paging is not None else {}
    raw: dict[str, Any] = {}
    page_options: dict[str, Any] = {}
    unknown: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        option, has_value, inline = word.partition("=")
        i += 1
        if option in flags and not has_value:
            raw[flags[option]] = False
            continue
        kind = by_option[option][1] if option in by_option else paging_options.get(option)
        if kind is None:
            unknown.append(word)
            continue
        if kind == "boolean":
            raw[by_option[option][0]] = True
            continue
        if has_value:
            values = [inline]
        else:
            many = isinstance(kind, tuple) and kind[0] == "list"
            values = []
            while i < len(words) and not words[i].startswith("--"):
                values.append(words[i])
                i += 1
                if not many:
                    break
            if not values and not many:
                err.write(USAGE + f"aws: error: argument {option}: expected one argument\n")
                raise CliExit(2)
        if option in paging_options:
            page_options[option] = values[0]
        else:
            raw[by_option[option][0]] = (option, kind, values)
    # A required boolean is two optional flags to the CLI's parser (--x, --no-x): leaving both
    # out is botocore's error, below, not the parser's.
    missing = [f"--{option}" for option, member, kind, required in arguments
               if required and kind != "boolean" and member not in raw]
    if missing:
        err.write(USAGE + f"aws: error: the following arguments are required: {', '.join(missing)}\n")
        raise CliExit(2)
    if unknown:
        err.write(USAGE + f"\nUnknown options: {', '.join(unknown)}\n")
        raise CliExit(255)
    params = {member: value if isinstance(value, bool) else _value(*value, err) for member, value in raw.items()}
    absent = [member for _, member, kind, required in arguments if required and kind == "boolean" and member not in raw]
    if absent:
        err.write("\nParameter validation failed:\n"
                  + "".join(f'Missing required parameter in input: "{member}"\n' for member in absent))
        raise CliExit(255)
    for option, member, kind, required in arguments:
        if required and params.get(member) == []:
            # botocore's own check: a list argument given no words is an empty list.
            err.write(f"\nParameter validation failed:\nInvalid length for parameter {member}, value: 0, "
                      f"valid min length: 1\n")
            raise CliExit(255)
    for option, text in list(page_options.items()):
        page_options[option] = _scalar(option, "integer", text, err) if PAGING_OPTIONS[option] == "integer" else text
    return params, page_options


def _value(option: str, kind, values: list[str], err: TextIO):
    if isinstance(kind, tuple) and kind[0] == "list":
        if len(values) == 1 and values[0].lstrip().startswith("["):
            return _json(option, _text(option, values[0], err), err)
        return [_value(option, kind[1], [v], err) for v in values]
    text = values[0]
    if kind == "blob":
        return base64.b64encode(_bytes(option, text, err)).decode()
    text = _text(option, text, err)
    if isinstance(kind, tuple):
        if text.lstrip().startswith("{"):
            return _json(option, text, err)
        return _shorthand(option, kind, text, err)
    return _scalar(option, kind, text, err)


def _scalar(option: str, kind: str, text: str, err: TextIO):
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            err.write(f"\ninvalid literal for int() with base 10: '{text}'\n")
            raise CliExit(255) from None
    if kind == "timestamp":
        return _timestamp(option, text, err)
    return text


def _timestamp(option: str, text: str, err: TextIO) -> float:
    try:
        return float(text)
    except ValueError:
        pass
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return float(calendar.timegm(time.strptime(text, pattern)))
        except ValueError:
            continue
    err.write(f"\nInvalid timestamp value: {text}\n")
    raise CliExit(255)


def _text(option: str, text: str, err: TextIO) -> str:
    """`file://path` inlines the file's text, as the CLI does for string arguments."""
    if not text.startswith("file://"):
        return text
    try:
        return files.read_text(text[len("file://"):])
    except OSError as exc:
        err.write(f"\nError parsing parameter '{option}': Unable to load paramfile {text}: {exc}\n")
        raise CliExit(255) from None


def _bytes(option: str, text: str, err: TextIO) -> bytes:
    if text.startswith("fileb://"):
        try:
            return files.read_bytes(text[len("fileb://"):])
        except OSError as exc:
            err.write(f"\nError parsing parameter '{option}': Unable to load paramfile {text}: {exc}\n")
            raise CliExit(255) from None
    return _text(option, text, err).encode()


def _json(option: str, text: str, err: TextIO):
    try:
        return json.loads(text)
    except ValueError as exc:
        err.write(f"\nError parsing parameter '{option}': Invalid JSON: {exc}\nJSON received: {text}\n")
        raise CliExit(255) from None


def _shorthand(option: str, kind: tuple, text: str, err: TextIO) -> dict:
    """`key=value,key=value`; a word without `=` after a comma adds to the previous key's list,
    and `key=[a,b]` is a list, as in the CLI's shorthand syntax."""
    pairs: dict[str, Any] = {}
    last = None
    for part in _split(text):
        name, has_value, value = part.partition("=")
        if not has_value:
            if last is None:
                # Verbatim, unformatted placeholder included: aws-cli 1.45.11 prints it so.
                err.write(f"\nError parsing parameter '{option}': Expected: '=', received: 'EOF' for "
                          "input:\n{self._error_location()}\n")
                raise CliExit(255)
            previous = pairs[last]
            pairs[last] = (previous if isinstance(previous, list) else [previous]) + [part]
            continue
        name = name.strip()
        value = value.strip()
        pairs[name] = [v.strip() for v in value[1:-1].split(",") if v.strip()] if value.startswith("[") else value
        last = name
    shape, inner = kind
    if shape == "map":
        wants_list = isinstance(inner, tuple) and inner[0] == "list"
        return {k: (v if isinstance(v, list) else [v]) if wants_list else v for k, v in pairs.items()}
    members = inner
    unknown = [k for k in pairs if k not in members]
    if unknown:
        err.write(f"\nParameter validation failed:\nUnknown parameter in {option[2:]}: \"{unknown[0]}\", "
                  f"must be one of: {', '.join(members)}\n")
        raise CliExit(255)
    return {k: _scalar(option, members[k], v, err) if isinstance(members[k], str) and not isinstance(v, list) else v
            for k, v in pairs.items()}


def _split(text: str) -> list[str]:
    """Split on commas that are not inside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in parts if p.strip()]


# -- pagination -------------------------------------------------------------------------------

def _paging_off(paging, params: dict) -> bool:
    """Giving the input token or the limit yourself turns the CLI's own paging off."""
    input_token, _, limit_key, _ = paging
    return input_token in params or (limit_key is not None and limit_key in params)


def _paginate(store: Store, service: str, operation: str, params: dict, paging,
              page_options: dict) -> tuple[list[list], str | None]:
    """The result lists of the pages the CLI fetches, and the NextToken it prints when
    --max-items stops it early (botocore's token: base64 JSON of the input token and how many
    items of that page were already printed)."""
    input_token, output_token, limit_key, result_key = paging
    max_items = page_options.get("--max-items")
    request = dict(params)
    if page_options.get("--page-size") is not None and limit_key:
        request[limit_key] = page_options["--page-size"]
    skip = 0
    if "--starting-token" in page_options:
        token = _decode_token(page_options["--starting-token"], input_token)
        if token.get(input_token):
            request[input_token] = token[input_token]
        skip = token.get("boto_truncate_amount", 0)
    pages: list[list] = []
    count = 0
    while True:
        page = dispatch.call(store, service, operation, request)
        items = page.get(result_key, [])[skip:]
        following = page.get(output_token)
        if max_items is not None and count + len(items) >= max_items:
            take = max_items - count
            pages.append(items[:take])
            if take < len(items):
                return pages, _encode_token({input_token: request.get(input_token), "boto_truncate_amount": skip + take})
            return pages, _encode_token({input_token: following}) if following else None
        pages.append(items)
        count += len(items)
        skip = 0
        if not following:
            return pages, None
        request = {**request, input_token: following}


def _encode_token(token: dict) -> str:
    return base64.b64encode(json.dumps(token).encode()).decode()


def _decode_token(text: str, input_token: str) -> dict:
    """A token botocore cannot decode is taken as the service's own token, as botocore does."""
    try:
        token = json.loads(base64.b64decode(text, validate=True))
        if isinstance(token, dict):
            return token
    except ValueError:
        pass
    return {input_token: text}


# -- the client host's program (hsmshell/host.py) ------------------------------------------------

def start(terminal, args: list[str]) -> int:
    try:
        return main(args, terminal.world(), terminal.console, terminal.err)
    except WorldError as exc:
        terminal.err.write(f"hsmshell: {exc}\n")
        return 1


def secret_args(args: list[str]) -> set[int]:
    """`--key-store-password VALUE` and `--key-store-password=VALUE`."""
    return {i + 1 if word == PASSWORD_OPTION else i for i, word in enumerate(args)
            if word == PASSWORD_OPTION or word.startswith(PASSWORD_OPTION + "=")} - {len(args)}


def complete_args(words: list[str], current: str, world=None) -> list[str]:
    """A service, then its commands, then the command's options, from botocore's models."""
    if words and words[-1] in CHOICES:
        return list(CHOICES[words[-1]])
    given = [w for w in words if not w.startswith("-")]
    if current.startswith("-") or len(given) >= 2:
        if len(given) < 2 or given[0] not in COMMANDS or given[1] not in COMMANDS[given[0]]:
            return sorted(GLOBAL_VALUE_OPTIONS | GLOBAL_FLAGS) if current.startswith("-") else []
        _, arguments, paging = COMMANDS[given[0]][given[1]]
        options = [f"--{a[0]}" for a in arguments] + (list(PAGING_OPTIONS) if paging else [])
        return [o for o in options if o not in words] + sorted(GLOBAL_VALUE_OPTIONS | GLOBAL_FLAGS)
    if not given:
        return sorted(COMMANDS)
    return sorted(COMMANDS.get(given[0], ()))
