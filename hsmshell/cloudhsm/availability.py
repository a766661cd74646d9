"""Client SDK 5's key-availability check (cloudhsm-cli-spec §1.1, §7.3).

By default the client refuses to create or use a token key unless the key is on at least two
HSMs that answer; `configure-cli --disable-key-availability-check` turns the check off (the
documented way to run a one-HSM cluster).  The check fires when a session starts using keys,
when a key is made, and when keys are listed.  Session keys live on one HSM and are exempt.
"""

from __future__ import annotations

from ..world.model import Cluster, Key
from .nodes import answers

MIN_HSMS = 2
MESSAGE = "Cannot perform the requested key operation as the key must be available on at least 2 HSMs"


class KeyUnavailable(Exception):
    def __init__(self) -> None:
        super().__init__(MESSAGE)


def answering(cluster: Cluster) -> list:
    return [h for h in cluster.hsms if answers(h)]


def check_cluster(cluster: Cluster, enabled: bool) -> None:
    """Before making a token key or listing keys: are there two HSMs to hold them?"""
    if enabled and len(answering(cluster)) < MIN_HSMS:
        raise KeyUnavailable()


def check_key(cluster: Cluster, key: Key, enabled: bool) -> None:
    """Before using a token key: is it on two HSMs that answer?"""
    if not enabled or not key.token:
        return
    held = {h.hsm_id for h in answering(cluster)} & set(key.hsms)
    if len(held) < MIN_HSMS:
        raise KeyUnavailable()
