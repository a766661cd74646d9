"""Client SDK 5's roles over the user types the HSMs store (Client SDK 3's words).

The CloudHSM CLI says `admin`, `crypto-user`, `unactivated-admin` and shows the appliance user
as `internal(APPLIANCE_USER)`; the HSM, and cloudhsm_mgmt_util, say CO (or PCO), CU, PRECO and
AU.  One user is both: created by one generation, it is seen and used by the other.
"""

from __future__ import annotations

from ..world.model import Hsm
from .nodes import find_user

ADMIN, CRYPTO_USER, UNACTIVATED_ADMIN = "admin", "crypto-user", "unactivated-admin"
APPLIANCE_USER = "internal(APPLIANCE_USER)"

ROLE_OF_TYPE = {"CO": ADMIN, "PCO": ADMIN, "CU": CRYPTO_USER, "PRECO": UNACTIVATED_ADMIN, "AU": APPLIANCE_USER}
TYPE_OF_ROLE = {ADMIN: "CO", CRYPTO_USER: "CU", UNACTIVATED_ADMIN: "PRECO"}
# The `--role` an unactivated admin gives is `admin`: the argument offers only admin and
# crypto-user (cloudhsm-cli-spec §3.1), and the login page lists "Unactivated admin" among
# the users who may log in.
TYPES_OF_ROLE = {ADMIN: ("CO", "PCO", "PRECO"), CRYPTO_USER: ("CU",), UNACTIVATED_ADMIN: ("PRECO",)}


def role_of(user_type: str) -> str:
    return ROLE_OF_TYPE[user_type]


def matches(role: str, user_type: str) -> bool:
    return user_type in TYPES_OF_ROLE.get(role, ())


def user_type_for(role: str, hsms: list[Hsm], user_name: str) -> str:
    """The user type to ask the HSMs for: the stored user's own when the role fits it (a PRECO
    or PCO logging in as `admin`), else the role's plain type."""
    for hsm in hsms:
        user = find_user(hsm, user_name)
        if user is not None and matches(role, user.user_type):
            return user.user_type
    return TYPE_OF_ROLE[role]


def is_admin(user_type: str) -> bool:
    return user_type in ("CO", "PCO")
