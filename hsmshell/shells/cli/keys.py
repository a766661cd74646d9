"""key list | delete | share | unshare | set-attribute | replicate | generate-symmetric |
generate-asymmetric-pair | import pem | generate-file (cloudhsm-cli-spec §6).

Keys are those key_mgmt_util finds by handle: `key-reference` is the handle in hex.  The
services (cloudhsm/keys.py, key_selection.py, sharing.py) decide who may do what; this module
renders their answers as the CLI does.
"""

from __future__ import annotations

from typing import Any

from ... import files
from ...cloudhsm import availability, named_attributes, roles
from ...cloudhsm.nodes import answers, find_user
from ...cloudhsm.references import reference
from ...world.model import Cluster, Hsm, Key, Session, World
from . import texts
from .declare import Opt
from .program import CloudHsmCli, Failure
from .tree import APPROVAL, ROLE_CHOICES, command, key_filter

MAX_ITEMS_HELP = ("The total number of items to return in the command's output. If the total number of items "
                  "available is more than the value specified, a next-token is provided in the command's "
                  "output. To resume pagination, provide the next-token value in the starting-token "
                  "argument of a subsequent command")


def keys_context(cli: CloudHsmCli, world: World, values: dict[str, Any]) -> tuple[Cluster, Session, list[Hsm], bool]:
    cluster = cli.cluster(world, values)
    session, nodes = cli.logged_in(world, cluster)
    return cluster, session, nodes, cli.availability_check(world, cluster)


def one_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], terms: list[str],
            check: bool) -> Key:
    from ...cloudhsm import key_selection  # with the key service, and cryptography: not at start-up

    try:
        return key_selection.select_one(world, cluster, session, nodes, terms, check)
    except key_selection.NoKeyMatched:
        raise Failure(texts.NO_KEY_MATCHED) from None
    except key_selection.ManyKeysMatched:
        raise Failure(texts.MANY_KEYS_MATCHED) from None
    except named_attributes.BadFilter as bad:
        raise Failure(texts.BAD_FILTER.format(bad)) from None
    except availability.KeyUnavailable as unavailable:
        raise Failure(str(unavailable)) from None


def _user_name(cluster: Cluster, key: Key, uid: int) -> str:
    for hsm in cluster.hsms:
        user = next((u for u in hsm.users if u.user_id == uid), None)
        if user is not None:
            return user.name.lower()
    return str(uid)


def _coverage(cluster: Cluster, key: Key) -> str:
    """GAP: a session key lives on one HSM by design; it reads `session`."""
    if not key.token:
        return "session"
    reached = {h.hsm_id for h in cluster.hsms if answers(h)}
    return "full" if reached <= set(key.hsms) else "inconsistent"


def entry(world: World, cluster: Cluster, key: Key, *, verbose: bool) -> dict:
    """One key as `key list` prints it; verbose: with its key-info and every attribute."""
    if not verbose:
        return {"key-reference": reference(key.handle), "attributes": {"label": key.label}}
    coverage = _coverage(cluster, key)
    user_coverage = "full" if coverage != "inconsistent" else "inconsistent"
    return {
        "key-reference": reference(key.handle),
        "key-info": {
            "key-owners": [{"username": _user_name(cluster, key, key.owner), "key-coverage": user_coverage}],
            "shared-users": [{"username": _user_name(cluster, key, uid), "key-coverage": user_coverage}
                             for uid in key.shared_with],
            "key-quorum-values": {"manage-key-quorum-value": 0, "use-key-quorum-value": key.m_value},
            "cluster-coverage": coverage,
        },
        "attributes": named_attributes.values(world, cluster, key),
    }


@command("key list", "List the keys the current user owns, shares, and all public keys in the HSM cluster",
         key_filter(what="matching key(s) to list", required=False),
         Opt("max-items", MAX_ITEMS_HELP, "MAX_ITEMS", default="10", kind=int),
         Opt("starting-token", "A token to specify where to start paginating. This is the next-token from a "
                               "previously truncated response", "STARTING_TOKEN"),
         Opt("verbose", "If included, prints all attributes and key information for each matched key. By "
                        "default each matched key only displays its key-reference and label attribute. This "
                        "flag when used by Admins has no effect", short="v"))
