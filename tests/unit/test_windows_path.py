"""The Windows import/cleanup path with crypt32 and .NET mocked (pytest-mock): exact
PFXImportCertStore flags, store routing, handles released, password never logged."""

import ctypes
import logging

import pytest

from pycert.demo import samples
from pycert.policy.models import BUILTIN_POLICY, Policy
from pycert.expiry import cleanup
from pycert.pfx import importer as pfx_import
from pycert.common.model import StoreRef
from pycert.platform import dotnet
from pycert.platform.windows import crypt32
from pycert.common.secret import Secret
from tests.pfxfiles import write
from tests.winfakes import FakeCert, FakeStores, FakeWinDll, fake_crypt32

NOW = samples.utc_now()
PASSWORD = "pw-0420-secret"
POLICY = Policy.model_validate(BUILTIN_POLICY)


@pytest.fixture
def windows(mocker, tmp_path):
    """A Windows backend over fake stores; the PFX holds leaf + intermediate + root."""
    leaf = samples.obn_certificate("0110119153", 1180, NOW)
    root, inter = samples.obn_chain(NOW)
    path = write(tmp_path, "renewed.pfx", samples.make_pfx(leaf, PASSWORD, chain=(inter, root)))
    contexts = {1011: FakeCert(leaf.der, True, 1011), 1012: FakeCert(inter.der, False, 1012), 1013: FakeCert(root.der, False, 1013)}
    stores = FakeStores()
    passwords: list = []
    dll = fake_crypt32([11, 12, 13], passwords)
    mocker.patch.object(dotnet, "load_runtime", return_value=stores.runtime(contexts))
    fake = FakeWinDll(dll, "crypt32")
    dlls = crypt32.Crypt32(fake, FakeWinDll(mocker.Mock(), "ncrypt"), FakeWinDll(mocker.Mock(), "advapi32"))
    backend = dotnet.DotNetStores("netfx", keys_known=True, crypt32=dlls)
    mocker.patch.object(backend, "is_elevated", return_value=False)

    class W:
        pass

    w = W()
    w.__dict__.update(leaf=leaf, root=root, inter=inter, path=path, stores=stores, dll=dll, fake=fake, backend=backend,
                     passwords=passwords)
    return w


def pinned(root) -> Policy:
    """The built-in policy with the PFX's sample root pinned in [rootca]: only then may an
    import write it to a Root store."""
    import hashlib

    pin = {"name": "Sample Root CA", "sha256": hashlib.sha256(root.der).hexdigest(), "required": False}
    return Policy.model_validate({**BUILTIN_POLICY, "rootca": {**BUILTIN_POLICY.get("rootca", {}), "pins": [pin]}})


def run_import(w, policy=None, **kw):
    return pfx_import.run(policy or pinned(w.root), w.backend, NOW, w.path, Secret(PASSWORD, "test"), **kw)


@pytest.mark.parametrize(
    "options, flags",
    [({}, 0x1010), ({"machine": True}, 0x0030), ({"exportable": True}, 0x1011), ({"machine": True, "exportable": True}, 0x0031)],
)
def test_exact_pfximportcertstore_flags(windows, options, flags):
    run_import(windows, **options)
    [(args, _)] = windows.dll.PFXImportCertStore.call_args_list
    assert args[2] == flags
    assert not args[2] & crypt32.CRYPT_USER_PROTECTED
    assert crypt32.import_flags(**{"machine": False, "exportable": False, **options}) == flags


def test_user_protected_is_refused_outright(windows):
    from pycert.common.errors import UsageError

    with pytest.raises(UsageError, match="never used"):
        with windows.backend._crypt32().pfx_contexts(b"x", None, 0x1012):
            pass
    windows.dll.PFXImportCertStore.assert_not_called()


def test_routing_leaf_my_intermediate_ca_root_user(windows):
    report = run_import(windows)
    assert [(p.role, str(p.store), p.status) for p in report.placements] == [
        ("leaf", "CurrentUser\\My", "added"),
        ("intermediate", "CurrentUser\\CA", "added"),
        ("root", "CurrentUser\\Root", "added"),
    ]
    adds = [c for c in windows.stores.calls if c[0] == "Add"]
    assert adds == [
        ("Add", ("CurrentUser", "My"), windows.leaf.thumbprint),
        ("Add", ("CurrentUser", "CA"), windows.inter.thumbprint),
        ("Add", ("CurrentUser", "Root"), windows.root.thumbprint),
    ]
    assert report.verified and report.exit_code == 0 and report.unhonoured == []


