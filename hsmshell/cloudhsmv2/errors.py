"""CloudHSM v2 exceptions, carrying the exception name the API returns.

The API documents its exceptions only by kind, so which one a refusal raises follows the
spec's mapping (kms-spec §6): an unknown id is CloudHsmResourceNotFoundException, a wrong
state or bad input CloudHsmInvalidRequestException.  GAP: the real messages are not
documented; ours say what is wrong in the service's style.
"""

from __future__ import annotations


class CloudHsmError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> CloudHsmError:
    return CloudHsmError("CloudHsmInvalidRequestException", message)


def not_found(message: str) -> CloudHsmError:
    return CloudHsmError("CloudHsmResourceNotFoundException", message)
