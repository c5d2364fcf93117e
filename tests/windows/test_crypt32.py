"""platform/windows/crypt32.py through the Windows store backend, in the runner user's
stores: a 3DES and an AES PFX imported with the wizard's flags (leaf with a usable,
non-exportable key; the chain's intermediate in CA), a re-import that leaves the number of
key containers unchanged, and cleanup that deletes the old certificate's key container."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from pycert.common.model import KeyPresence, StoreRef
from pycert.common.secret import Secret
from pycert.demo import samples

NOW = samples.utc_now()
MY, CA = StoreRef("CurrentUser", "My"), StoreRef("CurrentUser", "CA")
PASSWORD = "ci-4821"


def key_files() -> int:
    """Key containers of this user: CNG keys and legacy CSP keys."""
    appdata = Path(os.environ["APPDATA"]) / "Microsoft" / "Crypto"
    return sum(1 for folder in (appdata / "Keys", appdata / "RSA") if folder.exists()
               for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def backend():
    from pycert.platform.dotnet import DotNetStores

    stores = DotNetStores.for_this_machine()
    yield stores
    for store in (MY, CA):
        for cert in stores.read(store).certificates:
            if "PyCert Samples" in cert.issuer or "0110119153" in cert.subject or "Online Billing" in cert.subject:
                stores.remove_with_key(store, cert.thumbprint, delete_key=True)


@pytest.mark.parametrize("aes", [False, True], ids=["3des", "aes"])
def test_import_with_the_wizards_flags(backend, tmp_path, aes):
    from pycert.pfx import importer
    from pycert.policy.models import BUILTIN_POLICY, Policy

    root, inter = samples.obn_chain(NOW)
    leaf = samples.obn_certificate("0110119153", 1185, NOW, key_seed=11)
    path = tmp_path / "renewed.pfx"
    path.write_bytes(samples.make_pfx(leaf, PASSWORD, aes=aes, chain=(inter, root)))
    report = importer.run(Policy.model_validate(BUILTIN_POLICY), backend, NOW, path, Secret(PASSWORD, "test"))
    assert report.verified and report.exit_code == 0, report.messages
    [mine] = [c for c in backend.read(MY).certificates if c.thumbprint == leaf.thumbprint]
    assert mine.has_private_key is KeyPresence.YES  # opened through CryptAcquireCertificatePrivateKey
    assert inter.thumbprint in {c.thumbprint for c in backend.read(CA).certificates}
    assert not_exportable(leaf.thumbprint)
    assert key_link_of(backend, leaf.thumbprint).container  # CERT_KEY_PROV_INFO: a persisted container

    before = key_files()
    again = importer.run(Policy.model_validate(BUILTIN_POLICY), backend, NOW, path, Secret(PASSWORD, "test"))
    assert again.placements[0].status == "present"
    assert key_files() == before  # the re-import's new container was deleted, none orphaned


def key_link_of(backend, thumbprint: str):
    """crypt32's view of the installed leaf: its key link, and that the key opens silently."""
    from pycert.platform.dotnet import load_runtime
    from pycert.platform.windows import crypt32

    rt = load_runtime()
    store = rt["X509Store"]("My", rt["StoreLocation"].CurrentUser)
    store.Open(rt["OpenFlags"].ReadOnly)
    try:
        [cert] = [c for c in store.Certificates if str(c.Thumbprint).upper() == thumbprint]
        context = int(cert.Handle.ToInt64())
        assert backend._crypt32().key_state(context) is KeyPresence.YES
        link = backend._crypt32().key_link(context)
        assert isinstance(link, crypt32.KeyLink)
        return link
    finally:
        store.Close()


def not_exportable(thumbprint: str) -> bool:
    from pycert.platform.dotnet import load_runtime

    rt = load_runtime()
    store = rt["X509Store"]("My", rt["StoreLocation"].CurrentUser)
    store.Open(rt["OpenFlags"].ReadOnly)
    try:
        [cert] = [c for c in store.Certificates if str(c.Thumbprint).upper() == thumbprint]
        from System.Security.Cryptography.X509Certificates import RSACertificateExtensions  # type: ignore

        key = RSACertificateExtensions.GetRSAPrivateKey(cert)
        try:
            key.ExportParameters(True)
        except Exception:  # CryptographicException: "Key not valid for use in specified state"
            return True
        return False
    finally:
        store.Close()


def test_cleanup_deletes_the_old_certificates_key_container(backend, tmp_path):
    from pycert.expiry import cleanup
    from pycert.pfx import importer
    from pycert.policy.models import BUILTIN_POLICY, Policy

    policy = Policy.model_validate(BUILTIN_POLICY)
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=12)
    new = samples.obn_renewal(old, NOW - timedelta(days=1), key_seed=13)
    _root, inter = samples.obn_chain(NOW)  # inter: the sample OBN CA (name and key) -> CurrentUser\CA, no dialog
    for sample, name in ((old, "old.pfx"), (new, "new.pfx")):
        path = tmp_path / name
        path.write_bytes(samples.make_pfx(sample, PASSWORD, chain=(inter,)))
        importer.run(policy, backend, NOW, path, Secret(PASSWORD, "test"), force=True)
    files = key_files()
    plan = cleanup.plan(policy, backend, NOW)
    report = cleanup.apply(plan, backend)
    assert [r.step.certificate.thumbprint for r in report.to_remove] == [old.thumbprint]
    assert report.to_remove[0].key == "deleted"
    assert key_files() == files - 1


def test_a_pinned_root_goes_to_localmachine_root_elevated_and_an_unpinned_one_nowhere(backend, tmp_path):
    """The runner is elevated: `import` writes a root to LocalMachine\\Root (no dialog) only
    when [rootca] pins it (issue 13)."""
    import hashlib

    from pycert.pfx import importer
    from pycert.policy.models import BUILTIN_POLICY, Policy

    root, inter = samples.obn_chain(NOW)
    leaf = samples.obn_certificate("0110119153", 1185, NOW, key_seed=14)
    path = tmp_path / "with-root.pfx"
    path.write_bytes(samples.make_pfx(leaf, PASSWORD, chain=(inter, root)))
    machine_root = StoreRef("LocalMachine", "Root")

    unpinned = importer.run(Policy.model_validate(BUILTIN_POLICY), backend, NOW, path, Secret(PASSWORD, "test"))
    assert [r.status for r in unpinned.roots_left] == ["skipped"]
    assert root.thumbprint not in {c.thumbprint for c in backend.read(machine_root).certificates}

    pin = {"name": "CI Sample Root", "sha256": hashlib.sha256(root.der).hexdigest(), "required": False}
    pinned_policy = Policy.model_validate({**BUILTIN_POLICY, "rootca": {**BUILTIN_POLICY.get("rootca", {}), "pins": [pin]}})
    try:
        pinned = importer.run(pinned_policy, backend, NOW, path, Secret(PASSWORD, "test"))
        assert ("root", "LocalMachine\\Root") in {(p.role, str(p.store)) for p in pinned.placements}
        assert root.thumbprint in {c.thumbprint for c in backend.read(machine_root).certificates}
    finally:
        backend.remove(machine_root, root.thumbprint)
