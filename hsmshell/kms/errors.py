"""KMS exceptions, carrying the exception name the API returns."""

from __future__ import annotations


class KmsError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def not_found(store_id: str) -> KmsError:
    return KmsError(
        "CustomKeyStoreNotFoundException",
        f"Custom key store {store_id} does not exist in this account and Region.",
    )


def invalid_state(store_id: str, state: str, operation: str) -> KmsError:
    return KmsError(
        "CustomKeyStoreInvalidStateException",
        f"Custom key store {store_id} is in the {state} state. You cannot {operation} a custom "
        f"key store in this state.",
    )
