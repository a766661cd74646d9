"""Moving keys in and out of the HSMs: imSymKey, exSymKey, importPrivateKey, exportPrivateKey,
importPubKey, exportPubKey, wrapKey, unWrapKey, extractMaskedObject, insertMaskedObject,
getCaviumPrivKey and IsValidKeyHandlefile."""

from __future__ import annotations

from ...cloudhsm import crypto, keys, keyfiles
from ...cloudhsm import returncodes as rc
from .generate import POLICY_FLAGS, POLICY_SWITCHES, policy_of
from .shell import KeyMgmtUtil, Usage, command, number, parse


def _handle(options: dict, flag: str, name: str) -> int:
    value = number(options, flag, name)
    if value is None or value < 0:
        raise Usage(f"Invalid {name} ({flag}) specified.")
    return value


def _import_lines(shell: KeyMgmtUtil) -> None:
    for call in ("Cfm3WrapHostKey", "Cfm3CreateUnwrapTemplate", "Cfm3UnWrapKey"):
        shell.returned(call, rc.SUCCESS)


def _made(shell: KeyMgmtUtil, made, nodes, text: str, attest: bool) -> None:
    shell.line()
    shell.line(text)
    if attest:
        shell.line()
        shell.line("\tAttestation Check : [PASS]")
    shell.node_status(nodes, made.hsms)
    shell.line()


IMPORT_FLAGS = {"-f": "Key file", "-w": "Wrapping key handle", "-wk": "Wrapping key file", **POLICY_FLAGS}


@command("imSymKey", summary="Imports a Symmetric key",
         syntax="imSymKey -h -f <key-file> -w <wrapping-key-handle> -t <key-type> -l <label> "
                "[-id <key-ID>] [-sess] [-wk <wrapping-key-file>] [-attest] [-min_srv <minimum-number-of-servers>] "
                "[-timeout <number-of-seconds>] [-u <user-ids>]",
         description="Imports a plaintext symmetric key from a file into the HSMs, wrapped on the\n"
                     "way in with an AES key already in the HSM.")
def im_sym_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-t": "Key type", **IMPORT_FLAGS}, POLICY_SWITCHES, required=("-f", "-w", "-t", "-l"))
    wrapping, key_type = _handle(options, "-w", "wrapping key handle"), number(options, "-t", "key type")
    policy = policy_of(options)
    raw = shell.read_file(options["-f"])
    if raw is None:
        return
    done = shell.hsm_call("Cfm3WrapHostKey", lambda world, cluster, session, hsms: keys.import_secret_key(
        world, cluster, session, hsms, raw=raw, key_type=key_type, wrapping_key=wrapping, policy=policy))
    if done is not None:
        _import_lines(shell)
        _made(shell, *done, f"\tSymmetric Key Unwrapped.  Key Handle: {done[0].handles[0]}", "-attest" in options)


@command("importPrivateKey", summary="Imports RSA/DSA/EC private key",
         syntax="importPrivateKey -h -l <label> -f <key-file> -w <wrapping-key-handle> [-sess] [-id <key-id>] "
                "[-m_value <0...8>] [-min_srv <minimum-number-of-servers>] [-timeout <number-of-seconds>] "
                "[-u <user-ids>] [-wk <wrapping-key-file>] [-attest]",
         description="Imports a PEM private key into the HSMs, wrapped on the way in with an AES\n"
                     "key already in the HSM.")
def import_private_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, IMPORT_FLAGS, POLICY_SWITCHES, required=("-l", "-f", "-w"))
    wrapping, policy = _handle(options, "-w", "wrapping key handle"), policy_of(options)
    # importPrivateKey.md: the command cannot make a key non-extractable.
    policy.extractable = True
    key_file = shell.read_file(options["-f"])
    if key_file is None:
        return
    done = shell.hsm_call("Cfm3WrapHostKey", lambda world, cluster, session, hsms: keys.import_private_key(
        world, cluster, session, hsms, key_file=key_file, wrapping_key=wrapping, policy=policy))
    if done is not None:
        (length, made), nodes = done
        shell.line(f"BER encoded key length is {length}")
        _import_lines(shell)
        _made(shell, made, nodes, f"\tPrivate Key Unwrapped.  Key Handle: {made.handles[0]}", "-attest" in options)


@command("importPubKey", summary="Imports RSA/DSA/EC Public key",
         syntax="importPubKey -h -l <label> -f <key-file> [-sess] [-id <key-id>] "
                "[-min_srv <minimum-number-of-servers>] [-timeout <number-of-seconds>]",
         description="Imports a PEM public key into the HSMs.")
