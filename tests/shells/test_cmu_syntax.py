"""cloudhsm_mgmt_util's command lines, one table for every command: a line in, the arguments
its declaration parses out, or the exact error the tool prints for it (through the shell's
own dispatch).  A line typed at `server0>` is written with that prompt."""

from __future__ import annotations

import io

import pytest

from hsmshell.shells.cmu import CloudHsmMgmtUtil
from hsmshell.shells.cmu.shell import TABLE, Server
from hsmshell.shells.console import StreamConsole

# The usage lines the errors and `help <command>` print (the emulator's, GAP: undocumented).
USAGE = {
    "info": "info server <server ID>",
    "getCert": "getCert <file-name> <certificate-type>",
    "findAllKeys": "findAllKeys <user id> <key hash (0/1)> [<output file>]",
    "getKeyInfo": "getKeyInfo -k <key-handle> [<output file>]",
    "getAttribute": "getAttribute <key handle> <attribute id> [<filename>]",
    "setAttribute": "setAttribute <key handle> <attribute id> <value>",
    "shareKey": "shareKey <key handle> <user id> <(share/unshare key?) 1/0>",
    "syncKey": "syncKey <key handle> <destination hsm>",
    "registerQuorumPubKey": "registerQuorumPubKey <user-type> <user-name> <registration-token> "
                            "<signed-registration-token> <public-key>",
    "setMValue": "setMValue <service> <m value>",
    "getMValue": "getMValue <service>",
    "getToken": "getToken <service> <user> <token file>",
    "approveToken": "approveToken <approval file>",
    "server": "server <server-number>",
    "loginHSM": "loginHSM <user-type> <user-name> <password |-hpswd> [-2fa </path/to/authdata>]",
    "changePswd": "changePswd <user-type> <user-name> <password |-hpswd> [-2fa </path/to/authdata>]",
    "createUser": "createUser <user-type> <user-name> <password |-hpswd> [-2fa </path/to/authdata>]",
    "deleteUser": "deleteUser <user-type> <user-name>",
    "syncUser": "syncUser <user ID> <server ID>",
}
SERVER_MODE = "server0>"
NaN = "Invalid argument: a number is expected."


class Syntax(str):
    """The error, then the command's syntax."""


class Error(str):
    """The error alone."""


def creds(user_type, name, password, authdata=None):
    return {"user_type": user_type, "user_name": name, "password": password, "authdata": authdata}


