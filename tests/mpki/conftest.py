"""Session-scoped MPKI fixtures: one test PKI, one set of real MSIs, one HTTPS server."""

from __future__ import annotations

import pytest

from tests.mpki.msibuild import PRODUCT, WIXL, build_msi, sign_msi, tamper
from tests.mpki.pki import TestPki
from tests.mpki.servers import HttpsServer, NtlmProxy


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    pki = TestPki(folder)
    pki.signer = pki.code_signing()
    pki.other_signer = pki.code_signing("other-signer", org="Someone Else K.K.")
    pki.server = pki.tls_server()
    pki.bundle = folder / "bundle.pem"
    pki.bundle.write_bytes(pki.ca.cert_path.read_bytes())
    return pki


@pytest.fixture(autouse=True)
def trust_test_ca(pki, monkeypatch):
    """The test CA is this process's only trust anchor (TLS and Authenticode), and no
    proxy from the environment gets in the way of 127.0.0.1."""
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.bundle))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)


class Msis:
    pass


@pytest.fixture(scope="session")
def msis(pki, tmp_path_factory):
    if WIXL is None:
        pytest.skip("wixl (Debian package wixl) is not installed; .ci/run installs it")
    folder = tmp_path_factory.mktemp("msis")
    m = Msis()
    m.v1_unsigned = build_msi(folder, "v1", "1.0.0")
    m.v1 = sign_msi(m.v1_unsigned, pki.signer, folder / "v1-signed.msi")
    m.v2_unsigned = build_msi(folder, "v2", "2.1.0")
    m.v2 = sign_msi(m.v2_unsigned, pki.signer, folder / "v2-signed.msi")
    m.v2_other_signer = sign_msi(m.v2_unsigned, pki.other_signer, folder / "v2-other-signer.msi")
    m.v2_tampered = tamper(m.v2, folder / "v2-tampered.msi", b"2.1.0", b"2.1.9")
    m.other_name = sign_msi(build_msi(folder, "other", "2.1.0", name="Cybertrust Device Manager"), pki.signer,
                            folder / "other-signed.msi")
    m.product = PRODUCT
    return m


@pytest.fixture(scope="session")
def https(pki):
    server = HttpsServer(pki.server)
    yield server
    server.close()


@pytest.fixture
def routes(https):
    https.routes.clear()
    https.seen.clear()
    return https


NTLM_USER, NTLM_PASSWORD = "CLINIC\\proxyuser", "N7lm-Pa55"


@pytest.fixture
def ntlm_proxy(tmp_path):
    """A CONNECT proxy that demands NTLM from the account CLINIC\\proxyuser (pyspnego acceptor)."""
    users = tmp_path / "ntlm-users"
    users.write_text(f"{NTLM_USER.replace(chr(92), ':')}:{NTLM_PASSWORD}\n", encoding="utf-8")
    proxy = NtlmProxy(str(users)).start()
    yield proxy
    proxy.close()