def import_pub_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-l": "Key label", "-f": "Key file", "-id": "Key ID", "-min_srv": "Minimum number of servers",
                           "-timeout": "Timeout"}, ("-sess",), required=("-l", "-f"))
    policy = policy_of(options)
    key_file = shell.read_file(options["-f"])
    if key_file is None:
        return
    done = shell.hsm_call("Cfm3CreatePublicKey", lambda world, cluster, session, hsms: keys.import_public_key(
        world, cluster, session, hsms, key_file=key_file, policy=policy))
    if done is not None:
        shell.returned("Cfm3CreatePublicKey", rc.SUCCESS)
        _made(shell, *done, f"Public Key Handle: {done[0].handles[0]}", False)


EXPORT_FLAGS = {"-k": "Key handle", "-w": "Wrapping key handle", "-out": "Output file", "-m": "Wrapping mechanism",
                "-wk": "Wrapping key file"}


def _export(shell: KeyMgmtUtil, args: list[str], export) -> tuple[dict, bytes] | None:
    options = parse(args, EXPORT_FLAGS, required=("-k", "-w", "-out"))
    handle, wrapping = _handle(options, "-k", "key handle"), _handle(options, "-w", "wrapping key handle")
    if number(options, "-m", "wrapping mechanism", 4) != 4:
        raise Usage("Invalid wrapping mechanism (-m) specified.")  # the only one exports offer
    if "-wk" in options and shell.read_file(options["-wk"]) is None:
        return None
    done = shell.hsm_call("Cfm3WrapKey", lambda world, cluster, session, hsms: export(
        world, cluster, session, hsms, handle=handle, wrapping_key=wrapping))
    if done is None:
        return None
    shell.returned("Cfm3WrapKey", rc.SUCCESS)
    if "-wk" not in options:  # with -wk the tool unwraps with the key from the file itself
        shell.returned("Cfm3UnWrapHostKey", rc.SUCCESS)
    return options, done[0]


@command("exSymKey", summary="Exports a Symmetric key",
         syntax="exSymKey -h -k <key-to-export> -w <wrapping-key> -out <key-file> [-m 4] [-wk <unwrapping-key-file>]",
         description="Exports a symmetric key from the HSMs to a file, in plaintext: the HSM wraps\n"
                     "it with the wrapping key and the tool unwraps it.")
def ex_sym_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    done = _export(shell, args, keys.export_secret_key)
    if done is not None:
        options, raw = done
        if shell.write_file(options["-out"], raw):
            shell.line()
            shell.line()
            shell.line(f'Wrapped Symmetric Key written to file "{options["-out"]}"')
            shell.line()


@command("exportPrivateKey", summary="Exports RSA/DSA/EC private key",
         syntax="exportPrivateKey -h -k <private-key-handle> -w <wrapping-key-handle> -out <key-file> "
                "[-m <wrapping-mechanism>] [-wk <wrapping-key-file>]",
         description="Exports a private key from the HSMs to a PEM file.")
def export_private_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    done = _export(shell, args, keys.export_private_key)
    if done is not None:
        options, pem = done
        if shell.write_file(options["-out"], pem):
            shell.line()
            shell.line(f"PEM formatted private key is written to {options['-out']}")
            shell.line()


@command("exportPubKey", summary="Exports RSA/DSA/EC Public key",
         syntax="exportPubKey -h -k <public-key-handle> -out <key-file>",
         description="Exports a public key from the HSMs to a PEM file.")
def export_pub_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-k": "Key handle", "-out": "Output file"}, required=("-k", "-out"))
    handle = _handle(options, "-k", "key handle")
    done = shell.hsm_call("Cfm3ExportPubKey", lambda world, cluster, session, hsms: keys.export_public_key(
        world, cluster, session, hsms, handle))
    if done is not None and shell.write_file(options["-out"], done[0]):
        shell.line()
        shell.line(f"PEM formatted public key is written to {options['-out']}")
        shell.returned("Cfm3ExportPubKey", rc.SUCCESS)
        shell.line()


@command("wrapKey", summary="Wraps a key from from HSM using the specified handle",
         syntax="wrapKey -h -k <exported-key-handle> -w <wrapping-key-handle> -out <output-file> -m <wrapping-mechanism> "
                "[-aad <additional authenticated data filename>] [-t <hash-type>] [-noheader] [-i <wrapping IV>] "
                "[-iv_file <IV file>] [-tag_size <num_tag_bytes>]",
         description="Wraps a key with an AES key in the HSM and writes it to a file.")
