"""crypt32, ncrypt and advapi32 through ctypes: importing a PFX and deleting key containers.

Why not .NET: no X509KeyStorageFlags value maps to PKCS12_INCLUDE_EXTENDED_PROPERTIES,
which the manuals' import wizard sets ("Include all extended properties"). So the PFX
is opened with PFXImportCertStore here, and each returned CERT_CONTEXT is handed to .NET
(X509Certificate2(IntPtr) duplicates it with its properties) and added with X509Store.Add.

Every function is declared in the Library tables below (ffi.py); the DLLs are injectable
so tests on Linux can pass fakes that enforce those declarations and assert the exact calls.
"""

from __future__ import annotations

import ctypes
from contextlib import contextmanager
from typing import Iterator

from pycert.common.errors import PlatformError, UsageError
from pycert.common.secret import Secret
from pycert.platform.windows import ffi
from pycert.platform.windows.ffi import BOOL, DWORD, HANDLE, HRESULT, LPCWSTR, PVOID, WinError

CRYPT_EXPORTABLE = 0x0001
CRYPT_USER_PROTECTED = 0x0002
PKCS12_INCLUDE_EXTENDED_PROPERTIES = 0x0010
CRYPT_MACHINE_KEYSET = 0x0020
CRYPT_USER_KEYSET = 0x1000
CRYPT_DELETEKEYSET = 0x0010  # CryptAcquireContext
NCRYPT_MACHINE_KEY_FLAG = 0x0020
CERT_KEY_PROV_INFO_PROP_ID = 2

ERROR_INVALID_PASSWORD = ffi.ERROR_INVALID_PASSWORD
NTE_BAD_DATA = 0x80090005
CRYPT_E_BAD_ENCODE = 0x80092002
CRYPT_E_NOT_FOUND = 0x80092004


class CRYPT_DATA_BLOB(ctypes.Structure):
    _fields_ = [("cbData", DWORD), ("pbData", ctypes.POINTER(ctypes.c_ubyte))]


class CRYPT_KEY_PROV_INFO(ctypes.Structure):
    _fields_ = [
        ("pwszContainerName", ctypes.c_wchar_p),
        ("pwszProvName", ctypes.c_wchar_p),
        ("dwProvType", DWORD),
        ("dwFlags", DWORD),
        ("cProvParam", DWORD),
        ("rgProvParam", ctypes.c_void_p),
        ("dwKeySpec", DWORD),
    ]


def import_flags(machine: bool, exportable: bool) -> int:
    """The wizard's options: extended properties on, strong protection never, exportable
    only when asked; the user's or the machine's key set."""
    flags = PKCS12_INCLUDE_EXTENDED_PROPERTIES | (CRYPT_MACHINE_KEYSET if machine else CRYPT_USER_KEYSET)
    if exportable:
        flags |= CRYPT_EXPORTABLE
    return flags


CRYPT32 = ffi.Library("crypt32", {
    # HCERTSTORE PFXImportCertStore(CRYPT_DATA_BLOB *pPFX, LPCWSTR szPassword, DWORD dwFlags): NULL on failure
    "PFXImportCertStore": (HANDLE, [ctypes.POINTER(CRYPT_DATA_BLOB), LPCWSTR, DWORD], ffi.fails_on_zero),
    # NULL at the end of the store (CRYPT_E_NOT_FOUND) as well as on failure: the loop ends either way
    "CertEnumCertificatesInStore": (PVOID, [HANDLE, PVOID], ffi.returns_value),
    "CertDuplicateCertificateContext": (PVOID, [PVOID], ffi.fails_on_zero),
    # Always TRUE; CertCloseStore's FALSE (contexts still open) cannot be acted on in cleanup
    "CertFreeCertificateContext": (BOOL, [PVOID], ffi.returns_value),
    "CertCloseStore": (BOOL, [HANDLE, DWORD], ffi.returns_value),
    "CertGetCertificateContextProperty": (BOOL, [PVOID, DWORD, PVOID, ctypes.POINTER(DWORD)], ffi.fails_on_zero),
})
NCRYPT = ffi.Library("ncrypt", {
    # SECURITY_STATUS functions: ERROR_SUCCESS (0) or the NTE_* code
    "NCryptOpenStorageProvider": (HRESULT, [ctypes.POINTER(PVOID), LPCWSTR, DWORD], ffi.fails_on_status),
    "NCryptOpenKey": (HRESULT, [PVOID, ctypes.POINTER(PVOID), LPCWSTR, DWORD, DWORD], ffi.fails_on_status),
    "NCryptDeleteKey": (HRESULT, [PVOID, DWORD], ffi.fails_on_status),
    "NCryptFreeObject": (HRESULT, [PVOID], ffi.returns_value),
})
ADVAPI32 = ffi.Library("advapi32", {
    "CryptAcquireContextW": (BOOL, [ctypes.POINTER(PVOID), LPCWSTR, LPCWSTR, DWORD, DWORD], ffi.fails_on_zero),
})


