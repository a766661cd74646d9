"""Moving keys in and out of the HSMs: imSymKey, exSymKey, importPrivateKey, exportPrivateKey,
importPubKey, exportPubKey, wrapKey, unWrapKey, extractMaskedObject, insertMaskedObject,
getCaviumPrivKey and IsValidKeyHandlefile."""

from __future__ import annotations

from ...cloudhsm import client_versions, keys, mechanisms
from ...lazy import lazy
from ...cloudhsm import returncodes as rc
from ..engine import KEY_HANDLE
from .generate import LABEL, POLICY_FLAGS, POLICY_SWITCHES, min_srv_where, policy_of
from .shell import KeyMgmtUtil, command
from .syntax import HANDLE, NUMBER, SWITCH, Flag, Usage

keyfiles = lazy("hsmshell.cloudhsm.keyfiles")  # cryptography, loaded when a file is first read or written

KEY = Flag("-k", "Key handle", HANDLE, required=True, known=KEY_HANDLE)
WRAPPING_KEY = Flag("-w", "Wrapping key handle", HANDLE, required=True, known=KEY_HANDLE)
KEY_FILE = Flag("-f", "Key file", required=True)
OUTPUT = Flag("-out", "Output file", required=True)
MIN_SRV, TIMEOUT = (f for f in POLICY_FLAGS if f.flag in ("-min_srv", "-timeout"))
SESSION, ATTEST = (f for f in POLICY_SWITCHES if f.flag in ("-sess", "-attest"))


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


@command("imSymKey", summary="Imports a Symmetric key",
         syntax="imSymKey -h -f <key-file> -w <wrapping-key-handle> -t <key-type> -l <label> "
                "[-id <key-ID>] [-sess] [-wk <wrapping-key-file>] [-attest] [-min_srv <minimum-number-of-servers>] "
                "[-timeout <number-of-seconds>] [-u <user-ids>]",
         description="Imports a plaintext symmetric key from a file into the HSMs, wrapped on the\n"
                     "way in with an AES key already in the HSM.",
         flags=(KEY_FILE, WRAPPING_KEY, Flag("-t", "Key type", NUMBER, required=True, known=("16", "18", "21", "31")),
                LABEL, Flag("-wk", "Wrapping key file"), *POLICY_FLAGS, *POLICY_SWITCHES),
         where=("-h       displays this information", "-l       specifies the new key's Label",
                "-t       specifies the key type", "         (16 = GENERIC_SECRET, 18 = RC4, 21 = DES3/DES, 31 = AES)",
                "-f       specifies the filename containing the key to import",
                "         For RC4,  file size <= 256 bytes", "             DES,  file size = 8 bytes (non-FIPS mode)",
                "             DES3, file size = 24 bytes", "             AES,  file size = 16, 24 and 32 bytes",
                "-w       specifies the wrapper key handle, 4 for KEK",
                "-u       specifies the list of users to share with (separated by ,) (optional)",
                "-sess    specifies key as session key",
                "-attest  performs the attestation check on the firmware response", "-id      specifies key ID",
                "-wk      specifies the wrapping key if the wrapping has to be done without the HSM",
                *min_srv_where(16)))
def im_sym_key(shell: KeyMgmtUtil, options: dict) -> None:
    wrapping, key_type = options["-w"], options["-t"]
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
                     "key already in the HSM.",
         flags=(LABEL, KEY_FILE, WRAPPING_KEY, Flag("-wk", "Wrapping key file"), *POLICY_FLAGS, *POLICY_SWITCHES),
         where=("-h       displays this information", "-l       specifies the private key label",
                "-f       specifies the filename containing the key to import",
                "-w       specifies the wrapping key handle (KEK handle - 4)", "-sess    specifies key as session key",
                "-attest  performs the attestation check on the firmware response", "-id      specifies key ID",
                "-u       specifies the list of users to share with (separated by ,) (optional)",
                "-wk      specifies the wrapping key if the wrapping has to be done without the HSM",
                "-m_value set the M value for the key", *min_srv_where(16)))
