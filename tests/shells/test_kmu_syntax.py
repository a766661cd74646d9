"""key_mgmt_util's command lines, one table for every command: a line in, the flags its
declaration reads (as their types), or the exact error the tool prints before the command's
help (through the shell's own dispatch).  `Help()` is the help alone (-h)."""

from __future__ import annotations

import io

import pytest

from hsmshell.cloudhsm import crypto
from hsmshell.shells.console import StreamConsole
from hsmshell.shells.kmu import KeyMgmtUtil
from hsmshell.shells.kmu.shell import TABLE

HELP_HEAD = "\n\nDescription\n===========\n"


class Usage(str):
    """`Error: <text>`, then the command's help."""


class Help(str):
    """The command's help, with no error."""


ROWS = [
    ("exit", {}),
    ("exit -h", {}),  # exit and help read no arguments
    ("help", {}),
    ("help findKey", {}),
    ("listUsers", {}),
    ("logoutHSM", {}),
    ("Error2String -r 0xdb", {"-r": 0xdb}),
    ("Error2String -r db", Usage("Invalid response code (-r) specified.")),
    ("Error2String", Usage("Response code (-r) is missing.")),
    ("loginHSM -u CU -s kmsuser -p tempPassword", {"-u": "CU", "-s": "kmsuser", "-p": "tempPassword"}),
    ("loginHSM -p tempPassword -s kmsuser -u CU", {"-u": "CU", "-s": "kmsuser", "-p": "tempPassword"}),
    ("loginHSM -u CU -s kmsuser -hpswd", {"-u": "CU", "-s": "kmsuser", "-hpswd": True}),
    ("loginHSM -u CU -s kmsuser -p pw stray words", {"-u": "CU", "-s": "kmsuser", "-p": "pw"}),
    ("loginHSM -u CO -s admin -p pw", {"-u": "CO", "-s": "admin", "-p": "pw"}),  # the HSM refuses it: 0xdb
    ("loginHSM -s kmsuser -p pw", Usage("User type (-u) is missing.")),
    ("loginHSM -u CU -s kmsuser", Usage("Password (-p) is missing.")),
    ("loginHSM -u CU -p pw", Usage("Username (-s) is missing.")),
    ("loginHSM -u XX -s kmsuser -p pw", Usage("Invalid user type specified.")),
    ("loginHSM -h", Help()),
    ("findKey", {}),
    ("findKey -l mykey -c 4 -t 31 -sess 0", {"-l": "mykey", "-c": 4, "-t": 31, "-sess": 0}),
    ("findKey -u 3,4 -id 0x1 -kcv 0x1a2b3c -m modulus.bin",
     {"-u": [3, 4], "-id": "0x1", "-kcv": bytes.fromhex("1a2b3c"), "-m": "modulus.bin"}),
    ("findKey -sess 2", Usage("Invalid session flag (-sess) specified.")),
    ("findKey -c secret", Usage("Invalid key class (-c) specified.")),
    ("findKey -kcv zz", Usage("Invalid key check value (-kcv) specified.")),
    ("findKey -u 4,x", Usage("Invalid user ids (-u) specified.")),
    ("findKey -x 1", Usage("Invalid argument -x.")),
    ("findKey -l", Usage("Key label (-l) is missing.")),
    ("findKey -h", Help()),
    ("findSingleKey -k 262162", {"-k": 262162}),
    ("findSingleKey -k -1", Usage("Invalid key handle (-k) specified.")),
    ("deleteKey -k 0x40012", {"-k": 0x40012}),
    ("deleteKey", Usage("Key handle (-k) is missing.")),
    ("deleteKey -k x", Usage("Invalid key handle (-k) specified.")),
    ("getKeyInfo -k 262162", {"-k": 262162}),
    ("getKeyInfo -k", Usage("Key handle (-k) is missing.")),
    ("getAttribute -o 262162 -a 512 -out attr.txt", {"-o": 262162, "-a": 512, "-out": "attr.txt"}),
    ("getAttribute -o 262162 -a 9999 -out attr.txt", Usage("Invalid attribute (-a) specified.")),
    ("getAttribute -o 262162 -a 512", Usage("Output file (-out) is missing.")),
    ("setAttribute -o 262162 -a 1", {"-o": 262162, "-a": 1}),
    ("setAttribute -o 262162", Usage("Attribute (-a) is missing.")),
    ("setAttribute -o h -a 1", Usage("Invalid object handle (-o) specified.")),
    ("listAttributes", {}),
    ("listAttributes -x", Usage("Invalid argument -x.")),
    ("genSymKey -t 31 -s 32 -l aes256 -sess -nex -u 4", {"-t": 31, "-s": 32, "-l": "aes256", "-sess": True,
                                                        "-nex": True, "-u": [4]}),
    ("genSymKey -t 31 -s 32 -l aes -min_srv 2 -timeout 30 -m_value 1 -id k1 -attest",
     {"-t": 31, "-s": 32, "-l": "aes", "-min_srv": 2, "-timeout": 30, "-m_value": 1, "-id": "k1", "-attest": True}),
    ("genSymKey -t 31 -l aes", Usage("Key size (-s) is missing.")),
    ("genSymKey -t AES -s 32 -l aes", Usage("Invalid key type (-t) specified.")),
    ("genSymKey -t 31 -s 32 -l aes -timeout 30", Usage("Timeout (-timeout) is valid only with -min_srv.")),
    ("genRSAKeyPair -m 2048 -e 65537 -l rsa", {"-m": 2048, "-e": 65537, "-l": "rsa"}),
    ("genRSAKeyPair -m 2048 -l rsa", Usage("Public exponent (-e) is missing.")),
    ("genRSAKeyPair -m 2k -e 65537 -l rsa", Usage("Invalid modulus length (-m) specified.")),
    ("genECCKeyPair -i 2 -l ec", {"-i": 2, "-l": "ec"}),
    ("genECCKeyPair -l ec", Usage("Curve id (-i) is missing.")),
    ("genDSAKeyPair -m 2048 -l dsa -nex", {"-m": 2048, "-l": "dsa", "-nex": True}),
    ("genDSAKeyPair -m 2048", Usage("Key label (-l) is missing.")),
    ("genPBEKey -l pbe -p secret -s salt -i 10", {"-l": "pbe", "-p": "secret", "-s": "salt", "-i": "10"}),
    ("genPBEKey -p secret", Usage("Key label (-l) is missing.")),
    ("sign -f msg.txt -k 262150 -m 1 -out sig.bin", {"-f": "msg.txt", "-k": 262150, "-m": 1, "-out": "sig.bin"}),
    ("sign -f msg.txt -k 262150 -m 10 -out sig.bin", Usage("Invalid signing mechanism (-m) specified.")),
    ("sign -f msg.txt -k 262150 -m 1", Usage("Output file (-out) is missing.")),
    ("verify -f msg.txt -s sig.bin -k 262151 -m 1", {"-f": "msg.txt", "-s": "sig.bin", "-k": 262151, "-m": 1}),
    ("verify -f msg.txt -k 262151 -m 1", Usage("Signature file (-s) is missing.")),
    ("aesWrapUnwrap -m 1 -f key.bin -w 262169", {"-m": 1, "-f": "key.bin", "-w": 262169}),
    ("aesWrapUnwrap -m 0 -f key.bin -w 262169 -i 0x0102030405060708 -out out.bin",
     {"-m": 0, "-f": "key.bin", "-w": 262169, "-i": bytes(range(1, 9)), "-out": "out.bin"}),
    ("aesWrapUnwrap -m 2 -f key.bin -w 262169", Usage("Invalid mode (-m) specified.")),
    ("aesWrapUnwrap -m 1 -f key.bin -w 262169 -i 0102", Usage("Invalid IV (-i) specified.")),
    ("aesWrapUnwrap -m 1 -f key.bin -w wrapper", Usage("Invalid key handle (-w) specified.")),
    ("imSymKey -f aes.key -w 262151 -t 31 -l imported", {"-f": "aes.key", "-w": 262151, "-t": 31, "-l": "imported"}),
    ("imSymKey -f aes.key -t 31 -l imported", Usage("Wrapping key handle (-w) is missing.")),
    ("importPrivateKey -l rsa -f key.pem -w 262151", {"-l": "rsa", "-f": "key.pem", "-w": 262151}),
    ("importPrivateKey -f key.pem -w 262151", Usage("Key label (-l) is missing.")),
    ("importPubKey -l pub -f pub.pem -sess", {"-l": "pub", "-f": "pub.pem", "-sess": True}),
    ("importPubKey -l pub -f pub.pem -nex", Usage("Invalid argument -nex.")),
    ("exSymKey -k 262150 -w 262151 -out aes.key", {"-k": 262150, "-w": 262151, "-out": "aes.key"}),
    ("exSymKey -k 262150 -w 262151 -out aes.key -m 4 -wk wrap.key",
     {"-k": 262150, "-w": 262151, "-out": "aes.key", "-m": 4, "-wk": "wrap.key"}),
    ("exSymKey -k 262150 -w 262151 -out aes.key -m 5", Usage("Invalid wrapping mechanism (-m) specified.")),
    ("exportPrivateKey -k 262150 -w 262151 -out key.pem", {"-k": 262150, "-w": 262151, "-out": "key.pem"}),
    ("exportPrivateKey -k 262150 -out key.pem", Usage("Wrapping key handle (-w) is missing.")),
    ("exportPubKey -k 262150 -out pub.pem", {"-k": 262150, "-out": "pub.pem"}),
    ("exportPubKey -k 262150", Usage("Output file (-out) is missing.")),
    ("wrapKey -k 262150 -w 262151 -out wrapped.key -m 5 -noheader",
     {"-k": 262150, "-w": 262151, "-out": "wrapped.key", "-m": 5, "-noheader": True}),
    ("wrapKey -k 262150 -w 262151 -out wrapped.key", Usage("Wrapping mechanism (-m) is missing.")),
    ("unWrapKey -f wrapped.key -w 262151", {"-f": "wrapped.key", "-w": 262151}),
    ("unWrapKey -f wrapped.key -w 262151 -noheader -l k -kc 4 -kt 31",
     {"-f": "wrapped.key", "-w": 262151, "-noheader": True, "-l": "k", "-kc": 4, "-kt": 31}),
    ("unWrapKey -f wrapped.key -w 262151 -noheader -l k -kt 31", Usage("Key class (-kc) is missing.")),
    ("unWrapKey -f wrapped.key", Usage("Unwrapping key handle (-w) is missing.")),
    ("extractMaskedObject -o 262150 -out masked.obj", {"-o": 262150, "-out": "masked.obj"}),
    ("extractMaskedObject -o 262150", Usage("Output file (-out) is missing.")),
    ("insertMaskedObject -f masked.obj -min_srv 2", {"-f": "masked.obj", "-min_srv": 2}),
    ("insertMaskedObject -min_srv 2", Usage("Masked object file (-f) is missing.")),
    ("getCaviumPrivKey -k 262150 -out fake.pem", {"-k": 262150, "-out": "fake.pem"}),
    ("getCaviumPrivKey -out fake.pem", Usage("Key handle (-k) is missing.")),
    ("IsValidKeyHandlefile -f fake.pem", {"-f": "fake.pem"}),
    ("IsValidKeyHandlefile", Usage("Key file (-f) is missing.")),
    ("getCert -f cert.pem -s 4", {"-f": "cert.pem", "-s": 4}),
    ("getCert -f cert.pem -t 8", {"-f": "cert.pem", "-t": 8}),
    ("getCert -f cert.pem", Usage("Certificate type (-s) is missing.")),
    ("getCert -s 4", Usage("Output file (-f) is missing.")),
]


