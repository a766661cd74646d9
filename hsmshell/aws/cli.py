"""`hsmshell aws ...`: what the AWS CLI does with a command line, in-process.

It speaks either major version (`versions.py`): v2 unless the world's client host runs v1
(`client: aws_cli: 1`) or a transcript's header asks for it (`# aws-cli: 1`).

The commands and their arguments come from botocore's models (`tables.py`, generated).  Values
are read as the CLI reads them: `--name value` or `--name=value`; `file://` inlines a file's
text and `fileb://` its bytes; a blob argument given as text is raw bytes in v1 and base64 in v2
(unless `--cli-binary-format raw-in-base64-out`); booleans are `--flag`/`--no-flag`; lists take
several words; maps and structures take the CLI's shorthand (`clusterIds=a,b,states=READY`) or
JSON; `--cli-input-json` gives the request's members as JSON (the command line's own win); an
operation's `--name=value` may stand before the operation's name, as the CLI's parsers allow.
Paginated commands follow the service's tokens and print only the result list, unless
`--limit`-style arguments turn paging off; `--max-items`, `--page-size` and `--starting-token`
work as in the CLI.  The response is printed as `--output json|text|table` (and v2's
`yaml|yaml-stream`) after `--query` (`render.py`); a table is coloured as `--color` says (auto:
only when stdout is a terminal); v2 sends what it prints at a terminal through the pager.
Errors go to stderr in the CLI's words with the version's exit statuses.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import difflib
import json
import os
import shlex
import string
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from .. import files
from ..errors import AwsError
from ..world.store import Store, WorldError
from . import dispatch, help, render, table, versions
from .tables import COMMANDS
from .versions import Version

# Global options take effect in-process only where they change what is printed (one account,
# one Region): --output, --query, --color, --no-paginate, v2's --cli-binary-format and pager.
CHOICES = {"--output": None, "--color": table.COLORS, "--cli-binary-format": versions.BINARY_FORMATS}
PAGING_OPTIONS = {"--starting-token": "string", "--page-size": "integer", "--max-items": "integer"}


class Refused(Exception):
    """What the CLI says about a command line it will not send; the version decides the words
    around the message and the exit status."""

    def said(self, version: Version) -> tuple[str, int]:
        return f"\n{self}\n", 255  # the CLI's last-resort handler, in both versions


class UsageError(Refused):
    """argparse's: a missing argument, an invalid choice."""

    def said(self, version: Version) -> tuple[str, int]:
        return version.usage_error(str(self)), version.usage_status


class UnknownOptions(Refused):
    def __init__(self, words: list[str]):
        super().__init__(", ".join(words))
        self.words = words

    def said(self, version: Version) -> tuple[str, int]:
        return version.unknown_options(self.words), version.unknown_status


class ParamError(Refused):
    """A value the CLI or botocore's validation cannot use."""

    def said(self, version: Version) -> tuple[str, int]:
        return f"\n{self}\n", version.param_status


class GeneralError(Refused):
    """One the CLI leaves to its last-resort handler: an integer or base64 it cannot read."""


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


def request(argv: list[str], version: Version = versions.DEFAULT) -> Request:
    """A command line read the way the CLI reads it, into the API request it makes; what the
    CLI refuses raises Refused."""
    options, words = _globals(argv, version)
    service, name, words = _command(words, version)
    operation, arguments, paging = COMMANDS[service][name]
    arguments = version.arguments(service, operation, arguments)
    params, page_options = _params(arguments, paging, words, version,
                                   raw_blobs=version.major == 1 or options.get("--cli-binary-format") == "raw-in-base64-out")
    return Request(options, service, operation, params, paging, page_options)


