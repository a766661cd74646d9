"""cloudhsm_mgmt_util's start-up: seconds from launching the console script to its first
`aws-cloudhsm>` prompt, at a terminal (a pty, where readline edits the line as it does for a
person) and from a pipe, beside `python -c pass` in the same run (the interpreter's own floor on
this machine, under its load at the time).  Target: at most 250 ms at a terminal.  Prints
figures; asserts nothing.

    python benchmarks/bench_cmu_startup.py [runs]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import pexpect


def main(runs: int = 10) -> None:
    script = shutil.which("cloudhsm_mgmt_util")
    assert script, "cloudhsm_mgmt_util is not installed (pip install -e .)"
    home = tempfile.mkdtemp()
    env = {k: v for k, v in os.environ.items() if k not in ("HSMSHELL_WORLD", "XDG_DATA_HOME")}
    env.update(HOME=home, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    subprocess.run([script], input="quit\n", env=env, capture_output=True, text=True, check=True)  # makes the world
    at_terminal, from_pipe, bare = [], [], []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        bare.append(time.perf_counter() - began)
        began = time.perf_counter()
        child = pexpect.spawn(script, env=env, encoding="utf-8", dimensions=(40, 200), timeout=30)
        child.expect_exact("aws-cloudhsm>")
        at_terminal.append(time.perf_counter() - began)
        child.sendline("quit")
        child.expect(pexpect.EOF)
        began = time.perf_counter()
        proc = subprocess.Popen([script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
        seen = ""
        while not seen.endswith("aws-cloudhsm>"):
            seen += proc.stdout.read(1) or ended_early()
        from_pipe.append(time.perf_counter() - began)
        proc.communicate("quit\n")
    for name, figures in (("at a terminal (target 250 ms)", at_terminal), ("from a pipe", from_pipe),
                          ("python -c pass, for scale", bare)):
        print(f"start-up to the first prompt, {name}: median {statistics.median(figures) * 1000:.0f} ms, "
              f"min {min(figures) * 1000:.0f} ms, max {max(figures) * 1000:.0f} ms ({runs} runs)")


def ended_early() -> str:
    raise SystemExit("cloudhsm_mgmt_util ended before its prompt")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
