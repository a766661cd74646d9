"""key wrap | unwrap <mechanism> (cloudhsm-cli-spec §6.9)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from ... import files
from ...cloudhsm.references import reference
from . import texts
from .declare import Opt
from .program import CloudHsmCli, Failure
from .tree import command, key_filter

MECHANISMS = ("aes-gcm", "aes-no-pad", "aes-pkcs5-pad", "aes-zero-pad", "cloudhsm-aes-gcm", "rsa-aes",
              "rsa-oaep", "rsa-pkcs")
HASH = Opt("hash-function", "Hash algorithm", "HASH_FUNCTION", required=True,
           choices=tuple((h, "") for h in ("sha1", "sha224", "sha256", "sha384", "sha512")))
MGF = Opt("mgf", "Mask Generation Function algorithm", "MGF", required=True,
          choices=tuple((f"mgf1-{h}", "") for h in ("sha1", "sha224", "sha256", "sha384", "sha512")))
AAD = Opt("aad", "Aes GCM Additional Authenticated Data (AAD) value, in hex", "AAD")
PATH = Opt("path", "Path to the binary file where the wrapped key data will be saved", "PATH")
# (wrapped key) class and type of an unwrapped key, as `--key-type-class` names them.
KEY_TYPE_CLASSES = {"aes": (4, 31), "des3": (4, 21), "generic-secret": (4, 16), "rsa-private": (3, 0),
                    "ec-private": (3, 3)}
REFUSALS = {"not-extractable": texts.KEY_NOT_EXTRACTABLE, "not-owner": texts.KEY_ACCESS_DENIED,
            "wrapping-key": texts.INVALID_KEY_FOR_OPERATION, "payload": texts.INVALID_KEY_FOR_OPERATION,
            "data": texts.INVALID_PARAMETER.format("wrapped key data")}


def _extra(mechanism: str) -> tuple[Opt, ...]:
    if mechanism in ("rsa-aes", "rsa-oaep"):
        return HASH, MGF
    if mechanism in ("aes-gcm", "cloudhsm-aes-gcm"):
        return (AAD,)
    return ()


def _aad(values: dict[str, Any]) -> bytes:
    try:
        return bytes.fromhex(values["aad"].removeprefix("0x")) if values.get("aad") else b""
    except ValueError:
        raise Failure(texts.INVALID_PARAMETER.format("aad")) from None


def _wrap(mechanism: str):
    def run(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
        from ...cloudhsm import key_wrapping, keys
        from .keys import keys_context, one_key

        with cli.store.transaction() as world:
            cluster, session, nodes, check = keys_context(cli, world, values)
            payload = one_key(world, cluster, session, nodes, values["payload-filter"], check)
            wrapping = one_key(world, cluster, session, nodes, values["wrapping-filter"], check)
            try:
                wrapped = key_wrapping.wrap(world, cluster, keys.user_id(cluster, session), payload, wrapping,
                                            mechanism, hash_name=values.get("hash-function"),
                                            mgf=values.get("mgf"), aad=_aad(values))
            except key_wrapping.Unusable as unusable:
                raise Failure(REFUSALS[unusable.reason]) from None
        data = {"payload_key_reference": reference(payload.handle),
                "wrapping_key_reference": reference(wrapping.handle)}
        if values.get("path"):
            try:
                files.write(values["path"], wrapped, private=True)
            except OSError as exc:
                raise Failure(texts.FILE_UNWRITABLE.format(values["path"], exc.strerror or exc)) from None
            data["wrapped_key_data"] = values["path"]  # GAP: what is shown when written to a file
        else:
            data["wrapped_key_data"] = base64.b64encode(wrapped).decode()
        return data
    return run


def _unwrap(mechanism: str):
    def run(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
        from ...cloudhsm import availability, key_wrapping, keys
        from .keys import _attribute_pairs, _apply_usage, _crypto_users, entry, full_cluster, keys_context, one_key

        if values.get("data-path"):
            try:
                wrapped = files.read_bytes(values["data-path"])
            except OSError as exc:
                raise Failure(texts.FILE_UNREADABLE.format(values["data-path"], exc.strerror or exc)) from None
        else:
            try:
                wrapped = base64.b64decode(values["data"], validate=True)
            except ValueError:
                raise Failure(texts.INVALID_PARAMETER.format("data")) from None
        usage = _attribute_pairs(values.get("attributes"))
        key_class, key_type = KEY_TYPE_CLASSES[values["key-type-class"]]
        with cli.store.transaction() as world:
            cluster, session, nodes, check = keys_context(cli, world, values)
            unwrapping = one_key(world, cluster, session, nodes, values["filter"], check)
            try:
                if not values.get("session"):
                    availability.check_cluster(cluster, check)
                raw = key_wrapping.unwrap(world, cluster, unwrapping, mechanism, wrapped,
                                          hash_name=values.get("hash-function"), mgf=values.get("mgf"),
                                          aad=_aad(values))
                policy = keys.Policy(label=values["label"], shared=_crypto_users(nodes, values.get("share-crypto-users")),
                                     extractable=usage.get("extractable", True), token=not values.get("session"))
                key = keys.store_unwrapped(world, cluster, session, nodes, key_class=key_class, key_type=key_type,
                                           raw=raw, policy=policy)
            except key_wrapping.Unusable as unusable:
                raise Failure(REFUSALS[unusable.reason]) from None
            except availability.KeyUnavailable as unavailable:
                raise Failure(str(unavailable)) from None
            except keys.Refused as refused:
                raise Failure(full_cluster().get(refused.code, texts.INVALID_PARAMETER.format("key-type-class"))) \
                    from None
            _apply_usage(key, usage)
            return {"key": entry(world, cluster, key, verbose=True)}
    return run


for _mechanism in MECHANISMS:
    command(f"key wrap {_mechanism}", f"Wrap a key using the {_mechanism.upper()} mechanism",
            key_filter("payload-filter", "a payload key", "PAYLOAD_FILTER"),
            key_filter("wrapping-filter", "a wrapping key", "WRAPPING_FILTER"), PATH, *_extra(_mechanism),
            Opt("wrapping-approval", "File path of signed quorum token file to approve operation for wrapping key",
                "WRAPPING_APPROVALR"),
            Opt("payload-approval", "File path of signed quorum token file to approve operation for payload key",
                "PAYLOAD_APPROVALR"))(_wrap(_mechanism))
    command(f"key unwrap {_mechanism}", f"Unwrap a key using the {_mechanism.upper()} mechanism",
            key_filter("filter", "a key to unwrap with"),
            Opt("data-path", "Path to the binary file containing the wrapped key data", "DATA_PATH"),
            Opt("data", "Base64 encoded wrapped key data", "DATA"),
            Opt("key-type-class", "Key type and class of wrapped key", "KEY_TYPE_CLASS", required=True,
                choices=tuple((n, "") for n in KEY_TYPE_CLASSES)),
            Opt("label", "Label for the unwrapped key", "LABEL", required=True),
            Opt("session", "Creates a session key that exists only in the current session"),
            *_extra(_mechanism),
            Opt("attributes", "Space separated list of key attributes in the form of "
                              "KEY_ATTRIBUTE_NAME=KEY_ATTRIBUTE_VALUE for the unwrapped key", "KEY_ATTRIBUTES",
                multiple=True),
            Opt("share-crypto-users", "Space separated list of Crypto User usernames to share the unwrapped key "
                                      "with", "SHARE_CRYPTO_USERS", multiple=True),
            Opt("approval", "Filepath of signed quorum token file to approve operation", "APPROVAL"),
            one_of=(("data-path", "data"),))(_unwrap(_mechanism))
