"""How long the TUI takes to show a change committed by another process.

Runs the app headless, commits a change from a separate process (`hsmshell aws kms
disconnect-custom-key-store` / `connect-custom-key-store`, alternately), and measures the time
from the end of that commit to the status pane showing it.  Target: within 250 ms.

    python benchmarks/bench_tui.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hsmshell.services import open_store
from tui.app import HsmShellApp

STORE = "cks-1234567890abcdef0"


def state_shown(app) -> str:
    return "\n".join(v.plain() for v in app.query("KeyStoresView"))


async def measure(world: Path, rounds: int, first_connects: bool = False) -> list[float]:
    """Delays in ms; the key store is disconnected first (connected first with
    `first_connects`, for a world whose store starts disconnected)."""
    app = HsmShellApp(world, status_only=True)
    delays = []
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause(0.3)
        for i in range(rounds):
            command, shown = (("disconnect-custom-key-store", "DISCONNECTED") if (i + first_connects) % 2 == 0
                              else ("connect-custom-key-store", "● CONNECTED"))
            subprocess.run([sys.executable, "-m", "hsmshell.cli", "--world", str(world), "aws", "kms",
                            command, "--custom-key-store-id", STORE], check=True, capture_output=True)
            committed = time.perf_counter()
            while shown not in state_shown(app):
                await pilot.pause(0.005)
            delays.append((time.perf_counter() - committed) * 1000)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        world = Path(folder) / "world.yaml"
        open_store(world).create("default")
        delays = asyncio.run(measure(world, rounds))
    median, worst = statistics.median(delays), max(delays)
    print(f"TUI refresh after an outside commit, {rounds} rounds")
    print(f"  median {median:6.1f} ms   p90 {sorted(delays)[int(0.9 * (len(delays) - 1))]:6.1f} ms   "
          f"max {worst:6.1f} ms   target <= 250 ms: {'meets' if worst <= 250 else 'misses'}")


if __name__ == "__main__":
    main()