def key_list(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import key_selection

    # A filter or --verbose shows what is derived from a key's material, and material made on
    # first use is kept: a write.  Nothing to undo if the listing then fails (undo=False, no
    # packing of a full world to put it back): what it leaves is that material, which is what
    # any later use would make (keys.material draws it from the key's own seed).
    with cli.store.transaction(undo=False) as world:
        cluster, session, nodes, check = keys_context(cli, world, values)
        try:
            availability.check_cluster(cluster, check)
            found = key_selection.select(world, cluster, session, nodes, values.get("filter"))
        except named_attributes.BadFilter as bad:
            raise Failure(texts.BAD_FILTER.format(bad)) from None
        except availability.KeyUnavailable as unavailable:
            raise Failure(str(unavailable)) from None
        start = _token(values.get("starting-token"))
        page = found[start:start + max(values["max-items"], 0)]
        verbose = bool(values.get("verbose")) and not roles.is_admin(session.user_type)
        data: dict[str, Any] = {"matched_keys": [entry(world, cluster, k, verbose=verbose) for k in page],
                                "total_key_count": len(found), "returned_key_count": len(page)}
        if start + len(page) < len(found):
            data["next_token"] = str(start + len(page))
        return data


def _token(text: str | None) -> int:
    if text is None:
        return 0
    if not text.isdigit():
        raise Failure(texts.INVALID_PARAMETER.format("starting-token"))
    return int(text)


@command("key delete", "Delete a key in the HSM cluster", key_filter(what="a matching key for deletion"))
def key_delete(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import keys

    with cli.store.transaction() as world:
        cluster, session, nodes, check = keys_context(cli, world, values)
        key = one_key(world, cluster, session, nodes, values["filter"], check)
        deletion = keys.delete_key(cluster, session, nodes, key.handle)
        if deletion.code:
            raise Failure(texts.KEY_ACCESS_DENIED)
    return {"message": texts.KEY_DELETED}


def _share(cli: CloudHsmCli, values: dict[str, Any], share: bool) -> dict:
    from ...cloudhsm import returncodes as rc
    from ...cloudhsm import sharing
    from ...cloudhsm.keys import Refused

    with cli.store.transaction() as world:
        cluster, session, nodes, check = keys_context(cli, world, values)
        key = one_key(world, cluster, session, nodes, values["filter"], check)
        target = find_user(nodes[0], values["username"])
        if target is None or not roles.matches(values["role"], target.user_type):
            raise Failure(texts.USER_DOES_NOT_EXIST)
        try:
            sharing.share_key(world, cluster, nodes[0], cli.session_id, key.handle, [target.user_id], share)
        except Refused as refused:
            raise Failure({rc.KEY_ACCESS_DENIED: texts.KEY_ACCESS_DENIED,
                           rc.MXN_AUTH_FAILED: texts.QUORUM_REQUIRED,
                           rc.USER_NOT_FOUND: texts.USER_DOES_NOT_EXIST}.get(refused.code,
                                                                             texts.PERMISSION_DENIED)) from None
    return {"message": texts.KEY_SHARED if share else texts.KEY_UNSHARED}


SHARE_OPTIONS = (Opt("username", "A username with which the key will be shared", "USERNAME", required=True),
                 Opt("role", "Role the user has in the cluster", "ROLE", required=True, choices=ROLE_CHOICES[:1]),
                 APPROVAL)


@command("key share", "Share a key in the HSM cluster with another user",
         key_filter(what="a matching key to share"), *SHARE_OPTIONS)
def key_share(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    return _share(cli, values, True)


@command("key unshare", "Unshare a key in the HSM cluster with another user",
         key_filter(what="a matching key to unshare"), *SHARE_OPTIONS)
def key_unshare(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    return _share(cli, values, False)


@command("key set-attribute", "Set an attribute for a key in the HSM cluster",
         key_filter(what="a matching key to modify"),
         Opt("name", "Name of attribute to be set", "KEY_ATTRIBUTE", required=True),
         Opt("value", "Attribute value to be set", "KEY_ATTRIBUTE_VALUE", required=True), APPROVAL)
def key_set_attribute(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import attributes as attr
    from ...cloudhsm import keys, sharing
    from ...cloudhsm import returncodes as rc

    name, value = values["name"], values["value"]
    if name not in named_attributes.SETTABLE:
        raise Failure(texts.INVALID_ATTRIBUTE)
    with cli.store.transaction() as world:
        cluster, session, nodes, check = keys_context(cli, world, values)
        key = one_key(world, cluster, session, nodes, values["filter"], check)
        try:
            if name == "token":
                if value != "true":
                    raise Failure(texts.INVALID_ATTRIBUTE)
                keys.set_token(cluster, session, nodes, key.handle, attr.TOKEN, 1)
            elif name == "id":
                if key.owner != keys.user_id(cluster, session):
                    raise Failure(texts.KEY_ACCESS_DENIED)
                key.attributes[attr.ID] = named_attributes.id_stored(value)
            elif name == "label":
                sharing.set_attribute(world, cluster, nodes[0], cli.session_id, key.handle, attr.LABEL, value)
            else:
                if value not in ("true", "false"):
                    raise Failure(texts.INVALID_ATTRIBUTE)
                sharing.set_attribute(world, cluster, nodes[0], cli.session_id, key.handle,
                                      named_attributes.BOOLEAN_IDS[name], "1" if value == "true" else "0")
        except keys.Refused as refused:
            # A crypto user setting `trusted` (an admin's alone, §6.5): the CLI's words for a role
            # that may not do something.  A read-only attribute (wrap-with-trusted once true) falls
            # to the refusal of any value that cannot be set.
            raise Failure({rc.KEY_ACCESS_DENIED: texts.KEY_ACCESS_DENIED,
                           rc.PERMISSION_DENIED: texts.PERMISSION_DENIED,
                           rc.MXN_AUTH_FAILED: texts.QUORUM_REQUIRED}.get(refused.code,
                                                                          texts.INVALID_ATTRIBUTE)) from None
        except named_attributes.BadFilter:
            raise Failure(texts.INVALID_ATTRIBUTE) from None
    return {"message": texts.ATTRIBUTE_SET}


@command("key replicate", "Replicate a key from a source to a destination cluster",
         key_filter(what="a matching key on the source cluster"),
         Opt("source-cluster-id", "Source cluster ID", "SOURCE_CLUSTER_ID", required=True),
         Opt("destination-cluster-id", "Destination cluster ID", "DESTINATION_CLUSTER_ID", required=True))
def key_replicate(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    """Copies a key, under the same reference, to a cluster cloned from the same backup
    (the masking key is the lineage's, as for syncKey)."""
    import copy

    with cli.store.transaction() as world:
        source = world.clusters.get(values["source-cluster-id"])
        destination = world.clusters.get(values["destination-cluster-id"])
        if source is None or destination is None or source.lineage != destination.lineage:
            missing = values["destination-cluster-id"] if source is not None else values["source-cluster-id"]
            raise Failure(texts.NO_SUCH_CLUSTER.format(missing))
        session, nodes = cli.logged_in(world, source)
        key = one_key(world, source, session, nodes, values["filter"], cli.availability_check(world, source))
        if _coverage(source, key) == "inconsistent":
            raise Failure(texts.KEY_NOT_SYNCHRONIZED)
        from ...cloudhsm import keys

        keys.material(world, source, key)  # the copy carries the same material
        from ...cloudhsm import quotas

        code = quotas.refuses_keys(destination, [key.key_class]) if key.handle not in destination.keys else None
        if code:
            raise Failure(full_cluster()[code])
        reached = [h for h in destination.hsms if answers(h)]
        copied = copy.deepcopy(key)
        copied.hsms = [h.hsm_id for h in reached]
        destination.keys[key.handle] = copied
        destination.next_handle = max(destination.next_handle, key.handle + 1)
        failed = len(destination.hsms) - len(reached)
        if failed:
            raise Failure(texts.replicate_failed("Key", failed, len(destination.hsms)))
        return {"key": entry(world, destination, copied, verbose=True)}


# -- making keys -------------------------------------------------------------------------------

def _attribute_pairs(terms: list[str] | None) -> dict[str, bool]:
    """`--attributes encrypt=true decrypt=true ...`: usage booleans a new key starts with."""
    out = {}
    for term in terms or []:
        name, _, value = term.partition("=")
        if name not in named_attributes.BOOLEAN_IDS or value not in ("true", "false"):
            raise Failure(texts.INVALID_PARAMETER.format(term))
        out[name] = value == "true"
    return out


def _crypto_users(nodes: list[Hsm], names: list[str] | None) -> list[int]:
    out = []
    for name in names or []:
        user = find_user(nodes[0], name)
        if user is None or user.user_type != "CU":
            raise Failure(texts.USER_DOES_NOT_EXIST)
        out.append(user.user_id)
    return out


def _apply_usage(key: Key, usage: dict[str, bool]) -> None:
    from ...cloudhsm import attributes as attr

    for name, on in usage.items():
        if name == "extractable":
            key.extractable = on
        elif name == "token":
            continue  # --session decides
        elif named_attributes.BOOLEAN_IDS[name] is not None and named_attributes.BOOLEAN_IDS[name] in attr.BY_ID:
            key.attributes[named_attributes.BOOLEAN_IDS[name]] = int(on)


def full_cluster() -> dict:
    """The texts of the key quotas' refusals (cloudhsm/quotas.py), by return code."""
    from ...cloudhsm import returncodes as rc

    return {rc.KEY_LIMIT: texts.KEY_LIMIT, rc.ASYMMETRIC_KEY_LIMIT: texts.ASYMMETRIC_KEY_LIMIT}


def _made(cli: CloudHsmCli, values: dict[str, Any], make) -> dict:
    """Run `make(world, cluster, session, nodes)` as the logged-in crypto user, with the
    key-availability check for a token key, and render what it returns."""
    from ...cloudhsm import keys
    from ...cloudhsm import returncodes as rc

    with cli.store.transaction() as world:
        cluster, session, nodes, check = keys_context(cli, world, values)
        if session.user_type != "CU":
            raise Failure(texts.PERMISSION_DENIED)
        try:
            if not values.get("session"):
                availability.check_cluster(cluster, check)
            return make(world, cluster, session, nodes)
        except availability.KeyUnavailable as unavailable:
            raise Failure(str(unavailable)) from None
        except keys.Refused as refused:
            raise Failure({rc.INVALID_M_VALUE: texts.INVALID_PARAMETER.format("quorum value"),
                           rc.FIPS_POLICY: texts.INVALID_PARAMETER.format("key parameters"),
                           **full_cluster()}.get(
                refused.code, texts.INVALID_PARAMETER.format("key parameters"))) from None


LABEL = Opt("label", "Label for the key", "LABEL", required=True)
SESSION = Opt("session", "Creates a session key that exists only in the current session. The key cannot be "
                         "recovered after the session ends")
SHARE_CRYPTO_USERS = Opt("share-crypto-users", "Space separated list of Crypto User usernames to share the key "
                                               "with", "SHARE_CRYPTO_USERS", multiple=True)
MANAGE_QUORUM = Opt("manage-key-quorum-value", "The quorum value for key management operations",
                    "MANAGE_KEY_QUORUM_VALUE", kind=int)
USE_QUORUM = Opt("use-key-quorum-value", "The quorum value for key usage operations", "USE_KEY_QUORUM_VALUE",
                 kind=int)
ATTRIBUTES = Opt("attributes", "Space separated list of key attributes to set for the generated key in the "
                               "form of KEY_ATTRIBUTE_NAME=KEY_ATTRIBUTE_VALUE", "KEY_ATTRIBUTES", multiple=True)
# What generate-symmetric's documented example shows a new key may do (cloudhsm-cli-spec §6.6).
SYMMETRIC_DEFAULTS = {"encrypt": False, "decrypt": False, "sign": True, "verify": True, "wrap": False,
                      "unwrap": False}


def _symmetric(cli: CloudHsmCli, values: dict[str, Any], key_type: int) -> dict:
    from ...cloudhsm import keys

    usage = {**SYMMETRIC_DEFAULTS, **_attribute_pairs(values.get("attributes"))}

    def make(world, cluster, session, nodes):
        policy = keys.Policy(label=values["label"], shared=_crypto_users(nodes, values.get("share-crypto-users")),
                             m_value=values.get("use-key-quorum-value") or 0,
                             extractable=usage.get("extractable", True), token=not values.get("session"))
        made = keys.generate_secret_key(world, cluster, session, nodes, key_type=key_type,
                                        size=values["key-length-bytes"], policy=policy)
        key = cluster.keys[made.handles[0]]
        _apply_usage(key, usage)
        return {"key": entry(world, cluster, key, verbose=True)}
    return _made(cli, values, make)


KEY_LENGTH = Opt("key-length-bytes", "Key length in bytes", "KEY_LENGTH_BYTES", required=True, kind=int)


@command("key generate-symmetric aes", "Generate an AES key", LABEL, SESSION, KEY_LENGTH, ATTRIBUTES,
         SHARE_CRYPTO_USERS, MANAGE_QUORUM, USE_QUORUM)
def generate_aes(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import attributes as attr

    return _symmetric(cli, values, attr.AES)


@command("key generate-symmetric generic-secret", "Generate a generic secret key", LABEL, SESSION, KEY_LENGTH,
         ATTRIBUTES, SHARE_CRYPTO_USERS, MANAGE_QUORUM, USE_QUORUM)
def generate_generic_secret(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import attributes as attr

    if not 1 <= values["key-length-bytes"] <= 800:
        raise Failure(texts.INVALID_PARAMETER.format("key-length-bytes"))
    return _symmetric(cli, values, attr.GENERIC_SECRET)


PAIR_OPTIONS = (
    Opt("public-label", "Label for the public key", "PUBLIC_LABEL", required=True),
    Opt("private-label", "Label for the private key", "PRIVATE_LABEL", required=True),
    SESSION,
    Opt("public-attributes", "Space separated list of key attributes to set for the generated public key",
        "KEY_ATTRIBUTES", multiple=True),
    Opt("private-attributes", "Space separated list of key attributes to set for the generated private key",
        "KEY_ATTRIBUTES", multiple=True),
    SHARE_CRYPTO_USERS,
    Opt("manage-private-key-quorum-value", "The quorum value for key management operations on the private key",
        "MANAGE_PRIVATE_KEY_QUORUM_VALUE", kind=int),
    Opt("use-private-key-quorum-value", "The quorum value for key usage operations on the private key",
        "USE_PRIVATE_KEY_QUORUM_VALUE", kind=int),
)
# `--curve` values and the curve ids of the HSM (crypto.CURVES).  GAP: secp224r1 and secp521r1
# are offered by the tool but not by the emulated HSM, which refuses them.
CURVES = {"prime256v1": 2, "secp256r1": 2, "secp256k1": 16, "prime256k1": 16, "secp384r1": 14,
          "prime384v1": 14, "secp224r1": None, "secp521r1": None}


def _pair(cli: CloudHsmCli, values: dict[str, Any], key_type: int, **shape) -> dict:
    from ...cloudhsm import keys

    public_usage = _attribute_pairs(values.get("public-attributes"))
    private_usage = _attribute_pairs(values.get("private-attributes"))

    def make(world, cluster, session, nodes):
        policy = keys.Policy(label=values["private-label"],
                             shared=_crypto_users(nodes, values.get("share-crypto-users")),
                             m_value=values.get("use-private-key-quorum-value") or 0,
                             extractable=private_usage.get("extractable", True), token=not values.get("session"))
        made = keys.generate_key_pair(world, cluster, session, nodes, key_type=key_type, policy=policy, **shape)
        public, private = (cluster.keys[h] for h in made.handles)
        public.label = values["public-label"]
        _apply_usage(public, public_usage)
        _apply_usage(private, private_usage)
        return {"public_key": entry(world, cluster, public, verbose=True),
                "private_key": entry(world, cluster, private, verbose=True)}
    return _made(cli, values, make)


@command("key generate-asymmetric-pair rsa", "Generate an RSA key pair", *PAIR_OPTIONS[:2],
         Opt("modulus-size-bits", "Modulus size in bits used to generate the RSA key pair", "MODULUS_SIZE_BITS",
             required=True, kind=int),
         Opt("public-exponent", "Public exponent used to generate the RSA key pair", "PUBLIC_EXPONENT",
             required=True, kind=int), *PAIR_OPTIONS[2:])
def generate_rsa(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import attributes as attr

    return _pair(cli, values, attr.RSA, modulus=values["modulus-size-bits"], exponent=values["public-exponent"])


@command("key generate-asymmetric-pair ec", "Generate an Elliptic-Curve Cryptography (ECC) key pair",
         *PAIR_OPTIONS[:2],
         Opt("curve", "Elliptic curve used to generate the key pair", "CURVE", required=True,
             choices=tuple((name, "") for name in CURVES)), *PAIR_OPTIONS[2:])
def generate_ec(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import attributes as attr

    curve = CURVES[values["curve"]]
    if curve is None:
        raise Failure(texts.INVALID_PARAMETER.format("curve"))
    return _pair(cli, values, attr.EC, curve=curve)


# -- files -------------------------------------------------------------------------------------

@command("key import pem", "Import a PEM format key into a HSM. You can use it to import public keys that "
                           "were generated outside of the HSM",
         Opt("path", "Path where the key is located", "PATH", required=True),
         Opt("label", "Label for the imported key", "LABEL", required=True),
         Opt("key-type-class", "Key type and class of the imported key", "KEY_TYPE_CLASS", required=True,
             choices=(("ec-public", ""), ("rsa-public", ""))), ATTRIBUTES)
def import_pem(cli: CloudHsmCli, values: dict[str, Any]) -> dict:

    from ...cloudhsm import attributes as attr
    from ...cloudhsm import crypto, keys

    try:
        data = files.read_bytes(values["path"])
    except OSError as exc:
        raise Failure(texts.FILE_UNREADABLE.format(values["path"], exc.strerror or exc)) from None
    try:
        key_type, _ = crypto.read_public(data)
    except crypto.CryptoFailure:
        raise Failure(texts.INVALID_PARAMETER.format("path")) from None
    if key_type != {"ec-public": attr.EC, "rsa-public": attr.RSA}[values["key-type-class"]]:
        raise Failure(texts.INVALID_PARAMETER.format("key-type-class"))
    usage = _attribute_pairs(values.get("attributes"))

    def make(world, cluster, session, nodes):
        made = keys.import_public_key(world, cluster, session, nodes, key_file=data,
                                      policy=keys.Policy(label=values["label"]))
        key = cluster.keys[made.handles[0]]
        _apply_usage(key, usage)
        return {"key": entry(world, cluster, key, verbose=True)}
    return _made(cli, values, make)


@command("key generate-file", "Generate a key file from a key in the HSM cluster. This command does not export "
                              "any private key data from the HSM",
         Opt("encoding", "Encoding format for the key file", "ENCODING", required=True,
             choices=(("reference-pem", "PEM formatted key reference (supports private keys)"),
                      ("pem", "PEM format (supports public keys)"))),
         Opt("path", "Filepath to write the key file to", "PATH", required=True),
         key_filter(what="a matching key to generate a file for"))
def generate_file(cli: CloudHsmCli, values: dict[str, Any]) -> dict:

    from ...cloudhsm import attributes as attr
    from ...cloudhsm import crypto, keyfiles, keys

    with cli.store.transaction() as world:
        cluster, session, nodes, check = keys_context(cli, world, values)
        key = one_key(world, cluster, session, nodes, values["filter"], check)
        material = keys.material(world, cluster, key)
        if values["encoding"] == "pem":
            if key.key_class == attr.SECRET_KEY:
                raise Failure(texts.INVALID_KEY_FOR_OPERATION)
            # GAP: a private key's file holds its public half, which is all `pem` can hold.
            public = material if key.key_class == attr.PUBLIC_KEY else crypto.public_of(material)
            data = crypto.public_pem(public)
        else:
            if key.key_class != attr.PRIVATE_KEY:
                raise Failure(texts.INVALID_KEY_FOR_OPERATION)
            try:
                data = keyfiles.fake_pem(world, cluster, session, nodes, key.handle)
            except keys.Refused:  # GAP: a reference PEM is made for RSA keys only, as getCaviumPrivKey
                raise Failure(texts.INVALID_KEY_FOR_OPERATION) from None
    try:
        files.write(values["path"], data, private=True)
    except OSError as exc:
        raise Failure(texts.FILE_UNWRITABLE.format(values["path"], exc.strerror or exc)) from None
    return {"message": "Successfully generated key file"}  # GAP: the success text is not documented
