"""Stand-ins for what cannot run here: the crypt32 DLL and .NET Framework's X509 classes.

Only the Windows-path tests use them; they record every call so the tests can assert the
exact flags, the store each certificate reaches, and that every handle is released.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from unittest import mock

from cryptography import x509

EPOCH = datetime(1, 1, 1, tzinfo=timezone.utc)


class FakeDateTime:
    def __init__(self, moment: datetime):
        self.moment = moment

    def ToUniversalTime(self):
        return self

    @property
    def Ticks(self):
        delta = self.moment - EPOCH
        return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


class FakeHandle:
    def __init__(self, value):
        self.value = value

    def ToInt64(self):
        return self.value


class FakeCert:
    """X509Certificate2 built from DER; `has_key` says whether the context carries a key."""

    def __init__(self, der: bytes, has_key: bool, handle: int = 0):
        cert = x509.load_der_x509_certificate(der)
        from pycert.pfx.reader import certificate_info

        info = certificate_info(cert)
        self.der, self.RawData, self.HasPrivateKey, self.Handle = der, der, has_key, FakeHandle(handle)
        self.Subject, self.Issuer, self.Thumbprint, self.SerialNumber = info.subject, info.issuer, info.thumbprint, info.serial
        self.NotBefore, self.NotAfter = FakeDateTime(info.not_before), FakeDateTime(info.not_after)
        self.FriendlyName, self.Extensions = "", []
        self.key_id = cert.public_key().public_numbers().n

    def GetPublicKeyString(self):
        return format(self.key_id, "X")


class ClrError(Exception):
    """A .NET exception as Windows raises it: an HResult (signed, as .NET reports it) and a
    message localised to the UI language — Japanese here, so no code can decide on text."""

    def __init__(self, message: str, hresult: int):
        super().__init__(message)
        self.Message = message
        self.HResult = hresult - (1 << 32) if hresult >= 1 << 31 else hresult


class CancelledError(Exception):
    HResult = -2147023673  # 0x800704C7 as .NET reports it (signed)

    def __init__(self):
        super().__init__("操作はユーザーによって取り消されました。")
        self.Message = "操作はユーザーによって取り消されました。"


@dataclass
class FakeStores:
    """Windows' certificate stores: (location, name) -> list of FakeCert."""

    content: dict = field(default_factory=dict)
    decline_root_dialog: bool = False
    fail_add: set = field(default_factory=set)  # store names whose Add raises
    fail_remove: bool = False
    calls: list = field(default_factory=list)

    def runtime(self, contexts: dict[int, FakeCert]):
        stores = self

        class X509Store:
            def __init__(self, name, location):
                self.key = (location, name)

            def Open(self, flags):
                stores.calls.append(("Open", self.key, flags))
                if flags & 4 and self.key not in stores.content:  # OpenExistingOnly
                    raise ClrError("指定されたファイルが見つかりません。", 0x80070002)
                stores.content.setdefault(self.key, [])

            @property
            def Certificates(self):
                return list(stores.content[self.key])

            def Add(self, cert):
                stores.calls.append(("Add", self.key, cert.Thumbprint))
                if self.key[1] in stores.fail_add:
                    raise ClrError("アクセスが拒否されました。", 0x80070005)
                if self.key == ("CurrentUser", "Root") and stores.decline_root_dialog:
                    raise CancelledError()
                if all(c.Thumbprint != cert.Thumbprint for c in stores.content[self.key]):
                    stores.content[self.key].append(cert)

            def Remove(self, cert):
                stores.calls.append(("Remove", self.key, cert.Thumbprint))
                if stores.fail_remove:
                    raise ClrError("アクセスが拒否されました。", 0x80070005)
                stores.content[self.key] = [c for c in stores.content[self.key] if c.Thumbprint != cert.Thumbprint]

            def Close(self):
                stores.calls.append(("Close", self.key))

        def certificate(arg, *rest):
            if isinstance(arg, int):  # X509Certificate2(IntPtr): a context from PFXImportCertStore
                return contexts[arg]
            raise AssertionError("the Windows path must not load PFX bytes through .NET")

        return {
            "X509Certificate2": certificate,
            "IntPtr": lambda value: value,
            "X509Store": X509Store,
            "OpenFlags": mock.Mock(ReadOnly=0, ReadWrite=1, OpenExistingOnly=4),
            "StoreLocation": mock.Mock(CurrentUser="CurrentUser", LocalMachine="LocalMachine"),
        }


