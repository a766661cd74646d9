"""The cryptography an HSM does, on bytes only: making key material, AES key
wrap, signatures, and the encodings the tools read and write.  No world, no files.

Key material is kept as the HSM would hand it out: a secret key's raw bytes, a private key as
PKCS #8 DER, a public key as SubjectPublicKeyInfo DER.  Randomness comes from the caller
(`rand(n)`), so a world with a seed makes the same keys on every run and a world without one
makes random keys.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from typing import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.utils import CryptographyDeprecationWarning

from .attributes import DSA, EC, PRIVATE_KEY, PUBLIC_KEY, RSA, EcPoint
from .mechanisms import (DEFAULT_IV, ECDSA, RSA_PKCS, RSA_PSS, SIGNING, WRAP_NO_PAD,  # noqa: F401 - the names users of crypto read
                         WRAP_PAD_PKCS5, WRAP_ZERO_PAD)

Random = Callable[[int], bytes]

# The library deprecates DSA and says so on stderr at each use; the HSMs still make, use and
# export DSA keys (genDSAKeyPair), and the tools print nothing of the kind.
warnings.filterwarnings("ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning)

# genECCKeyPair -i: the curves the documentation lists; 1 (P-192) exists but a FIPS HSM refuses it.
CURVES = {1: ec.SECP192R1, 2: ec.SECP256R1, 14: ec.SECP384R1, 16: ec.SECP256K1}
FIPS_CURVES = {2, 14, 16}

# sign/verify -m: the family and the hash class of each mechanism number.
MECHANISMS = {number: (family, getattr(hashes, name)) for number, (family, name) in SIGNING.items()}


class CryptoFailure(Exception):
    """The data does not fit the operation: a bad signature, a wrong unwrapping key, a file
    that holds no key."""


# -- making keys -------------------------------------------------------------------------------

def generate_secret(rand: Random, size: int) -> bytes:
    return rand(size)


def _drbg(seed: bytes) -> Random:
    """A hash counter stream: the many candidates a prime search draws cost one draw."""
    counter = 0

    def more(n: int) -> bytes:
        nonlocal counter
        out = b""
        while len(out) < n:
            counter += 1
            out += hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
        return out[:n]
    return more


_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p ** 0.5) + 1, 2))]


def _probably_prime(n: int, rand: Random, rounds: int = 40) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        a = 2 + int.from_bytes(rand(len(bin(n)) // 8 + 8), "big") % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rand: Random, bits: int, e: int) -> int:
    while True:
        candidate = int.from_bytes(rand(bits // 8), "big") | (3 << (bits - 2)) | 1
        # p - 1 must share no factor with e, or e has no inverse: for a prime e (65537) that is
        # e not dividing p - 1; -e may be any odd number, 65541 = 3 x 21847 say.
        if math.gcd(candidate - 1, e) == 1 and _probably_prime(candidate, rand):
            return candidate


def generate_rsa(rand: Random, bits: int, exponent: int) -> bytes:
    """An RSA key from `rand` (so a seeded world makes the same key each run)."""
    stream = _drbg(rand(32))
    while True:
        p, q = _prime(stream, bits // 2, exponent), _prime(stream, bits - bits // 2, exponent)
        if p != q and (p * q).bit_length() == bits:
            break
    phi = (p - 1) * (q - 1)
    d = pow(exponent, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(exponent, p * q))
    return _pkcs8(numbers.private_key())


def generate_ec(rand: Random, curve_id: int) -> bytes:
    curve = CURVES[curve_id]()
    # Below 2^(bits-1) every scalar is under the order of these curves, so none is wasted.
    scalar = int.from_bytes(rand(curve.key_size // 8 + 1), "big") % (1 << (curve.key_size - 1)) | 1
    return _pkcs8(ec.derive_private_key(scalar, curve))


def generate_dsa(rand: Random) -> bytes:
    # Every DSA key shares one 2048/256 domain, which FIPS 186 allows; finding a domain costs
    # half a second, a key only a draw.
    x = 1 + int.from_bytes(rand(40), "big") % (_DSA_Q - 1)
    params = dsa.DSAParameterNumbers(_DSA_P, _DSA_Q, _DSA_G)
    return _pkcs8(dsa.DSAPrivateNumbers(x, dsa.DSAPublicNumbers(pow(_DSA_G, x, _DSA_P), params)).private_key())


def _pkcs8(private_key) -> bytes:
    return private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


def public_of(private_der: bytes) -> bytes:
    return spki(serialization.load_der_private_key(private_der, None).public_key())


def spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


# -- what the attributes show --------------------------------------------------------------------

def public_details(key_class: int, material: bytes) -> dict[str, object]:
    """Modulus, its length in bits and the public exponent, as OBJ_ATTR_MODULUS and friends
    report them; an EC key reports its point and the point's length in bits."""
    public = serialization.load_der_public_key(material if key_class == PUBLIC_KEY else public_of(material))
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        size = (numbers.n.bit_length() + 7) // 8
        e = numbers.e
        return {"modulus": numbers.n.to_bytes(size, "big"), "bits": numbers.n.bit_length(),
                "exponent": e.to_bytes((e.bit_length() + 7) // 8, "big")}
    if isinstance(public, ec.EllipticCurvePublicKey):
        point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        # GAP: the documented EC key reports 0x19f bits for its point; no rule gives that, so
        # the curve's size is reported.
        return {"modulus": EcPoint(point), "bits": public.curve.key_size}
    return {}


# -- AES key wrap (RFC 3394), with the IV the caller gives ----------------------------------------

def aes_wrap(kek: bytes, data: bytes, iv: bytes = DEFAULT_IV) -> bytes:
    if len(data) % 8 or len(data) < 16:
        raise CryptoFailure("data to wrap must be a multiple of 8 bytes, at least 16")
    blocks = [data[i:i + 8] for i in range(0, len(data), 8)]
    a, n = iv, len(blocks)
    encryptor = Cipher(algorithms.AES(kek), modes.ECB()).encryptor()
    for j in range(6):
        for i in range(n):
            b = encryptor.update(a + blocks[i])
            a = (int.from_bytes(b[:8], "big") ^ (n * j + i + 1)).to_bytes(8, "big")
            blocks[i] = b[8:]
    return a + b"".join(blocks)


def aes_unwrap(kek: bytes, wrapped: bytes, iv: bytes = DEFAULT_IV) -> bytes:
    if len(wrapped) % 8 or len(wrapped) < 24:
        raise CryptoFailure("wrapped data must be a multiple of 8 bytes, at least 24")
    a, blocks = wrapped[:8], [wrapped[i:i + 8] for i in range(8, len(wrapped), 8)]
    n = len(blocks)
    decryptor = Cipher(algorithms.AES(kek), modes.ECB()).decryptor()
    for j in reversed(range(6)):
        for i in reversed(range(n)):
            t = (int.from_bytes(a, "big") ^ (n * j + i + 1)).to_bytes(8, "big")
            b = decryptor.update(t + blocks[i])
            a, blocks[i] = b[:8], b[8:]
    if a != iv:
        raise CryptoFailure("integrity check failed: wrong key or IV")
    return b"".join(blocks)


def wrap(kek: bytes, data: bytes, mechanism: int, iv: bytes = DEFAULT_IV) -> bytes:
    if mechanism == WRAP_PAD_PKCS5:
        pad = 8 - len(data) % 8
        data += bytes([pad]) * pad
    elif mechanism == WRAP_ZERO_PAD:
        data += bytes(-len(data) % 8)
    return aes_wrap(kek, data, iv)


def unwrap(kek: bytes, wrapped: bytes, mechanism: int, length: int | None = None, iv: bytes = DEFAULT_IV) -> bytes:
    data = aes_unwrap(kek, wrapped, iv)
    if mechanism == WRAP_PAD_PKCS5:
        pad = data[-1]
        if not 1 <= pad <= 8 or data[-pad:] != bytes([pad]) * pad:
            raise CryptoFailure("bad padding")
        return data[:-pad]
    if mechanism == WRAP_ZERO_PAD and length is not None:
        return data[:length]
    return data


# -- signatures ----------------------------------------------------------------------------------

def sign(private_der: bytes, data: bytes, mechanism: int) -> bytes:
    key = serialization.load_der_private_key(private_der, None)
    family, hash_cls = MECHANISMS[mechanism]
    _check_family(key, family)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, _rsa_padding(family, hash_cls), hash_cls())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hash_cls()))
    return key.sign(data, hash_cls())


