"""Quorum (token-sign) in CloudHSM CLI form, on the HSMs' own quorum values and tokens."""

from __future__ import annotations

import base64
import io
import json

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from hsmshell.shells.cli.program import CloudHsmCli
from hsmshell.shells.console import StreamConsole


class Interactive:
    """One interactive process, fed a line at a time (files are signed between lines)."""

    def __init__(self, store):
        self.out = io.StringIO()
        self.program = CloudHsmCli(store, StreamConsole(io.StringIO(), self.out), {})

    def __call__(self, line: str) -> dict:
        start = self.out.tell()
        self.program.line(line)
        text = self.out.getvalue()[start:]
        return json.loads(text[text.index("{"):])


def register_quorum_key(cli, name: str, password: str, tmp_path) -> rsa.RSAPrivateKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / f"{name}.pub").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    shell = Interactive(cli.store)
    assert shell(f"login --username {name} --role admin --password {password}")["error_code"] == 0
    token = tmp_path / f"{name}-registration.json"
    assert shell(f"quorum token-sign generate --service registration --token {token}") == \
        {"error_code": 0, "data": {"filepath": str(token)}}
    body = json.loads(token.read_text())
    for entry in body["tokens"]:
        entry["signed"] = base64.b64encode(key.sign(base64.b64decode(entry["unsigned"]), padding.PKCS1v15(),
                                                    hashes.SHA256())).decode()
    (tmp_path / f"{name}-signed.json").write_text(json.dumps(body))
    registered = shell(f"user change-quorum token-sign register --public-key {tmp_path / f'{name}.pub'} "
                       f"--signed-token {tmp_path / f'{name}-signed.json'}")
    assert registered == {"error_code": 0, "data": {"username": name, "role": "admin"}}
    shell.program.close()
    return key


def test_quorum_values_and_an_approved_user_create(cli, tmp_path):
    assert cli("quorum", "token-sign", "list-quorum-values").json == {"error_code": 0, "data": {"user": 1, "quorum": 1}}
    cli.as_admin("user", "create", "--username", "admin2", "--role", "admin", "--password", "admin2Pw")
    keys = {"admin": register_quorum_key(cli, "admin", "co12345", tmp_path),
            "admin2": register_quorum_key(cli, "admin2", "admin2Pw", tmp_path)}
    entry = next(u for u in cli("user", "list").json["data"]["users"] if u["username"] == "admin2")
    assert entry["quorum"] == [{"strategy": "token-sign", "status": "enabled"}]
    assert cli.as_admin("quorum", "token-sign", "set-quorum-value", "--service", "user", "--value", "2").json == \
        {"error_code": 0, "data": "Set Quorum Value successful"}
    assert cli("quorum", "token-sign", "list-quorum-values").json["data"] == {"user": 2, "quorum": 1}
    refused = cli.as_admin("user", "create", "--username", "carol", "--role", "crypto-user", "--password", "carolPw1")
    assert refused.json == {"error_code": 1, "data": "Quorum approval is required for this operation"}

    shell = Interactive(cli.store)
    shell("login --username admin --role admin --password co12345")
    token_file = tmp_path / "user-token.json"
    assert shell(f"quorum token-sign generate --service user --token {token_file}")["error_code"] == 0
    listed = shell("quorum token-sign list")["data"]["tokens"]
    assert listed == [{"username": "admin", "service": "user", "approvals-required": 2, "number-of-approvals": 0,
                       "token-timeout-seconds": listed[0]["token-timeout-seconds"], "cluster-coverage": "full"}]
    body = json.loads(token_file.read_text())
    token = base64.b64decode(body["token"])
    body["signatures"] = [{"username": name, "signature": base64.b64encode(
        key.sign(token, padding.PKCS1v15(), hashes.SHA256())).decode()} for name, key in keys.items()]
    token_file.write_text(json.dumps(body))
    created = shell(f"user create --username carol --role crypto-user --password carolPw1 --approval {token_file}")
    assert created == {"error_code": 0, "data": {"username": "carol", "role": "crypto-user"}}
    assert shell("quorum token-sign delete --scope user") == \
        {"error_code": 0, "data": "Deletion of quorum token(s) successful"}
    shell.program.close()


def test_quorum_value_cannot_exceed_the_admins(cli):
    ran = cli.as_admin("quorum", "token-sign", "set-quorum-value", "--service", "user", "--value", "3")
    assert ran.json == {"error_code": 1, "data": "Invalid value for value"}