def wrap_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-k": "Key handle", "-w": "Wrapping key handle", "-out": "Output file",
                           "-m": "Wrapping mechanism"}, ("-noheader",), required=("-k", "-w", "-out", "-m"))
    handle, wrapping = _handle(options, "-k", "key handle"), _handle(options, "-w", "wrapping key handle")
    mechanism = number(options, "-m", "wrapping mechanism")
    done = shell.hsm_call("Cfm2WrapKey", lambda world, cluster, session, hsms: keys.wrap_key(
        world, cluster, session, hsms, handle=handle, wrapping_key=wrapping, mechanism=mechanism,
        header="-noheader" not in options))
    if done is not None and shell.write_file(options["-out"], done[0]):
        shell.line()
        shell.line("\tKey Wrapped.")
        shell.line()
        # The unbalanced quote is the tool's (wrapKey.md).
        shell.line(f'\tWrapped Key written to file "{options["-out"]} length {len(done[0])}')
        shell.returned("Cfm2WrapKey", rc.SUCCESS)
        shell.line()


@command("unWrapKey", summary="UnWraps a key into HSM using the specified handle",
         syntax="unWrapKey -h -f <key-file-name> -w <unwrapping-key-handle> -m <mechanism> [-sess] "
                "[-min_srv <minimum-number-of-servers>] [-timeout <number-of-seconds>] [-attest] [-nex] "
                "[-u <user-ids>] [-m_value <0..8>] [-noheader] [-l <key-label>] [-id <key-id>] "
                "[-kt <key-type>] [-kc <key-class>]",
         description="Unwraps a key from a file into the HSMs with an AES key in the HSM.  With\n"
                     "-noheader, -l, -kc and -kt say what the key is.")
def unwrap_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-f": "Key file", "-w": "Unwrapping key handle", "-m": "Unwrapping mechanism",
                           "-kt": "Key type", "-kc": "Key class", **POLICY_FLAGS},
                    POLICY_SWITCHES + ("-noheader",), required=("-f", "-w"))
    noheader = "-noheader" in options
    for flag in ("-l", "-kc", "-kt") if noheader else ():
        if flag not in options:
            raise Usage(f"{dict(l='Key label', kc='Key class', kt='Key type')[flag[1:]]} ({flag}) is missing.")
    wrapping = _handle(options, "-w", "unwrapping key handle")
    mechanism = number(options, "-m", "unwrapping mechanism", crypto.WRAP_PAD_PKCS5)
    policy = policy_of({**options, "-l": options.get("-l", "")})
    key_class, key_type = number(options, "-kc", "key class"), number(options, "-kt", "key type")
    wrapped = shell.read_file(options["-f"])
    if wrapped is None:
        return
    call = "Cfm2UnWrapWithTemplate3" if noheader else "Cfm3UnWrapKey"
    done = shell.hsm_call(call, lambda world, cluster, session, hsms: keys.unwrap_key(
        world, cluster, session, hsms, wrapped=wrapped, wrapping_key=wrapping, mechanism=mechanism,
        policy=policy, key_class=key_class if noheader else None, key_type=key_type if noheader else None))
    if done is None:
        return
    if noheader:
        shell.returned("Cfm3CreateUnwrapTemplate2", rc.SUCCESS)
        shell.line(f"\tCfm2UnWrapWithTemplate3 returned: 0x00 : {rc.SUCCESS.message}")
        text = f"\tKey Unwrapped. Key Handle: {done[0].handles[0]}"  # one space, as unWrapKey.md shows
    else:
        shell.returned("Cfm3UnWrapKey", rc.SUCCESS)
        text = f"\tKey Unwrapped.  Key Handle: {done[0].handles[0]}"
    _made(shell, *done, text, "-attest" in options)


@command("extractMaskedObject", summary="Extracts a masked object",
         syntax="extractMaskedObject -h -o <object-handle> -out <object-file>",
         description="Extracts a key, masked, to a file, to insert it into an HSM of a cluster\n"
                     "cloned from the same backup.")
