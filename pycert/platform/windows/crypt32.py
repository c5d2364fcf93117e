"""crypt32, ncrypt and advapi32 through ctypes: the only ctypes code in PyCert.

Why not .NET: no X509KeyStorageFlags value maps to PKCS12_INCLUDE_EXTENDED_PROPERTIES,
which the manuals' import wizard sets ("Include all extended properties"). So the PFX
is opened with PFXImportCertStore here, and each returned CERT_CONTEXT is handed to .NET
(X509Certificate2(IntPtr) duplicates it with its properties) and added with X509Store.Add.

The DLLs are injectable so tests on Linux can pass mocks and assert the exact calls.
"""

from __future__ import annotations

import ctypes
from contextlib import contextmanager
from typing import Iterator

from pycert.common.errors import PlatformError, UsageError
from pycert.common.secret import Secret

CRYPT_EXPORTABLE = 0x0001
CRYPT_USER_PROTECTED = 0x0002
PKCS12_INCLUDE_EXTENDED_PROPERTIES = 0x0010
CRYPT_MACHINE_KEYSET = 0x0020
CRYPT_USER_KEYSET = 0x1000
CRYPT_DELETEKEYSET = 0x0010  # CryptAcquireContext
NCRYPT_MACHINE_KEY_FLAG = 0x0020
CERT_KEY_PROV_INFO_PROP_ID = 2

ERROR_INVALID_PASSWORD = 86
NTE_BAD_DATA = 0x80090005
CRYPT_E_BAD_ENCODE = 0x80092002

DWORD = ctypes.c_uint32


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


class Crypt32:
    def __init__(self, crypt32=None, ncrypt=None, advapi32=None):
        self._crypt32, self._ncrypt, self._advapi32 = crypt32, ncrypt, advapi32

    # Real DLLs are loaded and typed on first use; injected ones are used as they are.
    @property
    def crypt32(self):
        return self._dll("_crypt32", _typed_crypt32)

    @property
    def ncrypt(self):
        return self._dll("_ncrypt", _typed_ncrypt)

    @property
    def advapi32(self):
        return self._dll("_advapi32", _typed_advapi32)

    def _dll(self, attribute: str, load):
        if getattr(self, attribute) is None:
            setattr(self, attribute, load())
        return getattr(self, attribute)

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
            error = last_error() if not store else 0
        finally:
            ctypes.memset(pw, 0, ctypes.sizeof(pw))
        if not store:
            raise PlatformError(_import_error(error))
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
        if not self.crypt32.CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, None, ctypes.byref(size)):
            return "no key"
        buffer = ctypes.create_string_buffer(size.value)
        if not self.crypt32.CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, buffer, ctypes.byref(size)):
            return "no key"
        info = ctypes.cast(buffer, ctypes.POINTER(CRYPT_KEY_PROV_INFO)).contents
        container, provider = info.pwszContainerName, info.pwszProvName
        if info.dwProvType == 0:  # CNG key storage provider
            prov, key = ctypes.c_void_p(), ctypes.c_void_p()
            status = self.ncrypt.NCryptOpenStorageProvider(ctypes.byref(prov), provider, 0)
            if status:
                raise PlatformError(f"Could not open the key storage provider {provider} (status 0x{status & 0xFFFFFFFF:08X}).")
            try:
                status = self.ncrypt.NCryptOpenKey(prov, ctypes.byref(key), container, 0, info.dwFlags & NCRYPT_MACHINE_KEY_FLAG)
                if not status:
                    status = self.ncrypt.NCryptDeleteKey(key, 0)  # frees the key handle too
            finally:
                self.ncrypt.NCryptFreeObject(prov)
            if status:
                raise PlatformError(f"Could not delete the key container {container} (status 0x{status & 0xFFFFFFFF:08X}).")
            return "deleted"
        handle = ctypes.c_void_p()
        flags = CRYPT_DELETEKEYSET | (info.dwFlags & CRYPT_MACHINE_KEYSET)
        if not self.advapi32.CryptAcquireContextW(ctypes.byref(handle), container, provider, info.dwProvType, flags):
            raise PlatformError(f"Could not delete the key container {container} (error {last_error()}).")
        return "deleted"


def last_error() -> int:
    """GetLastError as saved by ctypes (use_last_error=True); 0 where ctypes has none (tests on Linux)."""
    getter = getattr(ctypes, "get_last_error", None)
    return getter() if getter else 0


def _import_error(code: int) -> str:
    code &= 0xFFFFFFFF
    if code == ERROR_INVALID_PASSWORD:
        return ("Windows rejected the PFX password; if the password is right, this Windows may be older than "
                "10 version 1709 and unable to read an AES-256 PFX, so export it with 3DES.")
    if code in (NTE_BAD_DATA, CRYPT_E_BAD_ENCODE):
        return f"Windows could not read the PFX (0x{code:08X}); it may use more than 600,000 iterations, so export it again with default settings."
    return f"PFXImportCertStore failed (error 0x{code:08X}); nothing was imported."


def _typed_crypt32():
    from ctypes import wintypes

    dll = ctypes.WinDLL("crypt32", use_last_error=True)
    dll.PFXImportCertStore.argtypes = [ctypes.POINTER(CRYPT_DATA_BLOB), wintypes.LPCWSTR, DWORD]
    dll.PFXImportCertStore.restype = ctypes.c_void_p
    dll.CertEnumCertificatesInStore.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    dll.CertEnumCertificatesInStore.restype = ctypes.c_void_p
    dll.CertDuplicateCertificateContext.argtypes = [ctypes.c_void_p]
    dll.CertDuplicateCertificateContext.restype = ctypes.c_void_p
    dll.CertFreeCertificateContext.argtypes = [ctypes.c_void_p]
    dll.CertFreeCertificateContext.restype = wintypes.BOOL
    dll.CertCloseStore.argtypes = [ctypes.c_void_p, DWORD]
    dll.CertCloseStore.restype = wintypes.BOOL
    dll.CertGetCertificateContextProperty.argtypes = [ctypes.c_void_p, DWORD, ctypes.c_void_p, ctypes.POINTER(DWORD)]
    dll.CertGetCertificateContextProperty.restype = wintypes.BOOL
    return dll


def _typed_ncrypt():
    from ctypes import wintypes

    dll = ctypes.WinDLL("ncrypt", use_last_error=True)
    dll.NCryptOpenStorageProvider.argtypes = [ctypes.POINTER(ctypes.c_void_p), wintypes.LPCWSTR, DWORD]
    dll.NCryptOpenKey.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), wintypes.LPCWSTR, DWORD, DWORD]
    dll.NCryptDeleteKey.argtypes = [ctypes.c_void_p, DWORD]
    dll.NCryptFreeObject.argtypes = [ctypes.c_void_p]
    for name in ("NCryptOpenStorageProvider", "NCryptOpenKey", "NCryptDeleteKey", "NCryptFreeObject"):
        getattr(dll, name).restype = ctypes.c_long
    return dll


def _typed_advapi32():
    from ctypes import wintypes

    dll = ctypes.WinDLL("advapi32", use_last_error=True)
    dll.CryptAcquireContextW.argtypes = [ctypes.POINTER(ctypes.c_void_p), wintypes.LPCWSTR, wintypes.LPCWSTR, DWORD, DWORD]
    dll.CryptAcquireContextW.restype = wintypes.BOOL
    return dll
