"""The two kinds of refusal the CloudHSM v2 API documents, as its typed errors.

The API documents its exceptions only by kind, so which one a refusal raises follows the
spec's mapping (kms-spec §6): an unknown id is CloudHsmResourceNotFoundException, a wrong
state or bad input CloudHsmInvalidRequestException.  GAP: the real messages are not
documented; ours say what is wrong in the service's style.
"""

from __future__ import annotations

from ..errors.cloudhsmv2 import CloudHsmInvalidRequestException, CloudHsmResourceNotFoundException


def invalid(message: str) -> CloudHsmInvalidRequestException:
    return CloudHsmInvalidRequestException(message)


def not_found(message: str) -> CloudHsmResourceNotFoundException:
    return CloudHsmResourceNotFoundException(message)