@pytest.mark.parametrize("line, expected", ROWS, ids=[row[0] for row in ROWS])
def test_a_line_parses_to_its_flags_or_the_tools_error(line, expected):
    words = line.split()
    command = TABLE.resolve(words[0])
    if isinstance(expected, dict):
        assert command.syntax.parse(words[1:]) == expected
        return
    out = io.StringIO()
    KeyMgmtUtil(None, StreamConsole(io.StringIO(""), out)).dispatch(line)  # an error reads no world
    text = out.getvalue()
    error = f"\n\tError: {expected}\n" if isinstance(expected, Usage) else ""
    assert text.startswith(error + HELP_HEAD)
    assert f"\n\nSyntax: {command.usage}\n\n" in text and "\tError:" not in text[len(error):]


def test_the_table_covers_every_command():
    assert {line.split()[0] for line, _ in ROWS} == set(TABLE.commands)


def test_defaults_stand_for_flags_not_given():
    exported = TABLE.resolve("exSymKey").syntax.parse("-k 262150 -w 262151 -out aes.key".split())
    assert exported["-m"] == 4 and "-m" not in exported
    unwrap = TABLE.resolve("unWrapKey").syntax.parse("-f wrapped.key -w 262151".split())
    assert unwrap["-m"] == crypto.WRAP_PAD_PKCS5
    iv = TABLE.resolve("aesWrapUnwrap").syntax.parse("-m 1 -f key.bin -w 262169".split())["-i"]
    assert iv == crypto.DEFAULT_IV
