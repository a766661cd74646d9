"""Modules loaded on first use.

A shell's start-up is part of what a person feels (and what the start-up benchmarks hold to
250 ms): `cryptography` alone costs tens of milliseconds, and most sessions never generate or
wrap a key.  The standard library's LazyLoader defers a module's execution to the first
attribute read, so `crypto.generate_rsa(...)` reads as any module use does.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module `name`, executed when one of its attributes is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
