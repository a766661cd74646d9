"""The world's sealer: a secret opens only with the key that sealed it, and only as sealed."""

from __future__ import annotations

import base64
import os

import pytest

from hsmshell.world.credentials import SealError, Sealer


def tampered(sealed: str) -> str:
    prefix, _, body = sealed.rpartition(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    return f"{prefix}:{base64.b64encode(bytes(raw)).decode()}"


def test_a_secret_opened_before_does_not_open_a_tampered_copy_or_under_another_key():
    sealer = Sealer(os.urandom(32))
    sealed = sealer.seal(b"backing key material")
    assert sealer.unseal(sealed) == sealer.unseal(sealed) == b"backing key material"
    with pytest.raises(SealError):
        sealer.unseal(tampered(sealed))
    with pytest.raises(SealError):
        Sealer(os.urandom(32)).unseal(sealed)
