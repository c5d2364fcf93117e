"""How long `pycert import` takes with a long chain in the PFX, as a real process on a fresh
Mono store (issue #18, class 1: 1,000 chain certificates took 684 s when every placement
re-read its store). Run: .venv/bin/python benchmarks/bench_import_chain.py [N ...]
(default 250 and 1000). Measured, not asserted: the figures go into the issue note.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pycert.demo import samples  # noqa: E402


def chain_pfx(count: int, now) -> bytes:
    leaf = samples.obn_certificate("0110119153", 1185, now)
    chain = tuple(
        samples.make_certificate(f"CN=Chain filler {i},O=PyCert Samples", "CN=Sample Root CA,O=PyCert Samples,C=JP",
                                 now - timedelta(days=1), now + timedelta(days=900), ca=True, key_seed=7, serial=1000 + i)
        for i in range(count)
    )
    return samples.make_pfx(leaf, "1234", chain=chain)


def timed_import(count: int) -> tuple[float, int, str]:
    with tempfile.TemporaryDirectory(prefix="pycert-bench-") as tmp:
        base = Path(tmp)
        pfx = base / f"chain-{count}.pfx"
        pfx.write_bytes(chain_pfx(count, samples.utc_now()))
        env = {**os.environ, "XDG_CONFIG_HOME": str(base), "PYCERT_LOG_DIR": str(base / "logs"),
               "PYCERT_LOCK_FILE": str(base / "pycert.lock"), "PW": "1234"}
        env.pop("PYCERT_CONFIG", None)
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "pycert", "import", str(pfx), "--password-env", "PW"],
                             env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        placed = len(list((base / ".mono" / "certs" / "CA").glob("*.cer")))
        return seconds, placed, f"exit {run.returncode}" + (f": {run.stderr.strip()[:200]}" if run.returncode else "")


def main(counts: list[int]) -> None:
    times = {}
    for count in counts:
        seconds, placed, outcome = timed_import(count)
        times[count] = seconds
        print(f"{count:5d} chain certificates: {seconds:7.1f} s, {placed} in CurrentUser\\CA, {outcome}")
    if 250 in times:
        for count, seconds in times.items():
            if count != 250:
                print(f"{count} / 250: {seconds / times[250]:.2f} times the time (linear: {count / 250:.2f})")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [250, 1000])
