"""The `Where:` lines of each command's help, as the Cfm2Util source (key_mgmt_util's ancestor,
same printf formats) prints them: the text after `Where: `, one flag a line.  Where the AWS
documentation's syntax differs, the command keeps the documented syntax line; these texts
are the source's."""

from __future__ import annotations

_MIN_SRV = (
    "-min_srv{pad}specifies the number of servers the key should atleast be generated on or poll till it gets generated",
    "{indent}(till the time specified by -timeout option)",
    "{indent}if the key fails to get synced on required number of servers, the key will be deleted",
    "-timeout{pad}specifies the number of seconds to wait for the key to get synced when min_srv option is used.",
    "{indent}If nothing is specified, the polling will continue forever",
)


def _min_srv(column: int) -> tuple[str, ...]:
    pad, indent = " " * (column - 15), " " * (column - 7)
    return tuple(line.format(pad=pad, indent=indent) for line in _MIN_SRV)


_PAIR = ("-h        displays this information", "{m}", "-l        specifies the key label",
         "-sess     specifies key as session key", "-id       specifies key ID",
         "-nex      set the key as non-extractable",
         "-u        specifies the list of users to share with (separated by ,) (optional)",
         "-m_value  specifies the number of users to approve for any key service",
         "-attest   performs the attestation check on the firmware response")
_MECHANISMS = ("SHA1_RSA_PKCS       - 0", "SHA256_RSA_PKCS     - 1", "SHA384_RSA_PKCS     - 2",
               "SHA512_RSA_PKCS     - 3", "SHA224_RSA_PKCS     - 4", "SHA1_RSA_PKCS_PSS   - 5",
               "SHA256_RSA_PKCS_PSS - 6", "SHA384_RSA_PKCS_PSS - 7", "SHA512_RSA_PKCS_PSS - 8",
               "SHA224_RSA_PKCS_PSS - 9", "ECDSA_SHA1          - 15", "ECDSA_SHA224        - 16",
               "ECDSA_SHA256        - 17", "ECDSA_SHA384        - 18", "ECDSA_SHA512        - 19")


def _pair(*modulus: str) -> tuple[str, ...]:
    head = [line for line in _PAIR if line != "{m}"]
    return (head[0], *modulus, *head[1:], *_min_srv(17))


