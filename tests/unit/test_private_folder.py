"""The backup folder's protection (issue 16): on Windows an explicit protected DACL through
platform/windows/acl.py, checked here against the strict DLL fakes (exact SDDL, flags and
order); elsewhere mode 0700 for the folder and 0600 for each file."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from pycert.common.errors import PlatformError
from pycert.platform import private
from pycert.platform.windows import acl, ffi, mutex
from pycert.platform.windows.kernel32 import KERNEL32
from tests.winfakes import fake_library

USER_SID = "S-1-5-21-1004336348-1177238915-682003330-1001"
# Written from Microsoft's SDDL reference: protected DACL; the user, SYSTEM and Administrators
# get FILE_ALL_ACCESS, inherited by files (OI) and folders (CI) created inside.
EXPECTED_SDDL = ("D:P(A;OICI;FA;;;S-1-5-21-1004336348-1177238915-682003330-1001)"
                 "(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)")
DESCRIPTOR = 0x5D0


def windows(monkeypatch, create_error=0, set_result=0):
    calls = mock.Mock()

    def convert(sddl, revision, out, size):
        out._obj.value = DESCRIPTOR
        return 1

    calls.ConvertStringSecurityDescriptorToSecurityDescriptorW.side_effect = convert
    calls.CreateDirectoryW.side_effect = lambda path, attributes: (
        calls.attributes.append(attributes._obj) or (0 if create_error else 1))
    calls.attributes = []
    DACL = 0x7A0

    def dacl_of(descriptor, present, dacl, defaulted):
        assert descriptor == DESCRIPTOR
        present._obj.value, dacl._obj.value = 1, DACL
        return 1

    calls.GetSecurityDescriptorDacl.side_effect = dacl_of
    calls.SetNamedSecurityInfoW.return_value = set_result  # the Win32 error itself, 0 = done
    calls.LocalFree.return_value = None
    advapi = fake_library(acl.ADVAPI32, calls)
    advapi.last_error = ffi.ERROR_ACCESS_DENIED
    folders = fake_library(acl.FOLDERS, calls)
    folders.last_error = create_error
    monkeypatch.setattr(acl, "advapi32", lambda: advapi)
    monkeypatch.setattr(acl, "folders", lambda: folders)
    monkeypatch.setattr(mutex, "advapi32", lambda: fake_library(mutex.ADVAPI32, calls))
    monkeypatch.setattr(mutex, "kernel32", lambda: fake_library(KERNEL32, calls))
    return calls


def names(calls):
    return [c[0] for c in calls.method_calls]


def test_a_new_folder_is_created_with_the_protected_dacl(monkeypatch):
    calls = windows(monkeypatch)
    acl.private_folder(r"C:\Users\clinic\AppData\Local\PyCert\backup", USER_SID)
    assert names(calls) == ["ConvertStringSecurityDescriptorToSecurityDescriptorW", "CreateDirectoryW", "LocalFree"]
    sddl, revision, _, size = calls.ConvertStringSecurityDescriptorToSecurityDescriptorW.call_args[0]
    assert (sddl, revision, size) == (EXPECTED_SDDL, 1, None)
    assert calls.CreateDirectoryW.call_args[0][0] == r"C:\Users\clinic\AppData\Local\PyCert\backup"
    [attributes] = calls.attributes
    assert (attributes.lpSecurityDescriptor, attributes.bInheritHandle) == (DESCRIPTOR, 0)
    assert calls.LocalFree.call_args[0][0].value == DESCRIPTOR


def test_an_existing_folder_gets_the_same_dacl(monkeypatch):
    calls = windows(monkeypatch, create_error=ffi.ERROR_ALREADY_EXISTS)
    acl.private_folder(r"C:\b", USER_SID)
    assert names(calls) == ["ConvertStringSecurityDescriptorToSecurityDescriptorW", "CreateDirectoryW",
                            "GetSecurityDescriptorDacl", "SetNamedSecurityInfoW", "LocalFree"]
    path, kind, flags, owner, group, dacl, sacl = calls.SetNamedSecurityInfoW.call_args[0]
    # SE_FILE_OBJECT (1); DACL_SECURITY_INFORMATION (0x4) | PROTECTED_DACL_SECURITY_INFORMATION (0x80000000);
    # owner, group and SACL left as they are; the DACL taken out of the SDDL's descriptor
    assert (path, kind, flags, owner, group, dacl.value, sacl) == (r"C:\b", 1, 0x80000004, None, None, 0x7A0, None)


def test_failures_are_one_sentence_with_the_code_and_free_the_descriptor(monkeypatch):
    calls = windows(monkeypatch, create_error=ffi.ERROR_ACCESS_DENIED)
    with pytest.raises(PlatformError, match=r"^The folder C:\\b could not be created \(Windows error 5\)\.$"):
        acl.private_folder(r"C:\b", USER_SID)
    assert names(calls)[-1] == "LocalFree"
    calls = windows(monkeypatch, create_error=ffi.ERROR_ALREADY_EXISTS, set_result=ffi.ERROR_ACCESS_DENIED)
    with pytest.raises(PlatformError, match=r"^The access rights of C:\\b could not be set \(Windows error 5\)\.$"):
        acl.private_folder(r"C:\b", USER_SID)
    assert names(calls)[-1] == "LocalFree"


@pytest.mark.parametrize("sid", ["", "SY", "S-1-5-21-1)(A;OICI;FA;;;WD", "S-1-5-21-1-1001;"])
def test_nothing_but_a_sid_reaches_the_sddl(monkeypatch, sid):
    calls = windows(monkeypatch)
    with pytest.raises(PlatformError, match="is not a Windows account SID"):
        acl.private_folder(r"C:\b", sid)
    assert names(calls) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_posix_folder_0700_files_0600_and_no_link_followed(tmp_path):
    folder = tmp_path / "a" / "backup"
    private.make_private_folder(folder)
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    folder.chmod(0o755)
    private.make_private_folder(folder)  # an existing folder is closed again
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    private.write_private(folder / "x.pfx", b"pfx")
    assert oct((folder / "x.pfx").stat().st_mode & 0o777) == "0o600" and (folder / "x.pfx").read_bytes() == b"pfx"
    with pytest.raises(FileExistsError):
        private.write_private(folder / "x.pfx", b"other")  # never replaces
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(PlatformError, match="is not a folder \\(or is a link\\)"):
        private.make_private_folder(tmp_path / "link")
    (folder / "y.pfx").symlink_to(tmp_path / "target")
    with pytest.raises(FileExistsError):
        private.write_private(folder / "y.pfx", b"pfx")
    assert not (tmp_path / "target").exists()


def test_default_folders(monkeypatch):
    monkeypatch.setattr(private, "is_windows", lambda: True)
    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\clinic\AppData\Local")
    assert str(private.default_backup_folder()).replace("/", "\\") == r"C:\Users\clinic\AppData\Local\PyCert\backup"
    monkeypatch.setattr(private, "is_windows", lambda: False)
    monkeypatch.setenv("XDG_DATA_HOME", "/home/clinic/.local/share")
    assert str(private.default_backup_folder()) == "/home/clinic/.local/share/pycert/backup"


def test_config_show_prints_the_effective_backup_folder(tmp_path):
    """Issue 16 item 2's rule for the new key: `config show` prints where the backup goes."""
    import json

    from tests.conftest import run_cli

    run = run_cli(["config", "show", "--format", "json"], xdg=tmp_path, env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["policy"]["backup"] == {"after_import": "move",
                                                          "folder": str(tmp_path / "data" / "pycert" / "backup")}
