"""Key references: Client SDK 5's name for the handles Client SDK 3 prints.

"The CloudHSM CLI replaces `key-handle` with `key-reference`" (KMS create-keystore page): the
same number, written `0x` and 16 lowercase hex digits (cloudhsm-cli-spec §6.2).
"""

from __future__ import annotations


def reference(handle: int) -> str:
    return f"0x{handle:016x}"


def handle_of(reference_text: str) -> int | None:
    """The handle a reference names, or None when it is not a number.  GAP: whether the CLI
    takes a decimal handle too is undocumented; it takes `0x` hex, as every example gives."""
    text = reference_text.strip()
    try:
        return int(text, 16) if text.lower().startswith("0x") else int(text, 10)
    except ValueError:
        return None
