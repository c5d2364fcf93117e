"""WinVerifyTrust (wintrust.dll) through ctypes: is a file's Authenticode signature valid,
and who signed it. No UI, no revocation download (terminals sit on a closed network;
revocation is checked from the local cache only)."""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, byref, c_void_p, c_wchar_p, sizeof
from pathlib import Path

from pycert.platform.signature import Signature, signer_from_der
from pycert.platform.windows import ffi
from pycert.platform.windows.ffi import BOOL, DWORD, HANDLE, LONG, PVOID


class GUID(Structure):
    _fields_ = [("Data1", DWORD), ("Data2", ctypes.c_uint16), ("Data3", ctypes.c_uint16), ("Data4", ctypes.c_uint8 * 8)]


# {00AAC56B-CD44-11d0-8CC2-00C04FC295EE}
WINTRUST_ACTION_GENERIC_VERIFY_V2 = GUID(
    0x00AAC56B, 0xCD44, 0x11D0, (ctypes.c_uint8 * 8)(0x8C, 0xC2, 0x00, 0xC0, 0x4F, 0xC2, 0x95, 0xEE)
)
WTD_UI_NONE = 2
WTD_REVOKE_NONE = 0
WTD_CHOICE_FILE = 1
WTD_STATEACTION_VERIFY = 1
WTD_STATEACTION_CLOSE = 2
WTD_CACHE_ONLY_URL_RETRIEVAL = 0x1000
WTD_UICONTEXT_EXECUTE = 0
INVALID_HANDLE_VALUE = c_void_p(-1).value

REASONS = {
    0x800B0100: "the file is not signed",
    0x80096010: "the file was changed after it was signed",
    0x800B0109: "the signer's certificate does not chain to a trusted root",
    0x800B0101: "the signer's certificate has expired",
    0x800B010C: "the signer's certificate was revoked",
    0x800B0004: "the signature is not trusted on this machine (publisher not trusted)",
    0x80092026: "local security policy forbids this signature",
    0x800B0111: "the publisher is in Untrusted Certificates (Disallowed)",
    0x80096019: "a certificate in the signer's chain breaks its basic constraints (TRUST_E_BASIC_CONSTRAINTS)",
    0x800B0110: "the signer's certificate is not valid for code signing (CERT_E_WRONG_USAGE)",
    # Offline terminals (the OBN network has no Internet): an intermediate could not be fetched
    0x800B010A: "the signer's certificate chain could not be built (CERT_E_CHAINING); "
                "if the terminal is offline, install the signer's intermediate certificate",
}


class WINTRUST_FILE_INFO(Structure):
    _fields_ = [("cbStruct", DWORD), ("pcwszFilePath", c_wchar_p), ("hFile", HANDLE), ("pgKnownSubject", c_void_p)]


class WINTRUST_DATA(Structure):
    _fields_ = [
        ("cbStruct", DWORD),
        ("pPolicyCallbackData", c_void_p),
        ("pSIPClientData", c_void_p),
        ("dwUIChoice", DWORD),
        ("fdwRevocationChecks", DWORD),
        ("dwUnionChoice", DWORD),
        ("pFile", POINTER(WINTRUST_FILE_INFO)),
        ("dwStateAction", DWORD),
        ("hWVTStateData", HANDLE),
        ("pwszURLReference", c_wchar_p),
        ("dwProvFlags", DWORD),
        ("dwUIContext", DWORD),
        ("pSignatureSettings", c_void_p),
    ]


class CERT_CONTEXT(Structure):
    _fields_ = [
        ("dwCertEncodingType", DWORD),
        ("pbCertEncoded", POINTER(ctypes.c_ubyte)),
        ("cbCertEncoded", DWORD),
        ("pCertInfo", c_void_p),
        ("hCertStore", c_void_p),
    ]


class CRYPT_PROVIDER_CERT(Structure):
    _fields_ = [("cbStruct", DWORD), ("pCert", POINTER(CERT_CONTEXT))]


WINTRUST = ffi.Library("wintrust", {
    # The LONG is the verdict (0 or a TRUST_E_* / CERT_E_* code), read by verify().
    "WinVerifyTrust": (LONG, [HANDLE, PVOID, PVOID], ffi.returns_value),
    # NULL: no provider data / signer / certificate, which verify() reports as no signer.
    "WTHelperProvDataFromStateData": (PVOID, [HANDLE], ffi.returns_value),
    "WTHelperGetProvSignerFromChain": (PVOID, [PVOID, DWORD, BOOL, DWORD], ffi.returns_value),
    "WTHelperGetProvCertFromChain": (POINTER(CRYPT_PROVIDER_CERT), [PVOID, DWORD], ffi.returns_value),
}, last_error=False)


def _wintrust():
    """wintrust.dll with every prototype declared."""
    return WINTRUST.load()


def build_data(path: Path) -> tuple[WINTRUST_DATA, WINTRUST_FILE_INFO]:
    info = WINTRUST_FILE_INFO(sizeof(WINTRUST_FILE_INFO), str(path), None, None)
    data = WINTRUST_DATA()
    data.cbStruct = sizeof(WINTRUST_DATA)
    data.dwUIChoice = WTD_UI_NONE
    data.fdwRevocationChecks = WTD_REVOKE_NONE
    data.dwUnionChoice = WTD_CHOICE_FILE
    data.pFile = ctypes.pointer(info)
    data.dwStateAction = WTD_STATEACTION_VERIFY
    data.dwProvFlags = WTD_CACHE_ONLY_URL_RETRIEVAL
    data.dwUIContext = WTD_UICONTEXT_EXECUTE
    return data, info


def verify(path: Path) -> Signature:
    dll = _wintrust()
    data, _info = build_data(path)
    action = GUID.from_buffer_copy(WINTRUST_ACTION_GENERIC_VERIFY_V2)
    status = dll.WinVerifyTrust(INVALID_HANDLE_VALUE, byref(action), byref(data)) & 0xFFFFFFFF
    try:
        subject, thumbprint = _signer(dll, data) if data.hWVTStateData else ("", "")
    finally:
        data.dwStateAction = WTD_STATEACTION_CLOSE
        dll.WinVerifyTrust(INVALID_HANDLE_VALUE, byref(action), byref(data))
    if status == 0:
        return Signature(True, "ok", subject, thumbprint, "WinVerifyTrust")
    reason = REASONS.get(status, f"WinVerifyTrust returned 0x{status:08X}")
    return Signature(False, reason, subject, thumbprint, "WinVerifyTrust")


def _signer(dll, data: WINTRUST_DATA) -> tuple[str, str]:
    prov = dll.WTHelperProvDataFromStateData(data.hWVTStateData)
    if not prov:
        return "", ""
    signer = dll.WTHelperGetProvSignerFromChain(c_void_p(prov), 0, False, 0)
    if not signer:
        return "", ""
    cert = dll.WTHelperGetProvCertFromChain(c_void_p(signer), 0)
    if not cert or not cert.contents.pCert:
        return "", ""
    ctx = cert.contents.pCert.contents
    return signer_from_der(ctypes.string_at(ctx.pbCertEncoded, ctx.cbCertEncoded))
