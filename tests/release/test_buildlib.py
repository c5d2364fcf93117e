"""The build's pure pieces: version checks, the Windows version resource, the icon, the
generated WiX fragment, Environment rows, module staging, and build.py's error exit."""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from buildlib import fragment
from buildlib.icon import icon_bytes
from buildlib.module import merge_module, stage_module
from buildlib.msitables import WIX, environment_row
from buildlib.versioninfo import version_info_text
from buildlib.versions import ROOT, BuildError, msi_version, package_version


def test_package_version_is_pycerts():
    import pycert

    assert package_version() == pycert.__version__


@pytest.mark.parametrize(("version", "message"), [
    ("1.2", "is not X.Y.Z"), ("1.2.3rc1", "is not X.Y.Z"), ("256.0.0", "out of range"), ("1.0.65536", "out of range"),
])
def test_msi_version_rejects_what_windows_installer_cannot_compare(version, message):
    with pytest.raises(BuildError, match=message):
        msi_version(version)


def test_version_resource_compiles_with_pyinstallers_parser(tmp_path, monkeypatch):
    pytest.importorskip("pefile", reason="pefile (PyInstaller's Windows resource reader) is not installed: pip install -e '.[build]'")
    import PyInstaller.compat

    # versioninfo imports win32api only to write resources into an .exe, which needs Windows
    monkeypatch.setattr(PyInstaller.compat, "win32api", None, raising=False)
    from PyInstaller.utils.win32.versioninfo import load_version_info_from_text_file

    path = tmp_path / "version_info.txt"
    path.write_text(version_info_text("1.20.300", "pycert.exe"), encoding="utf-8")
    info = load_version_info_from_text_file(str(path))
    assert (info.ffi.fileVersionMS, info.ffi.fileVersionLS) == ((1 << 16) | 20, 300 << 16)
    assert (info.ffi.productVersionMS, info.ffi.productVersionLS) == ((1 << 16) | 20, 300 << 16)
    strings = {s.name: s.val for s in info.kids[0].kids[0].kids}
    assert strings["FileVersion"] == strings["ProductVersion"] == "1.20.300"
    assert strings["OriginalFilename"] == "pycert.exe" and strings["ProductName"] == "PyCert"
    raw = info.toRaw()  # the VS_VERSIONINFO block PyInstaller writes into pycert.exe
    assert struct.unpack_from("<I", raw, 40)[0] == 0xFEEF04BD  # VS_FIXEDFILEINFO signature
    assert "1.20.300".encode("utf-16-le") in raw


def test_the_windowless_twin_has_its_own_original_filename(tmp_path, monkeypatch):
    """pycertw.exe said OriginalFilename pycert.exe: a renamed-file check or an AppLocker rule
    on the original name could not tell the two apart."""
    pytest.importorskip("pefile", reason="pefile (PyInstaller's Windows resource reader) is not installed: pip install -e '.[build]'")
    import PyInstaller.compat

    monkeypatch.setattr(PyInstaller.compat, "win32api", None, raising=False)
    from PyInstaller.utils.win32.versioninfo import load_version_info_from_text_file

    path = tmp_path / "version_info_w.txt"
    path.write_text(version_info_text("1.20.300", "pycertw.exe"), encoding="utf-8")
    strings = {s.name: s.val for s in load_version_info_from_text_file(str(path)).kids[0].kids[0].kids}
    assert (strings["OriginalFilename"], strings["InternalName"]) == ("pycertw.exe", "pycertw")
    assert strings["FileDescription"] == "PyCert certificate checks for medical-institution terminals (no console window)"
    assert strings["FileVersion"] == "1.20.300"


