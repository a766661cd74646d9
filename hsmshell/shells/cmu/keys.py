"""The key commands of cloudhsm_mgmt_util: findAllKeys, getKeyInfo, getAttribute,
listAttributes, setAttribute, shareKey and (server mode) syncKey.  Each reports per server."""

from __future__ import annotations

from ... import files
from ...cloudhsm import attributes as attr
from ...cloudhsm import keys, sharing, sync
from ...cloudhsm import returncodes as rc
from ...cloudhsm.keys import Refused
from ...cloudhsm.nodes import answers
from ..engine import KEY_HANDLE, USER_ID
from .shell import CloudHsmMgmtUtil, command
from .syntax import NUMBER, NUMBERS, Arg
from .users import sync_destination

KEY = Arg("handle", "key handle", NUMBER, known=KEY_HANDLE)


def _deliver(shell: CloudHsmMgmtUtil, lines: list[str], output_file: str | None) -> None:
    """Print the lines, or write them to the optional output file instead."""
    if output_file is None:
        for line in lines:
            shell.line(line)
        return
    try:
        files.write(output_file, "".join(line + "\n" for line in lines))
    except OSError as exc:  # a NUL byte in the name too: an invalid argument
        shell.error(f"Cannot write {output_file}: {exc.strerror}")


def _failure(shell: CloudHsmMgmtUtil, command: str, server, code: rc.ReturnCode) -> list[str]:
    return [f"{command} failed: {shell.failure(code)}", f"{command} failed on {server.label}"]


def _session(world, shell: CloudHsmMgmtUtil, hsm):
    if not answers(hsm):
        raise Refused("", rc.SERVER_UNAVAILABLE)
    session = world.sessions.get(shell.session_id)
    if session is None or hsm.hsm_id not in session.hsms:
        raise Refused("", rc.NOT_LOGGED_IN)
    return session


@command("findAllKeys", "Lists the keys a user owns or shares, with a hash of the ownership data",
         Arg("user_id", "user id", NUMBER, known=USER_ID), Arg("key_hash", "key hash (0/1)", choices=("0", "1")),
         Arg("output", "output file", optional=True), invalid="Invalid arguments.")
def find_all_keys(shell: CloudHsmMgmtUtil, args: dict) -> None:
    lines: list[str] = []
    world = shell.store.read()
    for server, cluster, hsm in shell.targets(world):
        try:
            found = sharing.find_all_keys(world, cluster, hsm, shell.session_id, args["user_id"])
        except Refused as refused:
            lines += _failure(shell, "findAllKeys", server, refused.code) + [""]
            continue
        lines += [f"Keys on {server.label}:", f"Number of keys found {len(found.keys)}",
                  f"number of keys matched from start index 0::{len(found.keys)}",
                  ",".join(f"{handle}{mark}" for handle, mark in found.keys)]
        if args["key_hash"] == "1" and found.key_hash:
            lines += ["Key Hash:", found.key_hash, "", f"findAllKeys success on {server.label}"]
        else:
            lines += [f"findAllKeys success on {server.label}", ""]
    _deliver(shell, lines, args["output"])


# The examples give the handle with and without -k (spec §4.20); both are accepted.
@command("getKeyInfo", "Shows who owns and shares a key",
         Arg("handle", "key-handle", NUMBER, flag="-k", known=KEY_HANDLE), Arg("output", "output file", optional=True))
def get_key_info(shell: CloudHsmMgmtUtil, args: dict) -> None:
    lines: list[str] = []
    world = shell.store.read()
    for server, cluster, hsm in shell.targets(world):
        try:
            key = keys.key_info(cluster, _session(world, shell, hsm), [hsm], args["handle"])
        except Refused as refused:
            lines += _failure(shell, "getKeyInfo", server, refused.code)
            continue
        # GAP: the text for a session key is undocumented.
        lines += [f"Key Info on {server.label}:", "",
                  "\tToken/Flash Key," if key.token else "\tSession Key,", "",
                  f"\tOwned by user {key.owner}", ""]
        shared = [] if key.key_class == keys.PUBLIC_KEY else key.shared_with
        if shared:
            lines += [f"\talso, shared to following {len(shared)} user(s):", ""]
            lines += [f"\t\t {uid}" for uid in shared]
        if key.m_value > 0:
            lines.append(f"\t {key.m_value} Users need to approve to use/manage this key")
    _deliver(shell, lines, args["output"])


