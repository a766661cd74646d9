"""The -2fa exchange of loginHSM, createUser and changePswd (manage-2fa.md).

CMU writes a JSON `authdata` file with one digest per HSM, the officer signs each digest with
their private key outside CMU, adds the Base64 signatures (and, for createUser and changePswd,
the PEM public key) to the file, and tells CMU where it is.  The HSMs then check the
signatures (cloudhsm/two_factor.py).
"""

from __future__ import annotations

import base64
import binascii
import json

from ... import files
from ...cloudhsm import two_factor
from ...cloudhsm.two_factor import SecondFactor
from .shell import CloudHsmMgmtUtil

VERSION = "1.0"


def exchange(shell: CloudHsmMgmtUtil, path: str, *, with_public_key: bool):
    """Ask every HSM of the command for a digest, have them signed, and read the answer back:
    HSM id -> SecondFactor, or None (the problem printed) when there is no usable answer."""
    with shell.store.transaction() as world:
        digests = {hsm.hsm_id: two_factor.challenge(world) for _, _, hsm in shell.targets(world)}
    request = {"Version": VERSION,
               "Data": [{"HsmId": hsm_id, "Digest": base64.b64encode(digest).decode()}
                        for hsm_id, digest in digests.items()]}
    try:
        files.write(path, json.dumps(request, indent=4) + "\n")
    except (OSError, ValueError) as exc:
        shell.file_error("write", path, exc)
        return None
    # GAP: CMU's prompts during 2FA are undocumented; the docs say only that CMU asks for the
    # digests to be signed and then for the location of the authdata file.
    what = "the signatures and your public key" if with_public_key else "the signatures"
    shell.line(f"Sign the digests in {path} with your private key, then add {what} to the file.")
    answer = shell.console.read_line(f"Enter the signed authdata file [{path}]:")
    if answer is None:
        shell.line()
        return None
    signed_file = answer.strip() or path
    try:
        return _answer(files.read_text(signed_file, errors="replace"), digests, with_public_key)
    except AuthdataError as exc:
        shell.error(f"{signed_file}: {exc}")
    except (OSError, ValueError) as exc:
        shell.file_error("read", signed_file, exc)
    return None


class AuthdataError(ValueError):
    pass


def _answer(text: str, digests: dict[str, bytes], with_public_key: bool) -> dict[str, SecondFactor]:
    """The signed authdata file: the digests CMU asked for (not those the file claims, which
    the signer could have changed) with the signatures and public key found in it.  A missing
    signature or key is the HSMs' to refuse (and to ignore, for a user without 2FA)."""
    try:
        data = json.loads(text)
        entries = {entry["HsmId"]: entry for entry in data["Data"]}
        public_key = data.get("PublicKey") if with_public_key else None
        signatures = {hsm_id: entries[hsm_id].get("Signature") for hsm_id in digests if hsm_id in entries}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AuthdataError(f"not an authdata file ({type(exc).__name__}: {exc})") from None
    if public_key is not None and not isinstance(public_key, str):
        raise AuthdataError('"PublicKey" must be your PEM public key as one string')
    factors = {}
    for hsm_id, digest in digests.items():
        signature = signatures.get(hsm_id)
        try:
            signed = None if signature is None else base64.b64decode(signature, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise AuthdataError(f'the "Signature" for {hsm_id} is not Base64') from None
        factors[hsm_id] = SecondFactor(digest, signed, public_key)
    return factors
