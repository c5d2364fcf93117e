"""How much a `latest` check costs: first download vs the conditional (304) re-check.

Run: .venv/bin/python benchmarks/mpki_latest.py [payload MiB, default 20]
Serves a real wixl-built MSI with a random payload from an HTTPS server on 127.0.0.1.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pycert.policy.models import MpkiPolicy  # noqa: E402
from pycert.mpki.source import latest  # noqa: E402
from tests.mpki.msibuild import build_msi  # noqa: E402
from tests.mpki.pki import TestPki  # noqa: E402
from tests.mpki.servers import HttpsServer, Route  # noqa: E402


def main(mib: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="pycert-bench-"))
    pki = TestPki(work / "pki")
    os.environ["SSL_CERT_FILE"] = str(pki.ca.cert_path)
    msi = build_msi(work, "big", "2.1.0")
    # Pad the payload: rebuild with a large random file so the MSI has a realistic size.
    (work / "big.txt").write_bytes(os.urandom(mib * 1024 * 1024))
    import subprocess

    subprocess.run(["wixl", "-a", "x64", "-o", str(msi), str(work / "big.wxs")], check=True, capture_output=True, cwd=work)
    server = HttpsServer(pki.tls_server())
    server.routes["/p/s"] = Route(msi.read_bytes())
    policy = MpkiPolicy(url=server.url("/p/s"))
    now = datetime.now(timezone.utc)
    firsts, rechecks = [], []
    for _ in range(5):
        cache = work / f"cache-{len(firsts)}"
        t = time.perf_counter()
        latest(policy, cache, now)
        firsts.append(time.perf_counter() - t)
        for _ in range(4):
            t = time.perf_counter()
            answer = latest(policy, cache, now)
            rechecks.append(time.perf_counter() - t)
            assert answer.source == "not-modified"
    size = msi.stat().st_size / 1048576
    print(f"MSI {size:.1f} MiB over HTTPS on 127.0.0.1")
    print(f"first download + Property read : median {statistics.median(firsts) * 1000:.0f} ms (n={len(firsts)})")
    print(f"conditional re-check (304)      : median {statistics.median(rechecks) * 1000:.1f} ms (n={len(rechecks)})")
    server.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
