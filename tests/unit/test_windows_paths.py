"""platform/windows/paths.py: the one place that says where Windows' own programs are."""

from __future__ import annotations

from pycert.platform.windows import paths


def test_a_64_bit_process_starts_programs_from_system32(monkeypatch):
    monkeypatch.setenv("SystemRoot", r"D:\WINDOWS")
    assert paths.system32("msiexec.exe", exists=lambda p: False) == r"D:\WINDOWS\System32\msiexec.exe"


def test_a_32_bit_process_on_64_bit_windows_goes_through_sysnative(monkeypatch):
    """Sysnative exists only for a 32-bit process: SysWOW64 has no msg.exe."""
    monkeypatch.setenv("SystemRoot", r"C:\Windows")
    seen = []

    def exists(path):
        seen.append(path)
        return path == r"C:\Windows\Sysnative\msg.exe"

    assert paths.system32("msg.exe", exists=exists) == r"C:\Windows\Sysnative\msg.exe"
    assert seen == [r"C:\Windows\Sysnative\msg.exe"]


def test_without_systemroot_the_default_windows_folder(monkeypatch):
    monkeypatch.delenv("SystemRoot", raising=False)
    assert paths.system32("taskkill.exe", exists=lambda p: False) == r"C:\Windows\System32\taskkill.exe"


def test_msiexec_and_the_notifier_use_it():
    from pycert.platform.windows import msiexec, notify

    assert msiexec.system32 is paths.system32 and notify.system32 is paths.system32
