"""How long `pfx inspect` takes per PFX kind (run: .venv/bin/python benchmarks/bench_pfx.py).

Measured, not asserted: the numbers go into the issue note. The MAC check is pure Python
(PKCS#12 KDF), so its cost grows with the MAC iteration count; PBKDF2 runs in OpenSSL.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pycert.pfx import reader as pfx
from pycert.demo import samples  # noqa: E402
from pycert.policy.models import BUILTIN_POLICY, Policy  # noqa: E402
from pycert.common.secret import Secret  # noqa: E402


def timed(fn, repeat=5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    now = samples.utc_now()
    leaf = samples.obn_certificate("0110119153", 300, now)
    root, inter = samples.obn_chain(now)
    profiles = Policy.model_validate(BUILTIN_POLICY).enabled_profiles()
    folder = Path(tempfile.mkdtemp())
    cases = [
        ("3DES, 2048 iterations", {}),
        ("3DES, 2048 iterations, chain", {"chain": (inter, root)}),
        ("AES-256, 2048 iterations", {"aes": True}),
        ("AES-256, 600000 iterations", {"aes": True, "iterations": 600_000}),
    ]
    print(f"{'case':34} {'load+inspect':>12}  {'wrong password':>14}")
    for name, kw in cases:
        path = folder / "x.pfx"
        path.write_bytes(samples.make_pfx(leaf, "1234", **kw))
        ok = timed(lambda: pfx.inspect(pfx.load(path, Secret("1234")), profiles, now))

        def wrong():
            try:
                pfx.load(path, Secret("9999"))
            except pfx.PfxError:
                pass

        print(f"{name:34} {ok * 1000:10.1f} ms  {timed(wrong) * 1000:12.1f} ms")
    cli = [sys.executable, "-m", "pycert", "pfx", "inspect", str(path), "--password-env", "PW"]
    env = {"PW": "1234", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    print(f"{'CLI pfx inspect (AES 600000), process':34} {timed(lambda: subprocess.run(cli, env=env, capture_output=True, check=True), 3) * 1000:10.1f} ms")
    version = [sys.executable, "-m", "pycert", "--version"]
    print(f"{'CLI --version, process':34} {timed(lambda: subprocess.run(version, env=env, capture_output=True, check=True), 5) * 1000:10.1f} ms")


if __name__ == "__main__":
    main()