class Crypt32:
    def __init__(self, crypt32=None, ncrypt=None, advapi32=None):
        # Injected DLLs (tests) get the same declarations as the real ones.
        self._dlls = {
            lib.name: lib.bind(dll) if dll is not None else None
            for lib, dll in ((CRYPT32, crypt32), (NCRYPT, ncrypt), (ADVAPI32, advapi32))
        }

    @property
    def crypt32(self):
        return self._dll(CRYPT32)

    @property
    def ncrypt(self):
        return self._dll(NCRYPT)

    @property
    def advapi32(self):
        return self._dll(ADVAPI32)

    def _dll(self, library: ffi.Library):
        if self._dlls[library.name] is None:
            self._dlls[library.name] = library.load()
        return self._dlls[library.name]

    @contextmanager
    def pfx_contexts(self, data: bytes, password: Secret | None, flags: int) -> Iterator[list[int]]:
        """Open a PFX into a memory store; yield a duplicate of each certificate context.

        Every context and the store are freed on the way out; the wide-char password
        buffer is zeroed as soon as PFXImportCertStore returns.
        """
        if flags & CRYPT_USER_PROTECTED:
            raise UsageError("Strong private key protection (CRYPT_USER_PROTECTED) is never used; the manuals require it off.")
        dll = self.crypt32
        raw = ctypes.create_string_buffer(data, len(data))
        blob = CRYPT_DATA_BLOB(len(data), ctypes.cast(raw, ctypes.POINTER(ctypes.c_ubyte)))
        pw = ctypes.create_unicode_buffer(password.reveal() if password is not None else "")
        try:
            store = dll.PFXImportCertStore(ctypes.byref(blob), pw, flags)
        except WinError as exc:
            raise PlatformError(_import_error(exc.code)) from None
        finally:
            ctypes.memset(pw, 0, ctypes.sizeof(pw))
        contexts: list[int] = []
        try:
            context = dll.CertEnumCertificatesInStore(store, None)
            while context:
                contexts.append(dll.CertDuplicateCertificateContext(context))
                context = dll.CertEnumCertificatesInStore(store, context)  # frees the previous one
            yield contexts
        finally:
            for context in contexts:
                dll.CertFreeCertificateContext(context)
            dll.CertCloseStore(store, 0)

    def delete_key_container(self, context: int) -> str:
        """Delete the private key a certificate context points to (CNG or legacy CSP).

        Returns "deleted" or "no key"; raises PlatformError when Windows refuses.
        """
        size = DWORD(0)
        try:
            self.crypt32.CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, None, ctypes.byref(size))
            buffer = ctypes.create_string_buffer(size.value)
            self.crypt32.CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, buffer, ctypes.byref(size))
        except WinError as exc:
            if exc.code == CRYPT_E_NOT_FOUND:
                return "no key"
            raise PlatformError(f"Could not read the certificate's key link (error 0x{exc.code:08X}).") from None
        info = ctypes.cast(buffer, ctypes.POINTER(CRYPT_KEY_PROV_INFO)).contents
        container, provider = info.pwszContainerName, info.pwszProvName
        if info.dwProvType == 0:  # CNG key storage provider
            prov, key = ctypes.c_void_p(), ctypes.c_void_p()
            try:
                self.ncrypt.NCryptOpenStorageProvider(ctypes.byref(prov), provider, 0)
            except WinError as exc:
                raise PlatformError(f"Could not open the key storage provider {provider} (status 0x{exc.code:08X}).") from None
            try:
                self.ncrypt.NCryptOpenKey(prov, ctypes.byref(key), container, 0, info.dwFlags & NCRYPT_MACHINE_KEY_FLAG)
                self.ncrypt.NCryptDeleteKey(key, 0)  # frees the key handle too
            except WinError as exc:
                raise PlatformError(f"Could not delete the key container {container} (status 0x{exc.code:08X}).") from None
            finally:
                self.ncrypt.NCryptFreeObject(prov)
            return "deleted"
        handle = ctypes.c_void_p()
        flags = CRYPT_DELETEKEYSET | (info.dwFlags & CRYPT_MACHINE_KEYSET)
        try:
            self.advapi32.CryptAcquireContextW(ctypes.byref(handle), container, provider, info.dwProvType, flags)
        except WinError as exc:
            raise PlatformError(f"Could not delete the key container {container} (error {exc.code}).") from None
        return "deleted"


def _import_error(code: int) -> str:
    code &= 0xFFFFFFFF
    if code == ERROR_INVALID_PASSWORD:
        return ("Windows rejected the PFX password; if the password is right, this Windows may be older than "
                "10 version 1709 and unable to read an AES-256 PFX, so export it with 3DES.")
    if code in (NTE_BAD_DATA, CRYPT_E_BAD_ENCODE):
        return f"Windows could not read the PFX (0x{code:08X}); it may use more than 600,000 iterations, so export it again with default settings."
    return f"PFXImportCertStore failed (error 0x{code:08X}); nothing was imported."