def verify(public_der: bytes, signature: bytes, data: bytes, mechanism: int) -> bool:
    key = serialization.load_der_public_key(public_der)
    family, hash_cls = MECHANISMS[mechanism]
    _check_family(key, family)
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, _rsa_padding(family, hash_cls), hash_cls())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hash_cls()))
        else:
            key.verify(signature, data, hash_cls())
    except InvalidSignature:
        return False
    return True


def _check_family(key, family: str) -> None:
    is_rsa = isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey))
    if is_rsa != (family in (RSA_PKCS, RSA_PSS)):
        raise CryptoFailure("mechanism does not fit the key")


def _rsa_padding(family: str, hash_cls):
    if family == RSA_PSS:
        return padding.PSS(mgf=padding.MGF1(hash_cls()), salt_length=hash_cls.digest_size)
    return padding.PKCS1v15()


# -- files the tools read and write -------------------------------------------------------------

def public_pem(public_der: bytes) -> bytes:
    return serialization.load_der_public_key(public_der).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def private_pem(private_der: bytes) -> bytes:
    return serialization.load_der_private_key(private_der, None).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def read_public(data: bytes) -> tuple[int, bytes]:
    """(key type, SPKI DER) of a PEM or DER public key file."""
    try:
        key = (serialization.load_pem_public_key(data) if b"-----BEGIN" in data
               else serialization.load_der_public_key(data))
    except (ValueError, TypeError):
        raise CryptoFailure("not a public key") from None
    return _key_type(key), spki(key)


