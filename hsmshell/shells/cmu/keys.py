"""The key commands of cloudhsm_mgmt_util: findAllKeys, getKeyInfo, getAttribute,
listAttributes, setAttribute, shareKey and (server mode) syncKey.  Each reports per server."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ...cloudhsm import attributes as attr
from ...cloudhsm import keys, sharing, sync
from ...cloudhsm import returncodes as rc
from ...cloudhsm.keys import Refused
from ...cloudhsm.nodes import answers
from .shell import TABLE, CloudHsmMgmtUtil
from .users import sync_arguments


def _numbers(shell: CloudHsmMgmtUtil, command: str, words: list[str]) -> list[int] | None:
    try:
        return [int(w) for w in words]
    except ValueError:
        shell.syntax_error(command, "Invalid argument: a number is expected.")
        return None


def _deliver(shell: CloudHsmMgmtUtil, lines: list[str], output_file: str | None) -> None:
    """Print the lines, or write them to the optional output file instead."""
    if output_file is None:
        for line in lines:
            shell.line(line)
        return
    try:
        Path(output_file).write_text("".join(line + "\n" for line in lines))
    except OSError as exc:
        shell.error(f"Cannot write {output_file}: {exc.strerror}")
    except ValueError:  # a NUL byte in the name: the system refuses it as an invalid argument
        shell.error(f"Cannot write {output_file}: {os.strerror(errno.EINVAL)}")


def _failure(command: str, server, code: rc.ReturnCode) -> list[str]:
    return [f"{command} failed: {code.ret_name}", f"{command} failed on {server.label}"]


def _session(world, shell: CloudHsmMgmtUtil, hsm):
    if not answers(hsm):
        raise Refused("", rc.SERVER_UNAVAILABLE)
    session = world.sessions.get(shell.session_id)
    if session is None or hsm.hsm_id not in session.hsms:
        raise Refused("", rc.NOT_LOGGED_IN)
    return session


@TABLE.command("findAllKeys", usage="findAllKeys <user id> <key hash (0/1)> [<output file>]",
               summary="Lists the keys a user owns or shares, with a hash of the ownership data")
def find_all_keys(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    if len(args) not in (2, 3) or args[1] not in ("0", "1"):
        shell.syntax_error("findAllKeys", "Invalid arguments.")
        return
    numbers = _numbers(shell, "findAllKeys", args[:1])
    if numbers is None:
        return
    lines: list[str] = []
    world = shell.store.read()
    for server, cluster, hsm in shell.targets(world):
        try:
            found = sharing.find_all_keys(world, cluster, hsm, shell.session_id, numbers[0])
        except Refused as refused:
            lines += _failure("findAllKeys", server, refused.code) + [""]
            continue
        lines += [f"Keys on {server.label}:", f"Number of keys found {len(found.keys)}",
                  f"number of keys matched from start index 0::{len(found.keys)}",
                  ",".join(f"{handle}{mark}" for handle, mark in found.keys)]
        if args[1] == "1" and found.key_hash:
            lines += ["Key Hash:", found.key_hash, "", f"findAllKeys success on {server.label}"]
        else:
            lines += [f"findAllKeys success on {server.label}", ""]
    _deliver(shell, lines, args[2] if len(args) == 3 else None)


@TABLE.command("getKeyInfo", usage="getKeyInfo -k <key-handle> [<output file>]",
               summary="Shows who owns and shares a key")
def get_key_info(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    # The examples give the handle with and without -k (spec §4.20); both are accepted.
    words = args[1:] if args[:1] == ["-k"] else args
    if len(words) not in (1, 2):
        shell.syntax_error("getKeyInfo", "Invalid number of arguments.")
        return
    numbers = _numbers(shell, "getKeyInfo", words[:1])
    if numbers is None:
        return
    lines: list[str] = []
    world = shell.store.read()
    for server, cluster, hsm in shell.targets(world):
        try:
            key = keys.key_info(cluster, _session(world, shell, hsm), [hsm], numbers[0])
        except Refused as refused:
            lines += _failure("getKeyInfo", server, refused.code)
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
    _deliver(shell, lines, words[1] if len(words) == 2 else None)


@TABLE.command("getAttribute", usage="getAttribute <key handle> <attribute id> [<filename>]",
               summary="Gets an attribute of a key")
def get_attribute(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    if len(args) not in (2, 3):
        shell.syntax_error("getAttribute", "Invalid number of arguments.")
        return
    numbers = _numbers(shell, "getAttribute", args[:2])
    if numbers is None:
        return
    handle, attribute_id = numbers
    if attribute_id not in attr.BY_ID:
        shell.error(f"Invalid attribute {attribute_id}. Use listAttributes for the valid ones.")
        return
    lines: list[str] = []
    world = shell.store.read()
    for server, cluster, hsm in shell.targets(world):
        try:
            values = keys.get_attribute(world, cluster, _session(world, shell, hsm), [hsm], handle, attribute_id)
        except Refused as refused:
            lines += [""] + _failure("getAttribute", server, refused.code)
            continue
        lines += ["", f"Attribute Value on {server.label}:"]
        show = attr.single_value if attribute_id != attr.ALL else attr.all_value
        for number, value in values.items():
            lines += [attr.BY_ID[number].name, show(number, value)]
    _deliver(shell, lines, args[2] if len(args) == 3 else None)


@TABLE.command("listAttributes", usage="listAttributes [-h]", summary="Lists the key attributes and their ids")
def list_attributes(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    shell.line()
    shell.line("Following are the possible attribute values for getAttribute:")
    shell.line()
    for line in attr.listing(attr.CMU_LISTED):
        shell.line(line)


@TABLE.command("setAttribute", usage="setAttribute <key handle> <attribute id> <value>",
               summary="Changes an attribute of a key you own")
def set_attribute(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    # The page's syntax leaves out the value its example passes (spec §4.19).
    if len(args) != 3:
        shell.syntax_error("setAttribute", "Invalid number of arguments.")
        return
    numbers = _numbers(shell, "setAttribute", args[:2])
    if numbers is None:
        return
    handle, attribute_id = numbers
    if attribute_id not in attr.CMU_SETTABLE:
        shell.error(f"Attribute {attribute_id} cannot be set. Settable: "
                    + ", ".join(map(str, sorted(attr.CMU_SETTABLE))) + ".")
        return
    if not shell.caution(blank_before=False):
        return
    _change_per_server(shell, "setAttribute", lambda world, cluster, hsm: sharing.set_attribute(
        world, cluster, hsm, shell.session_id, handle, attribute_id, args[2]))


@TABLE.command("shareKey", usage="shareKey <key handle> <user id> <(share/unshare key?) 1/0>",
               summary="Shares a key you own with a crypto user, or stops sharing it")
def share_key(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    if len(args) != 3 or args[2] not in ("0", "1"):
        shell.syntax_error("shareKey", "Invalid arguments.")
        return
    # using-kmu.md says several user ids may be given, comma-separated.
    numbers = _numbers(shell, "shareKey", [args[0], *args[1].split(",")])
    if numbers is None:
        return
    if not shell.caution(blank_before=False):
        return
    handle, *user_ids = numbers
    _change_per_server(shell, "shareKey", lambda world, cluster, hsm: sharing.share_key(
        world, cluster, hsm, shell.session_id, handle, user_ids, args[2] == "1"))


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


@TABLE.command("syncKey", usage="syncKey <key handle> <destination hsm>",
               summary="Copies a key from this server to another (server mode)")
def sync_key(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    parsed = sync_arguments(shell, "syncKey", args)
    if parsed is None:
        return
    handle, destination = parsed
    with shell.store.transaction() as world:
        source, target = shell.target_of(world, shell.server_mode), shell.target_of(world, destination)
        code = sync.sync_key(world, source, target, session_id=shell.session_id, handle=handle) \
            if source and target else rc.SERVER_UNAVAILABLE
    # GAP: only the success line is documented.
    shell.line(f"syncKey failed: {code.ret_name}" if code else "syncKey success")
