"""platform/windows/registry.py: an Uninstall entry written under HKLM in both registry
views is found in each, as msiexec writes them for 64- and 32-bit products."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def uninstall_entries():
    import winreg

    code = "{" + str(uuid.uuid4()).upper() + "}"
    path = rf"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{code}"
    views = (winreg.KEY_WOW64_64KEY, winreg.KEY_WOW64_32KEY)
    for view, version in zip(views, ("2.0.0", "1.0.0")):
        with winreg.CreateKeyEx(winreg.HKEY_LOCAL_MACHINE, path, 0, winreg.KEY_WRITE | view) as key:
            winreg.SetValueEx(key, "DisplayName", 0, winreg.REG_SZ, "PyCert CI Test Product")
            winreg.SetValueEx(key, "DisplayVersion", 0, winreg.REG_SZ, version)
    yield code
    for view in views:
        winreg.DeleteKeyEx(winreg.HKEY_LOCAL_MACHINE, path, view, 0)


def test_both_views_are_read(uninstall_entries):
    from pycert.platform.windows import registry

    found = registry.find_installed("pycert ci test product")
    assert [(i.product_code, i.display_version) for i in found] in (
        [(uninstall_entries, "2.0.0")], [(uninstall_entries, "1.0.0")])  # one key name, seen once per hive
    assert set(found[0].sources) == {"HKLM64", "HKLM32"}
