"""How cloudhsm_mgmt_util reads a command's arguments: positional words, a few of them
flags (`-hpswd` in a password's place, `-2fa <file>` after the credentials, `-k` before
getKeyInfo's handle; cloudhsm-shells-spec §2.2).  Each command declares its arguments once
here; parsing, the usage line, the errors, completion and the masking of passwords derive
from that.

A line is checked in the order the tool's commands check it: the server mode a command
needs, the number of words, then values that must be one of a few (an error with the
command's syntax), numbers (`Invalid argument: a number is expected.`), and last the values
CMU refuses in words of its own (a user type).  GAP: CMU's argument errors are
undocumented; these are the texts the emulator has always printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import known_values

if TYPE_CHECKING:
    from ...world.model import World

TEXT, NUMBER, NUMBERS, DIGITS = "text", "number", "numbers", "digits"  # DIGITS: 0-9 only, no sign
NOT_A_NUMBER = "Invalid argument: a number is expected."
COMMAND = "command"  # completes to the tool's command names (help)


class Rejected(Exception):
    """A line the tool refuses before doing anything: with its syntax (`syntax`) or, for a
    value it names, as a plain error."""

    def __init__(self, message: str, *, syntax: bool = True):
        super().__init__(message)
        self.message = message
        self.syntax = syntax


class Arg:
    """A positional argument.  (Plain classes, not dataclasses: a shell builds its
    declarations at every start, and a dataclass costs about a millisecond to define.)"""

    def __init__(self, key: str, name: str, kind: str = TEXT, choices: tuple = (), *, optional: bool = False,
                 invalid: str | None = None, refused: str | None = None, instead: str | None = None,
                 flag: str | None = None, literal: bool = False, secret: bool = False,
                 known: str | tuple | None = None):
        self.key = key  # the name the command's function reads it by
        self.name = name  # as the usage line shows it: <name>
        self.kind = kind  # TEXT; NUMBER (int); NUMBERS (comma-separated ints); DIGITS (0-9 only)
        self.choices = choices  # the values allowed (strings, or ints for DIGITS)
        self.optional = optional
        self.invalid = invalid  # the syntax error for a bad value ({value}), else the command's
        self.refused = refused  # or a plain error for a value not among the choices
        self.instead = instead  # a flag typed in its place (-hpswd: the value is asked for)
        self.flag = flag  # a flag that may come before it (getKeyInfo's -k)
        self.literal = literal  # a word typed as it stands (info server)
        self.secret = secret
        # What completion offers: a kind of engine.known_values, COMMAND, or the words
        # themselves (offered, not enforced, unlike choices).
        self.known = known

    @property
    def shown(self) -> str:
        text = self.name if self.literal else f"<{self.name}{f' |{self.instead}' if self.instead else ''}>"
        if self.flag:
            text = f"{self.flag} {text}"
        return f"[{text}]" if self.optional else text


class Option:
    """A `-flag value` pair after the positional arguments (-2fa </path/to/authdata>)."""

    def __init__(self, key: str, flag: str, name: str):
        self.key, self.flag, self.name = key, flag, name


class Positional:
    """A command's declaration: its arguments in order, then its options."""

    def __init__(self, command: str, args: tuple[Arg, ...] = (), options: tuple[Option, ...] = (), *,
                 invalid: str = "Invalid number of arguments.", lenient: bool = False, server_mode: bool = False):
        self.command = command
        self.args = args
        self.options = options
        self.invalid = invalid  # the syntax error for a wrong count
        self.lenient = lenient  # its words are not checked, and those beyond the declared ones ignored
        self.server_mode = server_mode  # only in server mode

    @property
    def usage(self) -> str:
        return " ".join([self.command, *(a.shown for a in self.args),
                         *(f"[{o.flag} <{o.name}>]" for o in self.options)])

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, words: list[str], *, in_server_mode: bool = False) -> dict:
        """The arguments by key (None for those not given, or to be asked for), or Rejected."""
        if self.server_mode and not in_server_mode:
            raise Rejected(f"{self.command} is supported only in server mode. Use 'server <server ID>' first.",
                           syntax=False)
        values: dict = {arg.key: None for arg in self.args}
        if self.lenient:  # its words are not checked
            values.update(zip((arg.key for arg in self.args), words))
            return values
        given, options = self._split(words)
        values.update({o.key: options.get(o.flag) for o in self.options})
        for arg, word in zip(self.args, given):
            if arg.refused is None and not self._allowed(arg, word):
                raise Rejected((arg.invalid or self.invalid).format(value=word))
            values[arg.key] = word
        for arg, word in zip(self.args, given):
            if arg.kind in (NUMBER, NUMBERS) and word != arg.instead:
                try:
                    values[arg.key] = int(word) if arg.kind == NUMBER else [int(w) for w in word.split(",")]
                except ValueError:
                    raise Rejected(NOT_A_NUMBER) from None
            elif arg.kind == DIGITS:
                values[arg.key] = int(word)
        for arg, word in zip(self.args, given):
            if arg.refused and word not in arg.choices:
                raise Rejected(arg.refused.format(value=word, choices=", ".join(arg.choices)), syntax=False)
            if arg.instead and word == arg.instead:
                values[arg.key] = None
        return values

    def _split(self, words: list[str]) -> tuple[list[str], dict[str, str]]:
        """The positional words (a leading flag of the first one dropped) and the options."""
        words = words[self._flagged(words):]
        required = sum(not a.optional for a in self.args)
        given, rest = words[:len(self.args)], words[len(self.args):]
        options: dict[str, str] = {}
        flags = {o.flag for o in self.options}
        if self.options and len(words) > required and words[required] in flags:
            given, rest = words[:required], words[required:]
        while len(rest) >= 2 and rest[0] in flags and rest[0] not in options:
            options[rest[0]], rest = rest[1], rest[2:]
        if len(given) < required or rest:
            raise Rejected(self.invalid)
        return given, options

    @staticmethod
    def _allowed(arg: Arg, word: str) -> bool:
        if arg.literal:
            return word == arg.name
        if arg.kind == DIGITS:
            return word.isdecimal() and (not arg.choices or int(word) in arg.choices)
        return not arg.choices or word in arg.choices

    def _flagged(self, words: list[str]) -> int:
        """1 when the words begin with the flag the first argument may have before it."""
        return int(bool(self.args) and self.args[0].flag is not None and words[:1] == [self.args[0].flag])

    # -- what derives from it -----------------------------------------------------------------

    def secrets(self, args: list[str]) -> set[int]:
        """The secret arguments where they stand, whether or not the line is otherwise right."""
        shift = self._flagged(args)
        return {shift + i for i, arg in enumerate(self.args)
                if arg.secret and shift + i < len(args) and args[shift + i] != arg.instead}

    def complete(self, args: list[str], current: str, world: "World | None") -> list[str]:
        if current.startswith("-"):
            flags = [f for a in self.args for f in (a.flag, a.instead) if f] + [o.flag for o in self.options]
            return [f for f in flags if f.startswith(current) and f not in args]
        if args and args[-1] in {o.flag for o in self.options}:
            return []  # a file
        at = len(args) - self._flagged(args)
        if at >= len(self.args):
            return []
        arg = self.args[at]
        if arg.literal:
            offered = [arg.name]
        elif arg.known == COMMAND:
            from .shell import TABLE  # the table this syntax is declared in

            offered = sorted(TABLE.commands)
        else:
            offered = [str(c) for c in arg.choices] or known_values(world, arg.known)
        return [word for word in offered if word.startswith(current)]
