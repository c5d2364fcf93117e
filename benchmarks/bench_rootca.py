"""Time `pycert detect rootca` as a real process, a warm read of LocalMachine\\Root, and the
SHA-256 that store reads now compute per certificate (what root pins compare), against
getting the DER itself. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/bench_rootca.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def time_cli(args: list[str], runs: int, env: dict) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pycert", *args], env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return times


def time_store_read() -> tuple[int, float]:
    from pycert.common.model import StoreRef
    from pycert.platform import store_backend

    backend = store_backend()
    machine_root = StoreRef("LocalMachine", "Root")
    backend.read(machine_root)  # warm: runtime load and first open
    started = time.perf_counter()
    reading = backend.read(machine_root)
    return len(reading.certificates), time.perf_counter() - started


def time_sha256_share(rounds: int = 30) -> None:
    import hashlib

    from pycert.platform.dotnet import load_runtime

    rt = load_runtime()
    handle = rt["X509Store"]("Root", rt["StoreLocation"].LocalMachine)
    handle.Open(rt["OpenFlags"].ReadOnly)
    certs = list(handle.Certificates)
    handle.Close()
    [bytes(c.RawData) for c in certs]  # warm: pythonnet's first byte[] conversions are slow
    der_t, sha_t = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        ders = [bytes(c.RawData) for c in certs]
        der_t.append(time.perf_counter() - started)
        started = time.perf_counter()
        [hashlib.sha256(d).hexdigest() for d in ders]
        sha_t.append(time.perf_counter() - started)
    print(f"{len(certs)} roots: DER via bytes(RawData) median {statistics.median(der_t) * 1000:.2f} ms, "
          f"SHA-256 of them median {statistics.median(sha_t) * 1000:.2f} ms ({rounds} rounds)")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    env = dict(os.environ, XDG_CONFIG_HOME=tempfile.mkdtemp(prefix="pycert-bench-"), PYTHONPATH=str(ROOT))
    for args in (["--version"], ["detect", "rootca"], ["rootca", "list"]):
        t = time_cli(args, runs, env)
        print(f"pycert {' '.join(args):<16} median {statistics.median(t) * 1000:6.0f} ms  min {min(t) * 1000:6.0f} ms  ({runs} runs)")
    count, seconds = time_store_read()
    print(f"read LocalMachine\\Root: {count} certificates in {seconds * 1000:.1f} ms "
          f"({seconds / max(count, 1) * 1e6:.0f} us each, SHA-256 included)")
    time_sha256_share()


if __name__ == "__main__":
    main()
