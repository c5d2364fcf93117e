"""How much a `latest` check costs: first download vs the conditional (304) re-check,
directly and through a CONNECT proxy that demands a real NTLM handshake.

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

from pycert.policy.models import MpkiPolicy, Network  # noqa: E402
from pycert.mpki.source import latest  # noqa: E402
from tests.mpki.conftest import NTLM_PASSWORD, NTLM_USER  # noqa: E402
from tests.mpki.msibuild import build_msi  # noqa: E402
from tests.mpki.pki import TestPki  # noqa: E402
from tests.mpki.servers import HttpsServer, NtlmProxy, Route  # noqa: E402


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
    users = work / "ntlm-users"
    users.write_text(f"{NTLM_USER.replace(chr(92), ':')}:{NTLM_PASSWORD}\n", encoding="utf-8")
    proxy = NtlmProxy(str(users)).start()
    os.environ["PYCERT_PROXY_PASSWORD"] = NTLM_PASSWORD
    routes = {"direct": Network(proxy="direct"),
              "NTLM proxy": Network(proxy=proxy.url, proxy_auth="ntlm", proxy_user=NTLM_USER)}
    now = datetime.now(timezone.utc)
    size = msi.stat().st_size / 1048576
    print(f"MSI {size:.1f} MiB over HTTPS on 127.0.0.1")
    medians = {}
    for name, network in routes.items():
        firsts, rechecks = [], []
        for _ in range(5):
            cache = work / f"cache-{name}-{len(firsts)}"
            t = time.perf_counter()
            latest(policy, cache, now, network=network)
            firsts.append(time.perf_counter() - t)
            for _ in range(4):
                t = time.perf_counter()
                answer = latest(policy, cache, now, network=network)
                rechecks.append(time.perf_counter() - t)
                assert answer.source == "not-modified"
        medians[name] = (statistics.median(firsts), statistics.median(rechecks))
        print(f"{name:10} first download + Property read : median {medians[name][0] * 1000:.0f} ms (n={len(firsts)})")
        print(f"{name:10} conditional re-check (304)      : median {medians[name][1] * 1000:.1f} ms (n={len(rechecks)})")
    assert proxy.authenticated, "the proxy route was not taken"
    (d_first, d_check), (p_first, p_check) = medians["direct"], medians["NTLM proxy"]
    print(f"NTLM proxy / direct: first download {p_first / d_first:.2f}x, re-check {p_check / d_check:.2f}x")
    proxy.close()
    server.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
