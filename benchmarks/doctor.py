"""How long `pycert doctor` takes: all endpoints answering, and one endpoint silent (the
probe timeout, 5 s, bounds it). Local servers on 127.0.0.1 stand in for the OBN hosts.

    python benchmarks/doctor.py [runs]
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
sys.path.insert(0, str(ROOT))

from tests.doctor.servers import Server, Silent, make_tls_files  # noqa: E402


def timed(env: dict, runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pycert", "doctor"], env=env, cwd=ROOT, capture_output=True, check=False)
        seconds.append(time.perf_counter() - start)
    return seconds


def main(runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="pycert-bench-"))
    ca, cert, key = make_tls_files(folder)
    obn, crl, silent = Server({"/p/s": 200, "/p/cert": 200}, tls=(cert, key)), Server({}), Silent()
    base = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    base.update(XDG_CONFIG_HOME=str(folder), PYTHONPATH=str(ROOT), SSL_CERT_FILE=str(ca),
                PYCERT_DOCTOR_OBN_URL=obn.url, PYCERT_DOCTOR_CRL_URL=crl.url + "/")
    try:
        for label, env in (("all endpoints answer", base), ("CRL host silent", dict(base, PYCERT_DOCTOR_CRL_URL=silent.url))):
            s = timed(env, runs)
            print(f"{label:22} runs={runs} median={statistics.median(s):.2f}s min={min(s):.2f}s max={max(s):.2f}s")
    finally:
        obn.close()
        crl.close()
        silent.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