def fake_crypt32(context_ids: list[int], seen_passwords: list):
    """A crypt32 whose PFXImportCertStore yields `context_ids`; records the password buffer."""
    dll = mock.Mock(name="crypt32")
    buffers = []

    def pfx_import(blob, password, flags):
        seen_passwords.append(password.value)
        buffers.append(password)
        return 0xABC  # the memory store handle

    def enum(store, previous):
        order = [None, *context_ids]
        index = order.index(previous) if previous in order else -1
        return order[index + 1] if index + 1 < len(order) else None

    dll.PFXImportCertStore.side_effect = pfx_import
    dll.CertEnumCertificatesInStore.side_effect = enum
    dll.CertDuplicateCertificateContext.side_effect = lambda ctx: ctx + 1000
    dll.CertFreeCertificateContext.return_value = 1
    dll.CertCloseStore.return_value = 1
    dll.CryptAcquireCertificatePrivateKey.return_value = 1  # every linked key opens, unless a test says not
    dll.password_buffers = buffers
    return dll


# -- DLLs as ctypes presents them ---------------------------------------------------------

_UNSET = object()


def _fits(value, argtype) -> bool:
    """Would ctypes on 64-bit Windows pass `value` as `argtype` unchanged?"""
    import ctypes

    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int) and issubclass(argtype, ctypes._SimpleCData) and argtype._type_ in "bBhHiIlLqQP":
        bits = ctypes.sizeof(argtype) * 8
        if argtype._type_ == "P":
            return -(1 << (bits - 1)) <= value < (1 << bits)
        signed = argtype._type_ in "bhilq"
        low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        return low <= value <= high
    try:
        argtype.from_param(value)
    except (TypeError, ctypes.ArgumentError):
        return False
    return True


class FakeFunction:
    """One exported function: refuses calls until argtypes, restype and errcheck are
    declared, refuses arguments that do not fit the declared Windows types, then hands
    the call to the OS mock and runs the declared errcheck on what it returns."""

    def __init__(self, dll: "FakeWinDll", name: str):
        self.dll, self.__name__ = dll, name
        self.argtypes, self.restype, self.errcheck = None, _UNSET, _UNSET

    def __call__(self, *args):
        from pycert.platform.windows import ffi

        name = self.__name__
        assert self.argtypes is not None and self.restype is not _UNSET and self.errcheck is not _UNSET, (
            f"{self.dll.name}!{name} was called without a declared prototype (argtypes, restype, errcheck)"
        )
        assert len(args) == len(self.argtypes), f"{name} takes {len(self.argtypes)} arguments, got {len(args)}"
        for position, (value, argtype) in enumerate(zip(args, self.argtypes)):
            assert _fits(value, argtype), f"{name} argument {position}: {value!r} does not fit {argtype.__name__}"
        result = getattr(self.dll.os, name)(*args)
        saved = ffi.last_error
        ffi.last_error = lambda: self.dll.last_errors.get(name, self.dll.last_error)
        try:
            return self.errcheck(result, self, args)
        finally:
            ffi.last_error = saved


class FakeWinDll:
    """A DLL over `os_mock` (a Mock that plays Windows and records the calls). Declare the
    module's prototypes on it with `Library.bind`; `last_error` (or `last_errors[name]`) is
    what GetLastError returns after a call."""

    def __init__(self, os_mock, name: str = "dll"):
        self.os, self.name = os_mock, name
        self.last_error, self.last_errors = 0, {}
        self._functions: dict[str, FakeFunction] = {}

    def __getattr__(self, name: str) -> FakeFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._functions.setdefault(name, FakeFunction(self, name))


