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
from dataclasses import dataclass
from typing import Iterator

from pycert.common.errors import PlatformError, UsageError
from pycert.common.model import KeyPresence
from pycert.common.secret import Secret
from pycert.platform.windows import ffi
from pycert.platform.windows.ffi import BOOL, DWORD, HANDLE, HRESULT, LPCWSTR, PVOID, ULONG_PTR, WinError

CRYPT_EXPORTABLE = 0x0001
CRYPT_USER_PROTECTED = 0x0002
PKCS12_INCLUDE_EXTENDED_PROPERTIES = 0x0010
CRYPT_MACHINE_KEYSET = 0x0020
CRYPT_USER_KEYSET = 0x1000
CRYPT_DELETEKEYSET = 0x0010  # CryptAcquireContext
CRYPT_SILENT = 0x0040  # CryptAcquireContext: fail rather than show UI
NCRYPT_MACHINE_KEY_FLAG = 0x0020
NCRYPT_SILENT_FLAG = 0x0040
CRYPT_ACQUIRE_SILENT_FLAG = 0x0040
CRYPT_ACQUIRE_ALLOW_NCRYPT_KEY_FLAG = 0x00010000
CERT_NCRYPT_KEY_SPEC = 0xFFFFFFFF  # pdwKeySpec of CryptAcquireCertificatePrivateKey for a CNG key
CERT_KEY_PROV_INFO_PROP_ID = 2

ERROR_INVALID_PASSWORD = ffi.ERROR_INVALID_PASSWORD
NTE_BAD_KEY = 0x80090003
NTE_BAD_DATA = 0x80090005
NTE_NO_KEY = 0x8009000D
NTE_NOT_FOUND = 0x80090011
NTE_BAD_KEYSET = 0x80090016
NTE_SILENT_CONTEXT = 0x80090022
CRYPT_E_BAD_ENCODE = 0x80092002
CRYPT_E_NOT_FOUND = 0x80092004
CRYPT_E_NO_KEY_PROPERTY = 0x8009200B
HRESULT_FILE_NOT_FOUND = 0x80070002
# The key is not there: no link, or the linked container (CSP keyset / CNG key) does not exist.
KEY_MISSING = frozenset({CRYPT_E_NO_KEY_PROPERTY, NTE_BAD_KEYSET, NTE_NO_KEY, NTE_NOT_FOUND, HRESULT_FILE_NOT_FOUND})


class CRYPT_DATA_BLOB(ctypes.Structure):
    _fields_ = [("cbData", DWORD), ("pbData", ctypes.POINTER(ctypes.c_ubyte))]


@dataclass(frozen=True)
class KeyLink:
    """Where a certificate's private key lives (CRYPT_KEY_PROV_INFO)."""

    container: str
    provider: str
    prov_type: int  # 0: a CNG key storage provider; else a legacy CSP type
    flags: int  # CRYPT_MACHINE_KEYSET / NCRYPT_MACHINE_KEY_FLAG (both 0x20)


