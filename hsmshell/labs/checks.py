"""Evaluating a lab's objectives and guards against a world, without changing it.

An `ask` check runs its `aws` command on a copy of the world (so looking records nothing in
CloudTrail and changes nothing), then applies its JMESPath expression to the response; a check
without `ask` applies the expression to the world itself, secrets left out.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import jmespath

from .. import files
from ..aws import cli as aws_cli
from ..aws import versions
from ..aws.dispatch import SERVICES
from ..errors import AwsError
from ..testing.match import substitute
from ..world import cache, codec
from ..world.model import World
from .definition import Check, LabError

SECRET_FIELDS = {"password_hash", "material", "key_store_password"}


@dataclass(frozen=True)
class Outcome:
    check: Check
    holds: bool
    detail: str = ""


def request(line: str) -> tuple[str, str, dict]:
    """`aws kms describe-key --key-id X` -> ("kms", "DescribeKey", {"KeyId": "X"}), read the
    way `hsmshell aws` reads it in AWS CLI v1, the version the labs' checks are written for."""
    try:
        call = aws_cli.request(shlex.split(line)[1:], versions.V1)
    except aws_cli.Refused as exc:
        raise LabError(f"the check's command is not valid: {line}\n{exc.said(versions.V1)[0].strip()}") from None
    return call.service, call.operation, call.params


def world_view(world: World):
    def scrub(value):
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items() if k not in SECRET_FIELDS}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value
    return scrub(codec.encode(world))


def evaluate(checks: tuple[Check, ...], world: World, variables: dict[str, str]) -> list[Outcome]:
    view = None
    outcomes = []
    for check in checks:
        if check.ask:
            outcomes.append(_ask(check, world, variables))
            continue
        if view is None:
            view = world_view(world)
        outcomes.append(_expect(check, substitute(check.expect, variables), view))
    return outcomes


def _expect(check: Check, expression: str, data) -> Outcome:
    try:
        return Outcome(check, bool(jmespath.search(expression, data)))
    except jmespath.exceptions.ParseError as exc:
        raise LabError(f"the check {check.title!r} is not valid JMESPath: {expression}\n{exc}") from None
    except jmespath.exceptions.JMESPathError as exc:
        # A world that is not the lab's (another copied over it by hand) can meet a valid
        # expression with values of other types (`length(null)`): the check does not hold.
        return Outcome(check, False, f"{type(exc).__name__}: {exc}")


def _ask(check: Check, world: World, variables: dict[str, str]) -> Outcome:
    # Its files are the lab's own, read where the lab ships them and nowhere else.
    with files.confined(Path(variables["lab"]) if "lab" in variables else None):
        service, operation, params = request(substitute(check.ask, variables))
    scratch = cache.copy(world)
    try:
        response = SERVICES[service].call(scratch, operation, params)
    except AwsError as error:
        if check.error:
            return Outcome(check, error.code == check.error, f"{error.code}")
        return Outcome(check, False, f"{error.code}: {error.message}")
    if check.error:
        return Outcome(check, False, f"expected {check.error}, but the call succeeded")
    return _expect(check, substitute(check.expect, variables), response)