@command("getAttribute", "Gets an attribute of a key", KEY, Arg("attribute_id", "attribute id", NUMBER),
         Arg("output", "filename", optional=True))
def get_attribute(shell: CloudHsmMgmtUtil, args: dict) -> None:
    handle, attribute_id = args["handle"], args["attribute_id"]
    if attribute_id not in attr.BY_ID:
        shell.error(f"Invalid attribute {attribute_id}. Use listAttributes for the valid ones.")
        return
    lines: list[str] = []
    world = shell.store.read()
    for server, cluster, hsm in shell.targets(world):
        try:
            values = keys.get_attribute(world, cluster, _session(world, shell, hsm), [hsm], handle, attribute_id)
        except Refused as refused:
            lines += [""] + _failure(shell, "getAttribute", server, refused.code)
            continue
        lines += ["", f"Attribute Value on {server.label}:"]
        show = attr.single_value if attribute_id != attr.ALL else attr.all_value
        for number, value in values.items():
            lines += [attr.BY_ID[number].name, show(number, value)]
    _deliver(shell, lines, args["output"])


@command("listAttributes", "Lists the key attributes and their ids", Arg("help", "-h", optional=True, literal=True),
         lenient=True)
def list_attributes(shell: CloudHsmMgmtUtil, args: dict) -> None:
    shell.line()
    shell.line("Following are the possible attribute values for getAttribute:")
    shell.line()
    for line in attr.listing(attr.CMU_LISTED):
        shell.line(line)


# The page's syntax leaves out the value its example passes (spec §4.19).
@command("setAttribute", "Changes an attribute of a key you own", KEY, Arg("attribute_id", "attribute id", NUMBER),
         Arg("value", "value"))
def set_attribute(shell: CloudHsmMgmtUtil, args: dict) -> None:
    handle, attribute_id = args["handle"], args["attribute_id"]
    if attribute_id not in attr.CMU_SETTABLE:
        shell.error(f"Attribute {attribute_id} cannot be set. Settable: "
                    + ", ".join(map(str, sorted(attr.CMU_SETTABLE))) + ".")
        return
    if not shell.caution(blank_before=False):
        return
    _change_per_server(shell, "setAttribute", lambda world, cluster, hsm: sharing.set_attribute(
        world, cluster, hsm, shell.session_id, handle, attribute_id, args["value"]))


# using-kmu.md says several user ids may be given, comma-separated.
@command("shareKey", "Shares a key you own with a crypto user, or stops sharing it", KEY,
         Arg("user_ids", "user id", NUMBERS, known=USER_ID),
         Arg("share", "(share/unshare key?) 1/0", choices=("1", "0")), invalid="Invalid arguments.")
def share_key(shell: CloudHsmMgmtUtil, args: dict) -> None:
    if not shell.caution(blank_before=False):
        return
    _change_per_server(shell, "shareKey", lambda world, cluster, hsm: sharing.share_key(
        world, cluster, hsm, shell.session_id, args["handle"], args["user_ids"], args["share"] == "1"))


def _change_per_server(shell: CloudHsmMgmtUtil, command: str, change) -> None:
    """Apply a key change through each server in turn, reporting each; a refusal leaves the
    world as it was on that server."""
    results = []
    for server in [s for s, _, _ in shell.targets(shell.store.read())]:
        try:
            with shell.store.transaction() as world:
                target = shell.target_of(world, server)
                if target is None:
                    raise Refused("", rc.SERVER_UNAVAILABLE)
                change(world, *target)
            results.append((server, rc.SUCCESS))
        except Refused as refused:
            results.append((server, refused.code))
    shell.report(command, results)


@command("syncKey", "Copies a key from this server to another (server mode)", KEY,
         Arg("destination", "destination hsm", NUMBER), server_mode=True)
def sync_key(shell: CloudHsmMgmtUtil, args: dict) -> None:
    handle, destination = args["handle"], sync_destination(shell, args["destination"])
    if destination is None:
        return
    with shell.store.transaction() as world:
        source, target = shell.target_of(world, shell.server_mode), shell.target_of(world, destination)
        code = sync.sync_key(world, source, target, session_id=shell.session_id, handle=handle) \
            if source and target else rc.SERVER_UNAVAILABLE
    # GAP: only the success line is documented.
    shell.line(f"syncKey failed: {shell.failure(code)}" if code else "syncKey success")
