from __future__ import annotations

import pytest

from hsmshell.labs import ledger


@pytest.fixture
def clock(monkeypatch):
    """The wall clock the ledger and an exam's time limit read, moved by hand (no test waits)."""
    now = [1_800_000_000.0]  # 2027-01-15 08:00:00 UTC
    monkeypatch.setattr(ledger, "wall_clock", lambda: now[0])
    return now
