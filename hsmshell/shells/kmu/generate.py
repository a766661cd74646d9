"""genSymKey, genRSAKeyPair, genECCKeyPair, genDSAKeyPair and genPBEKey in key_mgmt_util."""

from __future__ import annotations

from ...cloudhsm import keys
from ...cloudhsm import returncodes as rc
from ...cloudhsm.attributes import DSA, EC, RSA
from ..engine import USER_ID
from .shell import KeyMgmtUtil, command
from .syntax import NUMBER, SWITCH, USERS, Flag, Usage

LABEL = Flag("-l", "Key label", required=True)
POLICY_FLAGS = (Flag("-id", "Key ID"), Flag("-min_srv", "Minimum number of servers", NUMBER, default=1),
                Flag("-timeout", "Timeout", NUMBER), Flag("-m_value", "M value", NUMBER, default=0),
                Flag("-u", "User ids", USERS, known=USER_ID))
POLICY_SWITCHES = (Flag("-nex", kind=SWITCH), Flag("-sess", kind=SWITCH), Flag("-attest", kind=SWITCH))
POLICY_SYNTAX = ("[-id <key ID>] [-min_srv <minimum number of servers>] [-m_value <0..8>] [-nex] "
                 "[-sess] [-timeout <number of seconds>] [-u <user-ids>] [-attest]")

_MIN_SRV = (
    "-min_srv{pad}specifies the number of servers the key should atleast be generated on or poll till it gets generated",
    "{indent}(till the time specified by -timeout option)",
    "{indent}if the key fails to get synced on required number of servers, the key will be deleted",
    "-timeout{pad}specifies the number of seconds to wait for the key to get synced when min_srv option is used.",
    "{indent}If nothing is specified, the polling will continue forever",
)


def min_srv_where(column: int) -> tuple[str, ...]:
    """The Where: lines of -min_srv and -timeout, their texts starting at `column`."""
    pad, indent = " " * (column - 15), " " * (column - 7)
    return tuple(line.format(pad=pad, indent=indent) for line in _MIN_SRV)


_PAIR = ("-h        displays this information", "{m}", "-l        specifies the key label",
         "-sess     specifies key as session key", "-id       specifies key ID",
         "-nex      set the key as non-extractable",
         "-u        specifies the list of users to share with (separated by ,) (optional)",
         "-m_value  specifies the number of users to approve for any key service",
         "-attest   performs the attestation check on the firmware response")


def _pair_where(*modulus: str) -> tuple[str, ...]:
    """A key pair's Where: lines, with those of its own parameters."""
    head = [line for line in _PAIR if line != "{m}"]
    return (head[0], *modulus, *head[1:], *min_srv_where(17))


def policy_of(options: dict) -> keys.Policy:
    if "-timeout" in options and "-min_srv" not in options:
        raise Usage("Timeout (-timeout) is valid only with -min_srv.")
    return keys.Policy(
        label=str(options["-l"] or ""), key_id=str(options["-id"] or ""), shared=options["-u"] or [],
        m_value=options["-m_value"] or 0, extractable="-nex" not in options, token="-sess" not in options,
        min_servers=options["-min_srv"],
    )


def _created(shell: KeyMgmtUtil, call: str, made, nodes, attest: bool, text: str) -> None:
    shell.returned(call, rc.SUCCESS)
    shell.line()
    shell.line(text)
    if attest:  # the firmware's response is signed by the HSM, and this one checks out
        shell.line()
        shell.line("\tAttestation Check : [PASS]")
    shell.node_status(nodes, made.hsms)
    shell.line()


@command("genSymKey", summary="Generates a Symmetric keys",
         syntax="genSymKey -h -t <key-type> -s <key-size> -l <label> " + POLICY_SYNTAX,
         description="Generates a Symmetric key.",
         flags=(Flag("-t", "Key type", NUMBER, required=True, known=("16", "18", "21", "31")),
                Flag("-s", "Key size", NUMBER, required=True), LABEL, *POLICY_FLAGS, *POLICY_SWITCHES),
         where=("-h       displays this information", "-l       specifies the Key Label",
                "-t       specifies the key type", "         (16 = GENERIC_SECRET, 18 = RC4, 21 = DES3, 31 = AES)",
                "-s       specifies the key size in bytes", "         for AES : 16, 24, 32", "             3DES: 24",
                "             RC4 : <= 256", "             GENERIC_SECRET: <= 800",
                "-sess    specifies key as session key", "-id      specifies key ID",
                "-nex     set the key as non-extractable",
                "-u       specifies the list of users to share with (separated by ,) (optional)",
                "-m_value specifies the number of users to approve for any key service", *min_srv_where(16),
                "-attest  performs the attestation check on the firmware response"))