def fake_library(library, os_mock) -> FakeWinDll:
    """`library`'s prototypes declared on a strict fake DLL over `os_mock`."""
    return library.bind(FakeWinDll(os_mock, library.name))


# -- named kernel objects with ACLs ----------------------------------------------------------

class MutexNamespace:
    """The object manager's named mutexes as two accounts see them. A mutex made without a
    security descriptor gets the creator's default DACL: only that account may open it. A
    mutex made with an SDDL grants what the SDDL's ACEs say (GA, or a hex access mask, to
    SY, BA or AU). CreateMutexW asks for MUTEX_ALL_ACCESS; CreateMutexExW/OpenMutexW for
    what they are given. Denied: ERROR_ACCESS_DENIED; absent on open: ERROR_FILE_NOT_FOUND."""

    MUTEX_ALL_ACCESS = 0x001F0001
    GROUPS = {"SYSTEM": {"SY", "BA", "AU"}, "admin": {"BA", "AU"}, "user": {"AU"}}

    def __init__(self):
        self.mutexes: dict[str, dict] = {}
        self.descriptors: dict[int, str] = {}
        self.account = "SYSTEM"
        self.handles: dict[int, str] = {}
        self.held: dict[str, str] = {}  # name -> account holding it
        self.last_error = 0

    def kernel32(self, mocker, library):
        os = mocker.MagicMock(name="kernel32")
        os.CreateMutexW.side_effect = lambda sa, owner, name: self._create(name, None, self.MUTEX_ALL_ACCESS)
        os.CreateMutexExW.side_effect = lambda sa, name, flags, access: self._create(
            name, self.descriptors.get(sa._obj.lpSecurityDescriptor) if sa is not None else None, access)
        os.OpenMutexW.side_effect = lambda access, inherit, name: self._open(name, access)
        os.WaitForSingleObject.side_effect = self._wait
        os.ReleaseMutex.side_effect = lambda h: self.held.pop(self.handles[h], None) or 1
        os.CloseHandle.return_value = 1
        os.LocalFree.return_value = 0
        fake = library.bind(FakeWinDll(os, library.name))
        self._fake = fake
        return fake, os

    def advapi32(self, mocker, library):
        os = mocker.MagicMock(name="advapi32")

        def convert(sddl, revision, out, size):
            pointer = 0x5D0 + len(self.descriptors)
            self.descriptors[pointer] = sddl
            out._obj.value = pointer
            return 1

        os.ConvertStringSecurityDescriptorToSecurityDescriptorW.side_effect = convert
        return library.bind(FakeWinDll(os, library.name)), os

    def _fail(self, code):
        self._fake.last_errors.update({n: code for n in ("CreateMutexW", "CreateMutexExW", "OpenMutexW")})
        return 0

    def _allowed(self, mutex, access) -> bool:
        if mutex["sddl"] is None:
            return mutex["owner"] == self.account
        granted = 0
        import re

        for right, trustee in re.findall(r"\(A;;([^;]+);;;(\w+)\)", mutex["sddl"]):
            if trustee in self.GROUPS[self.account]:
                granted |= self.MUTEX_ALL_ACCESS if right == "GA" else int(right, 16)
        return access & ~granted == 0

    def _handle(self, name):
        handle = 0x100 + len(self.handles)
        self.handles[handle] = name
        return handle

    def _create(self, name, sddl, access):
        if name not in self.mutexes:
            self.mutexes[name] = {"owner": self.account, "sddl": sddl}
            return self._handle(name)
        return self._handle(name) if self._allowed(self.mutexes[name], access) else self._fail(5)

    def _open(self, name, access):
        if name not in self.mutexes:
            return self._fail(2)
        return self._handle(name) if self._allowed(self.mutexes[name], access) else self._fail(5)

    def _wait(self, handle, milliseconds):
        name = self.handles[handle]
        if self.held.get(name) not in (None, self.account):
            return 0x102  # WAIT_TIMEOUT
        self.held[name] = self.account
        return 0
