"""An error as the AWS JSON 1.1 protocol carries it."""

from __future__ import annotations


class ApiError(Exception):
    # Exceptions the models flag as faults travel with HTTP 500 (and the CLI retries them).
    FAULTS = {"KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
              "CloudHsmInternalFailureException"}

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        return 500 if self.code in self.FAULTS else 400


def validation(member: str, constraint: str, value_shown: bool = False) -> ApiError:
    return ApiError("ValidationException",
                    f"1 validation error detected: Value at '{member}' failed to satisfy constraint: {constraint}")
