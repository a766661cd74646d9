"""Finding, inspecting, changing and deleting keys in key_mgmt_util."""

from __future__ import annotations

from ...cloudhsm import attributes as attr
from ...cloudhsm import client_versions, keys
from ...cloudhsm import returncodes as rc
from ..engine import KEY_HANDLE, USER_ID
from .shell import KeyMgmtUtil, command
from .syntax import HANDLE, HEX, NUMBER, USERS, Flag

KEY = Flag("-k", "Key handle", HANDLE, required=True, known=KEY_HANDLE)
OBJECT = Flag("-o", "Object handle", HANDLE, required=True, known=KEY_HANDLE)
ATTRIBUTE = Flag("-a", "Attribute", NUMBER, required=True, choices=tuple(attr.BY_ID))


@command("findKey", summary="Find Key",
         syntax="findKey -h [-c <key class>] [-t <key type>] [-l <key label>] [-id <key ID>] "
                "[-sess (0 | 1)] [-u <user-ids>] [-m <modulus>] [-kcv <key_check_value>]",
         description="Find keys optionally matching the specified key class, key type,\n"
                     "key label, session flag.",
         flags=(Flag("-c", "Key class", NUMBER, known=("2", "3", "4")),
                Flag("-t", "Key type", NUMBER, known=("0", "1", "3", "16", "18", "21", "31")),
                Flag("-l", "Key label"), Flag("-id", "Key ID"),
                Flag("-sess", "Session", NUMBER, choices=(0, 1), label="session flag"),
                Flag("-u", "User ids", USERS, known=USER_ID), Flag("-m", "Modulus file"),
                Flag("-kcv", "Key check value", HEX)),
         where=("-h     displays this information",
                "-c     specifies the key class to find (optional)", "       2 = public", "       3 = private",
                "       4 = secret",
                "-t     specifies the key type to find (optional)", "       0  = RSA", "       1  = DSA",
                "       3  = EC", "       16 = GENERIC_SECRET", "       18 = RC4", "       21 = DES3",
                "       31 = AES",
                "-l     specifies the key label to find (optional)", "-id    specifies key ID (optional)",
                "-idx   specifies key ID in Hex (optional)",
                "-sess  specifies option to find only session keys(1) or only token keys(0) (optional)",
                "-u     specifies the list of users shared with (separated by ,) (optional)",
                "-m     specifies the binary file containing RSA modulus to match with (optional)",
                "-kcv   specifies the Key Check Value to be searched for (optional)"))
def find_key(shell: KeyMgmtUtil, options: dict) -> None:
    modulus = None
    if "-m" in options and (modulus := shell.read_file(options["-m"])) is None:
        return
    sess = options["-sess"]
    done = shell.hsm_call("Cfm3FindKey", lambda world, cluster, session, hsms: keys.find_keys(
        cluster, session, hsms, label=options["-l"], key_class=options["-c"], key_type=options["-t"],
        session_only=None if sess is None else bool(sess), key_id=options["-id"],
        users=options["-u"] or [], kcv=options["-kcv"], modulus=modulus, world=world))
    if done is None:
        return
    handles, nodes = done
    shell.line()
    if client_versions.prints(shell.store.read().client, client_versions.FIND_KEY_HANDLES):
        # GAP: the later releases' layout beyond the two texts scripts match: the handles on
        # the next line after a tab (a script's `cut -f 2` reads them there).
        shell.line(f"Total number of keys present: {len(handles)}")
        if handles:
            shell.line()
            shell.line("Handles of matching keys:")
            shell.line("\t" + ", ".join(str(h) for h in handles))
    else:
        shell.line(f"Total number of keys present {len(handles)}")
        if handles:
            shell.line()
            shell.line(f" number of keys matched from start index 0::{len(handles) - 1}")
            shell.line(", ".join(str(h) for h in handles))
    shell.status([(node, rc.SUCCESS) for node, _ in nodes])
    shell.returned("Cfm3FindKey", rc.SUCCESS)
    shell.line()


@command("findSingleKey", summary="Find single Key", syntax="findSingleKey -h -k <key handle>",
         description="Checks that a key exists on every HSM of the cluster.", flags=(KEY,),
         where=("-h     displays this information", "-k     specifies the key handle to search for"))
def find_single_key(shell: KeyMgmtUtil, options: dict) -> None:
    handle = options["-k"]

    def find(world, cluster, session, hsms):
        key = keys.lookup(cluster, session, hsms, handle)
        missing = [h for h in hsms if h not in keys.holding(key, hsms)]
        if missing:
            # GAP: a key missing from some HSMs is reported on those nodes with 0xa8.
            raise keys.Refused("Cfm3FindKey", rc.INVALID_HANDLE, missing)
        return hsms
    done = shell.hsm_call("Cfm3FindKey", find)
    if done is not None:
        hsms, nodes = done
        shell.returned("Cfm3FindKey", rc.SUCCESS)
        shell.node_status(nodes, hsms)
        shell.line()


@command("deleteKey", summary="Delete Key", syntax="deleteKey -h -k <key handle>",
         description="Delete a key specifying a key handle.", flags=(KEY,),
         where=("-h  displays this information", "-k  specifies the key handle to delete"))
