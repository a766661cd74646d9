"""CloudTrail events for KMS and CloudHSM calls (kms-spec §5.3), oldest first in `world.trail`
(which the store keeps in a log beside the world file).

Every call gets exactly one event, a refused one too.  Each operation declares how its calls
are logged (`Event`, in the front-end's operation table); `record_call` writes that event by
CloudTrail's rule.  Operations whose events carry fields of their own (KMS's, kms-spec §5.3)
declare that their service writes the event of a successful call, with `record`.
"""

from __future__ import annotations

import contextvars
import hashlib
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..world import ids
from ..world.clock import now
from ..world.model import World

if TYPE_CHECKING:
    from ..errors import AwsError

KMS = "kms.amazonaws.com"
CLOUDHSM = "cloudhsm.amazonaws.com"
CALLER = {"type": "IAMUser", "principalId": "AIDAIGDTESTANDEXAMPLE", "userName": "Alice",
          "accessKeyId": "AKIAIOSFODNN7EXAMPLE"}


# The access key the request being served is signed with; None: no request (a lab's check, a
# shell), which CloudTrail logs as the default caller.
_ACCESS_KEY: contextvars.ContextVar[str | None] = contextvars.ContextVar("access_key", default=None)


@contextmanager
def signed_by(access_key: str | None):
    """The calls made inside are requests signed with `access_key` (None: the default one,
    the key `hsmshell env` prints)."""
    token = _ACCESS_KEY.set(access_key or CALLER["accessKeyId"])
    try:
        yield
    finally:
        _ACCESS_KEY.reset(token)


def signing_key() -> str | None:
    return _ACCESS_KEY.get()


def _user_identity(world: World) -> dict[str, Any]:
    """Who made the call: the principal the world names for the signing access key
    (`principals:`), else the default caller."""
    access_key = _ACCESS_KEY.get()
    principal = world.principals.get(access_key) if access_key else None
    default_arn = f"arn:aws:iam::{world.account_id}:user/{CALLER['userName']}"
    if principal is None or (access_key, principal) == (CALLER["accessKeyId"], default_arn):
        return {**CALLER, "arn": default_arn, "accountId": world.account_id}
    kind = "IAMUser" if ":user/" in principal else "AssumedRole" if ":assumed-role/" in principal else "Root" \
        if principal.endswith(":root") else "IAMUser"
    # GAP: a principal ID is IAM's; here one derived from the ARN, in IAM's shape.
    principal_id = "AIDA" + hashlib.sha256(principal.encode()).hexdigest()[:17].upper()
    identity: dict[str, Any] = {"type": kind, "principalId": principal_id, "arn": principal,
                                "accountId": world.account_id, "accessKeyId": access_key}
    if kind == "IAMUser":
        identity["userName"] = principal.rsplit("/", 1)[-1]
    return identity


def record(world: World, event_name: str, *, request: dict | None, response: dict | None = None,
           additional: dict | None = None, read_only: bool = False,
           resources: list | None = None, service_event: bool = False, source: str = KMS,
           error: tuple[str, str] | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"eventVersion": "1.08"}
    if service_event:
        event["userIdentity"] = {"accountId": world.account_id, "invokedBy": "AWS Internal"}
    else:
        event["userIdentity"] = _user_identity(world)
    event.update({
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now(world))),
        "eventSource": source,
        "eventName": event_name,
        "awsRegion": world.region,
        "sourceIPAddress": "AWS Internal" if service_event else "192.0.2.0",
        "userAgent": "AWS Internal" if service_event else "aws-cli/1.45.11",
    })
    if error is not None:
        event["errorCode"], event["errorMessage"] = error
    event.update({
        "requestParameters": request,
        "responseElements": response,
    })
    if additional is not None:
        event["additionalEventData"] = additional
    previous = world.trail.last_event_id()
    if not service_event:
        event["requestID"] = ids.following(world, previous, "requestID")
    event["eventID"] = ids.following(world, previous, "eventID")
    event["readOnly"] = read_only
    if resources is not None:
        event["resources"] = resources
    event.update({
        "eventType": "AwsServiceEvent" if service_event else "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": world.account_id,
        "eventCategory": "Management",
    })
    world.trail.append(event)
    return event


READ_ONLY = ("Describe", "List", "Get")  # the calls CloudTrail marks readOnly: true by their name
# Members CloudTrail never logs: secrets, and data that is not the caller's to see again.  GAP:
# of a Recipient, CloudTrail logs what it read from the attestation document; here nothing.
NEVER_LOGGED = frozenset({"KeyStorePassword", "XksProxyAuthenticationCredential", "Plaintext", "CiphertextBlob",
                          "Recipient", "TrustAnchorCertificate", "SignedCert", "TrustAnchor", "Message", "Signature",
                          "Mac", "PublicKey", "ImportToken", "EncryptedKeyMaterial"})


@dataclass(frozen=True)
class Event:
    """How CloudTrail logs the calls of one operation."""
    source: str  # eventSource
    read_only: bool
    by_service: bool  # the service writes a successful call's event itself, with its own fields


def declare(source: str, operation: str, *, read_only: bool | None = None, by_service: bool = False) -> Event:
    """An operation's event: read-only if its name says so, unless declared otherwise (KMS's
    cryptographic operations are read-only too)."""
    return Event(source, operation.startswith(READ_ONLY) if read_only is None else read_only, by_service)


def record_call(world: World, event: Event, operation: str, params: dict,
                error: AwsError | None = None) -> dict[str, Any]:
    """A call's event as CloudTrail's rule writes it: the request members camelCased, without
    what is never logged; a refused call's with its errorCode and errorMessage."""
    logged = {k[:1].lower() + k[1:]: v for k, v in params.items() if k not in NEVER_LOGGED}
    return record(world, operation, request=logged or None, source=event.source,
                  error=None if error is None else (error.code, error.message),
                  read_only=error is None and event.read_only)


def text_date(seconds: float) -> str:
    """Dates inside CloudTrail's response elements read like "Oct 14, 2021, 5:39:50 PM"."""
    stamp = time.gmtime(seconds)
    hour = stamp.tm_hour % 12 or 12
    return time.strftime(f"%b {stamp.tm_mday}, %Y, {hour}:%M:%S %p", stamp)