def read_private(data: bytes) -> tuple[int, bytes]:
    """(key type, PKCS #8 DER) of a PEM or DER private key file without a password."""
    try:
        key = (serialization.load_pem_private_key(data, None) if b"-----BEGIN" in data
               else serialization.load_der_private_key(data, None))
    except (ValueError, TypeError):
        raise CryptoFailure("not a private key") from None
    if _key_type(key) is None:
        raise CryptoFailure("not an RSA, DSA or EC key")
    return _key_type(key), _pkcs8(key)


def _key_type(key) -> int | None:
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return RSA
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        return EC
    if isinstance(key, (dsa.DSAPrivateKey, dsa.DSAPublicKey)):
        return DSA
    return None


def key_size(key_type: int, der: bytes, key_class: int) -> int:
    """OBJ_ATTR_VALUE_LEN of an imported asymmetric key, as the model keeps it."""
    key = (serialization.load_der_public_key(der) if key_class == PUBLIC_KEY
           else serialization.load_der_private_key(der, None))
    return key.key_size


_DSA_P = int(
    "97b49c104ba3899662128106a52c6fb91249d228fe02966a1d4766cb86f96fb620a5f33d399ba97db913770f"
    "4864a8bc33c648d56a166a7a5f2ad25c2bd27875158c5e47288afb70802963a63794e0a8ae5c1c3c78a7e96e"
    "491248384c6aaa439d6176c442ccf0d2ee08fcd9ceb7eb904ebf62013849874c8e95006e49f929a95e2df820"
    "b8a0e558f2a8822995fee1a58f50c3122b2cce2c8fb1be53efbc69dff97c845a169806c7fb5598115b530324"
    "d6b51c3f74de233c1db75554fa81b70210fc45bab9a1533509caf25c543d525d0151a6a37416c1b5cedf7101"
    "87b18cae0620eaee25808936d55a927bb0e51cc4ba96423671793f489fa2c5bac1f340f3", 16)
_DSA_Q = int(
    "d00ab2fa6511b4c40ee77b3a255918e37109769cc1b88806c58c8e381f4a73f3", 16)
_DSA_G = int(
    "91b711f803976f54055c1bf717a09c46acf11ada8f2609604ff910aea10d53ebfed1ff94ac8e19e93255982c"
    "7d0a1f4c16684d33f7cf4fbb666f9a2d4eb79e02a19c98491b612ca15e797354b6cf5fdf6d82d21bfac9013f"
    "10552601235c5ceb1a450137a8c5442303be25707965103bdbda6526b18ba480681c03b01556c5504af69811"
    "a68800c205677cc4e8dac09d010238f670a7754b2abb71e85100492bd7c58ffac1b72dffc86174add01afe51"
    "b512e0809d20c9c011c405b3f3cff0103f3c794e63199c6a3808cd7df2180c62c100c188d81e38e1a8f31ed4"
    "d2c8e025df8daf902626428e427f34c4803bc04a0a4a0917f13505f8e31a9dc7e7839031", 16)
