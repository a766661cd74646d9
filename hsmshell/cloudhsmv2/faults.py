"""Faults no API call can produce: a subnet deleted or out of free addresses, transient
network errors, an internal error, an HSM the client cannot reach.

They live in `world.faults` (an HSM's reachability on the HSM itself) so that every process
sees them and `hsmshell world show` lists them.  Each fault is a plain mapping:

    {kind: subnet_deleted, subnet_id: subnet-...}
    {kind: subnet_full, subnet_id: subnet-...}
    {kind: connect_error, code: NETWORK_ERRORS, until: <epoch>}    # transient: ends by itself
    {kind: connect_error, code: INTERNAL_ERROR, times: 1}           # the next attempt(s) only
    (custom_key_store_id: cks-... limits a connect_error to one store)
"""

from __future__ import annotations

from typing import Any

from ..world.clock import now
from ..world.model import Hsm, World

SUBNET_DELETED = "subnet_deleted"
SUBNET_FULL = "subnet_full"
CONNECT_ERROR = "connect_error"
KINDS = (SUBNET_DELETED, SUBNET_FULL, CONNECT_ERROR)


def subnets(world: World, kind: str) -> set[str]:
    return {f["subnet_id"] for f in world.faults if f.get("kind") == kind}


def connect_error(world: World, store_id: str) -> dict[str, Any] | None:
    """The connect_error fault that stops this connection attempt, used up if it counts."""
    current = now(world)
    for fault in world.faults:
        if fault.get("kind") != CONNECT_ERROR or fault.get("custom_key_store_id") not in (None, store_id):
            continue
        if fault.get("until") is not None and current >= fault["until"]:
            continue
        if "times" in fault:
            fault["times"] -= 1
            if fault["times"] <= 0:
                world.faults.remove(fault)
        return fault
    return None


def add(world: World, fault: dict[str, Any]) -> None:
    world.faults.append(fault)


def clear(world: World) -> int:
    """Remove every fault and make every HSM reachable again; returns how many were undone."""
    count = len(world.faults) + sum(1 for h in all_hsms(world) if not h.reachable)
    world.faults.clear()
    for hsm in all_hsms(world):
        hsm.reachable = True
    return count


def find_hsm(world: World, hsm_id: str) -> Hsm | None:
    return next((h for h in all_hsms(world) if hsm_id in (h.hsm_id, h.eni_ip)), None)


def all_hsms(world: World) -> list[Hsm]:
    return [h for c in world.clusters.values() for h in c.hsms]


def describe(world: World, fault: dict[str, Any]) -> str:
    kind = fault.get("kind")
    if kind == SUBNET_DELETED:
        return f"subnet {fault['subnet_id']} deleted"
    if kind == SUBNET_FULL:
        return f"subnet {fault['subnet_id']} has no free addresses"
    text = f"connections fail with {fault.get('code')}"
    if fault.get("custom_key_store_id"):
        text += f" for {fault['custom_key_store_id']}"
    if fault.get("until") is not None:
        import time

        text += " until " + time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(fault["until"]))
    if "times" in fault:
        text += f" ({fault['times']} more attempt{'s' if fault['times'] != 1 else ''})"
    return text
