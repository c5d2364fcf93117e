"""Start-up of the frozen onedir pycert against the unfrozen command, and package sizes.

    python packaging/build.py --allow-missing-module      # makes dist/pycert and the MSI
    python benchmarks/frozen_bench.py [-n 15] [--frozen dist/pycert] [--msi FILE]

`detect` runs against a throw-away Mono store (XDG_CONFIG_HOME) seeded with three certificates.
Prints median and min wall time per command; nothing here asserts a threshold.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = """
import sys
from pycert.common.model import StoreRef
from pycert.platform import store_backend
from pycert.demo.samples import make_certificate, obn_certificate, utc_now
now = utc_now()
my = StoreRef("CurrentUser", "My")
backend = store_backend()
for sample in (obn_certificate("0110119153", 40, now), obn_certificate("0110119153", 400, now, key_seed=1),
               make_certificate("CN=other,C=JP", "CN=Other CA,C=JP", now, now.replace(year=now.year + 1))):
    backend.add_der(my, sample.der)
"""


def timed(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    subprocess.run(argv, env=env, capture_output=True)  # warm the page cache once
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=15)
    parser.add_argument("--frozen", default=str(ROOT / "dist" / "pycert"))
    parser.add_argument("--msi", help="MSI file (default: the newest dist/PyCert-*.msi)")
    args = parser.parse_args()
    onedir = Path(args.frozen)
    exe = onedir / ("pycert.exe" if sys.platform == "win32" else "pycert")
    if not exe.is_file():
        print(f"error: {exe} does not exist; run `python packaging/build.py` first.", file=sys.stderr)
        return 2
    msis = [Path(args.msi)] if args.msi else sorted((ROOT / "dist").glob("PyCert-*.msi"), key=lambda p: p.stat().st_mtime)

    with tempfile.TemporaryDirectory(prefix="pycert-bench-") as xdg:
        env = {k: v for k, v in os.environ.items() if k != "PYCERT_CONFIG"}
        env.update({"XDG_CONFIG_HOME": xdg, "PYTHONPATH": str(ROOT)})
        subprocess.run([sys.executable, "-c", SEED], env=env, check=True)
        plain = [sys.executable, "-m", "pycert"]
        print(f"{'command':<28}{'unfrozen median/min':>22}{'frozen median/min':>22}   (n={args.runs})")
        for label, extra in (("--version", ["--version"]), ("detect expiry", ["detect", "expiry"]),
                             ("detect --format json", ["detect", "--format", "json"])):
            u_med, u_min = timed(plain + extra, env, args.runs)
            f_med, f_min = timed([str(exe), *extra], env, args.runs)
            print(f"{'pycert ' + label:<28}{u_med:>12.3f}/{u_min:.3f} s{f_med:>12.3f}/{f_min:.3f} s")
    print(f"onedir folder {onedir}: {folder_size(onedir) / 1e6:.1f} MB in {sum(1 for p in onedir.rglob('*') if p.is_file())} files")
    for msi in msis[-1:]:
        print(f"MSI {msi.name}: {msi.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
