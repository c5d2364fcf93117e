"""WinVerifyTrust through ctypes, with wintrust.dll replaced: the exact structure we pass,
the close call, the signer read back, and each failure code's sentence."""

import ctypes
from unittest.mock import MagicMock

import pytest
from cryptography.hazmat.primitives import serialization

from pycert.platform.windows import wintrust as wt
from tests.winfakes import fake_library

# Written from Microsoft's wintrust.h / WINTRUST_DATA documentation, not from the module:
# {00AAC56B-CD44-11d0-8CC2-00C04FC295EE}, its fields in memory order (little-endian)
WINTRUST_ACTION_GENERIC_VERIFY_V2 = bytes.fromhex("6bc5aa00" "44cd" "d011" "8cc200c04fc295ee")
WTD_STATEACTION_VERIFY, WTD_STATEACTION_CLOSE = 0x00000001, 0x00000002
INVALID_HANDLE_VALUE = 2**64 - 1  # (HANDLE)-1 on 64-bit Windows


def fake_dll(status, signer_der=None):
    dll = MagicMock()
    seen = []

    def verify(handle, action, data):
        d = data._obj
        seen.append({
            "handle": handle, "action": bytes(action._obj), "cbStruct": d.cbStruct, "ui": d.dwUIChoice,
            "revocation": d.fdwRevocationChecks, "union": d.dwUnionChoice, "state": d.dwStateAction,
            "prov": d.dwProvFlags, "path": d.pFile.contents.pcwszFilePath, "file_cb": d.pFile.contents.cbStruct,
        })
        if d.dwStateAction == WTD_STATEACTION_VERIFY:
            d.hWVTStateData = 0x5150
            return status
        return 0

    dll.WinVerifyTrust.side_effect = verify
    if signer_der:
        buf = (ctypes.c_ubyte * len(signer_der)).from_buffer_copy(signer_der)
        ctx = wt.CERT_CONTEXT(1, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ubyte)), len(signer_der), None, None)
        cert = wt.CRYPT_PROVIDER_CERT(ctypes.sizeof(wt.CRYPT_PROVIDER_CERT), ctypes.pointer(ctx))
        dll.keep = (buf, ctx, cert)
        dll.WTHelperProvDataFromStateData.return_value = 0x1000
        dll.WTHelperGetProvSignerFromChain.return_value = 0x2000
        dll.WTHelperGetProvCertFromChain.return_value = ctypes.pointer(cert)
    else:
        dll.WTHelperProvDataFromStateData.return_value = 0
    return dll, seen


def test_verify_passes_no_ui_file_choice_and_closes_the_state(mocker, pki):
    der = pki.signer.cert.public_bytes(serialization.Encoding.DER)
    dll, seen = fake_dll(0, der)
    mocker.patch.object(wt, "_wintrust", return_value=fake_library(wt.WINTRUST, dll))
    sig = wt.verify(r"C:\cache\CybertrustManagedPKIClient.msi")
    assert sig.valid and sig.engine == "WinVerifyTrust"
    assert sig.signer_thumbprint == pki.signer.thumbprint
    assert sig.signer_subject == "CN=Cybertrust Japan Co., Ltd., O=Cybertrust Japan Co., Ltd., C=JP"
    first, second = seen
    assert first["action"] == WINTRUST_ACTION_GENERIC_VERIFY_V2
    assert first["handle"] == INVALID_HANDLE_VALUE
    # WTD_UI_NONE, WTD_REVOKE_NONE, WTD_CHOICE_FILE, WTD_STATEACTION_VERIFY, WTD_CACHE_ONLY_URL_RETRIEVAL
    assert (first["ui"], first["revocation"], first["union"], first["state"], first["prov"]) == (
        2, 0, 1, 1, 0x1000)
    assert first["path"] == r"C:\cache\CybertrustManagedPKIClient.msi"
    # sizeof on 64-bit Windows, with pSignatureSettings (tests/unit/test_struct_layouts.py)
    assert first["cbStruct"] == 88 and first["file_cb"] == 32
    assert second["state"] == WTD_STATEACTION_CLOSE
    dll.WTHelperGetProvSignerFromChain.assert_called_once()
    assert dll.WTHelperGetProvSignerFromChain.call_args.args[1:] == (0, False, 0)


@pytest.mark.parametrize("status,reason", [
    (0x800B0100, "the file is not signed"),
    (0x80096010, "the file was changed after it was signed"),
    (0x800B0109, "the signer's certificate does not chain to a trusted root"),
    (0x800B0111, "the publisher is in Untrusted Certificates (Disallowed)"),
    # defect 10: 0x80096019 is TRUST_E_BASIC_CONSTRAINTS (wintrust.h / winerror.h), not a usage error
    (0x80096019, "a certificate in the signer's chain breaks its basic constraints (TRUST_E_BASIC_CONSTRAINTS)"),
    (0x800B0110, "the signer's certificate is not valid for code signing (CERT_E_WRONG_USAGE)"),
    (0x800B010A, "the signer's certificate chain could not be built (CERT_E_CHAINING); "
                 "if the terminal is offline, install the signer's intermediate certificate"),
    (0x80001234, "WinVerifyTrust returned 0x80001234"),
])
def test_failure_codes(mocker, status, reason):
    dll, seen = fake_dll(status - (1 << 32))  # WinVerifyTrust returns a signed LONG
    mocker.patch.object(wt, "_wintrust", return_value=fake_library(wt.WINTRUST, dll))
    sig = wt.verify("x.msi")
    assert not sig.valid and sig.reason == reason
    assert [s["state"] for s in seen] == [WTD_STATEACTION_VERIFY, WTD_STATEACTION_CLOSE]


def test_authenticode_uses_wintrust_on_windows(mocker):
    from pycert.platform import authenticode

    mocker.patch.object(authenticode, "is_windows", return_value=True)
    dll, seen = fake_dll(0x800B0100 - (1 << 32))
    mocker.patch.object(wt, "_wintrust", return_value=fake_library(wt.WINTRUST, dll))
    assert authenticode.verify("x.msi").engine == "WinVerifyTrust" and len(seen) == 2