def test_root_goes_to_localmachine_when_elevated(windows, mocker):
    mocker.patch.object(windows.backend, "is_elevated", return_value=True)
    report = run_import(windows)
    assert str(report.placements[-1].store) == "LocalMachine\\Root"
    assert ("LocalMachine", "Root") in windows.stores.content


def test_an_unpinned_root_is_never_written_even_elevated(windows, mocker):
    """Attack case 2: a PFX carrying its own root. Elevated, the import would have put it
    into LocalMachine\\Root with no dialog; without a pin it goes nowhere."""
    mocker.patch.object(windows.backend, "is_elevated", return_value=True)
    report = run_import(windows, policy=POLICY)
    assert [(p.role, str(p.store)) for p in report.placements] == [
        ("leaf", "CurrentUser\\My"), ("intermediate", "CurrentUser\\CA")]
    assert [c for c in windows.stores.calls if c[0] == "Add" and c[1][1] == "Root"] == []
    assert [(r.thumbprint, r.status) for r in report.roots_left] == [(windows.root.thumbprint, "skipped")]
    assert report.verified and report.exit_code == 0


def test_declined_root_dialog_is_reported_and_leaf_kept(windows):
    windows.stores.decline_root_dialog = True
    report = run_import(windows)
    statuses = {p.role: p.status for p in report.placements}
    assert statuses == {"leaf": "added", "intermediate": "added", "root": "cancelled"}
    assert report.verified and report.outcome == "incomplete" and report.exit_code == 1
    assert "declined" in report.messages[0]


def test_handles_freed_and_password_buffer_zeroed(windows):
    run_import(windows)
    freed = [c.args[0] for c in windows.dll.CertFreeCertificateContext.call_args_list]
    assert freed == [1011, 1012, 1013]
    windows.dll.CertCloseStore.assert_called_once_with(0xABC, 0)
    assert windows.passwords == [PASSWORD]  # crypt32 got the password...
    [buffer] = windows.dll.password_buffers
    assert bytes(ctypes.string_at(buffer, ctypes.sizeof(buffer))) == b"\0" * ctypes.sizeof(buffer)  # ...then it was wiped


def test_handles_freed_even_when_dotnet_fails(windows, mocker):
    runtime = dotnet.load_runtime()
    runtime["X509Certificate2"] = mocker.Mock(side_effect=RuntimeError("boom"))
    with pytest.raises(RuntimeError):
        run_import(windows)
    assert windows.dll.CertFreeCertificateContext.call_count == 3
    windows.dll.CertCloseStore.assert_called_once()


def test_import_failure_from_crypt32_changes_nothing(windows, mocker):
    from pycert.common.errors import PlatformError

    windows.dll.PFXImportCertStore.side_effect = lambda *a: 0
    windows.fake.last_error = 86  # ERROR_INVALID_PASSWORD
    with pytest.raises(PlatformError, match="rejected the PFX password"):
        run_import(windows)
    assert not [c for c in windows.stores.calls if c[0] == "Add"]


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_password_never_reaches_a_log_record_or_the_output(windows):
    from pycert.pfx import view as pfxview
    from pycert.common import output

    logger = logging.getLogger("pycert")  # the run log's logger (logs.setup stops propagation)
    seen = Records()
    logger.addHandler(seen)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        report = run_import(windows)
    finally:
        logger.removeHandler(seen)
        logger.setLevel(old_level)
    rendered = output.dumps(pfxview.import_json(report)) + pfxview.import_text(report) + repr(report)
    assert PASSWORD not in rendered
    events = [r.getMessage() for r in seen.records]
    assert sum("action=import" in e for e in events) == 3  # one per certificate: the log is really written
    assert all(PASSWORD not in e for e in events)


