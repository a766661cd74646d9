"""The CloudHSM CLI (Client SDK 5): `cloudhsm-cli`, prompt `aws-cloudhsm > `, JSON output
(cloudhsm-cli-spec.md).  It works on the same HSMs, users and keys as cloudhsm_mgmt_util and
key_mgmt_util, through the same services.

For the client host: `run` starts the program on a store and a console with its arguments
(without the program name) and an environment; `secret_words` says which of those arguments
are secrets; `main` is the console script.
"""

from __future__ import annotations

from typing import Mapping

from . import cluster, crypto, keys, quorum, session, users, wrapping  # noqa: F401 - fill the command tree
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


def secret_in_line(line: str) -> bool:
    """Does an interactive line carry a secret (kept out of the history)?"""
    import shlex

    try:
        return bool(secret_indices(TREE, shlex.split(line)))
    except ValueError:
        return "password" in line


def main(argv: list[str] | None = None) -> int:
    from .entry import main as entry_main

    return entry_main(argv)