class CRYPT_KEY_PROV_INFO(ctypes.Structure):
    _fields_ = [
        ("pwszContainerName", LPCWSTR),
        ("pwszProvName", LPCWSTR),
        ("dwProvType", DWORD),
        ("dwFlags", DWORD),
        ("cProvParam", DWORD),
        ("rgProvParam", PVOID),
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
    # BOOL CryptAcquireCertificatePrivateKey(PCCERT_CONTEXT, DWORD dwFlags, void *pvParameters,
    #   HCRYPTPROV_OR_NCRYPT_KEY_HANDLE *phKey, DWORD *pdwKeySpec, BOOL *pfCallerFreeProvOrNCryptKey)
    "CryptAcquireCertificatePrivateKey": (
        BOOL, [PVOID, DWORD, PVOID, ctypes.POINTER(ULONG_PTR), ctypes.POINTER(DWORD), ctypes.POINTER(BOOL)],
        ffi.fails_on_zero),
})
NCRYPT = ffi.Library("ncrypt", {
    # SECURITY_STATUS functions: ERROR_SUCCESS (0) or the NTE_* code
    "NCryptOpenStorageProvider": (HRESULT, [ctypes.POINTER(PVOID), LPCWSTR, DWORD], ffi.fails_on_status),
    "NCryptOpenKey": (HRESULT, [PVOID, ctypes.POINTER(PVOID), LPCWSTR, DWORD, DWORD], ffi.fails_on_status),
    "NCryptDeleteKey": (HRESULT, [PVOID, DWORD], ffi.fails_on_status),
    "NCryptFreeObject": (HRESULT, [PVOID], ffi.returns_value),
})
ADVAPI32 = ffi.Library("advapi32", {
    # HCRYPTPROV is a ULONG_PTR
    "CryptAcquireContextW": (BOOL, [ctypes.POINTER(ULONG_PTR), LPCWSTR, LPCWSTR, DWORD, DWORD], ffi.fails_on_zero),
    "CryptReleaseContext": (BOOL, [ULONG_PTR, DWORD], ffi.returns_value),
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
        store = self._import_store(data, password.reveal() if password is not None else "", flags)
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

    def _import_store(self, data: bytes, password: str, flags: int) -> int:
        raw = ctypes.create_string_buffer(data, len(data))
        blob = CRYPT_DATA_BLOB(len(data), ctypes.cast(raw, ctypes.POINTER(ctypes.c_ubyte)))
        pw = ctypes.create_unicode_buffer(password)
        try:
            return self.crypt32.PFXImportCertStore(ctypes.byref(blob), pw, flags)
        except WinError as exc:
            if exc.code != ERROR_INVALID_PASSWORD or password:
                raise PlatformError(_import_error(exc.code)) from None
        finally:
            ctypes.memset(pw, 0, ctypes.sizeof(pw))
        # A PFX exported with no password at all was protected with a NULL password, which
        # is not the same as L"" for PKCS#12's MAC; Windows wants NULL for it (PFXImportCertStore).
        try:
            return self.crypt32.PFXImportCertStore(ctypes.byref(blob), None, flags)
        except WinError as exc:
            raise PlatformError(_import_error(exc.code, no_password=True)) from None

    def key_link(self, context: int) -> KeyLink | None:
        """The key container a certificate context points to (CERT_KEY_PROV_INFO_PROP_ID),
        or None when it has no key link. The link says nothing about whether the container
        still exists: `key_state` opens it."""
        size = DWORD(0)
        try:
            self.crypt32.CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, None, ctypes.byref(size))
            buffer = ctypes.create_string_buffer(size.value)
            self.crypt32.CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, buffer, ctypes.byref(size))
        except WinError as exc:
            if exc.code == CRYPT_E_NOT_FOUND:
                return None
            raise PlatformError(f"Could not read the certificate's key link (error 0x{exc.code:08X}).") from None
        info = ctypes.cast(buffer, ctypes.POINTER(CRYPT_KEY_PROV_INFO)).contents
        return KeyLink(info.pwszContainerName or "", info.pwszProvName or "", info.dwProvType, info.dwFlags)

    def key_state(self, context: int) -> KeyPresence:
        """Can the certificate's private key be opened, without any UI?

        .NET's HasPrivateKey only says the key link exists; the container behind it may be
        gone. CryptAcquireCertificatePrivateKey opens the key itself (CNG or legacy CSP)
        with CRYPT_ACQUIRE_SILENT_FLAG, so a key that would need a prompt (strong
        protection, a smart card) fails instead of asking. YES: opened. NO: no link, or the
        container does not exist. UNKNOWN: any other refusal (needs UI, card absent).
        """
        handle, key_spec, caller_frees = ULONG_PTR(0), DWORD(0), BOOL(0)
        try:
            self.crypt32.CryptAcquireCertificatePrivateKey(
                context, CRYPT_ACQUIRE_SILENT_FLAG | CRYPT_ACQUIRE_ALLOW_NCRYPT_KEY_FLAG, None,
                ctypes.byref(handle), ctypes.byref(key_spec), ctypes.byref(caller_frees))
        except WinError as exc:
            return KeyPresence.NO if exc.code in KEY_MISSING else KeyPresence.UNKNOWN
        if caller_frees.value:
            if key_spec.value == CERT_NCRYPT_KEY_SPEC:
                self.ncrypt.NCryptFreeObject(handle.value)
            else:
                self.advapi32.CryptReleaseContext(handle.value, 0)
        return KeyPresence.YES

    def delete_key_container(self, context: int) -> str:
        """Delete the private key a certificate context points to (CNG or legacy CSP),
        never showing UI (NCRYPT_SILENT_FLAG / CRYPT_SILENT).

        Returns "deleted", "no key" (no link) or "already gone" (the linked container does
        not exist); raises PlatformError when Windows refuses.
        """
        link = self.key_link(context)
        if link is None:
            return "no key"
        if link.prov_type == 0:  # CNG key storage provider
            return self._delete_cng_key(link)
        handle = ULONG_PTR(0)
        flags = CRYPT_DELETEKEYSET | CRYPT_SILENT | (link.flags & CRYPT_MACHINE_KEYSET)
        try:
            self.advapi32.CryptAcquireContextW(ctypes.byref(handle), link.container, link.provider, link.prov_type, flags)
        except WinError as exc:
            if exc.code in KEY_MISSING:
                return "already gone"
            raise PlatformError(f"Could not delete the key container {link.container} (error 0x{exc.code:08X}).") from None
        return "deleted"

    def _delete_cng_key(self, link: KeyLink) -> str:
        prov, key = PVOID(), PVOID()
        try:
            self.ncrypt.NCryptOpenStorageProvider(ctypes.byref(prov), link.provider, 0)
        except WinError as exc:
            raise PlatformError(f"Could not open the key storage provider {link.provider} (status 0x{exc.code:08X}).") from None
        try:
            flags = NCRYPT_SILENT_FLAG | (link.flags & NCRYPT_MACHINE_KEY_FLAG)
            try:
                self.ncrypt.NCryptOpenKey(prov, ctypes.byref(key), link.container, 0, flags)
            except WinError as exc:
                if exc.code in KEY_MISSING:
                    return "already gone"
                raise PlatformError(f"Could not open the key container {link.container} (status 0x{exc.code:08X}).") from None
            try:
                self.ncrypt.NCryptDeleteKey(key, NCRYPT_SILENT_FLAG)  # frees the key handle, on success only
            except WinError as exc:
                self.ncrypt.NCryptFreeObject(key)
                raise PlatformError(f"Could not delete the key container {link.container} (status 0x{exc.code:08X}).") from None
            return "deleted"
        finally:
            self.ncrypt.NCryptFreeObject(prov)


def _import_error(code: int, no_password: bool = False) -> str:
    code &= 0xFFFFFFFF
    if code == ERROR_INVALID_PASSWORD and no_password:
        return ("Windows rejected the PFX without a password; it is protected by one, so give it with "
                "--password-env, --password-stdin or --password-file.")
    if code == ERROR_INVALID_PASSWORD:
        return ("Windows rejected the PFX password; if the password is right, this Windows may be older than "
                "10 version 1709 and unable to read an AES-256 PFX, so export it with 3DES.")
    if code in (NTE_BAD_DATA, CRYPT_E_BAD_ENCODE):
        return f"Windows could not read the PFX (0x{code:08X}); it may use more than 600,000 iterations, so export it again with default settings."
    return f"PFXImportCertStore failed (error 0x{code:08X}); nothing was imported."
