"""Driving the CloudHSM CLI through its door for the client host: `run(store, console, args,
environ)` with a StreamConsole over strings, on the default world (tests/conftest.py's `store`,
which `doors` drives too)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest

from hsmshell.shells.cli import run
from hsmshell.shells.console import StreamConsole

ADMIN = {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345"}


@dataclass
class Ran:
    status: int
    output: str

    @property
    def json(self) -> dict:
        """The one JSON object a command prints (after any password prompts)."""
        return json.loads(self.output[self.output.index("{"):])


class Cli:
    def __init__(self, store):
        self.store = store

    def __call__(self, *args: str, input: str = "", env: dict | None = None) -> Ran:
        out = io.StringIO()
        status = run(self.store, StreamConsole(io.StringIO(input), out), list(args), env or {})
        return Ran(status, out.getvalue())

    def session(self, lines: str) -> str:
        """An interactive session: lines typed at `aws-cloudhsm > `, echoed as a terminal shows them."""
        out = io.StringIO()
        run(self.store, StreamConsole(io.StringIO(lines), out, echo=True), ["interactive"], {})
        return out.getvalue()

    def as_admin(self, *args: str, input: str = "") -> Ran:
        return self(*args, input=input, env=ADMIN)

    def as_user(self, user: str, password: str, *args: str, role: str = "crypto-user", input: str = "") -> Ran:
        return self(*args, input=input, env={"CLOUDHSM_ROLE": role, "CLOUDHSM_PIN": f"{user}:{password}"})


@pytest.fixture
def cli(store):
    return Cli(store)


def disconnect(store, key_store_id: str = "cks-1234567890abcdef0") -> None:
    from hsmshell.kms import custom_key_stores

    with store.transaction() as world:
        custom_key_stores.disconnect(world, key_store_id)


KMSUSER = ("--username", "kmsuser", "--role", "crypto-user")


@pytest.fixture
def kmsuser(cli, store):
    """The runbook's state: key store disconnected, kmsuser's password known (kmsPswd1)."""
    disconnect(store)
    cli.as_admin("user", "change-password", *KMSUSER, "--password", "kmsPswd1")
    return lambda *args, **kw: cli.as_user("kmsuser", "kmsPswd1", *args, **kw)
