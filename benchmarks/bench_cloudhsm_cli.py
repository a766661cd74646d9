"""The CloudHSM CLI's start-up: interactive mode from launch to its first `aws-cloudhsm > `
prompt at a terminal (a pty, so prompt_toolkit loads as it does for a person), and one
single-command invocation end to end (`cloudhsm-cli user list`, and a logged-in `key list`,
whose login checks a password with scrypt), each beside `python -c pass`.  Targets: 250 ms to
the prompt, 150 ms for a single command.  Prints figures; asserts nothing.

Wall times on a shared 2-core VM vary by a third from one minute to the next.  With valgrind
installed it also prints each single command's instructions (callgrind's count), which is the
same whatever else the machine is doing: the figure to compare two versions by.

    python benchmarks/bench_cloudhsm_cli.py [runs]
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import pexpect


def _figures(name: str, figures: list[float]) -> None:
    print(f"{name}: median {statistics.median(figures) * 1000:.0f} ms, min {min(figures) * 1000:.0f} ms, "
          f"max {max(figures) * 1000:.0f} ms ({len(figures)} runs)")


def main(runs: int = 10) -> None:
    script = shutil.which("cloudhsm-cli")
    assert script, "cloudhsm-cli is not installed (pip install -e .)"
    world = os.path.join(tempfile.mkdtemp(), "world.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HSMSHELL_", "CLOUDHSM_"))}
    env.update(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    subprocess.run([sys.executable, "-m", "hsmshell", "--world", world, "world", "init"], env=env,
                   capture_output=True, check=True)
    subprocess.run([sys.executable, "-m", "hsmshell", "--world", world, "aws", "kms", "disconnect-custom-key-store",
                    "--custom-key-store-id", "cks-1234567890abcdef0"], env=env, capture_output=True, check=True)
    admin = {**env, "CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345"}
    subprocess.run([script, "--world", world, "user", "change-password", "--username", "kmsuser", "--role",
                    "crypto-user", "--password", "kmsPswd1"], env=admin, capture_output=True, check=True)
    kmsuser = {**env, "CLOUDHSM_ROLE": "crypto-user", "CLOUDHSM_PIN": "kmsuser:kmsPswd1"}
    python, prompt, single, logged_in = [], [], [], []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        python.append(time.perf_counter() - began)
        began = time.perf_counter()
        child = pexpect.spawn(script, ["--world", world, "interactive"], env=env, encoding="utf-8",
                              dimensions=(40, 200), timeout=30)
        child.expect_exact("aws-cloudhsm >")  # prompt_toolkit draws the trailing space as a move
        prompt.append(time.perf_counter() - began)
        child.sendline("quit")
        child.expect(pexpect.EOF)
        began = time.perf_counter()
        subprocess.run([script, "--world", world, "user", "list"], env=env, capture_output=True, check=True)
        single.append(time.perf_counter() - began)
        began = time.perf_counter()
        subprocess.run([script, "--world", world, "key", "list"], env=kmsuser, capture_output=True, check=True)
        logged_in.append(time.perf_counter() - began)
    _figures("python -c pass", python)
    _figures("cloudhsm-cli interactive, launch to first prompt at a pty (target 250 ms)", prompt)
    _figures("cloudhsm-cli user list, single command end to end (target 150 ms)", single)
    _figures("cloudhsm-cli key list as kmsuser (login from CLOUDHSM_PIN), end to end", logged_in)
    if shutil.which("valgrind"):
        print("instructions (valgrind --tool=callgrind; the same on a busy machine):")
        for name, argv, environ in (("python -c pass", [sys.executable, "-c", "pass"], env),
                                    ("cloudhsm-cli user list", [script, "--world", world, "user", "list"], env),
                                    ("cloudhsm-cli key list as kmsuser", [script, "--world", world, "key", "list"],
                                     kmsuser)):
            print(f"  {name}: {instructions(argv, environ) / 1e6:.1f} M")


def instructions(argv: list[str], env: dict[str, str]) -> int:
    """The instructions a command executes, counted by callgrind (about 50 times slower)."""
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/out", *argv],
                              env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