def test_twice_imported_is_one_copy_and_no_orphaned_key_container(windows, mocker):
    """Defect 6: a second Add would re-point the installed copy's key link to the container
    the second PFXImportCertStore made, orphaning the first one. Present: no Add; the new
    container (the PFX store's leaf context, 1011) is deleted instead."""
    run_import(windows)
    delete = mocker.patch.object(windows.backend.crypt32, "delete_key_container", return_value="deleted")
    adds_before = [c for c in windows.stores.calls if c[0] == "Add"]
    second = run_import(windows)
    assert {p.status for p in second.placements} == {"present"}
    assert [c for c in windows.stores.calls if c[0] == "Add"] == adds_before  # nothing added again
    delete.assert_called_once_with(1011)
    assert "new key container: deleted" in second.placements[0].detail
    # No "one copy in the store" check here: the fake's Add, like X509Store.Add, never holds a
    # certificate twice, so such a check could not fail. The guard is the Add count above.


def test_an_installed_copy_whose_key_is_gone_is_re_added(windows):
    run_import(windows)
    windows.dll.CryptAcquireCertificatePrivateKey.return_value = 0
    windows.fake.last_errors["CryptAcquireCertificatePrivateKey"] = 0x80090016  # NTE_BAD_KEYSET
    run_import(windows)
    leaf_adds = [c for c in windows.stores.calls if c[0] == "Add" and c[1] == ("CurrentUser", "My")]
    assert len(leaf_adds) == 2  # the second Add links the certificate to the new key: the repair


def test_leaf_without_key_after_import_fails_verification(windows):
    windows.stores.content[("CurrentUser", "My")] = []
    contexts_runtime = dotnet.load_runtime()
    original = contexts_runtime["X509Certificate2"]
    contexts_runtime["X509Certificate2"] = lambda ptr: _without_key(original(ptr))
    report = run_import(windows)
    assert report.placements[0].status == "failed" and "without its private key" in report.placements[0].detail
    assert report.exit_code == 3 and not report.verified


def _without_key(cert):
    cert.HasPrivateKey = False
    return cert


# -- cleanup: key containers ----------------------------------------------------------

def _seed_old_and_new(windows, new_has_key=True):
    old = samples.obn_certificate("0110119153", 20, NOW, key_seed=1)
    my = windows.stores.content.setdefault(("CurrentUser", "My"), [])
    my += [FakeCert(old.der, True, 501), FakeCert(windows.leaf.der, new_has_key, 502)]
    # the CA that issued both, where the import wizard puts it: their issuer verifies
    windows.stores.content.setdefault(("CurrentUser", "Root"), []).append(FakeCert(samples.sample_ca().der, False, 503))
    return old


@pytest.mark.parametrize("keep_keys", [False, True])
def test_cleanup_removes_old_and_deletes_its_key_container(windows, mocker, keep_keys):
    old = _seed_old_and_new(windows)
    delete = mocker.patch.object(windows.backend.crypt32, "delete_key_container", return_value="deleted")
    report = cleanup.apply(cleanup.plan(POLICY, windows.backend, NOW), windows.backend, keep_keys=keep_keys)
    assert [c.Thumbprint for c in windows.stores.content[("CurrentUser", "My")]] == [windows.leaf.thumbprint]
    removes = [c for c in windows.stores.calls if c[0] == "Remove"]
    assert removes == [("Remove", ("CurrentUser", "My"), old.thumbprint)]
    if keep_keys:
        delete.assert_not_called()
        assert report.to_remove[0].key == "kept (--keep-keys)"
    else:
        delete.assert_called_once_with(501)
        assert report.to_remove[0].key == "deleted"
    assert report.exit_code == 0


def test_cleanup_on_windows_demands_a_known_key(windows, mocker):
    _seed_old_and_new(windows, new_has_key=False)
    report = cleanup.plan(POLICY, windows.backend, NOW)
    assert report.to_remove == []


def test_cleanup_failure_leaves_old_certificate(windows, mocker):
    old = _seed_old_and_new(windows)
    windows.stores.fail_remove = True
    report = cleanup.apply(cleanup.plan(POLICY, windows.backend, NOW), windows.backend)
    assert old.thumbprint in [c.Thumbprint for c in windows.stores.content[("CurrentUser", "My")]]
    assert report.exit_code == 3 and "アクセスが拒否されました" in report.messages[0]


