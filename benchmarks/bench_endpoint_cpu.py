"""The CPU time `hsmshell serve` spends per Encrypt or Decrypt (user + system, from
/proc/PID/stat, so Linux only), with one boto3 client process and with two at once.

    python benchmarks/bench_endpoint_cpu.py [--seconds 6] [--rounds 3]

bench_endpoint.py's ratio to moto depends on the whole machine: the server and its clients share
its cores, so every microsecond the server spends per request costs throughput.  This figure is
the server's part alone, and moves much less with the machine's load than a rate does; the
smallest of the rounds is reported.  The world and the calls are bench_endpoint.py's (a key in
a CloudHSM key store, its policy evaluated at every call).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_endpoint  # noqa: E402 - beside this file


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of process `pid` (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0, help="each load's time in each round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"hsmshell serve: CPU per Encrypt or Decrypt, smallest of {args.rounds} rounds of {args.seconds:g} s "
          f"(load average {os.getloadavg()[0]:.2f} at the start)")
    best: dict[int, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        server, url = bench_endpoint.start_hsmshell(Path(folder) / "world.yaml")
        try:
            bench_endpoint.run(bench_endpoint.client(url), bench_endpoint.KEY_ID, 1.0)  # warm up
            for _ in range(args.rounds):
                for clients in (1, 2):
                    user, system = cpu_seconds(server.pid)
                    calls = len(bench_endpoint.measure(url, bench_endpoint.KEY_ID, clients, args.seconds))
                    user_after, system_after = cpu_seconds(server.pid)
                    figure = ((user_after - user) / calls * 1e6, (system_after - system) / calls * 1e6,
                              calls / args.seconds)
                    if clients not in best or sum(figure[:2]) < sum(best[clients][:2]):
                        best[clients] = figure
        finally:
            server.terminate()
            server.wait(timeout=10)
    for clients, (user, system, rate) in best.items():
        print(f"  {clients} client process{'es' if clients > 1 else ''}: {user + system:5.0f} us "
              f"(user {user:.0f} + system {system:.0f}) at {rate:.0f} calls/s")
    print(f"  load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
