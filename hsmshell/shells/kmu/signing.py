"""sign, verify and aesWrapUnwrap in key_mgmt_util."""

from __future__ import annotations

from ...cloudhsm import crypto, keys
from ...cloudhsm import returncodes as rc
from .shell import KeyMgmtUtil, Usage, command, number, parse

def _key(options: dict, flag: str = "-k") -> int:
    handle = number(options, flag, "key handle")
    if handle is None or handle < 0:
        raise Usage(f"Invalid key handle ({flag}) specified.")
    return handle


def _mechanism(options: dict) -> int:
    mechanism = number(options, "-m", "signing mechanism")
    if mechanism not in crypto.MECHANISMS:
        raise Usage("Invalid signing mechanism (-m) specified.")
    return mechanism


@command("sign", summary="Generates a signature",
         syntax="sign -h -f <file to sign> -k <private key handle> -m <signature mechanism> -out <signed file>",
         description="Signs a file with a private key in the HSM.")
def sign(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-f": "Input file", "-k": "Key handle", "-m": "Signing mechanism", "-out": "Output file"},
                    required=("-f", "-k", "-m", "-out"))
    handle, mechanism = _key(options), _mechanism(options)
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
         description="Verifies a file's signature with a public key in the HSM.")
def verify(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-f": "Message file", "-s": "Signature file", "-k": "Key handle",
                           "-m": "Signing mechanism"}, required=("-f", "-s", "-k", "-m"))
    handle, mechanism = _key(options), _mechanism(options)
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
         description="Wraps or unwraps the contents of a file (under 4 KB) with an AES key in the HSM.")
def aes_wrap_unwrap(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-m": "Mode", "-f": "Input file", "-w": "Wrapping key handle", "-i": "IV",
                           "-out": "Output file"}, required=("-m", "-f", "-w"))
    mode, handle = number(options, "-m", "mode"), _key(options, "-w")
    if mode not in (0, 1):
        raise Usage("Invalid mode (-m) specified.")
    iv = crypto.DEFAULT_IV
    if "-i" in options:
        try:
            iv = bytes.fromhex(str(options["-i"]).removeprefix("0x"))
        except ValueError:
            iv = b""
        if len(iv) != 8:
            raise Usage("Invalid IV (-i) specified.")
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
