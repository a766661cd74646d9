"""How key_mgmt_util reads a command's arguments: `-flag value` pairs and bare `-switch`es,
`-h` anywhere for the help (cloudhsm-shells-spec §3.4).  Each command declares its flags once
here, with the texts of its help (Description, Syntax and the `Where:` lines of the Cfm2Util
source, key_mgmt_util's ancestor with the same printf formats); parsing, the usage errors,
the help, completion and the masking of passwords derive from that.

A line is checked as the tool checks it: `-h`; each word in turn (a flag it does not know, a
flag with no value after it); the required flags in their declared order; then each value in
its declared order, against its type and choices.  The texts are the source's:
`<Name> (-flag) is missing.` and `Invalid <label> (-flag) specified.`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import known_values

if TYPE_CHECKING:
    from ...world.model import World

# The types of a flag's value.  Numbers are read as the tool reads them: decimal, or hex with 0x.
TEXT, NUMBER, HANDLE, USERS, HEX, CODE, SWITCH = "text", "number", "handle", "users", "hex", "code", "switch"


class Usage(Exception):
    """A command line the tool rejects before calling the HSM: it prints the error, then the
    command's help."""

    def __init__(self, error: str | None = None):
        super().__init__(error)
        self.error = error


class Flag:
    """A flag and its value.  (Plain classes, not dataclasses: a shell builds its declarations
    at every start, and a dataclass costs about a millisecond to define.)"""

    def __init__(self, flag: str, name: str = "", kind: str = TEXT, *, required: bool = False,
                 choices: tuple = (), default: object = None, label: str | None = None,
                 invalid: str | None = None, size: int | None = None, unless: str | None = None,
                 secret: bool = False, known: str | tuple | None = None):
        self.flag = flag  # -k
        self.name = name  # what the tool calls it when it is missing: "Key handle"
        self.kind = kind
        self.required = required
        self.choices = choices  # the values allowed, once read as their type
        self.default = default  # the value when it is not given
        self.label = label  # in `Invalid <label> (-flag) specified.`; the name in lower case
        self.invalid = invalid  # the whole text for a value not allowed, when the tool has its own
        self.size = size  # HEX: the number of bytes it must have
        self.unless = unless  # a required flag that this switch stands in for (-p, -hpswd)
        self.secret = secret
        self.known = known  # what completion offers (engine.known_values)

    def read(self, word: str):
        """The value as its type, or Usage."""
        value = self._convert(word)
        if value is None or (self.choices and value not in self.choices):
            raise Usage(self.invalid or f"Invalid {self.label or self.name.lower()} ({self.flag}) specified.")
        return value

    def _convert(self, word: str):
        try:
            if self.kind in (NUMBER, HANDLE):
                value = int(word, 0)
                return None if self.kind == HANDLE and value < 0 else value
            if self.kind == USERS:
                return [int(u) for u in word.split(",")]
            if self.kind == HEX:
                data = bytes.fromhex(word.removeprefix("0x"))
                return None if self.size is not None and len(data) != self.size else data
            if self.kind == CODE:  # a response code, 0x required (Error2String.md)
                return int(word, 16) if word.lower().startswith("0x") else None
        except ValueError:
            return None
        return word


class Options(dict):
    """The flags given, read as their types; a flag not given reads as its default."""

    def __init__(self, given: dict, defaults: dict):
        super().__init__(given)
        self.defaults = defaults

    def __missing__(self, flag: str):
        return self.defaults.get(flag)


class Flags:
    """A command's declaration: its flags, and the texts of its help."""

    def __init__(self, command: str, syntax: str, description: str = "", flags: tuple[Flag, ...] = (),
                 where: tuple[str, ...] = (), lookup: bool = False, ignored: bool = False):
        self.command = command
        self.syntax = syntax  # the Syntax: line of its help, as the documentation gives it
        self.description = description
        self.flags = flags
        self.where = where  # the Where: lines, one flag a line, as the source prints them
        # loginHSM looks its flags up where they stand: other words are ignored, a flag may repeat
        self.lookup = lookup
        self.ignored = ignored  # it reads no arguments at all, not even -h (exit, help, listUsers)

    @property
    def usage(self) -> str:
        return self.syntax

    def _by_flag(self) -> dict[str, Flag]:
        return {f.flag: f for f in self.flags}

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, args: list[str]) -> Options:
        if self.ignored:
            return Options({}, {})
        if "-h" in args:
            raise Usage()
        by_flag = self._by_flag()
        words = self._lookup(args) if self.lookup else self._scan(args, by_flag)
        for flag in self.flags:
            if flag.required and flag.flag not in words and flag.unless not in words:
                raise Usage(f"{flag.name} ({flag.flag}) is missing.")
        given = {}
        for flag in self.flags:
            if flag.flag in words:
                given[flag.flag] = True if flag.kind == SWITCH else flag.read(words[flag.flag])
        return Options(given, {f.flag: f.default for f in self.flags if f.default is not None})

    @staticmethod
    def _scan(args: list[str], by_flag: dict[str, Flag]) -> dict[str, str]:
        words: dict[str, str] = {}
        i = 0
        while i < len(args):
            word = args[i]
            flag = by_flag.get(word)
            if flag is not None and flag.kind == SWITCH:
                words[word] = ""
                i += 1
            elif flag is not None and i + 1 < len(args):
                words[word] = args[i + 1]
                i += 2
            elif flag is not None:
                raise Usage(f"{flag.name} ({word}) is missing.")
            else:
                # GAP: the tool's text for a flag it does not know is undocumented.
                raise Usage(f"Invalid argument {word}.")
        return words

    def _lookup(self, args: list[str]) -> dict[str, str]:
        """Each flag's value is the word after its first use; a switch counts anywhere."""
        words: dict[str, str] = {}
        for flag in self.flags:
            if flag.kind == SWITCH:
                if flag.flag in args:
                    words[flag.flag] = ""
                continue
            at = next((i for i, word in enumerate(args[:-1]) if word == flag.flag), None)
            if at is not None:
                words[flag.flag] = args[at + 1]
        return words

    # -- what derives from it -----------------------------------------------------------------

    def help_text(self, error: str | None = None) -> str:
        """A command's help, printed for -h and after a usage error (Cfm2Util source)."""
        text = f"\n\tError: {error}\n" if error else ""
        text += f"\n\nDescription\n===========\n{self.description}\n\nSyntax: {self.syntax}\n\n"
        if self.where:
            text += "\nWhere: " + "\n       ".join(self.where) + "\n\n"
        return text

    def secrets(self, args: list[str]) -> set[int]:
        """The word after each flag whose value is a secret, wherever it stands."""
        secret = {f.flag for f in self.flags if f.secret}
        return {i + 1 for i, word in enumerate(args[:-1]) if word in secret}

    def complete(self, args: list[str], current: str, world: "World | None") -> list[str]:
        by_flag = self._by_flag()
        before = by_flag.get(args[-1]) if args else None
        if before is not None and before.kind != SWITCH and not current.startswith("-"):
            offered = [str(c) for c in before.choices] or known_values(world, before.known)
        else:
            offered = [f.flag for f in self.flags if f.flag not in args]
        return [word for word in offered if word.startswith(current)]
