"""The proxy route on a real Windows machine: WinHTTP runs a PAC script served on 127.0.0.1,
the machine's WinHTTP proxy set with `netsh winhttp set proxy` is read back in the format
Windows writes, and a run as SYSTEM (a scheduled task) takes that machine proxy.

The runner is an administrator (GitHub's Windows images are), which `netsh winhttp set proxy`
and a SYSTEM task need; each test puts the machine back as it found it."""

from __future__ import annotations

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.windows.conftest import read_json, run_as_system

OBN = "https://cert.obn.managedpki.ne.jp/p/s"
PAC = b"""function FindProxyForURL(url, host) {
  if (dnsDomainIs(host, ".obn.managedpki.ne.jp")) return "PROXY 10.9.8.7:3128";
  return "DIRECT";
}
"""


@pytest.fixture
def pac_url():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ns-proxy-autoconfig")
            self.send_header("Content-Length", str(len(PAC)))
            self.end_headers()
            self.wfile.write(PAC)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/proxy.pac"
    server.shutdown()


@pytest.fixture
def winhttp_proxy_set(tmp_path):
    backup = tmp_path / "winhttp-saved.reg"
    saved = subprocess.run(["reg", "export", r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections",
                            str(backup), "/y"], capture_output=True)
    subprocess.run(["netsh", "winhttp", "set", "proxy", "proxy-server=10.0.0.1:8080", "bypass-list=<local>;*.example.local"],
                   check=True, capture_output=True)
    try:
        yield
    finally:
        subprocess.run(["netsh", "winhttp", "reset", "proxy"], check=True, capture_output=True)
        if saved.returncode == 0:
            subprocess.run(["reg", "import", str(backup)], capture_output=True)


def test_winhttp_runs_a_pac_script_and_answers_in_pac_syntax(pac_url):
    from pycert.platform.windows import winhttp

    assert winhttp.proxy_for_url(OBN, pac_url, autodetect=False).answer == "PROXY 10.9.8.7:3128"
    assert winhttp.proxy_for_url("https://www.example.com/", pac_url, autodetect=False).answer == "DIRECT"


def test_a_missing_pac_script_is_a_reason_not_an_exception():
    from pycert.platform.windows import winhttp

    answer = winhttp.proxy_for_url(OBN, "http://127.0.0.1:9/none.pac", autodetect=False, timeout_ms=3000)
    assert answer.answer is None
    assert answer.error  # the sentence from winhttp.REASONS, or the error code


def test_policy_pac_url_routes_the_portal_through_the_scripts_proxy(pac_url):
    from pycert.platform import proxies
    from pycert.policy.models import Network

    route, _auth = proxies.resolve(OBN, Network(pac_url=pac_url), windows=True)
    assert (route.proxy, route.source) == ("http://10.9.8.7:3128", "pac")


def test_netsh_winhttp_proxy_is_read_back_from_the_registry(winhttp_proxy_set):
    from pycert.platform.windows import environment

    proxy = environment.winhttp_proxy()
    assert proxy.proxy_server == "10.0.0.1:8080"
    assert proxy.bypass_list == "<local>;*.example.local"


def test_a_run_as_system_takes_the_machine_winhttp_proxy(winhttp_proxy_set, tmp_path):
    """What Intune, GPO and SCCM do: PyCert as SYSTEM, where the user's Internet Options are
    not visible."""
    out = run_as_system(tmp_path, (
        "import json\n"
        "from pycert.platform import proxies\n"
        "from pycert.policy.models import Network\n"
        f"route, auth = proxies.resolve({OBN!r}, Network(), windows=True)\n"
        "open(OUT, 'w').write(json.dumps({'proxy': route.proxy, 'source': route.source}))\n"
    ))
    try:
        assert read_json(out) == {"proxy": "http://10.0.0.1:8080", "source": "winhttp-machine"}
    finally:
        out.unlink(missing_ok=True)
