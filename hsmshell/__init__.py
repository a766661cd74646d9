"""hsmshell: a practice range for the AWS CloudHSM / KMS custom key store runbook."""

import sys as _sys

if "msgspec" not in _sys.modules and "typing_extensions" not in _sys.modules:
    # msgspec (the world's model) takes typing.get_type_hints from typing_extensions when that is
    # installed (textual brings it), and typing_extensions imports inspect, ast, dis and
    # tokenize: 15 ms of a single command's 150 ms budget, for nothing on Python 3.11, whose own
    # get_type_hints does all msgspec asks of it (the model uses no typing_extensions types).
    # So msgspec is imported with typing_extensions hidden; msgspec falls back to typing's
    # (its own try/except ImportError), and later imports of typing_extensions are unaffected.
    _sys.modules["typing_extensions"] = None  # type: ignore[assignment]
    try:
        import msgspec  # noqa: F401
    finally:
        del _sys.modules["typing_extensions"]