def main(argv: list[str], store: Store, out: TextIO = sys.stdout, err: TextIO = sys.stderr, *,
         version: Version | None = None, environ: dict[str, str] | None = None) -> int:
    """Run one command line; `version` None: the one the world's client host runs."""
    if version is None:
        version = versions.of(store.read().client.aws_cli)
    operation = "unknown"
    coloured = False  # the CLI's table formatter has coloured: colorama resets after each write
    try:
        _, words = _globals(argv, version)
        if help.asked(words) and help.known(words):
            help.show(words, out)
            return 0
        call = request(argv, version)
        options, service, operation, params = call.options, call.service, call.operation, call.params
        paging, page_options = call.paging, call.page_options
        fmt, query = options.get("--output", "json"), options.get("--query")
        render.check_query(query)
        if paging is not None and (options.get("--no-paginate") or _paging_off(paging, params)):
            if page_options:
                raise ParamError(version.no_paginate_with(list(page_options)))
            paging = None
        colour = fmt == "table" and table.colours(options.get("--color", "auto"), out)
        pager = _pager(version, options, out, os.environ if environ is None else environ)
        style = {"title": operation, "colour": colour, "autoreset": pager is None}
        if paging is None:
            response = version.parsed(dispatch.call(store, service, operation, params), service, operation)
            coloured = colour
            text = render.output(response, fmt, query, **style)
        else:
            coloured = colour  # the CLI builds its formatter before it fetches the first page
            pages, token = _paginate(store, service, operation, params, paging, page_options)
            pages = [version.parsed(page, service, operation) for page in pages]
            text = render.paginated(paging[3], pages, token, fmt, query, **style)
    except Refused as exc:
        text, status = exc.said(version)
        err.write(text)
        return status
    except AwsError as exc:
        _error(err, coloured, f"An error occurred ({exc.code}) when calling the {operation} operation: {exc.message}")
        return version.client_status
    except render.QueryError as exc:
        err.write(f"\nBad value for --query {exc.query}: {exc}\n")
        return version.param_status
    except WorldError:
        raise  # the caller names the world file
    except Exception as exc:  # noqa: BLE001 - a request never ends in a traceback
        _error(err, coloured, f"An error occurred (InternalFailure) when calling the {operation} "
                              f"operation: {type(exc).__name__}: {exc}")
        return version.client_status
    else:
        return _print(text, out, err, pager, os.environ if environ is None else environ)
    finally:
        if coloured and table.is_a_tty(out):
            out.write(table.RESET)  # colorama's reset at exit, on a terminal only


PAGER_ERROR = ("Unable to redirect output to pager. Received the following error when opening pager:\n{}\n\n"
               'Learn more about configuring the output pager by running "aws help config-vars".')


def _pager(version: Version, options: dict, out: TextIO, environ: dict[str, str]) -> str | None:
    """The pager v2 writes through at a terminal: $AWS_PAGER, else $PAGER, else `less`; none
    when it is empty or --no-cli-pager.  A TUI tab or a transcript is no terminal: no pager."""
    # GAP: the profile's cli_pager setting is not read (hsmshell aws reads no config file).
    pager = environ.get("AWS_PAGER", environ.get("PAGER", "less"))
    if version.major == 1 or options.get("--no-cli-pager") or not pager or not table.is_a_tty(out):
        return None
    return pager


def _print(text: str, out: TextIO, err: TextIO, pager: str | None, environ: dict[str, str]) -> int:
    """The output, through the pager if there is one (LESS=FRX unless LESS is set); the pager
    starts only when there is something to print."""
    if pager is None or not text:
        out.write(text)
        return 0
    out.flush()
    try:
        process = subprocess.Popen(shlex.split(pager), stdin=subprocess.PIPE, stdout=out,
                                   env={"LESS": "FRX", **environ}, text=True)
    except OSError as exc:
        err.write(f"\n{PAGER_ERROR.format(exc)}\n")
        return 253
    try:
        process.communicate(text)
    except BrokenPipeError:  # the pager was closed before it read everything
        process.wait()
    return 0


def _error(err: TextIO, coloured: bool, message: str) -> None:
    stream = table.AutoReset(err) if coloured else err
    for part in ("\n", message, "\n"):  # awscli.utils.write_exception's three writes
        stream.write(part)


# -- the command line -------------------------------------------------------------------------

def _globals(argv: list[str], version: Version) -> tuple[dict[str, Any], list[str]]:
    options: dict[str, Any] = {}
    rest, i = [], 0
    while i < len(argv):
        word = argv[i]
        option, has_value, inline = word.partition("=")
        if option in version.value_options:
            if has_value:
                options[option] = inline
                i += 1
            elif i + 1 < len(argv):
                options[option] = argv[i + 1]
                i += 2
            else:
                raise UsageError(f"argument {option}: expected one argument")
            choices = version.outputs if option == "--output" else CHOICES.get(option)
            if choices is not None and options[option] not in choices:
                # argparse checks each choice as it reads it: the first bad one is reported.
                raise UsageError(f"argument {option}: {_invalid_choice(options[option], list(choices))}")
            continue
        if word in version.flags:
            options[word] = True
        else:
            rest.append(word)
        i += 1
    return options, rest