def gen_sym_key(shell: KeyMgmtUtil, options: dict) -> None:
    key_type, size = options["-t"], options["-s"]
    policy = policy_of(options)
    call = "Cfm3GenerateSymmetricKey"
    done = shell.hsm_call(call, lambda world, cluster, session, hsms: keys.generate_secret_key(
        world, cluster, session, hsms, key_type=key_type, size=size, policy=policy))
    if done is not None:
        made, nodes = done
        _created(shell, call, made, nodes, "-attest" in options,
                 f"\tSymmetric Key Created.  Key Handle: {made.handles[0]}")


def _gen_pair(shell: KeyMgmtUtil, options: dict, key_type: int, returned_as: str, **params) -> None:
    policy = policy_of(options)
    call = "Cfm3GenerateKeyPair"
    done = shell.hsm_call(call, lambda world, cluster, session, hsms: keys.generate_key_pair(
        world, cluster, session, hsms, key_type=key_type, policy=policy, **params))
    if done is not None:
        made, nodes = done
        public, private = made.handles
        _created(shell, returned_as, made, nodes, "-attest" in options,
                 f"\tCfm3GenerateKeyPair:    public key handle: {public}    private key handle: {private}")


@command("genRSAKeyPair", summary="Generates an RSA Key Pair",
         syntax="genRSAKeyPair -h -m <modulus length> -e <public exponent> -l <label> " + POLICY_SYNTAX,
         description="Generates an RSA key pair.",
         flags=(Flag("-m", "Modulus length", NUMBER, required=True, known=("2048", "3072", "4096")),
                Flag("-e", "Public exponent", NUMBER, required=True, known=("65537",)), LABEL,
                *POLICY_FLAGS, *POLICY_SWITCHES),
         where=_pair_where("-m        specifies the modulus length: eg. 2048",
                           "-e        specifies the public exponent: any odd number typically >= 65537 to 2^31 - 1"))
def gen_rsa_key_pair(shell: KeyMgmtUtil, options: dict) -> None:
    _gen_pair(shell, options, RSA, "Cfm3GenerateKeyPair", modulus=options["-m"], exponent=options["-e"])


@command("genECCKeyPair", summary="Generates an ECC Key Pair",
         syntax="genECCKeyPair -h -i <EC curve id> -l <label> " + POLICY_SYNTAX,
         description="Generates an ECC key pair.",
         flags=(Flag("-i", "Curve id", NUMBER, required=True), LABEL, *POLICY_FLAGS, *POLICY_SWITCHES),
         where=_pair_where("-i        specifies the Curve ID"))
def gen_ecc_key_pair(shell: KeyMgmtUtil, options: dict) -> None:
    _gen_pair(shell, options, EC, "Cfm3GenerateKeyPair", curve=options["-i"])


@command("genDSAKeyPair", summary="Generates a DSA Key Pair",
         syntax="genDSAKeyPair -h -m <modulus length> -l <label> " + POLICY_SYNTAX,
         description="Generates a DSA key pair.",
         flags=(Flag("-m", "Modulus length", NUMBER, required=True, known=("1024", "2048", "3072")), LABEL,
                *POLICY_FLAGS, *POLICY_SWITCHES),
         where=_pair_where("-m        specifies the modulus length in bits:",
                           "          Should be either 1024, 2048 or 3072"))
def gen_dsa_key_pair(shell: KeyMgmtUtil, options: dict) -> None:
    # genDSAKeyPair.md prints its return line as "Cfm3GenerateKeyPair: returned:".
    _gen_pair(shell, options, DSA, "Cfm3GenerateKeyPair:", modulus=options["-m"])


@command("genPBEKey", summary="Generates a PBE DES3 key", syntax="genPBEKey -h -l <label> " + POLICY_SYNTAX,
         description="Generates a PBE DES3 key.  Not supported on FIPS-validated HSMs.",
         flags=(LABEL, Flag("-p", "Password", secret=True), Flag("-i", "Iteration count"), Flag("-s", "Salt"),
                *POLICY_FLAGS, *POLICY_SWITCHES),
         where=("-h        displays this information", "-l        specifies the key label",
                "-p        specifies the password", "-s        specifies the salt value: eg. name",
                "-c        specifies the iteration count <= 10000: eg. 10",
                "-sess     specifies key as session key", "-id       specifies key ID",
                "-nex      set the key as non-extractable",
                "-u        specifies the list of users to share with (separated by ,) (optional)",
                "-attest   performs the attestation check on the firmware response", *min_srv_where(17)))
def gen_pbe_key(shell: KeyMgmtUtil, options: dict) -> None:
    shell.hsm_call("Cfm3GeneratePBEKey", lambda world, cluster, session, hsms: keys.generate_pbe_key(hsms))
