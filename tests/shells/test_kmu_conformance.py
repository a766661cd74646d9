"""key_mgmt_util against the documentation's example sessions, each replayed in a world built
from its stated preconditions and compared as cloudhsm-shells-spec §0.3 advises (whitespace
tolerant, Node id lines unordered).

CASES are single commands compared with the page.  SESSIONS also bring the files a session
reads, the lines typed before it, and the files it writes (a page's `$  cat FILE` lines are
compared with the file the emulator wrote).  Where a page contradicts itself or the tool's
own page, a session carries the fix of the documented text with the spec §4 item that
justifies it; where the page shows a value that follows from key material the page does not
give (a KCV, wrapped bytes) or from the firmware's undocumented encoding (a size), the
session names that value and why it is not compared, and checks only its form.  The examples
not replayed here are listed in NOT_REPLAYED with the reason."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from hsmshell.services import open_store
from hsmshell.shells.console import StreamConsole
from hsmshell.shells.kmu import KeyMgmtUtil
from hsmshell.world import credentials
from hsmshell.world.model import Cluster, Key, User, World

from .conftest import EXAMPLES, doc_body, normalise

CLUSTER = "cluster-1a23b4cdefg"
LOGIN = "loginHSM -u CU -s kmsuser -p tempPassword\n"


def build(store, *, nodes=(0, 1, 2), keys=(), next_handle=262145, cus=(4, 5, 6), taken=()):
    """A world whose client reaches the HSMs `nodes` of a three-HSM cluster, with kmsuser
    (user 3) able to log in, crypto users `cus`, and `keys` (handle, overrides) in HSM order.
    `taken`: handles at or above next_handle that other sessions took first (AES keys of
    user 6), which the HSMs skip when they allocate."""
    with store.transaction() as world:
        world.kms_keys.clear()
        world.custom_key_stores.clear()
        world.sessions.clear()
        cluster = world.clusters[CLUSTER]
        password = credentials.hash_password("tempPassword", 4)
        for index, hsm in enumerate(cluster.hsms):
            hsm.reachable = index in nodes
            for user in hsm.users:
                if user.name == "kmsuser":
                    user.password_hash = password
            hsm.users += [User(uid, "CU", f"user{uid}", password) for uid in cus]
        cluster.keys = {}
        for handle, fields in keys:
            cluster.keys[handle] = Key(**{"handle": handle, "owner": 3, "key_class": 4, "key_type": 31,
                                          "size": 32, "hsms": [h.hsm_id for h in cluster.hsms], **fields})
        cluster.next_handle = max([next_handle, *(h + 1 for h, _ in keys)])
        for handle in taken:
            cluster.keys[handle] = Key(handle=handle, owner=6, key_class=4, key_type=31, size=32,
                                       hsms=[h.hsm_id for h in cluster.hsms])


def compared(text: str) -> list[str]:
    lines = normalise(text)
    nodes = sorted(l for l in lines if l.startswith("Node id"))
    it = iter(nodes)
    return [next(it) if l.startswith("Node id") else l for l in lines]


def last_command(output: str, command: str) -> str:
    start = output.rindex("Command:  " + command)
    end = output.find("\nCommand: ", start + 1)
    return output[start:end if end != -1 else len(output)]


AES = {"key_type": 31, "size": 32}
# example -> (world, lines typed before the example's command, the example's command)
CASES = {
    "kmu-07": (dict(), "", None),
    "kmu-10": (dict(nodes=(1, 2), keys=[(6, AES)]), LOGIN, None),
    "kmu-13": (dict(nodes=(0, 1), keys=[(h, {}) for h in (6, 7)] + [(524296, {"key_class": 2, "key_type": 0,
               "size": 2048, "owner": 1})] + [(h, {}) for h in (9, *range(262154, 262163))]), LOGIN, None),
    "kmu-14": (dict(nodes=(1, 2), keys=[(h, {}) for h in (6, 7, 8, 9, 10, 11, 262156, 262157, 262158, 262159)]),
               LOGIN, None),
    "kmu-15": (dict(keys=[(9, {"shared_with": [4]})]), LOGIN, None),
    "kmu-16": (dict(keys=[(20, {"key_class": 3, "key_type": 0, "size": 2048, "shared_with": [4, 5]})]), LOGIN, None),
    "kmu-17": (dict(keys=[(21, {"key_class": 2, "key_type": 0, "size": 2048})]), LOGIN, None),
    "kmu-18": (dict(nodes=(0,), keys=[(11, {"shared_with": [4]}), (12, {"shared_with": [4]}), (13, {}),
               (262159, {"shared_with": [4]}), (262161, {"shared_with": [4]}), (262162, {"owner": 4, "shared_with": [3]}),
               (19, {"key_class": 2, "key_type": 1, "size": 2048}), (20, {"shared_with": [4, 5]}),
               (21, {"key_class": 2, "key_type": 0, "size": 2048})]), LOGIN, None),
    "kmu-19": (dict(nodes=(0, 1), next_handle=27), LOGIN, None),
    "kmu-20": (dict(keys=[(28, {"key_class": 3, "key_type": 0, "size": 2048, "shared_with": [4], "m_value": 2})]),
               LOGIN, None),
    "kmu-22": (dict(nodes=(0, 1), next_handle=10), LOGIN, None),
    "kmu-26": (dict(nodes=(0,), next_handle=6), LOGIN, None),
    "kmu-27": (dict(nodes=(0, 1), next_handle=9), LOGIN, None),
    "kmu-28": (dict(nodes=(0,), next_handle=7), LOGIN, None),
    "kmu-32": (dict(), "", None),
    "kmu-33": (dict(nodes=(0, 1), next_handle=262154), LOGIN, None),
    "kmu-34": (dict(nodes=(0, 1), next_handle=262154), LOGIN + "genSymKey -t 31 -s 24 -l tmpAES -sess\n", None),
    "kmu-35": (dict(nodes=(0, 1), next_handle=262154), LOGIN + "genSymKey -t 31 -s 24 -l tmpAES -sess\n",
               "setAttribute -o 262154 -a 1\n1\n"),
    "kmu-37": (dict(keys=[(252136, {})], next_handle=252137), LOGIN, None),
    "kmu-39": (dict(next_handle=524295), LOGIN, None),
    "kmu-40": (dict(keys=[(524300, {})], next_handle=524301), LOGIN, None),
    "kmu-41": (dict(next_handle=524299), LOGIN, None),
    "kmu-42": (dict(nodes=(0,)), LOGIN, None),
    "kmu-47": (dict(keys=[(17, {"key_class": 3, "key_type": 1, "size": 2048, "shared_with": [4, 6], "m_value": 2})]),
               LOGIN, None),
    "kmu-56": (dict(nodes=(0,), next_handle=6), LOGIN, None),
    "kmu-60": (dict(next_handle=524294, taken=[524295]), LOGIN, None),
    "kmu-61": (dict(next_handle=524297), LOGIN, None),
    "kmu-65": (dict(next_handle=524304), LOGIN, None),
    "kmu-87": (dict(nodes=(0,), next_handle=19, taken=[20]), LOGIN, None),
    "kmu-88": (dict(nodes=(0,), next_handle=12, taken=[13]), LOGIN, None),
    # "Logged in as a CU (not 3, 5 or 6)": the pair is shared with 3, 5 and 6.
    "kmu-89": (dict(nodes=(0,), next_handle=11, taken=range(12, 19)), "loginHSM -u CU -s user4 -p tempPassword\n",
               None),
    "kmu-90": (dict(nodes=(0, 1), next_handle=12, taken=range(13, 17)), LOGIN, None),
    "kmu-91": (dict(nodes=(0, 1), next_handle=262168), LOGIN, None),
    "kmu-98": (dict(nodes=(0, 1), next_handle=27), LOGIN, None),
}

NOT_REPLAYED = {
    "kmu-01": "the password is a placeholder; kms-03 (test_kmu.py) replays the same output",
    "kmu-04": "'Cluster Status' heading variant (spec §4.27); the canonical heading is replayed in kmu-01",
    "kmu-05": "'Cluster Status' heading variant (spec §4.27)",
    "kmu-06": "'Cluster Status' heading variant (spec §4.27)",
    "kmu-09": "the command passes 0xa8 but the output maps c6 (spec §4.29)",
    "kmu-21": "says 8 keys, lists 10 (spec §4.14)",
    "kmu-23": "listAttributes header and list of the getAttribute page, not the tool's own page (kmu-32)",
    "kmu-29": "shared users on one line, where getKeyInfo.md prints one a line (spec §4.36)",
    "kmu-31": "'Number Of Users found 4' over 5 rows (spec §4.5)",
    "kmu-51": "'Cluster Status:' / 'Node id N status:' variant (spec §4.27) and handles 2100177/2100426",
    "kmu-53": "public handle 262179 above private 262177, where kmu-61 (the same curve) and every other pair "
              "has the public key's handle below the private key's: the public key takes its handle first",
    "kmu-55": "a '$' prompt in place of 'Command:' (doc artifact)",
    # Replayed in test_kmu.py, in the default world the runbook starts from.
    "kms-03": "test_kmu.test_login_and_logout_as_kmsuser",
    "kms-04": "test_kmu.test_login_and_logout_as_kmsuser (§4.38: nodes 0 and 1 of three)",
    "kms-05": "test_kmu.test_delete_orphaned_key_material",
    "kms-09": "test_kmu.test_find_backing_key_by_its_kms_key_arn (§4.13: 0::1 for one key)",
    "kmu-11": "test_kmu.test_delete_a_handle_that_does_not_exist",
    "kmu-12": "test_kmu.test_only_the_owner_deletes_a_key",
}

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "doc-examples"


def kmu_examples(folder: Path) -> set[str]:
    return {p.name[:6] for p in folder.glob("*.txt") if re.match(r"kmu-|kms-0[3459]", p.name)}


def test_every_documented_kmu_session_is_replayed_or_listed():
    names = kmu_examples(EXAMPLES)
    assert names == set(CASES) | set(SESSIONS) | set(NOT_REPLAYED)
    assert not set(CASES) & set(SESSIONS) and not (set(CASES) | set(SESSIONS)) & set(NOT_REPLAYED)
    if REFERENCE.is_dir():  # beside the reference set: every example of it is copied here
        assert kmu_examples(REFERENCE) <= names


@pytest.mark.parametrize("name", sorted(CASES))
def test_documented_session(name, store, doors):
    world, before, typed = CASES[name]
    build(store, **world)
    body = doc_body(name)
    command = next(l for l in normalise(body) if l.startswith("Command:"))[len("Command: "):]
    out = doors.kmu(before + (typed or command + "\n") + "exit\n")
    expected = compared(body)
    assert compared(last_command(out, command.split()[0]))[:len(expected)] == expected


# -- sessions with files -----------------------------------------------------------------------

FILES = EXAMPLES / "files"
DES3 = {"key_type": 21, "size": 24}
RSA_PRIVATE = {"key_class": 3, "key_type": 0, "size": 2048}
RSA_PUBLIC = {"key_class": 2, "key_type": 0, "size": 2048}
KCV = r"0x[0-9a-f]{6}"

Fix = tuple[str, Callable[[str], str]]  # (why, documented text -> canonical text)


def replace(why: str, *pairs: str) -> Fix:
    def fix(text: str) -> str:
        for old, new in zip(pairs[::2], pairs[1::2]):
            assert old in text, f"{old!r} not in the documented text"
            text = text.replace(old, new)
        return text
    return why, fix


def return_line_not_shown(after: str) -> Fix:
    return replace("spec §3.4 getAttribute: some examples omit the Cfm3GetAttribute return line", after,
                   after + "\nCfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS\n")


def rsa_pem(ber_length: int) -> bytes:
    """An RSA-2048 key file (openssl genrsa's PEM) whose PKCS #8 encoding, the BER the tool
    reports, is `ber_length` bytes, as the page's key is."""
    return (FILES / f"rsa2048-ber{ber_length}.pem").read_bytes()


def rsa_public_pem(ber_length: int) -> bytes:
    return serialization.load_pem_private_key(rsa_pem(ber_length), None).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


Setup = Callable[[World, Cluster, str], None]  # (world, cluster, the shell's session id)


def session_keys(*keys: tuple[int, dict]) -> Setup:
    """Keys made earlier in the documented login, with handles no allocation order in one
    session gives (another session took the handles between)."""
    def setup(world: World, cluster: Cluster, session_id: str) -> None:
        node = cluster.hsms[max(i for i, h in enumerate(cluster.hsms) if h.reachable)].hsm_id
        for handle, fields in keys:
            cluster.keys[handle] = Key(**{"handle": handle, "owner": 3, "key_class": 4, "key_type": 31,
                                          "size": 32, "hsms": [node], "token": False,
                                          "session_id": session_id, **fields})
    return setup


def public_key_material(handle: int, modulus: str) -> Setup:
    """The page's RSA public key, modulus and all."""
    def setup(world: World, cluster: Cluster, session_id: str) -> None:
        public = rsa.RSAPublicNumbers(65537, int(modulus, 16)).public_key()
        cluster.keys[handle].material = world.sealer.seal(public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
    return setup


@dataclass
class Replay:
    world: dict = field(default_factory=dict)  # build()'s arguments
    before: str = LOGIN  # lines typed before the documented session
    files: dict[str, bytes] = field(default_factory=dict)  # the working folder's files ("dir/": a folder)
    setup: Setup | None = None  # the world as the documented session finds it
    fixes: list[Fix] = field(default_factory=list)
    vary: dict[str, str] = field(default_factory=dict)  # session text regex -> why it is not compared
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # file field -> (its form, why)


def attribute_file(text: str, fields: dict[str, tuple[str, str]]) -> list[str]:
    lines = normalise(text)
    for i, line in enumerate(lines[:-1]):
        if line in fields:
            form, _why = fields[line]
            assert re.fullmatch(form, lines[i + 1]), f"{line} {lines[i + 1]!r} is not {form}"
            lines[i + 1] = f"<{line}>"
    return lines


def varied(lines: list[str], vary: dict[str, str]) -> list[str]:
    out = []
    for line in lines:
        for pattern in vary:
            line = re.sub(pattern, "<varies>", line)
        out.append(line)
    return out


AES_256_KEY = bytes(range(32))
DES3_KEY = bytes(range(100, 124))
KMU_NODES = dict(nodes=(0, 1, 2))
MODULUS_2100177 = (
    "bb9301cc362c1d9724eb93da8adab0364296bde7124a241087d9436b9be57e4f7780040df03c2c"
    "1c0fe6e3b61aa83c205280119452868f66541bbbffacbbe787b8284fc81deaeef2b8ec0ba25a077d"
    "6983c77a1de7b17cbe8e15b203868704c6452c2810344a7f2736012424cf0703cf15a37183a1d2d0"
    "97240829f8f90b063dd3a41171402b162578d581980976653935431da0c1260bfe756d85dca63857"
    "d9f27a541676cb9c7def0ef6a2a89c9b9304bcac16fdf8183c0a555421f9ad5dfeb534cf26b65873"
    "970cdf1a07484f1c128b53e10209cc6f7ac308669112968c81a5de408e7f644fe58b1a9ae1286fec"
    "b3e4203294a96fae06f8f0db7982cb5d7f")
UNKNOWN_KCV = (KCV, "the KCV of key material the page does not give")
ALL_SIZE = {r"(?<=got all attributes of size )\d+": "GAP: the byte size of the firmware's attribute "
            "encoding, which no documented encoding gives (attributes.wire_size)"}
WRAPPED_BYTES = {r"^([0-9A-F]{2} ){7}[0-9A-F]{2}$": "bytes wrapped or unwrapped with key material the page "
                 "does not give; the number of lines (the length) is compared"}
IMPORT_WRAPPING_KEY = LOGIN + "genSymKey -t 31 -s 16 -sess -l import-wrapping-key\n"  # kmu-41
IM_SYM_KEY = "imSymKey -f aes256.key -t 31 -l aes256-imported -w 524299\n"  # kmu-62
IMPORT_PRIVATE_KEY = "importPrivateKey -f rsa2048.key -l rsa2048-imported -w 524299\n"  # kmu-63
SIGNER = [(262275, {**RSA_PRIVATE, "label": "signer"}), (262276, {**RSA_PUBLIC, "label": "signer"})]

SESSIONS: dict[str, Replay] = {
    "kmu-02": Replay(KMU_NODES),
    "kmu-03": Replay(before=""),
    "kmu-08": Replay(dict(keys=[(262162, {"shared_with": [4]})]), "loginHSM -u CU -s user4 -p tempPassword\n",
                     fixes=[replace("§4.28 and §3.3: the Error2String page's refusal has no final '.' and an empty "
                                    "status heading; deleteKey.md, the command's own page (kmu-12), has neither",
                                    "Key Access is denied\n\n        Cluster Error Status\n", "Key Access is denied.\n")]),
    "kmu-24": Replay(dict(keys=[(524296, DES3)]), fixes=[return_line_not_shown("dumped into attribute.txt file")]),
    "kmu-25": Replay(dict(keys=[(6, {"label": "aes256", "attributes": {258: "test_01"}})]),
                     fixes=[replace("§4.30: the page names attribute.txt for -out attr_6", "attribute.txt", "attr_6"),
                            replace("§4.32: 'SUCCESS>' typo", "SUCCESS>", "SUCCESS"),
                            replace("§4.34: the key is the AES-256 key the page says it is (VALUE_LEN 32, wrap "
                                    "and unwrap on), not type 0x15", "OBJ_ATTR_KEY_TYPE\n0x15", "OBJ_ATTR_KEY_TYPE\n0x1f")],
                     vary=ALL_SIZE, fields={"OBJ_ATTR_KCV": UNKNOWN_KCV}),
    "kmu-30": Replay(dict(keys=[(7, {**DES3, "label": "3DES_shared", "shared_with": [4], "attributes": {258: "IT-02"}})]),
                     fixes=[replace("§4.23: '-attr_7' for '-out attr_7'", "-attr_7", "-out attr_7")],
                     vary=ALL_SIZE, fields={"OBJ_ATTR_KCV": UNKNOWN_KCV}),
    "kmu-36": Replay(dict(nodes=(0, 1), keys=[(h, {}) for h in (6, 7, 524296, 9, 262154)])),
    "kmu-38": Replay(before=""),
    "kmu-43": Replay(dict(keys=SIGNER), LOGIN + "sign -f usercert -k 262275 -m 1 -out usercertsigned\n",
                     files={"hardwarecert.crt": b"hardware certificate\n", "usercert": b"user certificate\n"}),
    "kmu-44": Replay(dict(keys=SIGNER), LOGIN + "sign -f hardwareCert.crt -k 262275 -m 1 -out hardwareCertSigned\n",
                     files={"hardwareCert.crt": b"hardware certificate\n"}),
    "kmu-45": Replay(dict(KMU_NODES, keys=[(6, {})], next_handle=37),
                     LOGIN + "imSymKey -f 3des192.key -w 6 -t 21 -l temp -id test01 -sess\n",  # kmu-97's key
                     files={"3des192.key": DES3_KEY}),
    "kmu-46": Replay(dict(nodes=(0,), next_handle=15),
                     setup=session_keys((12, {"key_class": 2, "key_type": 1, "size": 2048}),
                                        (14, {"key_class": 3, "key_type": 1, "size": 2048}))),
    "kmu-48": Replay(dict(keys=[(262180, {"attributes": {355: 0}})]), files={"attributes/": b""},
                     fixes=[replace("§4.30: the page names other files than -out attributes/attr_262180",
                                    "attr_262180_imported", "attr_262180", "attr_262180_local", "attr_262180")]),
    "kmu-49": Replay(dict(keys=[(14, {})]), fixes=[return_line_not_shown("dumped into attr_14_kcv file")],
                     fields={"OBJ_ATTR_KCV": UNKNOWN_KCV}),
    "kmu-50": Replay(dict(keys=[(21, {})]), fixes=[return_line_not_shown("dumped into attr_21_kcv file")],
                     fields={"OBJ_ATTR_KCV": UNKNOWN_KCV}),
    "kmu-52": Replay(dict(keys=[(2100177, {**RSA_PUBLIC, "label": "rsa_test"})]),
                     setup=public_key_material(2100177, MODULUS_2100177),
                     fixes=[replace("§3.4 getAttribute: genRSAKeyPair.md's variant of the count and file lines; "
                                    "getAttribute.md's is canonical", "Attribute size: 801, count: 26",
                                    "got all attributes of size 801 attr cnt 26", "Written to: attr_2100177 file",
                                    "Attributes dumped into attr_2100177 file")],
                     vary=ALL_SIZE, fields={"OBJ_ATTR_KCV": (KCV, "GAP: the public key encoding the firmware "
                                                                  "hashes for a KCV (check_values.kcv)")}),
    "kmu-54": Replay(dict(keys=[(262177, {"key_class": 3, "key_type": 3, "size": 256, "label": "ecc2"})]),
                     fixes=[replace("§3.4 getAttribute: genECCKeyPair.md drops the final ' file'",
                                    "Attributes dumped into attr_262177\n", "Attributes dumped into attr_262177 file\n")],
                     vary=ALL_SIZE, fields={"OBJ_ATTR_KCV": UNKNOWN_KCV,
                                            "OBJ_ATTR_MODULUS": (r"04[0-9a-f]{128}", "the P-256 point of a private "
                                                                 "key the page does not give"),
                                            "OBJ_ATTR_MODULUS_BITS": (r"0x[0-9a-f]{8}", "GAP: 0x19f for a P-256 "
                                                                      "point follows from no rule (crypto.public_details)")}),
    "kmu-57": Replay(dict(nodes=(0,), next_handle=8), setup=session_keys((6, {"size": 16, "label": "wrapping_key_for_import"})),
                     files={"web_server_existing.key": rsa_pem(1219)},
                     fixes=[replace("the page's placeholders, as its preconditions fill them",
                                    "<web_server_existing.key>", "web_server_existing.key",
                                    "<web_server_imported_key>", "web_server_imported_key", "<wrapping_key_handle>", "6")]),
    "kmu-62": Replay(dict(KMU_NODES, next_handle=524299), IMPORT_WRAPPING_KEY, files={"aes256.key": AES_256_KEY}),
    "kmu-63": Replay(dict(KMU_NODES, next_handle=524299), IMPORT_WRAPPING_KEY + IM_SYM_KEY,
                     files={"aes256.key": AES_256_KEY, "rsa2048.key": rsa_pem(1216)}),
    "kmu-64": Replay(dict(KMU_NODES, next_handle=524299), IMPORT_WRAPPING_KEY + IM_SYM_KEY + IMPORT_PRIVATE_KEY,
                     files={"aes256.key": AES_256_KEY, "rsa2048.key": rsa_pem(1216), "rsa2048.pub": rsa_public_pem(1216)}),
    "kmu-66": Replay(dict(keys=[(524295, {}), (524304, {"size": 16})])),
    "kmu-67": Replay(dict(keys=[(524296, RSA_PRIVATE), (524304, {"size": 16})])),
    "kmu-68": Replay(dict(keys=[(524294, RSA_PUBLIC)]),
                     fixes=[replace("§4.31: the page names rsa2048.pub.key for -out rsa2048.pub.exp",
                                    "rsa2048.pub.key", "rsa2048.pub.exp")]),
    "kmu-69": Replay(dict(keys=[(10, RSA_PUBLIC)])),
    "kmu-70": Replay(dict(keys=[(15, RSA_PRIVATE), (16, {})])),
    "kmu-71": Replay(dict(KMU_NODES, next_handle=262230), files={"public.pem": rsa_public_pem(1216)}),
    "kmu-72": Replay(dict(KMU_NODES, next_handle=524299), IMPORT_WRAPPING_KEY + IM_SYM_KEY,
                     files={"aes256.key": AES_256_KEY, "rsa2048.key": rsa_pem(1216)}),
    "kmu-73": Replay(dict(KMU_NODES, keys=[(20, {})], next_handle=262180), files={"aes256.key": AES_256_KEY}),
    "kmu-74": Replay(dict(keys=[(6, {}), (7, DES3)])),
    "kmu-75": Replay(dict(keys=[(7, DES3), (14, {})]),
                     vary={r"(?<=length )\d+": "GAP: the length of the firmware's header before the wrapped key "
                                               "(keys.wrap_key)"}),
    "kmu-76": Replay(dict(nodes=(0, 1), keys=[(6, {}), (7, DES3)], next_handle=29),
                     LOGIN + "wrapKey -k 7 -w 6 -out 3DES.key -m 4\n"),
    "kmu-77": Replay(dict(nodes=(0, 1), keys=[(6, {}), (7, DES3)], next_handle=8),
                     LOGIN + "wrapKey -k 7 -w 6 -out 3DES.key -m 4 -noheader\n"),
    "kmu-78": Replay(dict(keys=[(524295, {})])),
    "kmu-79": Replay(dict(KMU_NODES, keys=[(6, {})], next_handle=262433), LOGIN + "extractMaskedObject -o 6 -out maskedObj\n"),
    "kmu-80": Replay(dict(keys=[(15, RSA_PRIVATE)])),
    "kmu-81": Replay(before="", files={"privateKey.pem": rsa_pem(1216)}),
    "kmu-82": Replay(dict(keys=[(15, RSA_PRIVATE)]), LOGIN + "getCaviumPrivKey -k 15 -out caviumKey.pem\n"),
    "kmu-83": Replay(),
    "kmu-84": Replay(dict(KMU_NODES, keys=[(266309, RSA_PRIVATE)]), files={"messageFile": b"a message to sign\n"}),
    "kmu-85": Replay(dict(keys=[(6, {})]), files={"3DES.key": DES3_KEY}, vary=WRAPPED_BYTES),
    "kmu-86": Replay(dict(keys=[(6, {})]), LOGIN + "aesWrapUnwrap -f 3DES.key -w 6 -m 1 -out 3DES.key.wrapped\n",
                     files={"3DES.key": DES3_KEY}, vary=WRAPPED_BYTES),
    "kmu-92": Replay(dict(nodes=(0, 1), keys=[(8, {})], next_handle=262168),
                     LOGIN + "genSymKey -t 31 -s 32 -l AES-wrapping-key -sess\n"),  # kmu-91
    "kmu-93": Replay(dict(nodes=(0, 1), keys=[(6, {})], next_handle=262167),
                     files={"keys/": b"", "keys/aes256-forImport.key": AES_256_KEY}),
    "kmu-94": Replay(dict(keys=[(6, {}), (21, {"size": 24})], next_handle=262167),
                     LOGIN + "imSymKey -f aes256-forImport.key -t 31 -l aes256-imported -w 6\n",  # kmu-93
                     files={"aes256-forImport.key": AES_256_KEY}),
    "kmu-95": Replay(dict(keys=[(6, {}), (14, {})])),
    # The wrapping key is one user 6 made in an earlier session, above the next handle.
    "kmu-96": Replay(dict(KMU_NODES, next_handle=21, taken=[262152]), "loginHSM -u CU -s user6 -p tempPassword\n",
                     files={"aes.key": AES_256_KEY}),
    "kmu-97": Replay(dict(nodes=(0,), keys=[(6, {})], next_handle=37), files={"3des192.key": DES3_KEY}),
}


class Typist(io.StringIO):
    """The lines typed into the tool.  When the documented session starts it sets the world up
    as the session finds it and notes where in the output the session starts."""

    def __init__(self, before: str, script: list[str], out: io.StringIO, at_start: Callable[[], None]):
        super().__init__(before + "".join(line + "\n" for line in script))
        self.out, self.start_at, self.at_start = out, before.count("\n"), at_start
        self.lines_read, self.start = 0, None

    def readline(self, *args) -> str:
        if self.lines_read == self.start_at and self.start is None:
            self.at_start()
            self.start = self.out.tell()
        self.lines_read += 1
        return super().readline(*args)


def replay(store, before: str, script: list[str], setup: Setup | None) -> str:
    out = io.StringIO()
    shell: KeyMgmtUtil | None = None

    def at_start() -> None:
        if setup is not None:
            with store.transaction() as world:
                setup(world, world.clusters[CLUSTER], shell.session_id)

    typist = Typist(before, script, out, at_start)
    shell = KeyMgmtUtil(store, StreamConsole(typist, out, echo=True))
    shell.run()
    text = out.getvalue()
    return text[text.rfind("\n", 0, typist.start) + 1:]


def split_page(body: str) -> tuple[str, dict[str, str]]:
    """The tool's session, and the files the page shows with `$  cat FILE`."""
    parts = re.split(r"^\s*\$\s+cat\s+(\S+)\s*$", body, flags=re.M)
    return parts[0], dict(zip(parts[1::2], parts[2::2]))


def session_lines(text: str) -> list[str]:
    lines = compared(text)
    while lines and lines[-1].strip() == "Command:":
        lines.pop()  # the prompt after the session, shown or not
    return lines


@pytest.mark.parametrize("name", sorted(SESSIONS))
def test_documented_session_with_files(name, store, tmp_path, monkeypatch):
    case = SESSIONS[name]
    monkeypatch.chdir(tmp_path)
    build(store, **case.world)
    for path, content in case.files.items():
        if path.endswith("/"):
            (tmp_path / path).mkdir()
        else:
            (tmp_path / path).write_bytes(content)
    body = doc_body(name)
    for _why, fix in case.fixes:
        body = fix(body)
    session, shown_files = split_page(body)
    script = [line[len("Command: "):] for line in normalise(session) if line.startswith("Command: ")]
    got = replay(open_store(store.path), case.before, script, case.setup)
    expected = session_lines(session)
    for pattern in case.vary:
        assert any(re.search(pattern, line) for line in expected), f"{pattern} varies nothing"
    assert varied(session_lines(got), case.vary) == varied(expected, case.vary)
    for path, text in shown_files.items():
        written = (tmp_path / path).read_text()
        assert attribute_file(written, case.fields) == attribute_file(text, case.fields)
    assert all(f in "".join(shown_files.values()) for f in case.fields), "a tolerated field the page does not show"
