"""Token-sign MFA: `user change-mfa token-sign` registers a key, `login ... mfa-token-sign`
then needs the tokens signed with it; SDK 3's cloudhsm_mgmt_util sees the user's 2FA."""

from __future__ import annotations

import base64
import io
import json

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from hsmshell.shells.cli import run, texts
from hsmshell.shells.console import StreamConsole


class Signer(StreamConsole):
    """A person at the prompts: signs the token file when asked where the signed one is."""

    def __init__(self, lines: str, key, public_path, tmp_path):
        super().__init__(io.StringIO(lines), io.StringIO(), echo=True)
        self.key, self.public_path, self.tmp_path = key, public_path, tmp_path
        self.token_path = None

    def read_line(self, prompt: str, *, secret: bool = False):
        if prompt == texts.SIGNED_TOKEN_PATH:
            body = json.loads(self.token_path.read_text())
            for token in body["tokens"]:
                token["signed"] = base64.b64encode(self.key.sign(base64.b64decode(token["unsigned"]),
                                                                 padding.PKCS1v15(), hashes.SHA256())).decode()
            signed = self.tmp_path / "signed.json"
            signed.write_text(json.dumps(body))
            self.write(prompt + str(signed) + "\n")
            return str(signed)
        if prompt == texts.PUBLIC_KEY_PATH:
            self.write(prompt + str(self.public_path) + "\n")
            return str(self.public_path)
        return super().read_line(prompt, secret=secret)


def test_register_mfa_then_log_in_with_signed_tokens(cli, doors, tmp_path):
    cli.as_admin("user", "create", "--username", "test_user", "--role", "admin", "--password", "testUser1")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = tmp_path / "public.pem"
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    token = tmp_path / "token.json"
    console = Signer("", key, public, tmp_path)
    console.token_path = token
    status = run(cli.store, console, ["user", "change-mfa", "token-sign", "--username", "test_user", "--role",
                                      "admin", "--token", str(token)],
                 {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "test_user:testUser1"})
    assert status == 0, console.stdout.getvalue()
    entry = next(u for u in cli("user", "list").json["data"]["users"] if u["username"] == "test_user")
    assert entry["mfa"] == [{"strategy": "token-sign", "status": "enabled"}]
    assert "2FA" in doors.cmu("listUsers\nquit\n") and "test_user" in doors.cmu("listUsers\nquit\n")

    refused = cli("logout", env={"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "test_user:testUser1"})
    assert refused.json["error_code"] == 1  # the password alone no longer logs in
    console = Signer(f"login --username test_user --role admin mfa-token-sign --token {tmp_path / 'valid.token'}\n"
                     "testUser1\nquit\n", key, public, tmp_path)
    console.token_path = tmp_path / "valid.token"
    run(cli.store, console, ["interactive"], {})
    out = console.stdout.getvalue()
    assert (f"aws-cloudhsm > login --username test_user --role admin mfa-token-sign --token "
            f"{tmp_path / 'valid.token'}\nEnter password:\n{texts.SIGNED_TOKEN_PATH}") in out
    assert '{\n  "error_code": 0,\n  "data": {\n    "username": "test_user",\n    "role": "admin"\n  }\n}\n' in out


def test_mfa_is_for_admins(cli, tmp_path):
    """kmsuser must never have a second factor (create-keystore page); the HSMs keep one for
    admins only."""
    from .conftest import disconnect

    disconnect(cli.store)
    cli.as_admin("user", "change-password", "--username", "kmsuser", "--role", "crypto-user", "--password", "kmsPswd1")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = tmp_path / "public.pem"
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    console = Signer("", key, public, tmp_path)
    console.token_path = tmp_path / "token.json"
    status = run(cli.store, console, ["user", "change-mfa", "token-sign", "--username", "kmsuser", "--role",
                                      "crypto-user", "--token", str(console.token_path)],
                 {"CLOUDHSM_ROLE": "crypto-user", "CLOUDHSM_PIN": "kmsuser:kmsPswd1"})
    assert status == 1
    assert '"data": "The logged in user does not have permission to run this command"' in console.stdout.getvalue()
    entry = next(u for u in cli("user", "list").json["data"]["users"] if u["username"] == "kmsuser")
    assert entry["mfa"] == []