def _command(words: list[str], version: Version) -> tuple[str, str, list[str]]:
    if not words or words[0].startswith("-"):
        raise UsageError("the following arguments are required: command")
    service = words[0]
    if service not in COMMANDS:
        raise UsageError(f"argument command: {_invalid_choice(service, sorted(COMMANDS))}")
    # The service's parser leaves the options it does not know to the operation's parser, so an
    # operation's `--name=value` may come before the operation (`aws cloudhsmv2
    # --filters=states=ACTIVE describe-clusters`); the first word that is no option is the
    # operation (`--filters states=ACTIVE describe-clusters` names the operation states=ACTIVE).
    at = next((i for i, word in enumerate(words[1:], 1) if not word.startswith("-")), None)
    if at is None:
        raise UsageError("the following arguments are required: operation")
    name = words[at]
    known = sorted(n for n, (operation, _, _) in COMMANDS[service].items() if version.knows(service, operation))
    if name not in known:
        # The CLI's parser lists `help` last among a service's operations.
        raise UsageError(f"argument operation: {_invalid_choice(name, [*known, 'help'])}")
    return service, name, words[1:at] + words[at + 1:]


def _invalid_choice(value: str, choices: list[str]) -> str:
    """awscli.argparser.CLIArgParser._check_value's message: the choices two to a line, then
    the close ones."""
    rows = [" | ".join(f"{n:<40}" for n in choices[i:i + 2]) for i in range(0, len(choices), 2)]
    lines = ["Invalid choice, valid choices are:\n", *rows]
    close = difflib.get_close_matches(value, choices, cutoff=0.8)
    if close:
        lines += [f"\n\nInvalid choice: {value!r}, maybe you meant:\n", *(f"  * {c}" for c in close)]
    return "\n".join(lines)


def _params(arguments: list, paging, words: list[str], version: Version, *, raw_blobs: bool) -> tuple[dict, dict]:
    by_option = {f"--{option}": (member, kind) for option, member, kind, _ in arguments}
    flags = {f"--no-{option}": member for option, member, kind, _ in arguments if kind == "boolean"}
    paging_options = PAGING_OPTIONS if paging is not None else {}
    raw: dict[str, Any] = {}
    page_options: dict[str, Any] = {}
    unknown: list[str] = []
    given: dict[str, Any] = {}  # --cli-input-json's members; the command line's own win
    i = 0
    while i < len(words):
        word = words[i]
        option, has_value, inline = word.partition("=")
        i += 1
        if option == "--cli-input-json":
            if not has_value and i >= len(words):
                raise UsageError(f"argument {option}: expected one argument")
            text = inline if has_value else words[i]
            i += 0 if has_value else 1
            given = _input_json(arguments, _text(option, text), version)
            continue
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
                raise UsageError(f"argument {option}: expected one argument")
        if option in paging_options:
            page_options[option] = values[0]
        else:
            raw[by_option[option][0]] = (option, kind, values)
    # A required boolean is two optional flags to the CLI's parser (--x, --no-x): leaving both
    # out is botocore's error, below, not the parser's.
    missing = [f"--{option}" for option, member, kind, required in arguments
               if required and kind != "boolean" and member not in raw and member not in given]
    if missing:
        raise UsageError(f"the following arguments are required: {', '.join(missing)}")
    if unknown:
        raise UnknownOptions(unknown)
    params = {**given, **{member: value if isinstance(value, bool) else _value(*value, version, raw_blobs)
                          for member, value in raw.items()}}
    absent = [member for _, member, kind, required in arguments if required and kind == "boolean" and member not in raw]
    if absent:
        raise ParamError("Parameter validation failed:\n"
                         + "\n".join(f'Missing required parameter in input: "{member}"' for member in absent))
    for option, member, kind, required in arguments:
        if required and params.get(member) == []:
            # botocore's own check: a list argument given no words is an empty list.
            raise ParamError(f"Parameter validation failed:\nInvalid length for parameter {member}, value: 0, "
                             f"valid min length: 1")
    for option, text in list(page_options.items()):
        page_options[option] = _scalar(option, "integer", text) if PAGING_OPTIONS[option] == "integer" else text
    return params, page_options


