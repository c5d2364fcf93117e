"""Struct layouts against Microsoft's declarations, with the sizes and offsets worked out by
hand from the C headers (natural alignment; x64 and x86 columns), not read back from the
module's own definitions: a wrong field type (DWORD for a pointer, a missing field) moves
every later offset and Windows reads garbage."""

from __future__ import annotations

import ctypes

import pytest

from pycert.platform.windows import crypt32, mutex, wintrust

X64 = ctypes.sizeof(ctypes.c_void_p) == 8

# (struct, size, {field: offset}) for x64, then x86
LAYOUTS = [
    # typedef struct _CRYPTOAPI_BLOB { DWORD cbData; BYTE *pbData; } (wincrypt.h)
    (crypt32.CRYPT_DATA_BLOB, (16, 8), {"cbData": (0, 0), "pbData": (8, 4)}),
    # CRYPT_KEY_PROV_INFO: LPWSTR, LPWSTR, DWORD, DWORD, DWORD, PCRYPT_KEY_PROV_PARAM, DWORD
    (crypt32.CRYPT_KEY_PROV_INFO, (48, 28), {
        "pwszContainerName": (0, 0), "pwszProvName": (8, 4), "dwProvType": (16, 8), "dwFlags": (20, 12),
        "cProvParam": (24, 16), "rgProvParam": (32, 20), "dwKeySpec": (40, 24)}),
    # WINTRUST_FILE_INFO: DWORD cbStruct; LPCWSTR; HANDLE; GUID *
    (wintrust.WINTRUST_FILE_INFO, (32, 16), {"cbStruct": (0, 0), "pcwszFilePath": (8, 4), "hFile": (16, 8),
                                             "pgKnownSubject": (24, 12)}),
    # WINTRUST_DATA (wintrust.h, with pSignatureSettings: Windows 8 and later)
    (wintrust.WINTRUST_DATA, (88, 52), {
        "cbStruct": (0, 0), "pPolicyCallbackData": (8, 4), "pSIPClientData": (16, 8), "dwUIChoice": (24, 12),
        "fdwRevocationChecks": (28, 16), "dwUnionChoice": (32, 20), "pFile": (40, 24), "dwStateAction": (48, 28),
        "hWVTStateData": (56, 32), "pwszURLReference": (64, 36), "dwProvFlags": (72, 40), "dwUIContext": (76, 44),
        "pSignatureSettings": (80, 48)}),
    # SECURITY_ATTRIBUTES: DWORD nLength; LPVOID lpSecurityDescriptor; BOOL bInheritHandle
    (mutex.SECURITY_ATTRIBUTES, (24, 12), {"nLength": (0, 0), "lpSecurityDescriptor": (8, 4), "bInheritHandle": (16, 8)}),
]


@pytest.mark.parametrize("struct, sizes, offsets", LAYOUTS, ids=[s.__name__ for s, _, _ in LAYOUTS])
def test_layout_matches_the_headers(struct, sizes, offsets):
    column = 0 if X64 else 1
    assert ctypes.sizeof(struct) == sizes[column]
    assert {name: getattr(struct, name).offset for name in offsets} == {n: o[column] for n, o in offsets.items()}
