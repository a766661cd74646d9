"""crypto sign | verify <mechanism> (cloudhsm-cli-spec §7)."""

from __future__ import annotations

import base64
from typing import Any

from ... import files
from ...cloudhsm.references import reference
from . import texts
from .declare import Opt
from .program import CloudHsmCli, Failure
from .tree import APPROVAL, command, key_filter

HASH = Opt("hash-function", "Hash function", "HASH_FUNCTION", required=True,
           choices=tuple((h, "") for h in ("sha1", "sha224", "sha256", "sha384", "sha512")))
DATA_PATH = Opt("data-path", "The path to the file containing the data to be signed", "DATA_PATH")
DATA = Opt("data", "Base64 Encoded data to be signed", "DATA")
DATA_TYPE = Opt("data-type", "The type of data passed in, either raw or digest", "DATA_TYPE", default="raw",
                choices=(("raw", ""), ("digest", "")))
SIGNATURE_PATH = Opt("signature-path", "The path to where the signature is located", "SIGNATURE_PATH")
SIGNATURE = Opt("signature", "Base64 encoded signature to be verified", "SIGNATURE")
MGF = Opt("mgf", "Mask generation function", "MGF", required=True,
          choices=tuple((f"mgf1-{h}", "") for h in ("sha1", "sha224", "sha256", "sha384", "sha512")))
SALT = Opt("salt-length", "Salt length", "SALT_LENGTH", required=True, kind=int)
KEY_FILTER = key_filter("key-filter", "a matching key", "KEY_FILTER")
MECHANISMS = {"ecdsa": "ECDSA", "rsa-pkcs": "RSA-PKCS", "rsa-pkcs-pss": "RSA-PKCS-PSS",
              "ed25519ph": "ED25519PH"}


def _bytes(values: dict[str, Any], path_opt: str, b64_opt: str) -> bytes:
    if values.get(path_opt) is not None:
        try:
            return files.read_bytes(values[path_opt])
        except OSError as exc:
            raise Failure(texts.FILE_UNREADABLE.format(values[path_opt], exc.strerror or exc)) from None
    try:
        return base64.b64decode(values[b64_opt], validate=True)
    except ValueError:
        raise Failure(texts.INVALID_PARAMETER.format(b64_opt)) from None


def _with_key(cli: CloudHsmCli, values: dict[str, Any], action):
    from ...cloudhsm import signatures
    from .keys import keys_context, one_key

    with cli.store.transaction() as world:
        cluster, session, nodes, check = keys_context(cli, world, values)
        key = one_key(world, cluster, session, nodes, values["key-filter"], check)
        try:
            return action(world, cluster, key)
        except signatures.Unusable:
            raise Failure(texts.INVALID_KEY_FOR_OPERATION) from None


def _sign(mechanism: str):
    def run(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
        from ...cloudhsm import signatures

        data = _bytes(values, "data-path", "data")

        def action(world, cluster, key):
            signature = signatures.sign(world, cluster, key, mechanism=mechanism,
                                        hash_name=values.get("hash-function", "sha512"), data=data,
                                        digest=values.get("data-type") == "digest", mgf=values.get("mgf"),
                                        salt_length=values.get("salt-length"))
            return {"key-reference": reference(key.handle), "signature": base64.b64encode(signature).decode()}
        return _with_key(cli, values, action)
    return run


def _verify(mechanism: str):
    def run(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
        from ...cloudhsm import signatures

        data = _bytes(values, "data-path", "data")
        signature = _bytes(values, "signature-path", "signature")

        def action(world, cluster, key):
            return signatures.verify(world, cluster, key, mechanism=mechanism,
                                     hash_name=values.get("hash-function", "sha512"), data=data,
                                     signature=signature, digest=values.get("data-type") == "digest",
                                     mgf=values.get("mgf"), salt_length=values.get("salt-length"))
        if not _with_key(cli, values, action):
            raise Failure(texts.SIGNATURE_FAILED)
        return {"message": texts.SIGNATURE_VERIFIED}
    return run


for _mechanism, _name in MECHANISMS.items():
    _hashing = () if _mechanism == "ed25519ph" else (HASH,)
    _pss = (MGF, SALT) if _mechanism == "rsa-pkcs-pss" else ()
    command(f"crypto sign {_mechanism}", f"Sign with the {_name} mechanism", KEY_FILTER, *_hashing,
            DATA_PATH, DATA, DATA_TYPE, *_pss, APPROVAL, one_of=(("data-path", "data"),))(_sign(_mechanism))
    command(f"crypto verify {_mechanism}", f"Verify with the {_name} mechanism", KEY_FILTER, *_hashing,
            DATA_PATH, DATA, DATA_TYPE, SIGNATURE_PATH, SIGNATURE, *_pss,
            one_of=(("data-path", "data"), ("signature-path", "signature")))(_verify(_mechanism))
# GAP: PureEdDSA verification is documented, but the emulated HSM makes no Ed25519 keys; the
# command exists and refuses every key, as the HSM would refuse a key of another type.
command("crypto verify ed25519", "Verify with the ED25519 mechanism", KEY_FILTER, DATA_PATH, DATA,
        SIGNATURE_PATH, SIGNATURE, one_of=(("data-path", "data"), ("signature-path", "signature")))(
    _verify("ed25519"))