def _value(option: str, kind, values: list[str], version: Version, raw_blobs: bool):
    if isinstance(kind, tuple) and kind[0] == "list":
        if len(values) == 1 and values[0].lstrip().startswith("["):
            return _json(option, _text(option, values[0]))
        return [_value(option, kind[1], [v], version, raw_blobs) for v in values]
    text = values[0]
    if kind == "blob":
        return base64.b64encode(_blob(option, text, raw_blobs)).decode()
    text = _text(option, text)
    if isinstance(kind, tuple):
        if text.lstrip().startswith("{"):
            return _json(option, text)
        return _shorthand(option, kind, text, version)
    return _scalar(option, kind, text)


def _blob(option: str, text: str, raw_blobs: bool) -> bytes:
    """`fileb://` is the file's bytes; text (`file://` inlined) is raw bytes to v1 and to v2's
    raw-in-base64-out, and base64 to v2 (binaryformat.py decodes it as b64decode does)."""
    if text.startswith("fileb://"):
        try:
            return files.read_bytes(text[len("fileb://"):])
        except OSError as exc:
            raise ParamError(f"Error parsing parameter '{option}': Unable to load paramfile {text}: {exc}") from None
    text = _text(option, text)
    if raw_blobs:
        return text.encode()
    try:
        return base64.b64decode(text)
    except (binascii.Error, ValueError):
        raise GeneralError(f'Invalid base64: "{text}"') from None


def _scalar(option: str, kind: str, text: str):
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise GeneralError(f"invalid literal for int() with base 10: '{text}'") from None
    if kind == "timestamp":
        return _timestamp(option, text)
    return text


def _timestamp(option: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        pass
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return float(calendar.timegm(time.strptime(text, pattern)))
        except ValueError:
            continue
    raise GeneralError(f"Invalid timestamp value: {text}")


def _text(option: str, text: str) -> str:
    """`file://path` inlines the file's text, as the CLI does for string arguments."""
    if not text.startswith("file://"):
        return text
    try:
        return files.read_text(text[len("file://"):])
    except OSError as exc:
        raise ParamError(f"Error parsing parameter '{option}': Unable to load paramfile {text}: {exc}") from None


def _json(option: str, text: str):
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ParamError(f"Error parsing parameter '{option}': Invalid JSON: {exc}\nJSON received: {text}") from None


def _input_json(arguments: list, text: str, version: Version) -> dict[str, Any]:
    """--cli-input-json: the request's members as JSON (`file://` read as any text argument);
    a member the operation does not have is botocore's validation error, as the CLI reports it.
    The two versions word a text that is not a JSON object differently (measured: 1.45.11, 2.9.19)."""
    try:
        given = json.loads(text)
    except ValueError as exc:
        if version.major == 1:
            raise ParamError(f"Error parsing parameter 'cli-input-json': Invalid JSON: {exc}\n"
                             f"JSON received: {text}") from None
        raise ParamError("Error parsing parameter 'cli-input-json': Invalid JSON received.") from None
    if not isinstance(given, dict):
        if version.major == 1:  # v1 calls .keys() on it
            raise ParamError(f"'{type(given).__name__}' object has no attribute 'keys'")
        raise ParamError(f"Error parsing parameter '--cli-input-json': Invalid type: expecting map, "
                         f"received {type(given)}")
    members = [member for _, member, _, _ in arguments]  # the model's order, as botocore names them
    strange = [name for name in given if name not in members]
    if strange:
        raise ParamError("Parameter validation failed:\n" + "\n".join(
            f'Unknown parameter in input: "{name}", must be one of: {", ".join(members)}' for name in strange))
    return given


def _shorthand(option: str, kind: tuple, text: str, version: Version) -> dict:
    """`key=value,key=value`; a word without `=` after a comma adds to the previous key's list,
    and `key=[a,b]` is a list, as in the CLI's shorthand syntax."""
    pairs: dict[str, Any] = {}
    last = None
    for part in _split(text):
        name, has_value, value = part.partition("=")
        if not has_value:
            if last is None:
                raise ParamError(f"Error parsing parameter '{option}': {_no_equals(text, version)}")
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
        raise ParamError(f"Parameter validation failed:\nUnknown parameter in {option[2:]}: \"{unknown[0]}\", "
                         f"must be one of: {', '.join(members)}")
    return {k: _scalar(option, members[k], v) if isinstance(members[k], str) and not isinstance(v, list) else v
            for k, v in pairs.items()}


def _no_equals(text: str, version: Version) -> str:
    """The shorthand parser's error for a first key with no `=` after it."""
    if version.major == 1:
        # Verbatim, unformatted placeholder included: aws-cli 1.45.11 prints it so.
        return "Expected: '=', received: 'EOF' for input:\n{self._error_location()}"
    at = 0  # after the key's characters and any blanks (awscli.shorthand: _key, _expect)
    while at < len(text) and (text[at] in string.ascii_letters + string.digits + "-_.#/:"):
        at += 1
    while at < len(text) and text[at] in string.whitespace:
        at += 1
    received = "EOF" if at == len(text) else text[at]
    return f"Expected: '=', received: '{received}' for input:\n{_error_location(text, at)}"


def _error_location(value: str, index: int) -> str:
    """awscli.shorthand.ShorthandParseError._error_location: the line, and a caret under `index`."""
    consumed, remaining, spaces = value, "", index
    if "\n" in value[:index]:
        spaces = index - value[:index].rindex("\n") - 1
    if "\n" in value[index:]:
        following = index + value[index:].index("\n")
        consumed, remaining = value[:following], value[following:]
    return f"{consumed}\n{' ' * spaces}^{remaining}"


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
              page_options: dict) -> tuple[list[dict], str | None]:
    """The pages the CLI fetches, each with the result items --starting-token and --max-items
    leave, and the NextToken it prints when --max-items stops it early (botocore's token: base64
    JSON of the input token and how many items of that page were already printed)."""
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
            pages.append(_with_items(page, result_key, items[:take]))
            if take < len(items):
                return pages, _encode_token({input_token: request.get(input_token), "boto_truncate_amount": skip + take})
            return pages, _encode_token({input_token: following}) if following else None
        pages.append(_with_items(page, result_key, items))
        count += len(items)
        skip = 0
        if not following:
            return pages, None
        request = {**request, input_token: following}