def test_delete_key_container_cng_exact_calls(mocker):
    info = crypt32.CRYPT_KEY_PROV_INFO("te-container-1", "Microsoft Software Key Storage Provider", 0, 0, 0, None, 0)
    dll, ncrypt, advapi = _prop_info_dll(mocker, info), mocker.Mock(), mocker.Mock()
    ncrypt.NCryptOpenStorageProvider.return_value = 0
    ncrypt.NCryptOpenKey.return_value = 0
    ncrypt.NCryptDeleteKey.return_value = 0
    assert crypt32.Crypt32(FakeWinDll(dll), FakeWinDll(ncrypt), FakeWinDll(advapi)).delete_key_container(501) == "deleted"
    assert ncrypt.NCryptOpenStorageProvider.call_args.args[1:] == ("Microsoft Software Key Storage Provider", 0)
    prov = ncrypt.NCryptOpenStorageProvider.call_args.args[0]
    # NCRYPT_SILENT_FLAG (0x40) on open and delete: a protected key fails instead of showing UI (defect 9)
    assert ncrypt.NCryptOpenKey.call_args.args[2:] == ("te-container-1", 0, 0x40)
    ncrypt.NCryptDeleteKey.assert_called_once()
    assert ncrypt.NCryptDeleteKey.call_args.args[1] == 0x40
    ncrypt.NCryptFreeObject.assert_called_once()
    advapi.CryptAcquireContextW.assert_not_called()
    assert prov is not None


def test_delete_key_container_legacy_csp_exact_calls(mocker):
    info = crypt32.CRYPT_KEY_PROV_INFO("le-container-2", "Microsoft Enhanced RSA and AES Cryptographic Provider", 24, 0x20, 0, None, 1)
    dll, ncrypt, advapi = _prop_info_dll(mocker, info), mocker.Mock(), mocker.Mock()
    advapi.CryptAcquireContextW.return_value = 1
    assert crypt32.Crypt32(FakeWinDll(dll), FakeWinDll(ncrypt), FakeWinDll(advapi)).delete_key_container(501) == "deleted"
    args = advapi.CryptAcquireContextW.call_args.args
    # CRYPT_DELETEKEYSET | CRYPT_MACHINE_KEYSET | CRYPT_SILENT (defect 9)
    assert args[1:] == ("le-container-2", "Microsoft Enhanced RSA and AES Cryptographic Provider", 24, 0x10 | 0x20 | 0x40)
    ncrypt.NCryptOpenStorageProvider.assert_not_called()


def test_a_failed_cng_delete_frees_the_key_handle(mocker):
    """Defect 9: NCryptDeleteKey frees the handle only when it succeeds."""
    info = crypt32.CRYPT_KEY_PROV_INFO("te-container-3", "Microsoft Software Key Storage Provider", 0, 0, 0, None, 0)
    dll, ncrypt, advapi = _prop_info_dll(mocker, info), mocker.Mock(), mocker.Mock()
    ncrypt.NCryptOpenStorageProvider.return_value = 0
    ncrypt.NCryptOpenKey.return_value = 0
    ncrypt.NCryptDeleteKey.return_value = 0x80090010  # NTE_PERM
    from pycert.common.errors import PlatformError

    with pytest.raises(PlatformError, match="0x80090010"):
        crypt32.Crypt32(FakeWinDll(dll), FakeWinDll(ncrypt), FakeWinDll(advapi)).delete_key_container(501)
    key = ncrypt.NCryptOpenKey.call_args.args[1]
    freed = [c.args[0] for c in ncrypt.NCryptFreeObject.call_args_list]
    assert len(freed) == 2  # the key handle, then the provider handle
    assert key is not None


def test_delete_key_container_without_key(mocker):
    dll = FakeWinDll(mocker.Mock())
    dll.os.CertGetCertificateContextProperty.return_value = 0
    dll.last_errors["CertGetCertificateContextProperty"] = crypt32.CRYPT_E_NOT_FOUND
    assert crypt32.Crypt32(dll, FakeWinDll(mocker.Mock()), FakeWinDll(mocker.Mock())).delete_key_container(501) == "no key"


def _prop_info_dll(mocker, info):
    """CertGetCertificateContextProperty that reports, then copies, a CRYPT_KEY_PROV_INFO."""
    dll = mocker.Mock()
    size = ctypes.sizeof(info)

    def get(context, prop, buffer, length):
        assert context == 501 and prop == crypt32.CERT_KEY_PROV_INFO_PROP_ID
        length._obj.value = size
        if buffer is not None:
            ctypes.memmove(buffer, ctypes.addressof(info), size)
        return 1

    dll.CertGetCertificateContextProperty.side_effect = get
    dll.keep = info
    return dll


