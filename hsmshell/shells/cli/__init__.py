"""The CloudHSM CLI (Client SDK 5): `cloudhsm-cli`, prompt `aws-cloudhsm > `, JSON output
(cloudhsm-cli-spec.md).  It works on the same HSMs, users and keys as cloudhsm_mgmt_util and
key_mgmt_util, through the same services.

A program of the client host (hsmshell/host.py): `start` runs it on a terminal; `run`
starts it on a store, a console and an environment; `secret_words` says which of its
arguments are secrets; `commands` serves the lines typed at its prompt.
"""

from __future__ import annotations

from typing import Mapping

from .declare import secret_indices
from .program import CloudHsmCli
from .tree import TREE


def run(store, console, args: list[str], environ: Mapping[str, str]) -> int:
    return CloudHsmCli(store, console, environ).run(list(args))


def secret_words(args: list[str]) -> set[int]:
    """Indices into args of the words that are secrets (`--password X`: X's index)."""
    if args[:1] == ["interactive"]:
        return set()
    return secret_indices(TREE, list(args))


SECRET_ENVIRONMENT = ("CLOUDHSM_PIN",)  # user:password for single-command mode


def interactive(args: list[str]) -> bool:
    return args[:1] == ["interactive"]


def start(terminal, args: list[str]) -> int:
    console = terminal.console_for() if interactive(args) else terminal.console
    return run(terminal.world(), console, args, terminal.environ)


def secret_args(args: list[str]) -> set[int]:
    return secret_words(args)


class _Lines:
    """The lines typed at `aws-cloudhsm > `: their secrets and completion, from the
    declarations."""

    @property
    def commands(self) -> list[str]:
        return TREE.first_words() + ["help", "quit"]

    def secret_words(self, words: list[str]) -> set[int]:
        return secret_indices(TREE, list(words))

    def complete(self, words: list[str], current: str, world=None) -> list[str]:
        if not words:
            return [w for w in self.commands if w.startswith(current)]
        from .declare import completions

        return completions(TREE, words[1:] if words[:1] == ["help"] else list(words), current)


commands = _Lines()
