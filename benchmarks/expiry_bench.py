"""Start-up and detection cost, measured in one run (not a test: no thresholds).

    .venv/bin/python benchmarks/expiry_bench.py [--runs 7]

Times, as medians of --runs process launches; the commands compared take turns in each
round, so the ratios hold on a busy machine:
  * `pycert --version` against `python -c pass`;
  * `pycert detect expiry` against a bare pythonnet script that only opens the same
    Mono store and reads each certificate's Subject, Thumbprint and NotAfter,
    with 10, 1,000 and 5,000 certificates;
  * the bare script with and without os._exit, to show the runtime-shutdown delay
    that pycert skips.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE = """
import os, sys, warnings
warnings.simplefilter("ignore")
import pythonnet
pythonnet.load("mono")
import clr
from System.Security.Cryptography.X509Certificates import X509Store, StoreLocation, OpenFlags
s = X509Store("My", StoreLocation.CurrentUser)
s.Open(OpenFlags.ReadOnly)
n = 0
for c in s.Certificates:
    c.Subject; c.Thumbprint; c.NotAfter.ToUniversalTime()
    n += 1
s.Close()
print(n)
sys.stdout.flush()
if sys.argv[-1] == "fast-exit":
    os._exit(0)
"""


def paired_medians(commands: list[list[str]], env: dict, runs: int) -> list[float]:
    """Median wall time of each command, the commands taking turns in every round so that
    the machine's load drifts over all of them alike (ratios are what we report)."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for argv, bucket in zip(commands, times):
            start = time.perf_counter()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            bucket.append(time.perf_counter() - start)
    return [statistics.median(bucket) for bucket in times]


def seed(base: Path, count: int) -> None:
    """`count` OBN certificates in CurrentUser\\My, and the sample CA that issued them in
    CurrentUser\\Root (as on a real terminal), so detect verifies every issuer."""
    from pycert.demo.samples import obn_certificate, sample_ca, utc_now

    now = utc_now()
    ders = [obn_certificate(f"{i:010d}", 30 + i % 900, now).der for i in range(count)]
    folder = base / "ders"
    folder.mkdir()
    for i, der in enumerate(ders):
        (folder / f"{i}.der").write_bytes(der)
    (base / "ca.der").write_bytes(sample_ca().der)
    code = (
        "import sys; from pathlib import Path\n"
        "from pycert.platform import store_backend\nfrom pycert.common.model import StoreRef\n"
        "b = store_backend()\n"
        "b.add_der(StoreRef('CurrentUser','My'), *(p.read_bytes() for p in Path(sys.argv[1]).iterdir()))\n"
        "b.add_der(StoreRef('CurrentUser','Root'), Path(sys.argv[2]).read_bytes())\n"
    )
    env = dict(os.environ, XDG_CONFIG_HOME=str(base), PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", code, str(folder), str(base / "ca.der")], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="10,1000,5000")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    py = sys.executable
    pycert = [py, "-m", "pycert"]

    bare_python, version = paired_medians([[py, "-c", "pass"], [*pycert, "--version"]], env, args.runs)
    print(f"python -c pass          {bare_python * 1000:8.1f} ms")
    print(f"pycert --version        {version * 1000:8.1f} ms   ratio {version / bare_python:.2f}x")

    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(prefix="pycert-bench-") as tmp:
            base = Path(tmp)
            seed(base, size)
            run_env = dict(env, XDG_CONFIG_HOME=str(base))
            script = base / "bare.py"
            script.write_text(BARE)
            bare_fast, detect = paired_medians([[py, str(script), "fast-exit"], [*pycert, "detect", "expiry"]], run_env, args.runs)
            # Apart: a run that shuts the runtime down leaves the machine busy for a moment after it.
            [bare_slow] = paired_medians([[py, str(script), "normal-exit"]], run_env, args.runs)
            print(
                f"{size:5d} certs: bare enumerate {bare_fast * 1000:8.1f} ms"
                f" (with runtime shutdown {bare_slow * 1000:8.1f} ms)"
                f" | pycert detect {detect * 1000:8.1f} ms"
                f" | detect/bare {detect / bare_fast:.2f}x"
                f" | per cert {detect / size * 1e6:7.1f} us"
            )


if __name__ == "__main__":
    main()
