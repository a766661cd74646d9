"""A small clap-like declaration of the CloudHSM CLI's commands.

The real tool is a Rust program built on clap: each command is declared once with its options,
and clap derives parsing, usage errors, help and completion from that declaration.  This is
the same idea in a few dozen lines: a `Command` is a path of words (`user create`) with its
`Opt`s; `parse` turns the words after the path into values or raises `ArgError` with clap's
text; `help_text` renders clap 4's long help; `secret_indices` names the words that are
passwords, for masking in histories, transcripts and recordings.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping

import msgspec

CLUSTER_ID_HELP = ("Unique Id to choose which of the clusters in the config file to run the operation "
                   "against. If not provided, will fall back to the value provided when interactive "
                   "mode was started, or error")


class Opt(msgspec.Struct, frozen=True):
    name: str  # `username` is given as --username
    help: str
    metavar: str | None = None  # None: a flag that takes no value
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, what it means)
    multiple: bool = False  # `--filter [<FILTER>...]`: every word up to the next option
    secret: bool = False
    short: str | None = None
    default: str | None = None
    kind: Callable[[str], Any] = str  # int for numbers: a bad one is clap's invalid value
    hidden_choices: tuple[str, ...] = ()  # accepted but not offered (e.g. role names shown by user list)

    @property
    def flag(self) -> str:
        return "--" + self.name

    @property
    def spelled(self) -> str:
        """How clap names the option in its errors and usage: `--role <ROLE>`."""
        if self.metavar is None:
            return self.flag
        if self.multiple:
            return f"{self.flag} [<{self.metavar}>...]"
        return f"{self.flag} <{self.metavar}>"


CLUSTER_ID = Opt("cluster-id", CLUSTER_ID_HELP, "CLUSTER_ID")


class Command(msgspec.Struct):
    path: tuple[str, ...]
    about: str
    options: list[Opt] = []  # never changed: a command's options are declared once
    run: Callable | None = None  # None for a group of subcommands (`user`, `key wrap`)
    one_of: tuple[tuple[str, ...], ...] = ()  # groups of which exactly one is required
    long_about: str = ""
    global_cluster_id: bool = True  # every cloudhsm-cli command takes --cluster-id

    @property
    def all_options(self) -> list[Opt]:
        return [CLUSTER_ID, *self.options] if self.global_cluster_id else list(self.options)

    def option(self, word: str) -> Opt | None:
        for opt in self.all_options:
            if word == opt.flag or (opt.short and word == "-" + opt.short):
                return opt
        return None


class ArgError(Exception):
    """A command line clap rejects: `text` is what it prints (without a trailing newline)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class HelpRequested(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class Tree:
    """Every command, by path; groups (`key`, `key generate-symmetric`) are implied by paths."""

    def __init__(self, declared_in: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.commands: dict[tuple[str, ...], Command] = {}
        self.groups: dict[tuple[str, ...], str] = {(): "CloudHSM CLI"}
        # The modules that declare the commands under each first word, imported when a line
        # first names that word; what lists every command (help, completion, a word no module
        # declares) imports them all.  A single command imports its own module, not the tool.
        self._declared_in = dict(declared_in or {})
        self._undeclared = set(self._declared_in)

    def declare(self, word: str | None = None) -> None:
        """Import the modules that declare the commands under the first word `word`, or every
        module if None or a word none declares."""
        words = [word] if word in self._declared_in else list(self._declared_in)
        for each in words:
            if each in self._undeclared:
                self._undeclared.discard(each)
                for module in self._declared_in[each]:
                    importlib.import_module(module)

    def group(self, path: tuple[str, ...], about: str) -> None:
        self.groups[path] = about

    def add(self, command: Command) -> Command:
        self.commands[command.path] = command
        return command

    def first_words(self) -> list[str]:
        """The words a command line may begin with, as help lists them, without importing the
        modules that declare what follows them (an interactive prompt's completion at start-up)."""
        words = [path[0] for path in [*self.groups, *self.commands] if len(path) == 1]
        return list(dict.fromkeys([*words, *self._declared_in]))

    def children(self, path: tuple[str, ...]) -> list[tuple[str, str]]:
        """(word, about) of what follows `path`, in declaration order."""
        self.declare(path[0] if path else None)
        seen: dict[str, str] = {}
        for other in [*self.groups, *self.commands]:
            if len(other) == len(path) + 1 and other[:len(path)] == path and other[-1] not in seen:
                seen[other[-1]] = self.commands[other].about if other in self.commands else self.groups[other]
        return list(seen.items())

    def resolve(self, words: list[str]) -> tuple[Command, list[str]]:
        """The command the leading words name, and the words left for its options."""
        self.declare(words[0] if words and not words[0].startswith("-") else None)
        path: tuple[str, ...] = ()
        rest = list(words)
        while rest and not rest[0].startswith("-"):
            step = path + (rest[0],)
            if step in self.commands and not self.children(step):
                return self.commands[step], rest[1:]
            if step in self.groups or step in self.commands:
                path, rest = step, rest[1:]
                continue
            if path in self.commands:  # a command that takes a subcommand (`login mfa-token-sign`)
                break
            raise ArgError(f"error: unrecognized subcommand '{rest[0]}'\n\n"
                           f"Usage: {self.group_usage(path)}\n\nFor more information, try '--help'.")
        if path in self.commands:
            # `login --username u --role r mfa-token-sign --token t`: clap takes the parent's
            # options before the subcommand's name; the subcommand declares them too.
            for i, word in enumerate(rest):
                if path + (word,) in self.commands and (i == 0 or not self._takes_value(path, rest[i - 1])):
                    return self.commands[path + (word,)], rest[:i] + rest[i + 1:]
            return self.commands[path], rest
        if rest and rest[0] in ("-h", "--help"):
            raise HelpRequested(self.group_help(path))
        # A group with no subcommand: clap prints the group's help to stderr as an error.
        raise ArgError(self.group_help(path))

    def _takes_value(self, path: tuple[str, ...], word: str) -> bool:
        opt = self.commands[path].option(word)
        return bool(opt and opt.metavar)

    def group_usage(self, path: tuple[str, ...]) -> str:
        return " ".join(("cloudhsm-cli",) + path) + " <COMMAND>" if not path else " ".join(path) + " <COMMAND>"

    def group_help(self, path: tuple[str, ...]) -> str:
        about = self.groups.get(path) or self.commands[path].about
        lines = [about, "", f"Usage: {self.group_usage(path)}", "", "Commands:"]
        children = self.children(path) + [("help", "Print this message or the help of the given subcommand(s)")]
        width = max(len(w) for w, _ in children)
        lines += [f"  {w:<{width}}  {a}" for w, a in children]
        lines += ["", "Options:", "  -h, --help  Print help"]
        return "\n".join(lines)


def usage_line(command: Command) -> str:
    parts = [" ".join(command.path), "[OPTIONS]"]
    grouped = {name for group in command.one_of for name in group}
    for opt in command.options:
        if opt.required and opt.name not in grouped:
            parts.append(opt.spelled)
    for group in command.one_of:
        parts.append("<" + "|".join(command.option("--" + n).spelled for n in group) + ">")
    return " ".join(parts)


def help_text(command: Command) -> str:
    """clap 4's long help (`help <command>`, `--help`).  GAP: the docs show several layouts
    across versions (§11); this is the newest (`Usage:`/`Options:`)."""
    lines = [command.about]
    if command.long_about:
        lines.append(command.long_about)
    lines += ["", f"Usage: {usage_line(command)}", "", "Options:"]
    for opt in command.all_options:
        head = f"  -{opt.short}, {opt.spelled}" if opt.short else f"      {opt.spelled}"
        lines.append(head)
        text = opt.help + (f" [default: {opt.default}]" if opt.default is not None else "")
        if opt.choices and not any(d for _, d in opt.choices):
            text += f" [possible values: {', '.join(v for v, _ in opt.choices)}]"
        lines.append(f"          {text}")
        if opt.choices and any(d for _, d in opt.choices):
            lines += ["", "          Possible values:"]
            width = max(len(v) for v, _ in opt.choices) + 1
            lines += [f"          - {v + ':':<{width}} {d}".rstrip() for v, d in opt.choices]
        lines.append("")
    lines += ["  -h, --help", "          Print help (see a summary with '-h')"]
    return "\n".join(lines)


def _error(command: Command, message: str) -> ArgError:
    return ArgError(f"error: {message}\n\nUsage: {usage_line(command)}\n\nFor more information, try '--help'.")


def parse(command: Command, words: list[str]) -> dict[str, Any]:
    """The option values by name (`cluster-id`, `username`, ...); flags are True when given."""
    values: dict[str, Any] = {}
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("-h", "--help"):
            raise HelpRequested(help_text(command))
        name, _, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        opt = command.option(name)
        if opt is None:
            raise _error(command, f"unexpected argument '{word}' found")
        if opt.name in values:
            raise _error(command, f"the argument '{opt.spelled}' cannot be used multiple times")
        i += 1
        if opt.metavar is None:
            values[opt.name] = True
            continue
        if opt.multiple:
            taken = [inline] if inline else []
            while i < len(words) and not (words[i].startswith("--") or words[i] in ("-h", "-v")):
                taken.append(words[i])
                i += 1
            values[opt.name] = taken
            continue
        if inline:
            raw = inline
        elif i < len(words) and not (words[i].startswith("--") and command.option(words[i].split("=")[0])):
            raw = words[i]
            i += 1
        else:
            raise _error(command, f"a value is required for '{opt.spelled}' but none was supplied")
        values[opt.name] = _value(command, opt, raw)
    missing = [o.spelled for o in command.options if o.required and o.name not in values
               and not any(o.name in g for g in command.one_of)]
    missing += ["<" + "|".join(command.option("--" + n).spelled for n in g) + ">"
                for g in command.one_of if not any(n in values for n in g)]
    if missing:
        raise ArgError("error: the following required arguments were not provided:\n"
                       + "".join(f"  {m}\n" for m in missing)
                       + f"\nUsage: {usage_line(command)}\n\nFor more information, try '--help'.")
    for group in command.one_of:
        given = [n for n in group if n in values]
        if len(given) > 1:
            first, second = (command.option("--" + n).spelled for n in given[:2])
            raise _error(command, f"the argument '{first}' cannot be used with '{second}'")
    for opt in command.all_options:
        if opt.name not in values and opt.default is not None:
            values[opt.name] = _value(command, opt, opt.default)
    return values


def _value(command: Command, opt: Opt, raw: str) -> Any:
    if opt.choices and raw not in {v for v, _ in opt.choices} | set(opt.hidden_choices):
        offered = ", ".join(v for v, _ in opt.choices)
        raise ArgError(f"error: invalid value '{raw}' for '{opt.spelled}'\n  [possible values: {offered}]"
                       f"\n\nFor more information, try '--help'.")
    try:
        return opt.kind(raw)
    except ValueError:
        raise ArgError(f"error: invalid value '{raw}' for '{opt.spelled}': invalid digit found in string"
                       f"\n\nFor more information, try '--help'.") from None


def secret_indices(tree: Tree, words: list[str]) -> set[int]:
    """Indices of the words that are secrets: the value of an option declared secret."""
    if not words or words[0] not in tree.first_words():  # `quit`, a typo: no command, no secret
        return set()
    try:
        command, rest = tree.resolve(words)
    except (ArgError, HelpRequested):
        return set()
    offset = len(words) - len(rest)
    found = set()
    for i, word in enumerate(rest):
        name = word.partition("=")[0] if word.startswith("--") else word
        opt = command.option(name)
        if opt is None or not opt.secret:
            continue
        if "=" in word and word.startswith("--"):
            found.add(offset + i)
        elif i + 1 < len(rest):
            found.add(offset + i + 1)
    return found


def completions(tree: Tree, words: list[str], partial: str) -> list[str]:
    """What may follow `words`: subcommand names, then the command's options."""
    try:
        command, _ = tree.resolve(words)
    except ArgError:
        path = tuple(words)
        return [w for w, _ in tree.children(path) if w.startswith(partial)]
    except HelpRequested:
        return []
    choices = [w for w, _ in tree.children(command.path)]
    choices += [o.flag for o in command.all_options if o.flag not in words or o.multiple]
    return [c for c in choices if c.startswith(partial)]
