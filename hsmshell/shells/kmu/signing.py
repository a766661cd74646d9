"""sign, verify and aesWrapUnwrap in key_mgmt_util."""

from __future__ import annotations

from ...cloudhsm import keys, mechanisms
from ...cloudhsm import returncodes as rc
from ..engine import KEY_HANDLE
from .shell import KeyMgmtUtil, command
from .syntax import HANDLE, HEX, NUMBER, Flag, Usage

MECHANISM = Flag("-m", "Signing mechanism", NUMBER, required=True, choices=tuple(mechanisms.SIGNING))
_MECHANISMS = ("SHA1_RSA_PKCS       - 0", "SHA256_RSA_PKCS     - 1", "SHA384_RSA_PKCS     - 2",
               "SHA512_RSA_PKCS     - 3", "SHA224_RSA_PKCS     - 4", "SHA1_RSA_PKCS_PSS   - 5",
               "SHA256_RSA_PKCS_PSS - 6", "SHA384_RSA_PKCS_PSS - 7", "SHA512_RSA_PKCS_PSS - 8",
               "SHA224_RSA_PKCS_PSS - 9", "ECDSA_SHA1          - 15", "ECDSA_SHA224        - 16",
               "ECDSA_SHA256        - 17", "ECDSA_SHA384        - 18", "ECDSA_SHA512        - 19")


@command("sign", summary="Generates a signature",
         syntax="sign -h -f <file to sign> -k <private key handle> -m <signature mechanism> -out <signed file>",
         description="Signs a file with a private key in the HSM.",
         flags=(Flag("-f", "Input file", required=True), Flag("-k", "Key handle", HANDLE, required=True, known=KEY_HANDLE),
                MECHANISM, Flag("-out", "Output file", required=True)),
         where=("-h   displays this information", "-f   Message File", "-k   Private key handle",
                "-m   Signature Mechanism", *("      " + m for m in _MECHANISMS),
                "-out file name to write the signature"))
def sign(shell: KeyMgmtUtil, options: dict) -> None:
    handle, mechanism = options["-k"], options["-m"]
    data = shell.read_file(options["-f"])
    if data is None:
        return
    done = shell.hsm_call("Cfm3Sign", lambda world, cluster, session, hsms: keys.sign(
        world, cluster, session, hsms, handle=handle, data=data, mechanism=mechanism))
    if done is not None and shell.write_file(options["-out"], done[0][0]):
        (_, hsms), nodes = done
        shell.returned("Cfm3Sign", rc.SUCCESS)
        shell.line()
        shell.line(f"signature is written to file {options['-out']}")
        shell.node_status(nodes, hsms)
        shell.line()


@command("verify", summary="Verifies a signature",
         syntax="verify -h -f <message-file> -s <signature-file> -k <public-key-handle> -m <signature-mechanism>",
         description="Verifies a file's signature with a public key in the HSM.",
         flags=(Flag("-f", "Message file", required=True), Flag("-s", "Signature file", required=True),
                Flag("-k", "Key handle", HANDLE, required=True, known=KEY_HANDLE), MECHANISM),
         where=("-h  displays this information", "-f  Message File", "-s  Signature File", "-k  Public key handle",
                "-m  Verification Mechanism", *("     " + m for m in _MECHANISMS)))
def verify(shell: KeyMgmtUtil, options: dict) -> None:
    handle, mechanism = options["-k"], options["-m"]
    data, signature = shell.read_file(options["-f"]), None
    if data is None or (signature := shell.read_file(options["-s"])) is None:
        return
    done = shell.hsm_call("Cfm3Verify", lambda world, cluster, session, hsms: keys.verify(
        world, cluster, session, hsms, handle=handle, data=data, signature=signature, mechanism=mechanism))
    if done is None:
        return
    if done[0]:
        shell.line()
        shell.line("Signature verification successful")
        shell.line()
        shell.line(f"Cfm3Verify returned: 0x00 : {rc.SUCCESS.message}")
    else:  # verify.md: the code, then the CSP's message on a line of its own
        shell.line(f"Cfm3Verify returned: 0x{rc.BAD_PKCS_DATA.code:02x}")
        shell.line()
        shell.line(rc.BAD_PKCS_DATA.message)
    shell.line()


@command("aesWrapUnwrap", summary="Does NIST AES Wrap/Unwrap",
         syntax="aesWrapUnwrap -h -m <wrap-unwrap mode> -f <file-name> -w <wrapping-key-handle> "
                "[-i <wrapping-IV>] [-out <output-file>]",
         description="Wraps or unwraps the contents of a file (under 4 KB) with an AES key in the HSM.",
         flags=(Flag("-m", "Mode", NUMBER, required=True, choices=(0, 1)), Flag("-f", "Input file", required=True),
                Flag("-w", "Wrapping key handle", HANDLE, required=True, label="key handle", known=KEY_HANDLE),
                Flag("-i", "IV", HEX, size=8, label="IV", default=mechanisms.DEFAULT_IV), Flag("-out", "Output file")),
         where=("-h    displays this information", "-w    specifies the handle of the AES wrapping/unwrapping key",
                "-f    file to be wrapped or unwrapped (Supported file size is <= 4K bytes)",
                "-m    specifies the mode:", "       wrap - 1", "       unwrap - 0",
                "-i    specifies the IV to be used (optional)",
                "-out  file to write the wrapped or unwrapped data out (optional)"))
def aes_wrap_unwrap(shell: KeyMgmtUtil, options: dict) -> None:
    mode, handle, iv = options["-m"], options["-w"], options["-i"]
    data = shell.read_file(options["-f"])
    if data is None:
        return
    if len(data) >= 4096:
        raise Usage("Input file (-f) must be smaller than 4KB.")
    out = str(options.get("-out", "wrapped_key" if mode else "unwrapped_key"))
    call = "Cfm3WrapHostKey" if mode else "Cfm3UnWrapHostKey"
    if "-i" not in options:
        shell.line()
        shell.line("\tWarning: IV (-i) is missing.")
        shell.line("\t         0xA6A6A6A6A6A6A6A6 is considered as default IV")
    done = shell.hsm_call(call, lambda world, cluster, session, hsms: keys.aes_wrap_unwrap(
        world, cluster, session, hsms, handle=handle, data=data, wrap=bool(mode), iv=iv))
    if done is None or not shell.write_file(out, done[0]):
        return
    result = done[0]
    shell.line("result data:")
    for i in range(0, len(result), 8):
        shell.line(" ".join(f"{b:02X}" for b in result[i:i + 8]))
    shell.line()
    shell.line(f"result written to file {out}")
    shell.returned(call, rc.SUCCESS)
    shell.line()
