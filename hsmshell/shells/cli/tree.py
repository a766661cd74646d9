"""The CloudHSM CLI's command tree (cloudhsm-cli-spec §2): one `Tree`, filled by the command
modules as they are imported, each command declared once with `command(...)`."""

from __future__ import annotations

from .declare import Command, Opt, Tree

# Which modules declare the commands under each first word (in the order help lists them).
TREE = Tree({word: tuple(f"{__package__}.{name}" for name in modules) for word, modules in [
    ("cluster", ("cluster",)), ("crypto", ("crypto",)), ("key", ("keys", "wrapping")), ("quorum", ("quorum",)),
    ("login", ("session",)), ("logout", ("session",)), ("user", ("users",)),
]})
for path, about in [
    (("cluster",), "Cluster commands"),
    (("cluster", "mtls"), "Manage mTLS trust anchors and enforcement"),
    (("crypto",), "Cryptographic operations"),
    (("crypto", "sign"), "Sign data with a private key"),
    (("crypto", "verify"), "Verify a signature with a public key"),
    (("key",), "Key management"),
    (("key", "generate-asymmetric-pair"), "Generate an asymmetric key pair"),
    (("key", "generate-symmetric"), "Generate a symmetric key"),
    (("key", "import"), "Import a key into the HSM cluster"),
    (("key", "unwrap"), "Unwrap a key into the HSM cluster"),
    (("key", "wrap"), "Wrap a key from the HSM cluster"),
    (("quorum",), "Quorum operations"),
    (("quorum", "token-sign"), "Quorum operations using the token-sign strategy"),
    (("user",), "User management"),
    (("user", "change-mfa"), "Change a user's multi-factor authentication"),
    (("user", "change-quorum"), "Change a user's quorum authentication"),
    (("user", "change-quorum", "token-sign"), "Quorum token-sign strategy"),
]:
    TREE.group(path, about)


def command(path: str, about: str, *options: Opt, one_of: tuple[tuple[str, ...], ...] = (),
            long_about: str = ""):
    def register(func):
        TREE.add(Command(tuple(path.split()), about, list(options), func, one_of, long_about))
        return func
    return register


# Options many commands share, worded as their help texts word them.
ROLE_CHOICES = (("crypto-user", "A CryptoUser has the ability to manage and use keys"),
                ("admin", "An Admin has the ability to manage user accounts"))


def username(help_text: str = "Username to access the HSM cluster") -> Opt:
    return Opt("username", help_text, "USERNAME", required=True)


def role(help_text: str = "Role the user has in the cluster") -> Opt:
    return Opt("role", help_text, "ROLE", required=True, choices=ROLE_CHOICES)


PASSWORD = Opt("password", "Optional: Plaintext user's password. If you do not include this argument you "
                           "will be prompted for it", "PASSWORD", secret=True)
APPROVAL = Opt("approval", "Filepath of signed quorum token file to approve operation", "APPROVAL")
FILTER_HELP = ("Key reference (e.g. key-reference=0xabc) or space separated list of key attributes in the "
               "form of attr.KEY_ATTRIBUTE_NAME=KEY_ATTRIBUTE_VALUE to select {}")


def key_filter(name: str = "filter", what: str = "a matching key", metavar: str = "FILTER",
               required: bool = True) -> Opt:
    return Opt(name, FILTER_HELP.format(what), metavar, required=required, multiple=True)