WHERE: dict[str, tuple[str, ...]] = {
    "deleteKey": ("-h  displays this information", "-k  specifies the key handle to delete"),
    "getKeyInfo": ("-h  displays this information", "-k  specifies the key handle"),
    "findSingleKey": ("-h     displays this information", "-k     specifies the key handle to search for"),
    "Error2String": ("-h  displays this information", "-r  specifies response code to be converted"),
    "findKey": (
        "-h     displays this information",
        "-c     specifies the key class to find (optional)", "       2 = public", "       3 = private",
        "       4 = secret",
        "-t     specifies the key type to find (optional)", "       0  = RSA", "       1  = DSA", "       3  = EC",
        "       16 = GENERIC_SECRET", "       18 = RC4", "       21 = DES3", "       31 = AES",
        "-l     specifies the key label to find (optional)", "-id    specifies key ID (optional)",
        "-idx   specifies key ID in Hex (optional)",
        "-sess  specifies option to find only session keys(1) or only token keys(0) (optional)",
        "-u     specifies the list of users shared with (separated by ,) (optional)",
        "-m     specifies the binary file containing RSA modulus to match with (optional)",
        "-kcv   specifies the Key Check Value to be searched for (optional)"),
    "getAttribute": (
        "-h       displays this information", "-o       specifies the object handle",
        "-a       specifies the attribute to read.(512 for all attributes)",
        "-out     specifies the file to write the attribute value",
        "-attest  performs the attestation check on the firmware response", "",
        "(run listAttributes to see a list of all possible attribute values)"),
    "genSymKey": (
        "-h       displays this information", "-l       specifies the Key Label", "-t       specifies the key type",
        "         (16 = GENERIC_SECRET, 18 = RC4, 21 = DES3, 31 = AES)",
        "-s       specifies the key size in bytes", "         for AES : 16, 24, 32", "             3DES: 24",
        "             RC4 : <= 256", "             GENERIC_SECRET: <= 800",
        "-sess    specifies key as session key", "-id      specifies key ID", "-nex     set the key as non-extractable",
        "-u       specifies the list of users to share with (separated by ,) (optional)",
        "-m_value specifies the number of users to approve for any key service", *_min_srv(16),
        "-attest  performs the attestation check on the firmware response"),
    "genRSAKeyPair": _pair("-m        specifies the modulus length: eg. 2048",
                           "-e        specifies the public exponent: any odd number typically >= 65537 to 2^31 - 1"),
    "genDSAKeyPair": _pair("-m        specifies the modulus length in bits:",
                           "          Should be either 1024, 2048 or 3072"),
    "genECCKeyPair": _pair("-i        specifies the Curve ID"),
    "genPBEKey": (
        "-h        displays this information", "-l        specifies the key label", "-p        specifies the password",
        "-s        specifies the salt value: eg. name", "-c        specifies the iteration count <= 10000: eg. 10",
        "-sess     specifies key as session key", "-id       specifies key ID", "-nex      set the key as non-extractable",
        "-u        specifies the list of users to share with (separated by ,) (optional)",
        "-attest   performs the attestation check on the firmware response", *_min_srv(17)),
    "sign": ("-h   displays this information", "-f   Message File", "-k   Private key handle", "-m   Signature Mechanism",
             *("      " + m for m in _MECHANISMS), "-out file name to write the signature"),
    "verify": ("-h  displays this information", "-f  Message File", "-s  Signature File", "-k  Public key handle",
               "-m  Verification Mechanism", *("     " + m for m in _MECHANISMS)),
    "aesWrapUnwrap": (
        "-h    displays this information", "-w    specifies the handle of the AES wrapping/unwrapping key",
        "-f    file to be wrapped or unwrapped (Supported file size is <= 4K bytes)", "-m    specifies the mode:",
        "       wrap - 1", "       unwrap - 0", "-i    specifies the IV to be used (optional)",
        "-out  file to write the wrapped or unwrapped data out (optional)"),
    "exportPubKey": ("-h    displays this information", "-k    specifies the public key handle",
                     "-out  specifies the file to write the exported public key"),
    "importPubKey": ("-h       displays this information", "-l       label for the new key",
                     "-f       file containing the PEM encoded public key", "-sess    specifies key as session key",
                     "-id      specifies key ID", *_min_srv(16)),
    "exSymKey": ("-h   displays this information", "-w   specifies the handle of the wrapping key",
                 "-k   specifies the handle of the key to export:3DES/AES/RC4 key handle",
                 "-m   specifies the wrapping mechanism (Optional)", "     NIST_AES_WRAP - 4",
                 "-out specifies the file to write the exported key",
                 "-wk  specifies the unwrapping key file if the unwrapping has to be done without the HSM"),
    "exportPrivateKey": ("-h   displays this information", "-k   specifies the private key handle to export",
                         "-w   specifies the wrapping key handle", "-m   specifies the wrapping mechanism (Optional)",
                         "     NIST_AES_WRAP - 4", "-out specifies the file to write the exported private key",
                         "-wk  specifies the unwrapping key file if the unwrapping has to be done without the HSM"),
    "imSymKey": (
        "-h       displays this information", "-l       specifies the new key's Label", "-t       specifies the key type",
        "         (16 = GENERIC_SECRET, 18 = RC4, 21 = DES3/DES, 31 = AES)",
        "-f       specifies the filename containing the key to import", "         For RC4,  file size <= 256 bytes",
        "             DES,  file size = 8 bytes (non-FIPS mode)", "             DES3, file size = 24 bytes",
        "             AES,  file size = 16, 24 and 32 bytes", "-w       specifies the wrapper key handle, 4 for KEK",
        "-u       specifies the list of users to share with (separated by ,) (optional)",
        "-sess    specifies key as session key", "-attest  performs the attestation check on the firmware response",
        "-id      specifies key ID", "-wk      specifies the wrapping key if the wrapping has to be done without the HSM",
        *_min_srv(16)),
    "importPrivateKey": (
        "-h       displays this information", "-l       specifies the private key label",
        "-f       specifies the filename containing the key to import",
        "-w       specifies the wrapping key handle (KEK handle - 4)", "-sess    specifies key as session key",
        "-attest  performs the attestation check on the firmware response", "-id      specifies key ID",
        "-u       specifies the list of users to share with (separated by ,) (optional)",
        "-wk      specifies the wrapping key if the wrapping has to be done without the HSM",
        "-m_value set the M value for the key", *_min_srv(16)),
    "wrapKey": ("-h    displays this information", "-k    handle of the key to be wrapped",
                "-w    specifies the wrapping key handle (KEK handle - 4)",
                "-out  specifies the file to write the wrapped key data"),
    "unWrapKey": (
        "-h       displays this information", "-f       specifies the filename containing the key to import",
        "-w       specifies the wrapper key handle, 4 for KEK", "-m  specifies the wrapping mechanism (Optional)",
        "        NIST_AES_WRAP_PAD - 4", "        NIST_AES_WRAP     - 5(if unwrapping old blob(wrapped fw_verion < 2.04)",
        "-sess    specifies key as session key", "-attest  performs the attestation check on the firmware response",
        *_min_srv(16)),
}


def where(command: str) -> str:
    """The text after `Where: `: continuation lines indented under the first flag."""
    return "\n       ".join(WHERE[command])
