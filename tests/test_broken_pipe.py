"""Output piped into a reader that stops early (`| head`) ends quietly, never in a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess


def test_a_shell_whose_reader_went_away_ends_quietly(world_path):
    script = "listUsers\n" * 300 + "quit\n"
    env = {**os.environ, "HSMSHELL_WORLD": str(world_path)}
    proc = subprocess.Popen([shutil.which("cloudhsm_mgmt_util")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    proc.stdout.read(100)
    proc.stdout.close()  # the reader goes away while the shell still has pages to print
    proc.stdin.write(script.encode())
    try:
        proc.stdin.close()
    except BrokenPipeError:
        pass
    assert proc.wait(timeout=60) in (0, 1)
    assert "Traceback" not in proc.stderr.read().decode()
