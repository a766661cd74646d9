"""AWS Signature Version 4, as far as a local endpoint needs it.

By default the endpoint accepts any well-formed signed request (the emulator has no IAM); with
credentials configured it recomputes the signature the way botocore makes it and refuses a
request that does not match, with the errors AWS returns for JSON services.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from urllib.parse import quote

from ..errors import (IncompleteSignatureException, InvalidSignatureException, MissingAuthenticationTokenException,
                      UnrecognizedClientException)

_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/"
    r"(?P<service>[^/,\s]+)/aws4_request,\s*SignedHeaders=(?P<headers>[a-z0-9;\-]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Authorization:
    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse(header: str | None) -> Authorization:
    if not header:
        raise MissingAuthenticationTokenException("Missing Authentication Token")
    match = _AUTH.match(header.strip())
    if match is None:
        raise IncompleteSignatureException(
            f"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' "
            f"parameters. Authorization={header}")
    return Authorization(match["key"], match["date"], match["region"], match["service"],
                         tuple(match["headers"].split(";")), match["signature"])


SKEW = 15 * 60  # AWS refuses a request signed more than 15 minutes before or after its own time
_STAMP = "%Y%m%dT%H%M%SZ"
_STAMP_PARTS = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z")


def verify(auth: Authorization, secrets: dict[str, str], method: str, path: str, query: str,
           headers: dict[str, str], body: bytes, *, now: float) -> None:
    """Raises the AWS error when the request was not signed with a configured secret, or was
    signed more than 15 minutes away from `now` (seconds since the epoch)."""
    secret = secrets.get(auth.access_key)
    if secret is None:
        raise UnrecognizedClientException("The security token included in the request is invalid.")
    lowered = {k.lower(): v for k, v in headers.items()}
    if any(h not in lowered for h in auth.signed_headers) or "x-amz-date" not in lowered:
        raise IncompleteSignatureException("The request signature is missing signed headers.")
    _check_date(lowered["x-amz-date"], now)
    canonical = "\n".join([
        method,
        quote(path or "/", safe="/~"),
        _canonical_query(query),
        "".join(f"{h}:{' '.join(lowered[h].split())}\n" for h in auth.signed_headers),
        ";".join(auth.signed_headers),
        hashlib.sha256(body).hexdigest(),
    ])
    scope = f"{auth.date}/{auth.region}/{auth.service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", lowered["x-amz-date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (auth.date, auth.region, auth.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, auth.signature):
        raise InvalidSignatureException(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.")


def _check_date(stamp: str, now: float) -> None:
    """The texts AWS answers, e.g. `Signature expired: 20150830T123600Z is now earlier than
    20150830T123600Z (20150830T125100Z - 15 min.)`."""
    parts = _STAMP_PARTS.fullmatch(stamp)
    try:
        if parts is None:
            raise ValueError(stamp)
        signed = datetime.datetime(*map(int, parts.groups()), tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:  # not the format, or a 13th month
        # GAP: AWS's text for an X-Amz-Date that is not a timestamp is not in the reference.
        raise IncompleteSignatureException(
                       f"Date must be in ISO-8601 'basic format'. Got '{stamp[:40]}'. "
                       "See http://en.wikipedia.org/wiki/ISO_8601") from None
    at = time.strftime(_STAMP, time.gmtime(now))
    if signed < now - SKEW:
        raise InvalidSignatureException(f"Signature expired: {stamp} is now earlier than "
                       f"{time.strftime(_STAMP, time.gmtime(now - SKEW))} ({at} - 15 min.)")
    if signed > now + SKEW:
        raise InvalidSignatureException(f"Signature not yet current: {stamp} is still later than "
                       f"{time.strftime(_STAMP, time.gmtime(now + SKEW))} ({at} + 15 min.)")


def _canonical_query(query: str) -> str:
    if not query:
        return ""
    pairs = [p.split("=", 1) + [""] for p in query.split("&") if p]
    return "&".join(f"{k}={v}" for k, v, *_ in sorted((k, v) for k, v, *_ in pairs))