def delete_key(shell: KeyMgmtUtil, options: dict) -> None:
    handle = options["-k"]
    # The tool finds the key before it deletes it (a missing handle is Cfm3FindKey's 0xa8,
    # deleteKey.md), so a call that reaches no HSM fails as that find.
    done = shell.hsm_call("Cfm3FindKey",
                          lambda world, cluster, session, hsms: keys.delete_key(cluster, session, hsms, handle))
    if done is None:
        return
    deletion, nodes = done
    node_of = {hsm.hsm_id: node for node, hsm in nodes}
    shell.returned(deletion.call, deletion.code)
    if deletion.code != rc.KEY_ACCESS_DENIED:  # the documented refusal prints no status block
        shell.status([(node_of[hsm.hsm_id], code) for hsm, code in deletion.results])
    shell.line()


@command("getKeyInfo", summary="Get Key Info about shared users/sessions",
         syntax="getKeyInfo -h -k <key handle>",
         description="Gets the owner, the users a key is shared with, and the number of\n"
                     "approvals its use needs.", flags=(KEY,),
         where=("-h  displays this information", "-k  specifies the key handle"))
def get_key_info(shell: KeyMgmtUtil, options: dict) -> None:
    handle = options["-k"]
    done = shell.hsm_call("Cfm3GetKey",
                          lambda world, cluster, session, hsms: keys.key_info(cluster, session, hsms, handle))
    if done is None:
        return
    key, _ = done
    shell.returned("Cfm3GetKey", rc.SUCCESS)
    shell.line()
    shell.line(f"\tOwned by user {key.owner}")
    if key.shared_with and key.key_class != keys.PUBLIC_KEY:
        shell.line()
        shell.line(f"\talso, shared to following {len(key.shared_with)} user(s):")
        shell.line()
        for uid in key.shared_with:  # one id a line, as getKeyInfo.md prints them
            shell.line(f"\t\t {uid}")
    if key.m_value:
        shell.line(f"\t {key.m_value} Users need to approve to use/manage this key")
    shell.line()


@command("getAttribute", summary="Reads an attribute from an object",
         syntax="getAttribute -h -o <object handle> -a <attribute> -out <attribute file>",
         description="Get an attribute value for the object and write it to a file.",
         flags=(OBJECT, ATTRIBUTE, Flag("-out", "Output file", required=True)),
         where=("-h       displays this information", "-o       specifies the object handle",
                "-a       specifies the attribute to read.(512 for all attributes)",
                "-out     specifies the file to write the attribute value",
                "-attest  performs the attestation check on the firmware response", "",
                "(run listAttributes to see a list of all possible attribute values)"))
def get_attribute(shell: KeyMgmtUtil, options: dict) -> None:
    handle, wanted = options["-o"], options["-a"]
    done = shell.hsm_call("Cfm3GetAttribute", lambda world, cluster, session, hsms: keys.get_attribute(
        world, cluster, session, hsms, handle, wanted))
    if done is None:
        return
    values, _ = done
    out = str(options["-out"])
    if wanted == attr.ALL:
        text = "".join(f"{attr.BY_ID[i].name}\n{attr.all_value(i, v)}\n" for i, v in values.items())
    else:
        ((i, v),) = values.items()
        text = f"{attr.BY_ID[i].name}\n{attr.single_value(i, v)}\n"
    if not shell.write_file(out, text.encode()):
        return
    shell.line()
    if wanted == attr.ALL:
        shell.line(f"got all attributes of size {attr.wire_size(values)} attr cnt {len(values)}")
    shell.line(f"Attributes dumped into {out} file")
    shell.returned("Cfm3GetAttribute", rc.SUCCESS)
    shell.line()


@command("setAttribute", summary="Sets an attribute of an object",
         syntax="setAttribute -h -o <object handle> -a <attribute>",
         description="Sets an attribute of an object.  The only attribute that can be set is\n"
                     "OBJ_ATTR_TOKEN (1), to turn a session key into a token key.", flags=(OBJECT, ATTRIBUTE))
def set_attribute(shell: KeyMgmtUtil, options: dict) -> None:
    handle, wanted = options["-o"], options["-a"]
    shell.line("\t This attribute is defined as a boolean value.")
    answer = shell.console.read_line("\t  Enter the boolean attribute value (0 or 1):")
    if answer is None:
        return
    try:
        value = int(answer.strip())
    except ValueError:
        value = -1
    done = shell.hsm_call("Cfm3SetAttribute", lambda world, cluster, session, hsms: keys.set_token(
        cluster, session, hsms, handle, wanted, value))
    if done is not None:
        hsms, nodes = done
        shell.returned("Cfm3SetAttribute", rc.SUCCESS)
        shell.node_status(nodes, hsms)
        shell.line()


@command("listAttributes", summary="List all attributes for getAttributes", syntax="listAttributes -h",
         description="List all attributes for getAttributes.")
def list_attributes(shell: KeyMgmtUtil, options: dict) -> None:
    shell.line()
    shell.line("Following are the possible attribute values for getAttributes:")
    shell.line()
    for text in attr.listing(attr.KMU_LISTED):
        shell.line(text)
    shell.line()
