"""`hsmshell world show`: the world at a glance, for people."""

from __future__ import annotations

import time

from .aws import versions
from .cloudhsm.nodes import find_user
from .kms.keys import key_state
from .world.clock import now
from .world.model import World


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def render(world: World, path: str) -> str:
    out = [f"World {path} (revision {world.revision})",
           f"Clock {_when(now(world))}" + (" (frozen)" if world.clock.frozen_at is not None else "")]
    for cluster in world.clusters.values():
        out += ["", f"Cluster {cluster.cluster_id}  {cluster.state}  {cluster.hsm_type}  "
                    f"{len(cluster.hsms)} HSMs  {len(cluster.keys)} keys"]
        for hsm in cluster.hsms:
            out.append(f"  HSM {hsm.hsm_id}  {hsm.availability_zone:<11} {hsm.eni_ip:<15} {hsm.state:<8} "
                       + ("reachable" if hsm.reachable else "UNREACHABLE"))
        names = sorted({u.name for h in cluster.hsms for u in h.users},
                       key=lambda n: min(u.user_id for h in cluster.hsms for u in h.users if u.name == n))
        if names:
            out.append("  Users (per HSM, in order): " + ", ".join(h.hsm_id for h in cluster.hsms))
        for name in names:
            cells = []
            for hsm in cluster.hsms:
                user = find_user(hsm, name)
                if user is None:
                    cells.append("missing")
                elif user.locked:
                    cells.append(f"LOCKED ({user.failed_logins} failed)")
                else:
                    cells.append(f"{user.failed_logins} failed" if user.failed_logins else "ok")
            first = next(find_user(h, name) for h in cluster.hsms if find_user(h, name))
            out.append(f"    {first.user_id:>3} {name:<16} {first.user_type:<5} " + " | ".join(cells))
    if world.backups:
        out += ["", "Backups"]
        for backup in world.backups.values():
            out.append(f"  {backup.backup_id}  {backup.cluster_id}  {backup.state}  {_when(backup.create_timestamp)}")
    # What `configure` left on the client host, so a mistyped address shows here.
    daemon = world.client.cluster_id or "no cluster (no HSM at its address)"
    cmu = ", ".join(world.client.cmu_servers) or "the HSMs of the daemon's cluster"
    aws = versions.of(world.client.aws_cli)
    out += ["", "Client host", f"  client daemon (key_mgmt_util)  {daemon}",
            f"  cloudhsm_mgmt_util.cfg         {cmu}",
            f"  aws                            AWS CLI v{aws.major} ({aws.release})"]
    for store in world.custom_key_stores.values():
        error = f" ({store.connection_error_code})" if store.connection_error_code else ""
        out += ["", f"Custom key store {store.custom_key_store_name}  {store.custom_key_store_id}  "
                    f"cluster {store.cloud_hsm_cluster_id}  {store.connection_state}{error}"]
        for key in world.kms_keys.values():
            if key.custom_key_store_id == store.custom_key_store_id:
                out.append(f"  KMS key {key.key_id}  {key_state(world, key):<15} backing key {key.backing_key_handle}")
    if world.faults:
        from .cloudhsmv2.faults import describe

        out += ["", "Faults"] + [f"  {describe(world, fault)}" for fault in world.faults]
    out += ["", "Open sessions" if world.sessions else "No open sessions"]
    for session in world.sessions.values():
        owner = f"pid {session.pid}" if session.pid else "AWS KMS"
        out.append(f"  {session.tool:<19} {session.user_name} ({session.user_type}) on "
                   f"{len(session.hsms)} HSMs  {owner}")
    if world.due:
        out += ["", "Pending"]
        for item in sorted(world.due, key=lambda d: d.at):
            out.append(f"  {item.kind} at {_when(item.at)}")
    return "\n".join(out) + "\n"