def import_private_key(shell: KeyMgmtUtil, options: dict) -> None:
    wrapping, policy = options["-w"], policy_of(options)
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
        imported = client_versions.prints(shell.store.read().client, client_versions.PRIVATE_KEY_IMPORTED)
        _made(shell, made, nodes, f"\tPrivate Key {'Imported' if imported else 'Unwrapped'}.  Key Handle: "
              f"{made.handles[0]}", "-attest" in options)


@command("importPubKey", summary="Imports RSA/DSA/EC Public key",
         syntax="importPubKey -h -l <label> -f <key-file> [-sess] [-id <key-id>] "
                "[-min_srv <minimum-number-of-servers>] [-timeout <number-of-seconds>]",
         description="Imports a PEM public key into the HSMs.",
         flags=(LABEL, KEY_FILE, Flag("-id", "Key ID"), MIN_SRV, TIMEOUT, SESSION),
         where=("-h       displays this information", "-l       label for the new key",
                "-f       file containing the PEM encoded public key", "-sess    specifies key as session key",
                "-id      specifies key ID", *min_srv_where(16)))
def import_pub_key(shell: KeyMgmtUtil, options: dict) -> None:
    policy = policy_of(options)
    key_file = shell.read_file(options["-f"])
    if key_file is None:
        return
    done = shell.hsm_call("Cfm3CreatePublicKey", lambda world, cluster, session, hsms: keys.import_public_key(
        world, cluster, session, hsms, key_file=key_file, policy=policy))
    if done is not None:
        shell.returned("Cfm3CreatePublicKey", rc.SUCCESS)
        _made(shell, *done, f"Public Key Handle: {done[0].handles[0]}", False)


# NIST_AES_WRAP (4) is the only mechanism exports offer.
EXPORT_FLAGS = (KEY, WRAPPING_KEY, OUTPUT, Flag("-m", "Wrapping mechanism", NUMBER, choices=(4,), default=4),
                Flag("-wk", "Wrapping key file"))


def _export(shell: KeyMgmtUtil, options: dict, export) -> tuple[dict, bytes] | None:
    handle, wrapping = options["-k"], options["-w"]
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
                     "it with the wrapping key and the tool unwraps it.",
         flags=EXPORT_FLAGS,
         where=("-h   displays this information", "-w   specifies the handle of the wrapping key",
                "-k   specifies the handle of the key to export:3DES/AES/RC4 key handle",
                "-m   specifies the wrapping mechanism (Optional)", "     NIST_AES_WRAP - 4",
                "-out specifies the file to write the exported key",
                "-wk  specifies the unwrapping key file if the unwrapping has to be done without the HSM"))
def ex_sym_key(shell: KeyMgmtUtil, options: dict) -> None:
    done = _export(shell, options, keys.export_secret_key)
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
         description="Exports a private key from the HSMs to a PEM file.",
         flags=EXPORT_FLAGS,
         where=("-h   displays this information", "-k   specifies the private key handle to export",
                "-w   specifies the wrapping key handle", "-m   specifies the wrapping mechanism (Optional)",
                "     NIST_AES_WRAP - 4", "-out specifies the file to write the exported private key",
                "-wk  specifies the unwrapping key file if the unwrapping has to be done without the HSM"))
def export_private_key(shell: KeyMgmtUtil, options: dict) -> None:
    done = _export(shell, options, keys.export_private_key)
    if done is not None:
        options, pem = done
        if shell.write_file(options["-out"], pem):
            shell.line()
            shell.line(f"PEM formatted private key is written to {options['-out']}")
            shell.line()


@command("exportPubKey", summary="Exports RSA/DSA/EC Public key",
         syntax="exportPubKey -h -k <public-key-handle> -out <key-file>",
         description="Exports a public key from the HSMs to a PEM file.", flags=(KEY, OUTPUT),
         where=("-h    displays this information", "-k    specifies the public key handle",
                "-out  specifies the file to write the exported public key"))
def export_pub_key(shell: KeyMgmtUtil, options: dict) -> None:
    handle = options["-k"]
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
         description="Wraps a key with an AES key in the HSM and writes it to a file.",
         flags=(KEY, WRAPPING_KEY, OUTPUT, Flag("-m", "Wrapping mechanism", NUMBER, required=True),
                Flag("-noheader", kind=SWITCH)),
         where=("-h    displays this information", "-k    handle of the key to be wrapped",
                "-w    specifies the wrapping key handle (KEK handle - 4)",
                "-out  specifies the file to write the wrapped key data"))