def test_icon_is_a_valid_ico_with_two_sizes():
    data = icon_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 2)
    for i, size in enumerate((16, 32)):
        width, height, _, _, planes, bpp, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert (width, height, planes, bpp) == (size, size, 1, 32)
        header = struct.unpack_from("<IiiHH", data, offset)
        assert header == (40, size, size * 2, 1, 32)
        assert offset + length <= len(data)
        assert length == 40 + size * size * 4 + ((size + 31) // 32) * 4 * size


def _tree(base: Path, version: str = "1.0.0") -> fragment.Tree:
    (base / "app" / "_internal" / "sub").mkdir(parents=True, exist_ok=True)
    (base / "app" / "pycert.exe").write_bytes(b"MZ")
    (base / "app" / "_internal" / "sub" / "a b.txt").write_text("x")
    return fragment.Tree("AppFiles", "INSTALLDIR", f"ProgramFiles64Folder/PyCert/{version}", Path("app"),
                         {"pycert.exe": "PyCertExe"})


def test_fragment_lists_every_file_once_with_stable_ids(tmp_path):
    tree = _tree(tmp_path)
    xml = fragment.fragment_xml([tree], tmp_path)
    assert xml == fragment.fragment_xml([tree], tmp_path)  # deterministic
    root = ET.fromstring(xml)
    files = {f.get("Source"): f for f in root.iter(f"{WIX}File")}
    assert set(files) == {"app/pycert.exe", "app/_internal/sub/a b.txt"}
    assert files["app/pycert.exe"].get("Id") == "PyCertExe"
    components = list(root.iter(f"{WIX}Component"))
    assert all(c.get("Win64") == "yes" for c in components)
    refs = [r.get("Id") for r in root.iter(f"{WIX}ComponentRef")]
    assert sorted(refs) == sorted(c.get("Id") for c in components)
    nested = root.find(f".//{WIX}DirectoryRef[@Id='INSTALLDIR']/{WIX}Directory[@Name='_internal']/{WIX}Directory[@Name='sub']")
    assert nested is not None and nested.find(f"{WIX}Component/{WIX}File").get("Name") == "a b.txt"


def test_component_guids_follow_the_install_path(tmp_path):
    one = ET.fromstring(fragment.fragment_xml([_tree(tmp_path, "1.0.0")], tmp_path))
    two = ET.fromstring(fragment.fragment_xml([_tree(tmp_path, "2.0.0")], tmp_path))
    guids = lambda root: sorted(c.get("Guid") for c in root.iter(f"{WIX}Component"))  # noqa: E731
    assert guids(one) != guids(two)
    assert fragment.component_guid("X/PyCert", "pycert.exe") == fragment.component_guid("X/PyCert", "pycert.exe")
    assert fragment.component_guid("X/PyCert", "pycert.exe").startswith("{") and len(guids(one)[0]) == 38


@pytest.mark.parametrize(("attrs", "name", "value"), [
    ({"Action": "set", "System": "yes", "Part": "last", "Value": "[INSTALLDIR]"}, "=-*PATH", "[~];[INSTALLDIR]"),
    ({"Action": "set", "System": "no", "Part": "first", "Value": "C:\\x"}, "=-PATH", "C:\\x;[~]"),
    ({"Action": "create", "Permanent": "yes", "Value": "1"}, "+PATH", "1"),
])
def test_environment_rows_follow_wix_v3(attrs, name, value):
    element = ET.Element(f"{WIX}Environment", {"Id": "E", "Name": "PATH", **attrs})
    assert environment_row(element, "Comp") == ("E", name, value, "Comp")


def test_wxs_authors_the_path_entry_for_both_toolsets():
    """The Environment element wixl cannot compile is still in the source build.py translates."""
    root = ET.parse(ROOT / "packaging" / "wix" / "PyCert.wxs").getroot()
    [env] = root.iter(f"{WIX}Environment")
    assert environment_row(env, "PathAndRegistry") == ("PathPyCert", "=-*PATH", "[~];[INSTALLDIR]", "PathAndRegistry")


def test_module_staging_stamps_the_version_and_keeps_the_bom(tmp_path):
    source = _module_source(tmp_path)
    assert stage_module(source, tmp_path / "out", "2.3.4", allow_missing=False) is True
    assert (tmp_path / "out" / "PyCert.psd1").read_bytes() == (
        b"\xef\xbb\xbf@{\r\n    ModuleVersion = '2.3.4'\r\n    RootModule = 'PyCert.psm1'\r\n}\r\n"
    )
    assert (tmp_path / "out" / "en-US" / "about_PyCert.help.txt").read_text() == "help"
    assert (source / "PyCert.psd1").read_bytes().count(b"0.0.1") == 1  # the source is untouched


def test_module_staging_ships_the_merged_psm1_without_its_sources(tmp_path):
    source = _module_source(tmp_path)
    (source / "en-US" / "Private").mkdir()  # only the module's own Private/ and Public/ are sources
    (source / "en-US" / "Private" / "keep.txt").write_text("kept")
    stage_module(source, tmp_path / "out", "2.3.4", allow_missing=False)
    staged = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert staged == ["PyCert.psd1", "PyCert.psm1", "en-US/Private/keep.txt", "en-US/about_PyCert.help.txt"]
    assert (tmp_path / "out" / "PyCert.psm1").read_bytes() == MERGED.encode("ascii")
    assert b"source loader" in (source / "PyCert.psm1").read_bytes()  # the source is untouched


def test_module_staging_refuses_a_manifest_without_version_and_a_missing_module(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    with pytest.raises(BuildError, match="holds no module files"):
        stage_module(source, tmp_path / "out", "1.0.0", allow_missing=False)
    assert stage_module(source, tmp_path / "out", "1.0.0", allow_missing=True) is False
    assert "ModuleVersion     = '1.0.0'" in (tmp_path / "out" / "PyCert.psd1").read_text()
    source = _module_source(tmp_path)
    (source / "PyCert.psd1").write_text("@{ RootModule = 'PyCert.psm1' }")
    with pytest.raises(BuildError, match="has no ModuleVersion"):
        stage_module(source, tmp_path / "out", "1.0.0", allow_missing=False)
    (source / "PyCert.psm1").write_text("function X { }\n")
    with pytest.raises(BuildError, match="needs exactly one '#region source loader' line"):
        stage_module(source, tmp_path / "out", "1.0.0", allow_missing=False)


def _module_source(base: Path, newline: str = "\n") -> Path:
    """A small module source tree: a PyCert.psm1 with a loader region, Private/ and Public/."""
    source = base / "src"
    for folder in ("Private", "Public", "en-US"):
        (source / folder).mkdir(parents=True)
    psm1 = "#Requires -Version 5.1\n$script:X = 1\n#region source loader: replaced\n. $load\n#endregion source loader\n# footer\n"
    (source / "PyCert.psm1").write_bytes(psm1.replace("\n", newline).encode("ascii"))
    (source / "Public" / "Get-B.ps1").write_text("function Get-B {\n    'b'\n}\n")
    (source / "Public" / "Get-A.ps1").write_text("function Get-A { 'a' }")
    (source / "Private" / "New-C.ps1").write_bytes(b"\r\n\r\nfunction New-C {\r\n    'c'\r\n}\r\n\r\n")
    (source / "Public" / "notes.txt").write_text("not code")
    (source / "PyCert.psd1").write_bytes(b"\xef\xbb\xbf@{\r\n    ModuleVersion = '0.0.1'\r\n    RootModule = 'PyCert.psm1'\r\n}\r\n")
    (source / "en-US" / "about_PyCert.help.txt").write_text("help")
    return source


MERGED = """#Requires -Version 5.1
$script:X = 1
# Merged by packaging/buildlib/module.py from Private/*.ps1 and Public/*.ps1: edit those, not this file.

# --- Private/New-C.ps1
function New-C {
    'c'
}

# --- Public/Get-A.ps1
function Get-A { 'a' }

# --- Public/Get-B.ps1
function Get-B {
    'b'
}
# footer
"""


def test_merge_replaces_the_loader_with_private_then_public_files_by_name(tmp_path):
    assert merge_module(_module_source(tmp_path)) == MERGED


def test_merge_keeps_the_line_endings_of_the_source_psm1(tmp_path):
    merged = merge_module(_module_source(tmp_path, newline="\r\n"))
    assert merged == MERGED.replace("\n", "\r\n")


@pytest.mark.parametrize(("psm1", "message"), [
    ("function X { }\n", "needs exactly one '#region source loader' line"),
    ("#region source loader\n#endregion source loader\n#region source loader\n#endregion source loader\n", "needs exactly one"),
    ("#endregion source loader\n#region source loader\n", "needs exactly one"),
])
def test_merge_refuses_a_psm1_without_one_loader_region(tmp_path, psm1, message):
    source = _module_source(tmp_path)
    (source / "PyCert.psm1").write_text(psm1)
    with pytest.raises(BuildError, match=message):
        merge_module(source)


def test_merge_refuses_non_ascii_and_a_missing_folder(tmp_path):
    source = _module_source(tmp_path)
    (source / "Public" / "Get-A.ps1").write_bytes("function Get-A {\n    '\u8a3c\u660e\u66f8'\n}\n".encode("utf-8"))
    with pytest.raises(BuildError, match=r"Get-A\.ps1 line 2 is not ASCII"):
        merge_module(source)
    (source / "Public" / "Get-A.ps1").unlink()
    (source / "Private" / "New-C.ps1").unlink()
    (source / "Private").rmdir()
    with pytest.raises(BuildError, match=r"Private is missing"):
        merge_module(source)


def test_build_script_bad_version_is_one_sentence_exit_2(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--msi-version", "1.0", "--work", str(tmp_path / "w"),
         "--dist", str(tmp_path / "d")],
        capture_output=True, text=True, timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "error: version '1.0' is not X.Y.Z with numbers only, which an MSI ProductVersion needs.\n"
    assert not (tmp_path / "d").exists()
