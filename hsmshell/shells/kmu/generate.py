"""genSymKey, genRSAKeyPair, genECCKeyPair, genDSAKeyPair and genPBEKey in key_mgmt_util."""

from __future__ import annotations

from ...cloudhsm import keys
from ...cloudhsm import returncodes as rc
from ...cloudhsm.attributes import DSA, EC, RSA
from .shell import KeyMgmtUtil, Usage, command, number, parse, users

POLICY_FLAGS = {"-l": "Key label", "-id": "Key ID", "-min_srv": "Minimum number of servers",
                "-timeout": "Timeout", "-m_value": "M value", "-u": "User ids"}
POLICY_SWITCHES = ("-nex", "-sess", "-attest")
POLICY_SYNTAX = ("[-id <key ID>] [-min_srv <minimum number of servers>] [-m_value <0..8>] [-nex] "
                 "[-sess] [-timeout <number of seconds>] [-u <user-ids>] [-attest]")


def policy_of(options: dict) -> keys.Policy:
    if "-timeout" in options and "-min_srv" not in options:
        raise Usage("Timeout (-timeout) is valid only with -min_srv.")
    number(options, "-timeout", "timeout")
    return keys.Policy(
        label=str(options["-l"]), key_id=str(options.get("-id", "")), shared=users(options),
        m_value=number(options, "-m_value", "m value", 0), extractable="-nex" not in options,
        token="-sess" not in options, min_servers=number(options, "-min_srv", "minimum number of servers", 1),
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


GEN_SYM_SYNTAX = "genSymKey -h -t <key-type> -s <key-size> -l <label> " + POLICY_SYNTAX


@command("genSymKey", summary="Generates a Symmetric keys", syntax=GEN_SYM_SYNTAX,
         description="Generates a Symmetric key.")
def gen_sym_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-t": "Key type", "-s": "Key size", **POLICY_FLAGS}, POLICY_SWITCHES,
                    required=("-t", "-s", "-l"))
    key_type, size = number(options, "-t", "key type"), number(options, "-s", "key size")
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
         description="Generates an RSA key pair.")
def gen_rsa_key_pair(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-m": "Modulus length", "-e": "Public exponent", **POLICY_FLAGS},
                    POLICY_SWITCHES, required=("-m", "-e", "-l"))
    _gen_pair(shell, options, RSA, "Cfm3GenerateKeyPair", modulus=number(options, "-m", "modulus length"),
              exponent=number(options, "-e", "public exponent"))


@command("genECCKeyPair", summary="Generates an ECC Key Pair",
         syntax="genECCKeyPair -h -i <EC curve id> -l <label> " + POLICY_SYNTAX,
         description="Generates an ECC key pair.")
def gen_ecc_key_pair(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-i": "Curve id", **POLICY_FLAGS}, POLICY_SWITCHES, required=("-i", "-l"))
    _gen_pair(shell, options, EC, "Cfm3GenerateKeyPair", curve=number(options, "-i", "curve id"))


@command("genDSAKeyPair", summary="Generates a DSA Key Pair",
         syntax="genDSAKeyPair -h -m <modulus length> -l <label> " + POLICY_SYNTAX,
         description="Generates a DSA key pair.")
def gen_dsa_key_pair(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-m": "Modulus length", **POLICY_FLAGS}, POLICY_SWITCHES, required=("-m", "-l"))
    # genDSAKeyPair.md prints its return line as "Cfm3GenerateKeyPair: returned:".
    _gen_pair(shell, options, DSA, "Cfm3GenerateKeyPair:", modulus=number(options, "-m", "modulus length"))


@command("genPBEKey", summary="Generates a PBE DES3 key", syntax="genPBEKey -h -l <label> " + POLICY_SYNTAX,
         description="Generates a PBE DES3 key.  Not supported on FIPS-validated HSMs.")
def gen_pbe_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    parse(args, {"-l": "Key label", "-p": "Password", "-i": "Iteration count", "-s": "Salt", **POLICY_FLAGS},
          POLICY_SWITCHES, required=("-l",))
    shell.hsm_call("Cfm3GeneratePBEKey", lambda world, cluster, session, hsms: keys.generate_pbe_key(hsms))
