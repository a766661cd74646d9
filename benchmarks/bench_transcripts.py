"""Transcript replay speed: transcripts replayed per second (the suite's own), and the time
of one 100-command transcript.  Figures, not a test: `python benchmarks/bench_transcripts.py`.

The fixture's template world is made once per process (scrypt hashing, about 0.5 s) before
timing starts, as it is in a test run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from hsmshell.testing.replay import run_file, update

SUITE = sorted((Path(__file__).parent.parent / "tests" / "transcripts").iterdir())
STORE = "cks-1234567890abcdef0"
ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def hundred_commands(header: str) -> str:
    """A working session: disconnect, change kmsuser's password as the crypto officer, log
    in as kmsuser and look at keys and users, reconnect: 100 commands in all."""
    lines = ["# world: default", header, f"$ aws kms disconnect-custom-key-store --custom-key-store-id {STORE}",
             "aws-cloudhsm>loginHSM CO admin co12345", "aws-cloudhsm>changePswd CU kmsuser tempPassword",
             "Do you want to continue(y/n)?y", "Command: loginHSM -u CU -s kmsuser -p tempPassword"]
    work = [f"Command: findKey -l {ARN}", "aws-cloudhsm>listUsers", "Command: findKey",
            f"$ aws kms describe-custom-key-stores --custom-key-store-id {STORE}"]
    for i in range(92):
        lines.append(work[i % len(work)])
    lines += ["Command: logoutHSM", "aws-cloudhsm>quit",
              f"$ aws kms update-custom-key-store --custom-key-store-id {STORE} --key-store-password tempPassword",
              f"$ aws kms connect-custom-key-store --custom-key-store-id {STORE}"]
    assert sum(1 for line in lines if not line.startswith(("#", "Do you"))) == 100
    return "\n".join(lines) + "\n"


def main() -> int:
    # scrypt at the fixture's work factor (2^14) costs about 40 ms per password per HSM, and
    # the session checks or sets a password on 3 HSMs four times; `password-cost: 4` shows
    # what the replay itself costs.
    for header in ("# password-cost: 14 (the fixture's)", "# password-cost: 4"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "hundred.transcript"
            path.write_text(hundred_commands(header.split(" (")[0]))
            update(run_file(path))  # fill in the expected output (and make the template world)
            runs = []
            for _ in range(5):
                start = time.perf_counter()
                result = run_file(path)
                runs.append(time.perf_counter() - start)
                assert result.ok, result.report()
        print(f"100-command transcript, {header[2:]}: best {min(runs) * 1000:.0f} ms, "
              f"median {sorted(runs)[2] * 1000:.0f} ms")
    start, count = time.perf_counter(), 0
    while time.perf_counter() - start < 3:
        for path in SUITE:
            assert run_file(path).ok, path
            count += 1
    elapsed = time.perf_counter() - start
    print(f"suite transcripts ({len(SUITE)} files, 3-40 commands each): {count / elapsed:.1f} replayed per second")
    return 0


if __name__ == "__main__":
    sys.exit(main())
