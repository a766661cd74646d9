"""The messages KMS refuses a custom key store with, as the typed errors the API returns."""

from __future__ import annotations

from ..errors.kms import CustomKeyStoreInvalidStateException, CustomKeyStoreNotFoundException


def not_found(store_id: str) -> CustomKeyStoreNotFoundException:
    return CustomKeyStoreNotFoundException(f"Custom key store {store_id} does not exist in this account and Region.")


def invalid_state(store_id: str, state: str, operation: str) -> CustomKeyStoreInvalidStateException:
    return CustomKeyStoreInvalidStateException(
        f"Custom key store {store_id} is in the {state} state. You cannot {operation} a custom "
        f"key store in this state.",
    )
