"""Files that hold key material, or a key's certificate, are created 0600 whatever the umask:
under the usual 022 the tools' default mode let every user of the machine read an exported key."""

from __future__ import annotations

import os
import re
import stat

import pytest

from ..shells.test_kmu import KMSUSER, kmsuser_password_known


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_exported_keys_and_certificates_are_created_0600(doors, tmp_path, monkeypatch, umask_022):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -l w\ngenRSAKeyPair -m 2048 -e 65537 -l r\nexit\n")
    (wrapping,) = [int(h) for h in re.findall(r"Key Handle: (\d+)", out)]
    public = int(re.search(r"public key handle: (\d+)", out)[1])
    private = int(re.search(r"private key handle: (\d+)", out)[1])
    out = doors.kmu(KMSUSER + f"exSymKey -k {wrapping} -w {wrapping} -out sym.key\n"
                    f"exportPrivateKey -k {private} -w {wrapping} -out private.pem\n"
                    f"exportPubKey -k {public} -out public.pem\n"
                    f"wrapKey -k {private} -w {wrapping} -m 4 -out private.wrapped\n"
                    "getCert -f kmu-cert.pem -s 2\nexit\n")
    out += doors.cmu("server 0\ngetCert cmu-cert.pem 1\nexit\nquit\n")
    files = ["sym.key", "private.pem", "public.pem", "private.wrapped", "kmu-cert.pem", "cmu-cert.pem"]
    modes = {name: oct(stat.S_IMODE((tmp_path / name).stat().st_mode)) for name in files if (tmp_path / name).exists()}
    assert modes == {name: "0o600" for name in files}, out
    (tmp_path / "sym.key").unlink()
    (tmp_path / "sym.key").write_bytes(b"")  # made by the user, with the mode the umask gives
    doors.kmu(KMSUSER + f"exSymKey -k {wrapping} -w {wrapping} -out sym.key\nexit\n")
    assert stat.S_IMODE((tmp_path / "sym.key").stat().st_mode) == 0o644  # a file that exists keeps its mode
    assert len((tmp_path / "sym.key").read_bytes()) == 16