def extract_masked_object(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-o": "Object handle", "-out": "Output file"}, required=("-o", "-out"))
    handle = _handle(options, "-o", "object handle")
    done = shell.hsm_call("Cfm3ExtractMaskedObject", lambda world, cluster, session, hsms: keys.extract_masked_object(
        world, cluster, session, hsms, handle))
    if done is not None and shell.write_file(options["-out"], done[0]):
        shell.line()
        shell.line(f'Object was masked and written to file "{options["-out"]}"')
        shell.returned("Cfm3ExtractMaskedObject", rc.SUCCESS)
        shell.line()


@command("insertMaskedObject", summary="Inserts a masked object",
         syntax="insertMaskedObject -h -f <masked object file> [-min_srv <minimum-number-of-servers>] "
                "[-timeout <number-of-seconds>]",
         description="Inserts a masked object from a file as a new key.")
def insert_masked_object(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-f": "Masked object file", "-min_srv": "Minimum number of servers", "-timeout": "Timeout"},
                    required=("-f",))
    min_servers = number(options, "-min_srv", "minimum number of servers", 1)
    blob = shell.read_file(options["-f"])
    if blob is None:
        return
    done = shell.hsm_call("Cfm3InsertMaskedObject", lambda world, cluster, session, hsms: keys.insert_masked_object(
        world, cluster, session, hsms, blob, min_servers=min_servers))
    if done is not None:
        shell.line()
        shell.line(f"Cfm3InsertMaskedObject returned: 0x00 : {rc.SUCCESS.message}")
        shell.line(f"\tNew Key Handle: {done[0].handles[0]}")
        shell.node_status(done[1], done[0].hsms)
        shell.line()


@command("getCaviumPrivKey", summary="Saves an RSA private key handle in fake PEM format",
         syntax="getCaviumPrivKey -h -k <private-key-handle> -out <fake-PEM-file>",
         description="Writes a fake PEM file that names an RSA private key in the HSM by its handle,\n"
                     "for applications (OpenSSL engines) that take a key file.")
def get_cavium_priv_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-k": "Key handle", "-out": "Output file"}, required=("-k", "-out"))
    handle = _handle(options, "-k", "key handle")
    done = shell.hsm_call("getCaviumPrivKey", lambda world, cluster, session, hsms: keyfiles.fake_pem(
        world, cluster, session, hsms, handle))
    if done is not None and shell.write_file(options["-out"], done[0]):
        shell.line()
        shell.line(f"Private Key Handle is written to {options['-out']} in fake PEM format")
        shell.returned("getCaviumPrivKey", rc.SUCCESS)
        shell.line()


@command("IsValidKeyHandlefile", summary="Checks if private key file has an HSM key handle or a real key",
         syntax="IsValidKeyHandlefile -h -f <private-key-file>",
         description="Tells a real private key file from a fake PEM file that names an HSM key.")
def is_valid_key_handlefile(shell: KeyMgmtUtil, args: list[str]) -> None:
    options = parse(args, {"-f": "Key file"}, required=("-f",))
    data = shell.read_file(options["-f"])
    if data is None:
        return
    shell.line()
    handle = keyfiles.handle_in(data)
    if handle is not None:
        # The tool's wording for a fake PEM file (IsValidKeyHandlefile.md), handle and all.
        shell.line(f"Input file has invalid key handle: {handle}")
    elif keyfiles.is_private_key(data):
        shell.line("Input key file has real private key")
    else:
        # GAP: the text for a file that is neither is undocumented.
        shell.line("Input file has no private key")
    shell.line()


@command("getCert", summary="Gets Partition Certificates stored on HSM",
         syntax="getCert -h -f <file-name> -s <certificate-type>",
         description="Gets a partition certificate from the HSM and writes it to a file.",
         where="-f  the file the certificate is written to\n"
               "       -s  the certificate type: 1 = Manufacturer Root, 2 = Manufacturer Hardware,\n"
               "           4 = Customer Root, 8 = Cluster, 16 = Cluster (chained to Manufacturer Root)")
def get_cert(shell: KeyMgmtUtil, args: list[str]) -> None:
    # getCert.md's syntax says -t, its example and parameter list -s; both are read.
    options = parse(args, {"-f": "Output file", "-s": "Certificate type", "-t": "Certificate type"}, required=("-f",))
    flag = "-s" if "-s" in options else "-t"
    if flag not in options:
        raise Usage("Certificate type (-s) is missing.")
    cert_type = number(options, flag, "certificate type")
    try:
        with shell.store.transaction(write=False) as world:
            cluster, nodes = shell.reached(world, "Cfm3GetCert()")
            pem = keyfiles.certificate(world, cluster, nodes[0][1], cert_type)
    except keys.Refused as refusal:
        # This call prints its code in decimal after "()" (getCert.md); a failure in words of
        # its own (Cfm2Util source, typo and all).
        shell.line()
        shell.line(f"Cfm3GetCert() failed with erro code {refusal.code.code} :{refusal.code.message}")
        shell.line()
        return
    if shell.write_file(options["-f"], pem):
        shell.line()
        shell.line(f"Cfm3GetCert() returned 0 :{rc.SUCCESS.message}")
        shell.line()
