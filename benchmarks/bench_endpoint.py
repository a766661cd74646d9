"""Encrypt and Decrypt through boto3 against `hsmshell serve`, and against moto's server in the
same run, as a ratio (target: at least three times moto's throughput), with hsmshell evaluating
the key's policy for every call (`settings.enforce_key_policies`).

    pip install 'moto[server]'    # only for the comparison
    python benchmarks/bench_endpoint.py [--seconds 6] [--rounds 3]

Both servers run as processes of their own, as an operator starts them (`hsmshell serve`,
`moto_server`), so neither shares the client's interpreter.  hsmshell encrypts under a key in a
CloudHSM key store (a real AES-GCM key held by the simulated cluster), each call one
transaction on the YAML world, which it leaves unwritten when nothing but CloudTrail changed
(the event is appended to the log beside it); moto keeps its state in memory.

Two loads: one boto3 client calling and waiting, as a script of the runbook does (its figures
are mostly boto3's own cost of about 0.8 ms a call, the same against either server), and as
many client processes as the machine has cores, calling at once: the server's throughput, which
the target is about.  The two servers take turns in short rounds, so that a busy moment of the
machine falls on both alike; each side's figures are over all its rounds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

from hsmshell.services import open_store

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def client(url: str):
    return boto3.client("kms", endpoint_url=url, region_name="us-west-2", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))


def run(kms, key_id: str, seconds: float) -> list[float]:
    """Latencies in ms of the Encrypts and Decrypts made in `seconds`."""
    plaintext = b"x" * 256
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        blob = kms.encrypt(KeyId=key_id, Plaintext=plaintext)["CiphertextBlob"]
        middle = time.perf_counter()
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == plaintext
        end = time.perf_counter()
        latencies += [(middle - start) * 1000, (end - middle) * 1000]
    return latencies


def _client_process(url: str, key_id: str, seconds: float, start, results) -> None:
    kms = client(url)
    run(kms, key_id, 0.3)  # its connection and boto3's caches, before the clock starts
    start.wait()
    results.put(run(kms, key_id, seconds))


def measure(url: str, key_id: str, clients: int, seconds: float) -> list[float]:
    """Latencies of `clients` boto3 clients calling at once for `seconds`, each in a process of
    its own (one interpreter cannot drive two clients at full speed)."""
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_client_process, args=(url, key_id, seconds, start, results))
               for _ in range(clients)]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # all started and warmed up
    start.set()
    latencies = [ms for _ in workers for ms in results.get(timeout=seconds + 60)]
    for worker in workers:
        worker.join()
    return latencies


def report(name: str, latencies: list[float], seconds: float) -> float:
    ordered = sorted(latencies)
    rate = len(ordered) / seconds
    print(f"  {name:<10} {rate:8.0f} ops/s   p50 {statistics.median(ordered):6.2f} ms   "
          f"p99 {ordered[int(0.99 * (len(ordered) - 1))]:6.2f} ms")
    return rate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_hsmshell(world: Path) -> tuple[subprocess.Popen, str]:
    """`hsmshell serve` on a default world that enforces key policies, the key's naming the
    caller among other statements, so every call evaluates a policy (moto evaluates none)."""
    store = open_store(world)
    store.create("default")
    with store.transaction() as w:
        w.settings.enforce_key_policies = True
        w.principals = {"AKIAIOSFODNN7EXAMPLE": f"arn:aws:iam::{w.account_id}:user/Alice",
                        "AKIAI44QH8DHBEXAMPLE": f"arn:aws:iam::{w.account_id}:user/Bob"}
        w.kms_keys[KEY_ID].policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{w.account_id}:root"},
             "Action": ["kms:Create*", "kms:Describe*", "kms:Put*", "kms:Get*", "kms:List*"], "Resource": "*"},
            {"Sid": "Deny Bob", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{w.account_id}:user/Bob"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{w.account_id}:user/Alice"},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"], "Resource": "*"}]})
    server = subprocess.Popen([sys.executable, "-m", "hsmshell", "--world", str(world), "serve", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return server, re.search(r"http://[0-9.]+:\d+", server.stdout.readline()).group()


def start_moto(program: str) -> tuple[subprocess.Popen, str, str]:
    port = free_port()
    server = subprocess.Popen([program, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            return server, url, client(url).create_key()["KeyMetadata"]["KeyId"]
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto_server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0, help="each side's time in all")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=os.cpu_count() or 2, help="for the throughput")
    args = parser.parse_args()
    moto = shutil.which("moto_server")
    print(f"Encrypt + Decrypt through boto3, {args.seconds:.0f} s per side and load in {args.rounds} rounds "
          "(operations counted one by one); hsmshell enforces the key's policy")
    loads = {"one client, calling and waiting": 1,
             f"{args.clients} client processes at once: the server's throughput": args.clients}
    servers = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            server, url = start_hsmshell(Path(folder) / "world.yaml")
            servers.append(server)
            sides, urls = {"hsmshell": (client(url), KEY_ID)}, {"hsmshell": url}
            if moto:
                server, url, key_id = start_moto(moto)
                servers.append(server)
                sides["moto"], urls["moto"] = (client(url), key_id), url
            for kms, key_id in sides.values():
                run(kms, key_id, 0.5)  # warm up: connections, caches
            latencies = {(load, name): [] for load in loads for name in sides}
            for _ in range(args.rounds):
                for load, clients in loads.items():
                    for name, (kms, key_id) in sides.items():
                        latencies[load, name] += (run(kms, key_id, args.seconds / args.rounds) if clients == 1 else
                                                  measure(urls[name], key_id, clients, args.seconds / args.rounds))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)
    for load in loads:
        print(load)
        rates = {name: report(name, latencies[load, name], args.seconds) for name in sides}
        if not moto:
            print("  moto       not installed (pip install 'moto[server]'): no ratio")
            continue
        ratio = rates["hsmshell"] / rates["moto"]
        verdict = f"   target >= 3x: {'meets' if ratio >= 3 else 'misses'}" if loads[load] > 1 else ""
        print(f"  ratio      {ratio:5.2f}x moto{verdict}")


if __name__ == "__main__":
    sys.exit(main())
