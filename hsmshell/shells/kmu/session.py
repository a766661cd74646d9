"""exit and help."""

from __future__ import annotations

from ...cloudhsm import returncodes as rc
from .shell import KeyMgmtUtil, command
from .syntax import CODE, Flag

# Every code the HSM answers with, for Error2String.
CODES = {code.code: code for code in vars(rc).values() if isinstance(code, rc.ReturnCode)}

# The tool's help, as key_mgmt_util-help.md shows it; the commands this emulator does not have
# yet answer "Command not found" when used.
HELP = """
Help Commands Available:

Syntax: <command> -h


   Command               Description
   =======               ===========

   exit                   Exits this application
   help                   Displays this information

        Configuration and Admin Commands
   getHSMInfo             Gets the HSM Information
   getPartitionInfo       Gets the Partition Information
   listUsers              Lists all users of a partition
   loginStatus            Gets the Login Information
   loginHSM               Login to the HSM
   logoutHSM              Logout from the HSM

        M of N commands
   getToken               Initiate an MxN service and get Token
   delToken               delete Token(s)
   approveToken           Approves an MxN service
   listTokens             List all Tokens in the current partition

        Key Generation Commands

        Asymmetric Keys:
   genRSAKeyPair          Generates an RSA Key Pair
   genDSAKeyPair          Generates a DSA Key Pair
   genECCKeyPair          Generates an ECC Key Pair

        Symmetric Keys:
   genPBEKey              Generates a PBE DES3 key
   genSymKey              Generates a Symmetric keys

        Key Import/Export Commands
   createPublicKey        Creates an RSA public key
   importPubKey           Imports RSA/DSA/EC Public key
   exportPubKey           Exports RSA/DSA/EC Public key
   importPrivateKey       Imports RSA/DSA/EC private key
   exportPrivateKey       Exports RSA/DSA/EC private key
   imSymKey               Imports a Symmetric key
   exSymKey               Exports a Symmetric key
   wrapKey                Wraps a key from from HSM using the specified handle
   unWrapKey              UnWraps a key into HSM using the specified handle

        Key Management Commands
   deleteKey              Delete Key
   setAttribute           Sets an attribute of an object
   getKeyInfo             Get Key Info about shared users/sessions
   findKey                Find Key
   findSingleKey          Find single Key
   getAttribute           Reads an attribute from an object

        Certificate Setup Commands
   getCert                Gets Partition Certificates stored on HSM

        Key Transfer Commands
   insertMaskedObject     Inserts a masked object
   extractMaskedObject    Extracts a masked object

        Management Crypto Commands
   sign                   Generates a signature
   verify                 Verifies a signature
   aesWrapUnwrap          Does NIST AES Wrap/Unwrap

        Helper Commands
   Error2String           Converts Error codes to Strings
                          save key handle in fake PEM format
   getCaviumPrivKey       Saves an RSA private key handle
                          in fake PEM format
   IsValidKeyHandlefile   Checks if private key file has
                          an HSM key handle or a real key
   listAttributes         List all attributes for getAttributes
   listECCCurveIds        List HSM supported ECC CurveIds
"""


@command("exit", summary="Exits this application", ignored=True)
def exit_(shell: KeyMgmtUtil, options: dict) -> None:
    shell.done = True


@command("help", summary="Displays this information", ignored=True)
def help_(shell: KeyMgmtUtil, options: dict) -> None:
    shell.write(HELP + "\n")


@command("Error2String", summary="Converts Error codes to Strings", syntax="Error2String -h -r <response-code>",
         description="Converts a response code to its error string.",
         flags=(Flag("-r", "Response code", CODE, required=True),),
         where=("-h  displays this information", "-r  specifies response code to be converted"))
def error_to_string(shell: KeyMgmtUtil, options: dict) -> None:
    code = options["-r"]
    shell.line()
    known = CODES.get(code)
    # GAP: the text for a code the tool does not know is undocumented.  `is not None`: SUCCESS,
    # code 0, is falsy like the C return value.
    text = known.message if known is not None else "HSM Error: Unknown error"
    shell.line(f"\tError Code {code:x} maps to {text}")
    shell.line()
