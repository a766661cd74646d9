"""The current generation at full size: a world whose hsm2m.medium cluster holds up to 16,666
keys (3,333 of them asymmetric, the type's limit) and 1,024 users on each of its three HSMs,
KMS's keys labelled with their ARNs.  A script that prints figures, not a test; it says
'meets' or 'misses' beside each target of the current-generation issue:

* one command that reads (a new Store's `read()`, what a fresh process pays), median <= 100 ms;
* one command that writes one key (a new Store's transaction), median <= 150 ms;
* `cloudhsm-cli key list --filter attr.label=<ARN>` in single-command mode, as kmsuser
  (CLOUDHSM_PIN), from spawn to exit, median <= 250 ms (as a script's commands run: the
  password checked lately; the first run, with its scrypt, is printed too);
* the TUI showing a commit made by another process, worst <= 250 ms;
* the world file stays hand-editable YAML: a YAML library reads it back.

Each figure is printed for 10, 1,000, 3,300 and 16,666 keys (1,024 users each), with its
growth over the 10-key figure.  Wall times scale with the machine's load: it is printed.

    python benchmarks/bench_full_size.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import yaml

from bench_world import CLUSTER_ID, HANDLE, p90, timed, verdict
from hsmshell.services import open_store
from hsmshell.testing.worlds import copy_world
from hsmshell.world.model import Key, User
from hsmshell.world.store import Store

STORE_ID = "cks-1234567890abcdef0"
KMS_KEY_ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KMSUSER_PASSWORD = "Zq7hW2mV9pLx4RcT8bNf3KdY6sGj1uEo"  # the default fixture's
SIZES = (10, 1000, 3300, 16666)
USERS_PER_HSM = 1024
ASYMMETRIC_LIMIT = 3333
TARGET_READ, TARGET_WRITE, TARGET_KEY_LIST, TARGET_TUI = 100.0, 150.0, 250.0, 250.0


def build(template: Path, folder: Path, keys: int) -> Path:
    """The default world made the current generation's: its cluster an hsm2m.medium holding
    `keys` keys (every fifth one, up to the limit, the private half of an RSA pair, labelled
    like the rest) and USERS_PER_HSM users on each HSM; its key store disconnected, so that
    kmsuser may log in."""
    path = copy_world(template, folder)
    store = Store(path)
    with store.transaction() as world:
        world.generation = "current"
        cluster = world.clusters[CLUSTER_ID]
        cluster.hsm_type = "hsm2m.medium"
        if hasattr(cluster, "mode"):
            cluster.mode = "FIPS"
        hsms = [h.hsm_id for h in cluster.hsms]
        asymmetric = sum(1 for k in cluster.keys.values() if k.key_class in (2, 3))
        while len(cluster.keys) < keys:
            handle = cluster.next_handle
            cluster.next_handle += 1
            pair = handle % 5 == 0 and asymmetric < ASYMMETRIC_LIMIT
            asymmetric += pair
            cluster.keys[handle] = Key(
                handle=handle, owner=3, key_class=3 if pair else 4, key_type=0 if pair else 31,
                size=2048 if pair else 32, label=f"arn:aws:kms:us-west-2:111122223333:key/{handle:08x}-"
                f"12ab-34cd-56ef-1234567890ab", hsms=list(hsms), extractable=False)
        while len(cluster.keys) > keys:
            cluster.keys.pop(next(h for h in cluster.keys if h != HANDLE))
        for hsm in cluster.hsms:
            like = next(u for u in hsm.users if u.name == "kmsuser")
            while len(hsm.users) < USERS_PER_HSM:
                hsm.next_user_id = max(hsm.next_user_id, max(u.user_id for u in hsm.users)) + 1
                hsm.users.append(User(user_id=hsm.next_user_id, user_type="CU", name=f"app{hsm.next_user_id:04d}",
                                      password_hash=like.password_hash))
    subprocess.run([sys.executable, "-m", "hsmshell.cli", "--world", str(path), "aws", "kms",
                    "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID], check=True,
                   capture_output=True)
    return path


def transactions(path: Path, repeat: int) -> dict[str, list[float]]:
    def cold_read(i: int) -> None:
        open_store(path).read()

    def cold_write(i: int) -> None:
        with open_store(path).transaction() as world:
            world.clusters[CLUSTER_ID].keys[HANDLE].label = f"bench-{i}"

    cold_write(-1)
    figures = {"cold read": timed(cold_read, repeat), "cold write": timed(cold_write, repeat)}
    with open_store(path).transaction() as world:  # the label key list looks for, back
        world.clusters[CLUSTER_ID].keys[HANDLE].label = KMS_KEY_ARN
    return figures


def cloudhsm_cli() -> list[str]:
    candidate = Path(sysconfig.get_path("scripts")) / "cloudhsm-cli"
    found = str(candidate) if candidate.exists() else shutil.which("cloudhsm-cli")
    if not found:
        raise SystemExit("cloudhsm-cli is not installed beside this Python (pip install .)")
    return [found]


def key_list(path: Path, runs: int) -> tuple[float, list[float]]:
    """The first run (the page cache cold, the password not checked lately: a scrypt), and
    `runs` more, as a script's commands run one after another (the password checked lately)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HSMSHELL_", "CLOUDHSM_"))}
    env.update(HSMSHELL_WORLD=str(path), CLOUDHSM_ROLE="crypto-user", CLOUDHSM_PIN=f"kmsuser:{KMSUSER_PASSWORD}",
               XDG_STATE_HOME=str(path.parent / "state"))  # none checked lately but this bench's
    argv = [*cloudhsm_cli(), "key", "list", "--filter", f"attr.label={KMS_KEY_ARN}", "--verbose"]
    samples = []
    for _ in range(runs + 1):
        began = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        samples.append((time.perf_counter() - began) * 1000)
        if '"returned_key_count": 1' not in done.stdout:
            raise SystemExit(f"key list did not find the key:\n{done.stdout}{done.stderr}")
    return samples[0], samples[1:]


