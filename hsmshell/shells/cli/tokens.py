"""Token files of the token-sign strategy (MFA login, quorum): one unsigned token per HSM,
which the user signs outside the HSM with their private key (`openssl pkeyutl -sign`) and
hands back.  The file is JSON: `{"version": "2.0", "tokens": [{"unsigned": "<base64>",
"signed": ""}, ...]}`; the signed file fills each `signed` (base64)."""

from __future__ import annotations

import base64
import json

from ... import files
from ...cloudhsm import two_factor
from ...world.model import Hsm, World
from . import texts
from .program import CloudHsmCli, Failure


def challenges(world: World, hsms: list[Hsm]) -> dict[str, two_factor.SecondFactor]:
    return {h.hsm_id: two_factor.SecondFactor(two_factor.challenge(world)) for h in hsms}


def write(path: str, factors: dict[str, two_factor.SecondFactor]) -> None:
    body = {"version": "2.0", "tokens": [{"unsigned": base64.b64encode(f.digest).decode(), "signed": ""}
                                         for f in factors.values()]}
    try:
        files.write(path, json.dumps(body, indent=2) + "\n")
    except OSError as exc:
        raise Failure(texts.FILE_UNWRITABLE.format(path, exc.strerror or exc)) from None


def read_signed(path: str, factors: dict[str, two_factor.SecondFactor]) -> None:
    try:
        body = json.loads(files.read_text(path))
        signed = {t["unsigned"]: t["signed"] for t in body["tokens"]}
    except OSError as exc:
        raise Failure(texts.FILE_UNREADABLE.format(path, exc.strerror or exc)) from None
    except (ValueError, KeyError, TypeError):
        raise Failure(texts.BAD_QUORUM_TOKEN) from None
    for factor in factors.values():
        value = signed.get(base64.b64encode(factor.digest).decode())
        try:
            factor.signature = base64.b64decode(value) if value else None
        except ValueError:
            factor.signature = None


def exchange(cli: CloudHsmCli, path: str, factors: dict[str, two_factor.SecondFactor]):
    """Write the unsigned tokens, ask where the signed ones are, read them."""
    write(path, factors)
    answer = cli.read_line(texts.SIGNED_TOKEN_PATH)
    read_signed(answer.strip() if answer and answer.strip() else path, factors)
    return factors


def signed_registration(text: str, public_pem: bytes) -> bool:
    """Does every token of a signed token file carry the key's signature of its token?"""
    try:
        body = json.loads(text)
        pairs = [(base64.b64decode(t["unsigned"]), base64.b64decode(t["signed"])) for t in body["tokens"]]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(pairs) and all(
        two_factor.proves(public_pem.decode(), two_factor.SecondFactor(digest, signature))
        for digest, signature in pairs)
