"""Windows-only paths that cannot run here, with the dialog mocked at the X509Store: adding to
CurrentUser\\Root shows Windows' security warning; No (or no desktop) fails the Add with
ERROR_CANCELLED. The exception is a real .NET CryptographicException built on Mono."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pycert.rootca import job as rootca
from pycert.platform.dotnet import DotNetStores, load_runtime
from tests.rootca_samples import ROOTCA2_SHA1, USER_ONLY, policy

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


class DialogStore:
    """Stands in for the opened X509Store handle: Add answers as the dialog would."""

    def __init__(self, real_open, add_error):
        self.real_open = real_open
        self.add_error = add_error
        self.calls: list[tuple] = []

    def open(self, backend, store, flags):
        if int(flags) & int(load_runtime()["OpenFlags"].ReadWrite) == 0:
            return self.real_open(backend, store, flags)  # reads go to the real Mono store
        self.calls.append(("open", str(store), str(flags)))
        outer = self

        class Handle:
            def Add(self, cert):  # noqa: N802 (the .NET name)
                outer.calls.append(("Add", cert.Thumbprint))
                raise outer.add_error

            def Close(self):  # noqa: N802
                outer.calls.append(("Close",))

        return Handle()


def cryptographic_exception(hresult: int):
    load_runtime()
    from System import Int32  # type: ignore[import-not-found]
    from System.Security.Cryptography import CryptographicException  # type: ignore[import-not-found]

    signed = hresult - (1 << 32) if hresult >= 1 << 31 else hresult
    return CryptographicException(Int32(signed))


@pytest.mark.parametrize("hresult", [0x800704C7, 0x4C7], ids=["hresult", "win32-code"])
def test_cancelled_dialog_means_not_installed_exit_1(mono_store, mocker, hresult):
    dialog = DialogStore(DotNetStores._open, cryptographic_exception(hresult))
    mocker.patch.object(DotNetStores, "_open", autospec=True, side_effect=dialog.open)
    result = rootca.remediate(policy(pin=USER_ONLY), mono_store.backend, NOW, scope="user")
    assert (result.verdict, result.exit_code) == ("failed", 1)
    assert result.details["actions"][0]["action"] == "cancelled"
    assert result.messages == [
        "Security Communication RootCA2 was not installed: the confirmation dialog for CurrentUser\\Root was cancelled."
    ]
    assert dialog.calls == [("open", "CurrentUser\\Root", "ReadWrite"), ("Add", ROOTCA2_SHA1), ("Close",)]
    assert result.details["roots"][0]["state"] == "missing"


def test_other_store_failures_stay_runtime_errors(mono_store, mocker):
    from pycert.common.errors import PlatformError

    dialog = DialogStore(DotNetStores._open, cryptographic_exception(0x80070005))  # access denied
    mocker.patch.object(DotNetStores, "_open", autospec=True, side_effect=dialog.open)
    with pytest.raises(PlatformError, match=r"Could not add a certificate to CurrentUser\\Root") as caught:
        rootca.remediate(policy(pin=USER_ONLY), mono_store.backend, NOW, scope="user")
    assert caught.value.exit_code == 3
    assert dialog.calls[-1] == ("Close",)