def _with_items(page: dict, result_key: str, items: list) -> dict:
    return {**page, result_key: items} if result_key in page else page


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
    """The terminal's version (a transcript's `# aws-cli:` header), else the world's."""
    try:
        store = terminal.world()
        version = versions.of(terminal.aws_cli or store.read().client.aws_cli)
        return main(args, store, terminal.console, terminal.err, version=version, environ=terminal.environ)
    except WorldError as exc:
        terminal.err.write(f"hsmshell: {exc}\n")
        return 1


def secret_args(args: list[str]) -> set[int]:
    """`--key-store-password VALUE` and `--key-store-password=VALUE`."""
    return {i + 1 if word == PASSWORD_OPTION else i for i, word in enumerate(args)
            if word == PASSWORD_OPTION or word.startswith(PASSWORD_OPTION + "=")} - {len(args)}


def complete_args(words: list[str], current: str, world=None) -> list[str]:
    """A service, then its commands, then the command's options, from botocore's models; the
    global options and choices of the version the world's client host runs."""
    version = versions.of(world.client.aws_cli if world is not None else None)
    if words and words[-1] == "--output":
        return list(version.outputs)
    if words and words[-1] in CHOICES and words[-1] in version.value_options:
        return list(CHOICES[words[-1]])
    given = [w for w in words if not w.startswith("-")]
    global_options = sorted(version.value_options | version.flags)
    if current.startswith("-") or len(given) >= 2:
        if len(given) < 2 or given[0] not in COMMANDS or given[1] not in COMMANDS[given[0]]:
            return global_options if current.startswith("-") else []
        operation, arguments, paging = COMMANDS[given[0]][given[1]]
        arguments = version.arguments(given[0], operation, arguments)
        options = [f"--{a[0]}" for a in arguments] + (list(PAGING_OPTIONS) if paging else [])
        return [o for o in options if o not in words] + global_options
    if not given:
        return sorted(COMMANDS)
    return sorted(name for name, (operation, _, _) in COMMANDS.get(given[0], {}).items()
                  if version.knows(given[0], operation))