def test_store_add_fails_half_way_on_windows(windows):
    windows.stores.fail_add = {"CA"}
    report = run_import(windows)
    assert {p.role: p.status for p in report.placements} == {"leaf": "added", "intermediate": "failed", "root": "added"}
    assert (report.outcome, report.exit_code) == ("incomplete", 1) and "アクセスが拒否されました" in report.messages[0]
    assert windows.dll.CertFreeCertificateContext.call_count == 3


def test_a_pfx_without_a_password_is_retried_with_null(windows):
    """Defect 7: a PFX exported with no password is protected with a NULL password, which is
    not L"" for PKCS#12's MAC. ERROR_INVALID_PASSWORD on "" is retried once with NULL."""
    attempts = []

    def pfx_import(blob, password, flags):
        attempts.append(None if password is None else password.value)
        return 0 if password is not None else 0xABC

    windows.dll.PFXImportCertStore.side_effect = pfx_import
    windows.fake.last_errors["PFXImportCertStore"] = 86  # ERROR_INVALID_PASSWORD
    with windows.backend._crypt32().pfx_contexts(b"x", None, 0x1010) as handles:
        assert handles == [1011, 1012, 1013]  # the contexts of the store the NULL-password import made
    assert attempts == ["", None]


def test_a_wrong_password_is_not_retried_without_one(windows):
    from pycert.common.errors import PlatformError

    attempts = []

    def pfx_import(blob, password, flags):
        attempts.append(None if password is None else password.value)
        return 0

    windows.dll.PFXImportCertStore.side_effect = pfx_import
    windows.fake.last_errors["PFXImportCertStore"] = 86
    with pytest.raises(PlatformError, match="rejected the PFX password"):
        windows.backend._crypt32().pfx_contexts(b"x", Secret(PASSWORD, "test"), 0x1010).__enter__()
    assert attempts == [PASSWORD]



def test_a_key_link_whose_container_is_gone_is_no_key(windows):
    """Defect 5: HasPrivateKey is the link. The renewed certificate's container was deleted
    (profile reset, another tool's cleanup): its key opens nowhere, so the old certificate,
    the only working one, must stay."""
    old = _seed_old_and_new(windows)
    windows.dll.CryptAcquireCertificatePrivateKey.side_effect = lambda ctx, *rest: 0 if ctx == 502 else 1
    windows.fake.last_errors["CryptAcquireCertificatePrivateKey"] = 0x80090016  # NTE_BAD_KEYSET
    reading = windows.backend.read(StoreRef("CurrentUser", "My"))
    keys = {c.thumbprint: c.has_private_key.value for c in reading.certificates}
    assert keys == {old.thumbprint: "yes", windows.leaf.thumbprint: "no"}
    flags = {c.args[1] for c in windows.dll.CryptAcquireCertificatePrivateKey.call_args_list}
    assert flags == {0x40 | 0x10000}  # CRYPT_ACQUIRE_SILENT_FLAG | CRYPT_ACQUIRE_ALLOW_NCRYPT_KEY_FLAG: never a prompt
    assert cleanup.plan(POLICY, windows.backend, NOW).to_remove == []


def test_a_key_that_needs_ui_is_unknown_and_not_trusted_for_removal(windows):
    old = _seed_old_and_new(windows)
    windows.dll.CryptAcquireCertificatePrivateKey.side_effect = lambda ctx, *rest: 0 if ctx == 502 else 1
    windows.fake.last_errors["CryptAcquireCertificatePrivateKey"] = 0x80090022  # NTE_SILENT_CONTEXT
    keys = {c.thumbprint: c.has_private_key.value for c in windows.backend.read(StoreRef("CurrentUser", "My")).certificates}
    assert keys[windows.leaf.thumbprint] == "unknown"
    assert cleanup.plan(POLICY, windows.backend, NOW).to_remove == []
    assert old.thumbprint in keys


def test_an_absent_store_is_known_by_its_hresult_not_its_japanese_message(windows):
    """Defect 8: .NET Framework localises the message (指定されたファイルが見つかりません。)."""
    reading = windows.backend.read(StoreRef("CurrentUser", "AddressBook"))
    assert reading.status == "absent"