def wrap_key(shell: KeyMgmtUtil, options: dict) -> None:
    handle, wrapping, mechanism = options["-k"], options["-w"], options["-m"]
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
                     "-noheader, -l, -kc and -kt say what the key is.",
         flags=(KEY_FILE, Flag("-w", "Unwrapping key handle", HANDLE, required=True, known=KEY_HANDLE),
                Flag("-m", "Unwrapping mechanism", NUMBER, default=mechanisms.WRAP_PAD_PKCS5),
                Flag("-kt", "Key type", NUMBER), Flag("-kc", "Key class", NUMBER), Flag("-l", "Key label"),
                *POLICY_FLAGS, *POLICY_SWITCHES, Flag("-noheader", kind=SWITCH)),
         where=("-h       displays this information", "-f       specifies the filename containing the key to import",
                "-w       specifies the wrapper key handle, 4 for KEK", "-m  specifies the wrapping mechanism (Optional)",
                "        NIST_AES_WRAP_PAD - 4",
                "        NIST_AES_WRAP     - 5(if unwrapping old blob(wrapped fw_verion < 2.04)",
                "-sess    specifies key as session key",
                "-attest  performs the attestation check on the firmware response", *min_srv_where(16)))
def unwrap_key(shell: KeyMgmtUtil, options: dict) -> None:
    noheader = "-noheader" in options
    for flag in ("-l", "-kc", "-kt") if noheader else ():
        if flag not in options:
            raise Usage(f"{dict(l='Key label', kc='Key class', kt='Key type')[flag[1:]]} ({flag}) is missing.")
    wrapping, mechanism = options["-w"], options["-m"]
    policy = policy_of(options)
    key_class, key_type = options["-kc"], options["-kt"]
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
                     "cloned from the same backup.",
         flags=(Flag("-o", "Object handle", HANDLE, required=True, known=KEY_HANDLE), OUTPUT))
def extract_masked_object(shell: KeyMgmtUtil, options: dict) -> None:
    handle = options["-o"]
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
         description="Inserts a masked object from a file as a new key.",
         flags=(Flag("-f", "Masked object file", required=True), MIN_SRV, TIMEOUT))
def insert_masked_object(shell: KeyMgmtUtil, options: dict) -> None:
    min_servers = options["-min_srv"]
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
                     "for applications (OpenSSL engines) that take a key file.", flags=(KEY, OUTPUT))
def get_cavium_priv_key(shell: KeyMgmtUtil, options: dict) -> None:
    handle = options["-k"]
    done = shell.hsm_call("getCaviumPrivKey", lambda world, cluster, session, hsms: keyfiles.fake_pem(
        world, cluster, session, hsms, handle))
    if done is not None and shell.write_file(options["-out"], done[0]):
        shell.line()
        shell.line(f"Private Key Handle is written to {options['-out']} in fake PEM format")
        shell.returned("getCaviumPrivKey", rc.SUCCESS)
        shell.line()


@command("IsValidKeyHandlefile", summary="Checks if private key file has an HSM key handle or a real key",
         syntax="IsValidKeyHandlefile -h -f <private-key-file>",
         description="Tells a real private key file from a fake PEM file that names an HSM key.", flags=(KEY_FILE,))
def is_valid_key_handlefile(shell: KeyMgmtUtil, options: dict) -> None:
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
         # getCert.md's syntax says -t, its example and parameter list -s; both are read.
         flags=(Flag("-f", "Output file", required=True), *(Flag(flag, "Certificate type", NUMBER,
                                                                known=("1", "2", "4", "8", "16")) for flag in ("-s", "-t"))),
         where=("-f  the file the certificate is written to",
                "-s  the certificate type: 1 = Manufacturer Root, 2 = Manufacturer Hardware,",
                "    4 = Customer Root, 8 = Cluster, 16 = Cluster (chained to Manufacturer Root)"))
def get_cert(shell: KeyMgmtUtil, options: dict) -> None:
    if "-s" not in options and "-t" not in options:
        raise Usage("Certificate type (-s) is missing.")
    cert_type = options["-s"] if "-s" in options else options["-t"]
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