def tui_reflects(path: Path, rounds: int) -> list[float]:
    from bench_tui import measure

    return asyncio.run(measure(path, rounds, first_connects=True))


def hand_editable(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    world = yaml.safe_load(text)
    (cluster,) = [c for c in world["clusters"] if c["cluster_id"] == CLUSTER_ID]
    return f"{len(text.splitlines()):,} lines, {len(cluster['keys']):,} keys, read back by PyYAML"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat, runs, rounds = (5, 3, 4) if args.quick else (15, 10, 10)
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    results: dict[int, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="hsmshell-full-") as tmp:
        root = Path(tmp)
        (root / "template").mkdir()
        open_store(root / "template" / "world.yaml").create("default")
        columns = ("cold read", "cold write", "key list", "TUI")
        print()
        print(f"{'keys':>7} {'users/HSM':>9} {'file KB':>8} | " + " | ".join(f"{c:>15}" for c in columns))
        print(f"{'':>7} {'':>9} {'':>8} | " + " | ".join(f"{'median':>7} {'p90':>7}" for _ in columns))
        for keys in SIZES:
            path = build(root / "template", root / f"w{keys}", keys)
            figures = transactions(path, repeat)
            first_key_list, figures["key list"] = key_list(path, runs)
            figures["TUI"] = tui_reflects(path, rounds)
            results[keys] = figures
            cells = " | ".join(f"{statistics.median(figures[c]):7.1f} {p90(figures[c]):7.1f}" for c in columns)
            print(f"{keys:>7,} {USERS_PER_HSM:>9,} {path.stat().st_size / 1024:8.0f} | {cells}")
            if keys == SIZES[-1]:
                editable = hand_editable(path)
        print()
        print("growth of the median from 10 keys (x times the 10-key figure)")
        for column in columns:
            base = statistics.median(results[10][column])
            print(f"  {column:<10} " + "  ".join(
                f"{keys:>6,}: {statistics.median(results[keys][column]):7.1f} ms "
                f"({statistics.median(results[keys][column]) / base:4.1f}x)" for keys in SIZES))
        full = results[SIZES[-1]]
        rows = [
            ("16,666 keys: one command that reads, median", statistics.median(full["cold read"]), TARGET_READ),
            ("16,666 keys: one command that writes a key, median", statistics.median(full["cold write"]), TARGET_WRITE),
            ("16,666 keys: cloudhsm-cli key list --filter, median", statistics.median(full["key list"]), TARGET_KEY_LIST),
            ("16,666 keys: TUI shows an outside commit, worst", max(full["TUI"]), TARGET_TUI),
        ]
        print()
        print(f"{'against the issue':<52} {'measured':>9} {'target':>9}   (load average now {os.getloadavg()[0]:.1f})")
        for name, value, target in rows:
            print(f"{name:<52} {value:7.1f}ms {'<=' + format(target, '.0f') + 'ms':>9}  {verdict(value, target)}")
        print(f"{'16,666 keys: key list, the first of its runs':<52} {first_key_list:7.1f}ms "
              f"(the page cache cold, the password's first check: a scrypt)")
        print(f"{'16,666 keys: the world file':<52} {editable}")


if __name__ == "__main__":
    main()