ROWS = [
    ("info server 0", {"server": "server", "server_id": "0"}),
    ("info server", Syntax("Invalid arguments.")),
    ("info host 0", Syntax("Invalid arguments.")),
    ("getHSMInfo", {}),
    ("getHSMInfo whatever follows", {}),
    (SERVER_MODE + "getCert cert.pem 4", {"file": "cert.pem", "certificate_type": 4}),
    (SERVER_MODE + "getCert cert.pem 16", {"file": "cert.pem", "certificate_type": 16}),
    (SERVER_MODE + "getCert cert.pem 3", Syntax(
        "Invalid arguments. Certificate types: 1 = Manufacturer Root, 2 = Manufacturer Hardware, 4 = Customer Root, "
        "8 = Cluster (signed by Customer Root), 16 = Cluster (chained to Manufacturer Root)")),
    ("getCert cert.pem 4", Error("getCert is supported only in server mode. Use 'server <server ID>' first.")),
    ("findAllKeys 3 0", {"user_id": 3, "key_hash": "0", "output": None}),
    ("findAllKeys 3 1 keys.txt", {"user_id": 3, "key_hash": "1", "output": "keys.txt"}),
    ("findAllKeys 3 2", Syntax("Invalid arguments.")),
    ("findAllKeys 3", Syntax("Invalid arguments.")),
    ("findAllKeys x 1", Syntax(NaN)),
    ("getKeyInfo -k 262162", {"handle": 262162, "output": None}),
    ("getKeyInfo 262162 info.txt", {"handle": 262162, "output": "info.txt"}),
    ("getKeyInfo -k", Syntax("Invalid number of arguments.")),
    ("getKeyInfo -k abc", Syntax(NaN)),
    ("getAttribute 262162 512", {"handle": 262162, "attribute_id": 512, "output": None}),
    ("getAttribute 262162 0 attr.txt", {"handle": 262162, "attribute_id": 0, "output": "attr.txt"}),
    ("getAttribute 262162", Syntax("Invalid number of arguments.")),
    ("getAttribute 262162 x", Syntax(NaN)),
    ("listAttributes", {"help": None}),
    ("listAttributes -h", {"help": "-h"}),
    ("setAttribute 262162 1 0", {"handle": 262162, "attribute_id": 1, "value": "0"}),
    ("setAttribute 262162 1", Syntax("Invalid number of arguments.")),
    ("setAttribute key 1 0", Syntax(NaN)),
    ("shareKey 262162 4,5 1", {"handle": 262162, "user_ids": [4, 5], "share": "1"}),
    ("shareKey 262162 4 0", {"handle": 262162, "user_ids": [4], "share": "0"}),
    ("shareKey 262162 4 2", Syntax("Invalid arguments.")),
    ("shareKey 262162 a 0", Syntax(NaN)),
    (SERVER_MODE + "syncKey 262162 1", {"handle": 262162, "destination": 1}),
    (SERVER_MODE + "syncKey 262162", Syntax("Invalid number of arguments.")),
    (SERVER_MODE + "syncKey 262162 one", Syntax(NaN)),
    ("syncKey 262162 1", Error("syncKey is supported only in server mode. Use 'server <server ID>' first.")),
    ("registerQuorumPubKey CO admin token.bin signed.bin pub.pem",
     {"user_type": "CO", "user_name": "admin", "token": "token.bin", "signature": "signed.bin",
      "public_key": "pub.pem"}),
    ("registerQuorumPubKey CO admin token.bin", Syntax("Invalid number of arguments.")),
    ("setMValue 3 2", {"service": 3, "m": 2}),
    ("setMValue 3 two", Syntax("Invalid arguments.")),
    ("setMValue 3", Syntax("Invalid arguments.")),
    ("getMValue 3", {"service": 3}),
    ("getMValue", Syntax("Invalid arguments.")),
    ("getMValue -3", Syntax("Invalid arguments.")),
    ("getToken 4 admin token.txt", {"service": 4, "user": "admin", "token_file": "token.txt"}),
    ("getToken x admin token.txt", Syntax("Invalid arguments.")),
    ("approveToken approval.txt", {"file": "approval.txt"}),
    ("approveToken", Syntax("Invalid number of arguments.")),
    ("listTokens", {}),
    ("quit", {}),
    ("enable_e2e", {}),
    ("enable_e2e whatever follows", {}),
    ("help", {"command": None}),
    ("help loginHSM", {"command": "loginHSM"}),
    ("server 1", {"number": 1}),
    ("server", Syntax("Invalid number of arguments.")),
    ("server one", Syntax("Invalid server number one.")),
    (SERVER_MODE + "exit", {}),
    ("loginHSM CO admin co12345", creds("CO", "admin", "co12345")),
    ("loginHSM CU kmsuser -hpswd", creds("CU", "kmsuser", None)),
    ("loginHSM CO admin co12345 -2fa /home/officer/authdata.json",
     creds("CO", "admin", "co12345", "/home/officer/authdata.json")),
    ("loginHSM PRECO admin password", creds("PRECO", "admin", "password")),
    ("login CO admin co12345", creds("CO", "admin", "co12345")),  # any unambiguous prefix
    ("loginHSM CO admin", Syntax("Invalid number of arguments.")),
    ("loginHSM CO admin co12345 -2fa", Syntax("Invalid number of arguments.")),
    ("loginHSM CO admin co12345 -3fa file", Syntax("Invalid number of arguments.")),
    ("loginHSM XX admin co12345", Error("Invalid user type XX. Valid user types are CO, CU, PRECO, PCO, AU.")),
    ("logoutHSM", {}),
    ("changePswd CU kmsuser tempPassword", creds("CU", "kmsuser", "tempPassword")),
    ("changePswd CO admin -hpswd -2fa authdata.json", creds("CO", "admin", None, "authdata.json")),
    ("changePswd AU app_user password", Error("Invalid user type AU. Valid user types are CO, CU, PCO, PRECO.")),
    ("changePswd CU kmsuser", Syntax("Invalid number of arguments.")),
    ("createUser CU bob defaultPassword", creds("CU", "bob", "defaultPassword")),
    ("createUser preCO bob defaultPassword", creds("preCO", "bob", "defaultPassword")),
    ("createUser CU bob", Syntax("Invalid number of arguments.")),
    ("createUser AU bob defaultPassword",
     Error("Invalid user type AU. Valid user types are CO, CU, PCO, PRECO, preCO.")),
    ("deleteUser CU bob", {"user_type": "CU", "user_name": "bob"}),
    ("deleteUser CU", Syntax("Invalid number of arguments.")),
    ("deleteUser PCO bob", Error("Invalid user type PCO. Valid user types are CO, CU.")),
    ("listUsers", {}),
    ("listU", {}),
    (SERVER_MODE + "syncUser 5 1", {"user_id": 5, "destination": 1}),
    (SERVER_MODE + "syncUser 5 x", Syntax(NaN)),
    ("syncUser 5 1", Error("syncUser is supported only in server mode. Use 'server <server ID>' first.")),
]


def typed(line: str) -> tuple[bool, list[str]]:
    server_mode = line.startswith(SERVER_MODE)
    return server_mode, line.removeprefix(SERVER_MODE).split()


@pytest.mark.parametrize("line, expected", ROWS, ids=[row[0] for row in ROWS])
def test_a_line_parses_to_its_arguments_or_the_tools_error(line, expected):
    server_mode, words = typed(line)
    command = TABLE.resolve(words[0])
    if isinstance(expected, dict):
        assert command.syntax.parse(words[1:], in_server_mode=server_mode) == expected
        return
    out = io.StringIO()
    shell = CloudHsmMgmtUtil(None, StreamConsole(io.StringIO(""), out), None)  # an error reads no world
    shell.server_mode = Server(0, "10.0.2.9", "hsm-1") if server_mode else None
    shell.dispatch(" ".join(words))
    if isinstance(expected, Syntax):
        assert out.getvalue() == f"\nError: {expected}\nSyntax: {USAGE[command.name]}\n\n"
    else:
        assert out.getvalue() == f"\nError: {expected}\n\n"


def test_the_table_covers_every_command():
    assert {TABLE.resolve(typed(line)[1][0]).name for line, _ in ROWS} == set(TABLE.commands)


@pytest.mark.parametrize("name", sorted(USAGE))
def test_help_shows_the_usage_each_error_shows(name):
    out = io.StringIO()
    CloudHsmMgmtUtil(None, StreamConsole(io.StringIO(""), out), None).dispatch(f"help {name}")
    assert out.getvalue() == f"\nSyntax: {USAGE[name]}\n\n"
