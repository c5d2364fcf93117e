"""Who is speaking in a notice: the MSI's Start-menu shortcut that registers PyCert's
AppUserModelID (System.AppUserModel.ID), read back from a package built by the real
`packaging/build.py` with wixl. The app folder is a stand-in (two scripts answering
--version) so no PyInstaller run is needed; the tables are what this test is about.
Read with msiinfo and, independently, with pymsi (which decodes the codepage itself)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from buildlib.msitables import export_table

from pycert import __version__
from pycert.platform.windows import notify

ROOT = Path(__file__).resolve().parents[2]
NAME = "PyCert 電子証明書チェック"
APP_ID = "PyCert.CertificateCheck"


@pytest.fixture(scope="module")
def msi(tmp_path_factory) -> Path:
    for tool in ("wixl", "msiinfo", "msibuild"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install wixl msitools)")
    base = tmp_path_factory.mktemp("shortcut")
    onedir = base / "onedir"
    onedir.mkdir()
    for name in ("pycert", "pycertw"):
        exe = onedir / name
        exe.write_text(f'#!/bin/sh\necho "pycert {__version__}"\n', encoding="ascii")
        exe.chmod(0o755)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--allow-missing-module", "--frozen", str(onedir),
         "--dist", str(base / "dist"), "--work", str(base / "work")],
        capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [built] = (base / "dist").glob("*.msi")
    return built


def test_the_start_menu_shortcut_carries_pycerts_app_user_model_id(msi):
    [shortcut] = export_table(msi, "Shortcut")
    # short|long, as WiX writes a Filename: Windows names the file by the long name
    assert (shortcut["Name"], shortcut["Directory_"], shortcut["Component_"]) == (
        f"PyCert|{NAME}", "ProgramMenuFolder", "NoticeShortcut")
    assert shortcut["Description"] == "この端末の電子証明書と有効期限を表示します"
    assert shortcut["Icon_"] == "PyCert.ico" and shortcut["WkDir"] == "INSTALLDIR"
    assert shortcut["Target"] == r"[System64Folder]WindowsPowerShell\v1.0\powershell.exe"
    assert shortcut["Arguments"] == "-NoExit -NoProfile -Command \"& '[INSTALLDIR]pycert.exe' list\""
    [prop] = export_table(msi, "MsiShortcutProperty")
    assert (prop["Shortcut_"], prop["PropertyKey"], prop["PropVariantValue"]) == (
        shortcut["Shortcut"], "System.AppUserModel.ID", APP_ID)


def test_the_toast_uses_the_id_and_name_the_msi_installs():
    assert (notify.APP_ID, notify.SHORTCUT_NAME) == (APP_ID, NAME)


def test_the_japanese_name_is_stored_in_codepage_932(msi):
    """Windows Installer converts the string pool from the database codepage; a neutral
    database cannot hold the name. pymsi decodes the pool with that codepage on its own."""
    codepage = subprocess.run(["msiinfo", "export", str(msi), "_ForceCodepage"], capture_output=True, text=True).stdout
    assert codepage.replace("\0", "").split() == ["932", "_ForceCodepage"]  # msiinfo ends it with a NUL
    import pymsi

    package = pymsi.Package(str(msi))
    try:
        [shortcut] = pymsi.Msi(package, True).shortcuts.values()
        assert (shortcut.name.split("|")[-1], shortcut.target) == (NAME, r"[System64Folder]WindowsPowerShell\v1.0\powershell.exe")
    finally:
        package.close()


def test_the_shortcut_is_installed_removed_and_kept_per_machine(msi):
    sequence = {r["Action"]: int(r["Sequence"]) for r in export_table(msi, "InstallExecuteSequence")}
    assert sequence["RemoveShortcuts"] < sequence["InstallFiles"] < sequence["CreateShortcuts"]
    component = next(c for c in export_table(msi, "Component") if c["Component"] == "NoticeShortcut")
    key = next(r for r in export_table(msi, "Registry") if r["Registry"] == component["KeyPath"])
    # -1 = HKMU: HKLM in this per-machine package; ICE43 accepts it as a shortcut's key path
    assert (key["Root"], key["Key"], key["Name"]) == ("-1", r"SOFTWARE\PyCert", "NoticeShortcut")
    assert {"Feature_": "PyCert", "Component_": "NoticeShortcut"} in export_table(msi, "FeatureComponents")


def test_the_wix_source_compiles_the_shortcut_itself_on_windows():
    """candle/light read the Shortcut and ShortcutProperty elements; only wixl skips them."""
    text = (ROOT / "packaging" / "wix" / "PyCert.wxs").read_text(encoding="utf-8")
    guarded = text[text.index('<?if $(var.Toolset) = "wix" ?>\n        <Shortcut'):]
    guarded = guarded[:guarded.index("<?endif?>")]
    assert f'Name="{NAME}"' in guarded
    assert f'<ShortcutProperty Key="System.AppUserModel.ID" Value="{APP_ID}"/>' in guarded
    assert 'Codepage="932"' in text
