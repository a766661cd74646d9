"""The fake PEM files of getCaviumPrivKey and IsValidKeyHandlefile.

A fake PEM file looks like an RSA private key to an application (an OpenSSL engine reads it)
but names a key in the HSM instead of holding one: the public modulus and exponent are real,
the private parts are not.  GAP: the layout is undocumented.  Ours is a PKCS #1 RSAPrivateKey
whose private exponent is the key handle and whose first prime is the marker the Cfm2Util
source calls CAV_SIG_HSM_KEY (0xEEFCFCEA).
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization

from ..world.model import Cluster, Hsm, Session, World
from . import attributes as attr
from . import crypto
from . import returncodes as rc
from .keys import Refused, lookup, material

CAV_SIG_HSM_KEY = 0xEEFCFCEA
_BEGIN, _END = b"-----BEGIN RSA PRIVATE KEY-----", b"-----END RSA PRIVATE KEY-----"


def fake_pem(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], handle: int) -> bytes:
    key = lookup(cluster, session, nodes, handle, "getCaviumPrivKey")
    if key.key_class != attr.PRIVATE_KEY or key.key_type != attr.RSA:
        raise Refused("getCaviumPrivKey", rc.INVALID_INPUT)
    details = crypto.public_details(key.key_class, material(world, cluster, key))
    n, e = (int.from_bytes(details[k], "big") for k in ("modulus", "exponent"))
    der = _sequence([0, n, e, handle, CAV_SIG_HSM_KEY, 1, 0, 0, 0])
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return b"\n".join([_BEGIN, *lines, _END]) + b"\n"


def handle_in(data: bytes) -> int | None:
    """The HSM key handle a fake PEM file names, or None for any other file."""
    try:
        body = data.split(_BEGIN, 1)[1].split(_END, 1)[0]
        # validate: a character outside base64 (a second BEGIN line) makes the file no PEM.
        numbers = _integers(base64.b64decode(b"".join(body.split()), validate=True))
    except (IndexError, ValueError):
        return None
    if len(numbers) == 9 and numbers[4] == CAV_SIG_HSM_KEY:
        return numbers[3]
    return None


def is_private_key(data: bytes) -> bool:
    try:
        serialization.load_pem_private_key(data, None)
    except (ValueError, TypeError):
        return False
    return True


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _integer(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")  # a leading zero keeps it positive
    return b"\x02" + _length(len(raw)) + raw


def _sequence(values: list[int]) -> bytes:
    body = b"".join(_integer(v) for v in values)
    return b"\x30" + _length(len(body)) + body


def _read_length(der: bytes, at: int) -> tuple[int, int]:
    first = der[at]
    if first < 0x80:
        return first, at + 1
    size = first & 0x7F
    return int.from_bytes(der[at + 1:at + 1 + size], "big"), at + 1 + size


def _integers(der: bytes) -> list[int]:
    """The integers of a DER SEQUENCE of INTEGERs."""
    if not der or der[0] != 0x30:
        raise ValueError("not a sequence")
    length, at = _read_length(der, 1)
    end, out = at + length, []
    if end > len(der):
        raise ValueError("truncated")
    while at < end:
        if der[at] != 0x02:
            raise ValueError("not an integer")
        size, at = _read_length(der, at + 1)
        if at + size > end:
            raise ValueError("an integer runs past its sequence")
        out.append(int.from_bytes(der[at:at + size], "big", signed=True))
        at += size
    return out


def certificate(world: World, cluster: Cluster, hsm: Hsm, cert_type: int) -> bytes:
    """getCert -s/-t: the certificate of that type as the HSM holds it (the types and the
    derivations are the cluster's: cloudhsmv2/certificates.py).  A type the HSM has none of
    (the customer's before initialization, an unknown number) is refused."""
    from ..cloudhsmv2 import certificates  # cryptography.x509: ~30 ms a shell need not pay at start

    pem = certificates.for_hsm(world, cluster, hsm, cert_type)
    if pem is None:
        raise Refused("Cfm3GetCert()", rc.INVALID_INPUT)
    return pem.encode()
