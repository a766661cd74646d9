"""Encrypt and Decrypt through boto3 against `hsmshell serve`, and against moto's server in the
same run, as a ratio (target: at least three times moto's throughput).

    pip install 'moto[server]'    # only for the comparison
    python benchmarks/bench_endpoint.py [--seconds 5]

hsmshell encrypts under a key in a CloudHSM key store (a real AES-GCM key held by the
simulated cluster) and commits each call to the YAML world, as every command does; moto keeps
its state in memory.
"""

from __future__ import annotations

import argparse
import base64
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

from hsmshell.aws.server import Endpoint
from hsmshell.services import open_store

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def client(url: str):
    return boto3.client("kms", endpoint_url=url, region_name="us-west-2", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))


def run(kms, key_id: str, seconds: float) -> tuple[int, list[float]]:
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
    return len(latencies), latencies


def report(name: str, count: int, latencies: list[float], seconds: float) -> float:
    ordered = sorted(latencies)
    rate = count / seconds
    print(f"  {name:<10} {rate:8.0f} ops/s   p50 {statistics.median(ordered):6.2f} ms   "
          f"p99 {ordered[int(0.99 * (len(ordered) - 1))]:6.2f} ms")
    return rate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    seconds = parser.parse_args().seconds
    print(f"Encrypt + Decrypt through boto3, {seconds:.0f} s each (operations counted one by one)")
    with tempfile.TemporaryDirectory() as folder:
        world = Path(folder) / "world.yaml"
        open_store(world).create("default")
        endpoint = Endpoint(world).start()
        try:
            kms = client(endpoint.url)
            run(kms, KEY_ID, 0.5)  # warm up
            ours = report("hsmshell", *run(kms, KEY_ID, seconds), seconds)
        finally:
            endpoint.stop()
    moto = shutil.which("moto_server")
    if moto is None:
        print("  moto       not installed (pip install 'moto[server]'): no ratio")
        return
    port = free_port()
    server = subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                kms = client(url)
                key_id = kms.create_key()["KeyMetadata"]["KeyId"]
                break
            except Exception:  # noqa: BLE001 - still starting
                time.sleep(0.1)
        run(kms, key_id, 0.5)
        theirs = report("moto", *run(kms, key_id, seconds), seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    ratio = ours / theirs
    print(f"  ratio      {ratio:5.2f}x moto   target >= 3x: {'meets' if ratio >= 3 else 'misses'}")


if __name__ == "__main__":
    sys.exit(main())
