"""Every ctypes prototype in pycert/platform/windows/ is declared once, with argtypes,
restype and an errcheck; the strict DLL fake (tests/winfakes.py) enforces the declarations,
so a call through an undeclared function, or a 64-bit handle into a 32-bit parameter,
fails here as it would on 64-bit Windows."""

from __future__ import annotations

import ast
import ctypes
import importlib
from unittest import mock

import pytest

from pycert.common.errors import PlatformError
from pycert.platform.windows import environment, ffi
from pycert.platform.windows.kernel32 import KERNEL32
from tests.conftest import ROOT
from tests.winfakes import FakeWinDll, fake_library

WINDOWS = ROOT / "pycert" / "platform" / "windows"
C_TYPES = (ctypes._SimpleCData, ctypes._Pointer, ctypes.Structure)
PSEUDO_PROCESS = 0xFFFFFFFFFFFFFFFF  # GetCurrentProcess() on 64-bit Windows: (HANDLE)-1


def windows_modules():
    return [f"pycert.platform.windows.{p.stem}" for p in sorted(WINDOWS.glob("*.py")) if p.stem != "__init__"]


def test_every_library_declares_argtypes_restype_and_errcheck():
    for name in windows_modules():
        importlib.import_module(name)
    assert {lib.name for lib in ffi.Library.ALL} >= {"crypt32", "ncrypt", "advapi32", "kernel32", "wintrust", "shell32"}
    for library in ffi.Library.ALL:
        for function, proto in library.prototypes.items():
            assert proto.errcheck in ffi.ERRCHECKS, f"{library.name}!{function}"
            assert isinstance(proto.argtypes, tuple), f"{library.name}!{function}"
            assert all(isinstance(t, type) and issubclass(t, C_TYPES) for t in proto.argtypes), function
            assert isinstance(proto.restype, type) and issubclass(proto.restype, C_TYPES), function


def test_no_dll_is_loaded_outside_the_declarations():
    """ctypes.WinDLL / windll appear only in ffi.py: every other module goes through a Library."""
    for path in WINDOWS.glob("*.py"):
        if path.name == "ffi.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert not names & {"WinDLL", "windll", "CDLL", "OleDLL"}, path.name


def test_the_fake_refuses_an_undeclared_function():
    dll = FakeWinDll(mock.Mock(), "kernel32")
    with pytest.raises(AssertionError, match="without a declared prototype"):
        dll.GetCurrentProcess()


def test_the_fake_refuses_a_handle_in_a_32_bit_parameter():
    kernel32 = fake_library(KERNEL32, mock.Mock())
    kernel32.CloseHandle(PSEUDO_PROCESS)  # HANDLE: pointer-sized, fine
    with pytest.raises(AssertionError, match="does not fit c_uint"):
        kernel32.WaitForSingleObject(7, PSEUDO_PROCESS)  # DWORD milliseconds


def test_errcheck_carries_the_win32_code():
    kernel32 = fake_library(KERNEL32, mock.Mock(**{"OpenMutexW.return_value": 0}))
    kernel32.last_errors["OpenMutexW"] = ffi.ERROR_ACCESS_DENIED
    with pytest.raises(ffi.WinError) as info:
        kernel32.OpenMutexW(0x00100000, False, "Global\\_MSIExecute")
    assert (info.value.function, info.value.code) == ("OpenMutexW", 5)


def test_token_info_through_declared_prototypes():
    """`pycert doctor`'s token probe with the pseudo-handle of a 64-bit process (it raised
    ctypes.ArgumentError on 64-bit Windows when the functions had no argtypes)."""
    system_sid = b"\x01\x01\x00\x00\x00\x00\x00\x05\x12\x00\x00\x00"  # S-1-5-18
    sid = ctypes.create_string_buffer(system_sid)
    os_advapi, os_kernel = mock.Mock(), mock.Mock()
    os_kernel.GetCurrentProcess.return_value = PSEUDO_PROCESS

    def open_token(process, access, token):
        assert (process, access) == (PSEUDO_PROCESS, environment.TOKEN_QUERY)
        token._obj.value = 0x4C
        return 1

    def information(token, cls, buffer, length, returned):
        if cls == environment.TOKEN_USER and buffer is None:
            returned._obj.value = 16
            return 0  # with ERROR_INSUFFICIENT_BUFFER
        if cls == environment.TOKEN_USER:
            ctypes.memmove(buffer, ctypes.byref(ctypes.c_void_p(ctypes.addressof(sid))), ctypes.sizeof(ctypes.c_void_p))
            return 1
        ctypes.cast(buffer, ctypes.POINTER(ctypes.c_uint32))[0] = 1  # TokenIsElevated
        return 1

    def to_string(sid_pointer, out):
        assert ctypes.string_at(sid_pointer, len(system_sid)) == system_sid
        out._obj.value = "S-1-5-18"
        return 1

    os_advapi.OpenProcessToken.side_effect = open_token
    os_advapi.GetTokenInformation.side_effect = information
    os_advapi.ConvertSidToStringSidW.side_effect = to_string
    advapi = fake_library(environment.ADVAPI32, os_advapi)
    advapi.last_errors["GetTokenInformation"] = ffi.ERROR_INSUFFICIENT_BUFFER
    kernel = fake_library(KERNEL32, os_kernel)
    with mock.patch.object(environment, "_advapi32", return_value=advapi), \
            mock.patch.object(environment, "_kernel32", return_value=kernel):
        assert environment.token_info() == environment.TokenInfo("S-1-5-18", True)
    [(closed,), _] = os_kernel.CloseHandle.call_args
    assert closed.value == 0x4C
    os_kernel.LocalFree.assert_called_once()


def test_token_info_failure_is_one_sentence_with_the_code():
    os_advapi = mock.Mock(**{"OpenProcessToken.return_value": 0})
    advapi = fake_library(environment.ADVAPI32, os_advapi)
    advapi.last_error = ffi.ERROR_ACCESS_DENIED
    kernel = fake_library(KERNEL32, mock.Mock(**{"GetCurrentProcess.return_value": PSEUDO_PROCESS}))
    with mock.patch.object(environment, "_advapi32", return_value=advapi), \
            mock.patch.object(environment, "_kernel32", return_value=kernel):
        with pytest.raises(PlatformError, match=r"^OpenProcessToken failed \(Windows error 5\)\.$"):
            environment.token_info()
