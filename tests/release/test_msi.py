"""The MSI as Windows Installer will read it: tables read back with msitools (`msiinfo
export`, `msiextract`), from packages built by `packaging/build.py`."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from buildlib.module import FOLDERS, ROOT_MODULE, merge_module
from buildlib.msitables import export_table, properties

# Component table Attributes, from Microsoft's "Component Table" page (not from buildlib):
PERMANENT = 0x0010  # msidbComponentAttributesPermanent
NEVER_OVERWRITE = 0x0080  # msidbComponentAttributesNeverOverwrite
WIN64 = 0x0100  # msidbComponentAttributes64bit

pytestmark = pytest.mark.packaging

MODULE_SOURCE = Path(__file__).resolve().parents[2] / "powershell" / "PyCert"
UPGRADE_CODE = "{482E00B2-5033-45EF-B390-57D8BEFE9A38}"  # fixed forever: a change breaks upgrades


def rows(msi: Path, table: str) -> list[dict[str, str]]:
    return export_table(msi, table)


def directory_path(msi: Path, directory: str) -> str:
    """Resolve a Directory id to its install path, e.g. ProgramFiles64Folder/PyCert/_internal."""
    table = {r["Directory"]: r for r in rows(msi, "Directory")}
    parts = []
    while directory in table and table[directory]["Directory_Parent"]:
        row = table[directory]
        name = row["DefaultDir"].split(":")[-1].split("|")[-1]
        parts.append(directory if row["Directory_Parent"] == "TARGETDIR" else name)
        directory = row["Directory_Parent"]
    return "/".join(reversed(parts))


def installed_files(msi: Path) -> dict[str, dict[str, str]]:
    components = {r["Component"]: r for r in rows(msi, "Component")}
    out = {}
    for f in rows(msi, "File"):
        component = components[f["Component_"]]
        name = f["FileName"].split("|")[-1]
        out[f"{directory_path(msi, component['Directory_'])}/{name}"] = {**f, **component}
    return out


def test_product_properties(release_build):
    props = properties(release_build.msi)
    assert props["ProductName"] == "PyCert"
    assert props["Manufacturer"] == "PyCert Project"
    assert props["ProductVersion"] == release_build.version
    assert props["UpgradeCode"] == UPGRADE_CODE
    assert props["ALLUSERS"] == "1"
    assert props["ARPNOMODIFY"] == "1"
    assert props["ARPHELPLINK"] == props["ARPURLINFOABOUT"] == release_build.help_url
    assert props["ARPPRODUCTICON"] == "PyCert.ico"
    assert [r["Name"] for r in rows(release_build.msi, "Icon")] == ["PyCert.ico"]
    # public properties must be secure or a UAC-elevated install drops them
    secure = props["SecureCustomProperties"].split(";")
    assert {"RENEWALWINDOWDAYS", "MPKIREQUIREDVERSION", "WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"} <= set(secure)


def test_summary_says_not_for_windows_on_a_linux_build(release_build):
    info = subprocess.run(["msiinfo", "suminfo", str(release_build.msi)], capture_output=True, text=True).stdout
    assert "Comments: TEST BUILD with a Linux pycert binary: NOT FOR WINDOWS" in info
    assert "Template: x64;1033" in info
    assert release_build.msi.name == f"PyCert-{release_build.version}-x64-NOT-FOR-WINDOWS.msi"
    assert "NOT FOR WINDOWS" in release_build.log


def test_upgrade_table_detects_older_for_upgrade_and_newer_as_downgrade(release_build):
    v = release_build.version
    upgrade = {r["ActionProperty"]: r for r in rows(release_build.msi, "Upgrade")}
    assert set(upgrade) == {"WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"}
    older = upgrade["WIX_UPGRADE_DETECTED"]
    assert (older["UpgradeCode"], older["VersionMin"], older["VersionMax"], older["Attributes"]) == (UPGRADE_CODE, "", v, "1")
    newer = upgrade["WIX_DOWNGRADE_DETECTED"]
    # 2 = msidbUpgradeAttributesOnlyDetect: a newer product is detected, never removed
    assert (newer["UpgradeCode"], newer["VersionMin"], newer["VersionMax"], newer["Attributes"]) == (UPGRADE_CODE, v, "", "2")
    conditions = {r["Condition"]: r["Description"] for r in rows(release_build.msi, "LaunchCondition")}
    assert conditions["NOT WIX_DOWNGRADE_DETECTED"].startswith("A newer version of PyCert is already installed.")


def test_old_version_is_removed_before_the_new_one_is_installed(release_build):
    sequence = {r["Action"]: int(r["Sequence"]) for r in rows(release_build.msi, "InstallExecuteSequence")}
    assert sequence["InstallValidate"] < sequence["RemoveExistingProducts"] < sequence["InstallInitialize"]


def test_launch_conditions(release_build):
    conditions = {r["Condition"] for r in rows(release_build.msi, "LaunchCondition")}
    assert {"VersionNT64", "Privileged"} <= conditions


def test_every_component_is_64_bit(release_build):
    components = rows(release_build.msi, "Component")
    assert len(components) > 50
    assert [c["Component"] for c in components if not int(c["Attributes"]) & WIN64] == []


def test_app_module_and_policy_land_where_windows_expects_them(release_build):
    files = installed_files(release_build.msi)
    v = release_build.version
    exe = files["ProgramFiles64Folder/PyCert/pycert"]  # pycert.exe on a Windows build
    assert exe["File"] == "PyCertExe"
    module_files = sorted(p for p in files if p.startswith("ProgramFiles64Folder/WindowsPowerShell/Modules/PyCert/"))
    assert module_files and all(p.startswith(f"ProgramFiles64Folder/WindowsPowerShell/Modules/PyCert/{v}/") for p in module_files)
    assert f"ProgramFiles64Folder/WindowsPowerShell/Modules/PyCert/{v}/PyCert.psd1" in module_files
    policy = files["CommonAppDataFolder/PyCert/pycert.toml"]
    assert int(policy["Attributes"]) == WIN64 | NEVER_OVERWRITE | PERMANENT
    # the Python runtime and the .NET bridge are in the app folder
    assert any(p.startswith("ProgramFiles64Folder/PyCert/_internal/pythonnet/runtime/Python.Runtime.dll") for p in files)
    assert not any("tkinter" in p for p in files)


def test_module_files_mirror_the_source_tree(release_build):
    """Everything but Private/ and Public/, whose text ships merged into PyCert.psm1."""
    source = MODULE_SOURCE
    files = [p.relative_to(source) for p in source.rglob("*") if p.is_file()] if source.is_dir() else []
    expected = sorted(p.as_posix() for p in files if p.parts[0] not in FOLDERS)
    assert ROOT_MODULE in expected and len(expected) < len(files)
    prefix = f"ProgramFiles64Folder/WindowsPowerShell/Modules/PyCert/{release_build.version}/"
    shipped = sorted(p[len(prefix):] for p in installed_files(release_build.msi) if p.startswith(prefix))
    assert shipped == (expected or ["PyCert.psd1"])  # a placeholder only while the module does not exist


def test_pycert_is_appended_to_the_system_path(release_build):
    [row] = rows(release_build.msi, "Environment")
    # = set, - remove on uninstall, * system variable; [~]; appends to the existing value
    assert (row["Name"], row["Value"], row["Component_"]) == ("=-*PATH", "[~];[INSTALLDIR]", "PathAndRegistry")
    sequence = {r["Action"] for r in rows(release_build.msi, "InstallExecuteSequence")}
    assert {"WriteEnvironmentStrings", "RemoveEnvironmentStrings"} <= sequence


def test_policy_folder_is_locked_to_system_and_administrators(release_build):
    # SYSTEM runs PyCert with this policy: a user who pre-created the folder must not keep write access.
    [lock] = rows(release_build.msi, "MsiLockPermissionsEx")
    assert (lock["LockObject"], lock["Table"]) == ("POLICYDIR", "CreateFolder")
    assert lock["SDDL"] == "O:SYG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)"
    assert {"Directory_": "POLICYDIR", "Component_": "DefaultPolicy"} in rows(release_build.msi, "CreateFolder")
    sequence = {r["Action"] for r in rows(release_build.msi, "InstallExecuteSequence")}
    assert "CreateFolders" in sequence


def test_registry_tells_scripts_where_pycert_is(release_build):
    values = {r["Name"]: (r["Root"], r["Key"], r["Value"]) for r in rows(release_build.msi, "Registry")}
    assert values["InstallDir"] == ("2", "SOFTWARE\\PyCert", "[INSTALLDIR]")  # 2 = HKLM
    assert values["Version"] == ("2", "SOFTWARE\\PyCert", release_build.version)
    assert values["PolicyFile"] == ("2", "SOFTWARE\\PyCert", "[POLICYDIR]pycert.toml")


def test_msiextract_lays_out_the_tree(release_build, tmp_path):
    subprocess.run(["msiextract", "-C", str(tmp_path), str(release_build.msi)], check=True, capture_output=True)
    v = release_build.version
    # msiextract drops the standard folders: ProgramFiles64Folder\PyCert and ProgramData\PyCert both show as PyCert/
    assert (tmp_path / "PyCert" / "pycert").read_bytes() == release_build.exe.read_bytes()
    assert (tmp_path / "PyCert" / "pycert.toml").read_bytes() == (
        Path(__file__).resolve().parents[2] / "packaging" / "policy" / "pycert.toml"
    ).read_bytes()
    module = tmp_path / "WindowsPowerShell" / "Modules" / "PyCert" / v
    manifest = (module / "PyCert.psd1").read_text(encoding="utf-8-sig")
    assert "ModuleVersion" in manifest and f"'{v}'" in manifest
    assert (module / ROOT_MODULE).read_bytes() == merge_module(MODULE_SOURCE).encode("ascii")
    assert not any((module / folder).exists() for folder in FOLDERS)
    shipped = sorted(p.relative_to(tmp_path / "PyCert").as_posix() for p in (tmp_path / "PyCert").rglob("*") if p.is_file())
    frozen = sorted(p.relative_to(release_build.onedir).as_posix() for p in release_build.onedir.rglob("*") if p.is_file())
    assert shipped == sorted([*frozen, "pycert.toml"])


def test_second_version_keeps_upgrade_code_and_gets_a_new_product_code(release_build, next_build):
    first, second = properties(release_build.msi), properties(next_build.msi)
    assert first["UpgradeCode"] == second["UpgradeCode"] == UPGRADE_CODE
    assert first["ProductCode"] != second["ProductCode"]
    assert second["ProductVersion"] == next_build.version
    upgrade = {r["ActionProperty"]: r for r in rows(next_build.msi, "Upgrade")}
    assert upgrade["WIX_UPGRADE_DETECTED"]["VersionMax"] == next_build.version
    # the module moves to the new version's folder; app component GUIDs stay (same install paths)
    assert any(p.startswith(f"ProgramFiles64Folder/WindowsPowerShell/Modules/PyCert/{next_build.version}/")
               for p in installed_files(next_build.msi))
    guids = lambda msi: {r["Directory_"] + "/" + r["KeyPath"]: r["ComponentId"] for r in rows(msi, "Component")}  # noqa: E731
    assert guids(release_build.msi)["INSTALLDIR/PyCertExe"] == guids(next_build.msi)["INSTALLDIR/PyCertExe"]


@pytest.mark.parametrize(
    ("action", "prop", "key"),
    [("SetRenewalWindowDays", "RENEWALWINDOWDAYS", "profiles.obn.renewal_window_days"),
     ("SetMpkiRequiredVersion", "MPKIREQUIREDVERSION", "mpki.required_version")],
)
def test_property_actions_run_the_installed_exe_deferred_as_system(release_build, action, prop, key):
    actions = {r["Action"]: r for r in rows(release_build.msi, "CustomAction")}
    row = actions[action]
    # 18 = exe from the File table, +1024 deferred, +2048 no impersonation (LocalSystem)
    assert (row["Type"], row["Source"]) == ("3090", "PyCertExe")
    assert shlex.split(row["Target"]) == ["--config", "[POLICYDIR]pycert.toml", "config", "set", f"{key}=[{prop}]"]
    sequence = {r["Action"]: r for r in rows(release_build.msi, "InstallExecuteSequence")}
    assert sequence[action]["Condition"] == f'{prop} AND NOT REMOVE~="ALL"'
    assert int(sequence["InstallFiles"]["Sequence"]) < int(sequence[action]["Sequence"])


def test_build_check_catches_a_package_that_is_not_what_was_staged(release_build, tmp_path):
    import importlib.util
    import shutil

    from buildlib.versions import ROOT, BuildError

    spec = importlib.util.spec_from_file_location("pycert_build_script", ROOT / "packaging" / "build.py")
    build_script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_script)
    copy = tmp_path / "changed.msi"
    shutil.copy(release_build.msi, copy)
    staged = len(rows(copy, "File"))
    build_script.check_msi(copy, release_build.version, staged)  # the untouched copy passes
    subprocess.run(["msibuild", str(copy), "-q", "UPDATE Property SET Value = '9.9.9' WHERE Property = 'ProductVersion'"],
                   check=True, capture_output=True)
    subprocess.run(["msibuild", str(copy), "-q", "DELETE FROM Environment"], check=True, capture_output=True)
    with pytest.raises(BuildError) as caught:
        build_script.check_msi(copy, release_build.version, staged + 1)
    assert str(caught.value) == (
        f"changed.msi is not what was staged: ProductVersion is 9.9.9, not {release_build.version}; "
        f"{staged} files in the File table, {staged + 1} staged; no PATH row in the Environment table."
    )
