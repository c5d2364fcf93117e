"""Read MSI tables with msitools, and add to a wixl-built MSI what wixl does not author.

wixl (msitools 0.101) rejects <Environment> and <ShortcutProperty>, crashes on a non-ASCII
Shortcut Name, writes Root 4 (no such root) for HKMU, and silently ignores Component
NeverOverwrite/Permanent, Property Secure, Product Codepage and MajorUpgrade Schedule. The WiX source stays the
single description of the package: `complete_wixl_msi` reads those elements from it and writes
the rows WiX's compiler would have written."""

from __future__ import annotations

import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from buildlib.versions import BuildError

WIX = "{http://schemas.microsoft.com/wix/2006/wi}"
# Registry table Root: -1 = HKLM in a per-machine package, HKCU in a per-user one
HKMU = -1
WIXL_HKMU = 4  # what wixl 0.101 writes for Root="HKMU"
SHORTCUT_COLUMNS = (("Shortcut", "s72"), ("Directory_", "s72"), ("Name", "l128"), ("Component_", "s72"),
                    ("Target", "s72"), ("Arguments", "S255"), ("Description", "L255"), ("Hotkey", "I2"),
                    ("Icon_", "S72"), ("IconIndex", "I2"), ("ShowCmd", "I2"), ("WkDir", "S72"),
                    ("DisplayResourceDLL", "S255"), ("DisplayResourceId", "I2"), ("DescriptionResourceDLL", "S255"),
                    ("DescriptionResourceId", "I2"))
SHORTCUT_PROPERTY_COLUMNS = (("MsiShortcutProperty", "s72"), ("Shortcut_", "s72"), ("PropertyKey", "s0"),
                             ("PropVariantValue", "s0"))
# msidbComponentAttributes
PERMANENT = 16
NEVER_OVERWRITE = 128
WIN64 = 256


def export_table(msi: Path, table: str) -> list[dict[str, str]]:
    """Rows of one table as dicts (`msiinfo export`); an absent table is an empty list.
    Binary columns come back as stream names (msiinfo writes the streams to its cwd: a temp dir)."""
    with tempfile.TemporaryDirectory() as scratch:
        proc = subprocess.run(["msiinfo", "export", str(Path(msi).resolve()), table],
                              capture_output=True, text=True, cwd=scratch)
    if proc.returncode != 0:
        if "table not found" in proc.stderr:
            return []
        raise BuildError(f"msiinfo could not read table {table} of {msi} ({proc.stderr.strip()[:200]}).")
    lines = proc.stdout.split("\r\n") if "\r\n" in proc.stdout else proc.stdout.split("\n")
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"))) for line in lines[3:] if line]


def properties(msi: Path) -> dict[str, str]:
    return {row["Property"]: row["Value"] for row in export_table(msi, "Property")}


def _msibuild(msi: Path, *args: str) -> None:
    proc = subprocess.run(["msibuild", str(msi), *args], capture_output=True, text=True)
    if proc.returncode != 0 or "failed" in proc.stderr.lower():
        raise BuildError(f"msibuild {' '.join(args)[:120]} failed on {msi} ({proc.stderr.strip()[:200]}).")


def _sql(msi: Path, query: str) -> None:
    _msibuild(msi, "-q", query)


def environment_row(element: ET.Element, component: str) -> tuple[str, str, str, str]:
    """The Environment table row WiX v3 compiles an <Environment> element into."""
    prefix = {"set": "=", "create": "+", "remove": "!"}[element.get("Action", "set")]
    if element.get("Permanent", "no") != "yes":
        prefix += "-"
    if element.get("System", "no") == "yes":
        prefix += "*"
    value = element.get("Value", "")
    separator = element.get("Separator", ";")
    part = element.get("Part", "all")
    if part == "last":
        value = f"[~]{separator}{value}"
    elif part == "first":
        value = f"{value}{separator}[~]"
    return element.get("Id"), prefix + element.get("Name"), value, component


def _import_rows(msi: Path, table: str, columns: tuple[tuple[str, str], ...], rows: list[tuple[str, ...]]) -> None:
    """Add rows through an .idt file in UTF-8: msibuild stores them in the database's codepage
    (SQL string literals cannot hold a quote)."""
    if not rows:
        return
    header = "\t".join(c for c, _ in columns) + "\r\n" + "\t".join(t for _, t in columns) + "\r\n"
    header += f"{table}\t{columns[0][0]}\r\n"
    body = "".join("\t".join(row) + "\r\n" for row in rows)
    with tempfile.TemporaryDirectory() as tmp:
        idt = Path(tmp) / f"{table}.idt"
        idt.write_bytes((header + body).encode("utf-8"))
        _msibuild(msi, "-i", str(idt))


def _codepage(msi: Path, root: ET.Element) -> None:
    """Product/@Codepage, which wixl ignores: set before any non-ASCII string goes in."""
    codepage = root.find(f"{WIX}Product").get("Codepage")
    if codepage and codepage != "0":
        with tempfile.TemporaryDirectory() as tmp:
            idt = Path(tmp) / "_ForceCodepage.idt"
            idt.write_bytes(f"\r\n\r\n{int(codepage)}\t_ForceCodepage\r\n".encode("ascii"))
            _msibuild(msi, "-i", str(idt))


def _shortcuts(msi: Path, root: ET.Element) -> None:
    """<Shortcut> and its <ShortcutProperty> children, as WiX compiles them (the WiX source
    keeps them inside `<?if $(var.Toolset) = "wix" ?>`, so wixl never sees them)."""
    shortcuts, properties_ = [], []
    for comp in root.iter(f"{WIX}Component"):
        for sc in comp.iter(f"{WIX}Shortcut"):
            values = {"Shortcut": sc.get("Id"), "Directory_": sc.get("Directory") or _component_directory(root, comp),
                      "Name": f"{sc.get('ShortName')}|{sc.get('Name')}" if sc.get("ShortName") else sc.get("Name"), "Component_": comp.get("Id"), "Target": sc.get("Target", ""),
                      "Arguments": sc.get("Arguments", ""), "Description": sc.get("Description", ""),
                      "Icon_": sc.get("Icon", ""), "IconIndex": sc.get("IconIndex", ""), "WkDir": sc.get("WorkingDirectory", "")}
            shortcuts.append(tuple(values.get(c, "") for c, _ in SHORTCUT_COLUMNS))
            for prop in sc.iter(f"{WIX}ShortcutProperty"):
                key = prop.get("Key")
                row_id = prop.get("Id") or f"scp{sc.get('Id')}{re.sub(r'[^A-Za-z0-9_]', '', key)}"[:72]
                properties_.append((row_id, sc.get("Id"), key, prop.get("Value", "")))
    if not shortcuts:
        return
    if any(r["Shortcut"] for r in export_table(msi, "Shortcut")):
        raise BuildError("wixl compiled a Shortcut itself; keep <Shortcut> inside the Toolset = wix condition.")
    _import_rows(msi, "Shortcut", SHORTCUT_COLUMNS, shortcuts)
    _import_rows(msi, "MsiShortcutProperty", SHORTCUT_PROPERTY_COLUMNS, properties_)
    sequenced = {r["Action"] for r in export_table(msi, "InstallExecuteSequence")}
    for action, number in (("RemoveShortcuts", 3200), ("CreateShortcuts", 4500)):  # WiX's standard numbers
        if action not in sequenced:
            _sql(msi, f"INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('{action}', {number})")


def _hkmu(msi: Path, root: ET.Element) -> None:
    keys = {(r.get("Key"), r.get("Name")) for r in root.iter(f"{WIX}RegistryValue") if r.get("Root") == "HKMU"}
    for row in export_table(msi, "Registry"):
        if int(row["Root"]) == WIXL_HKMU and (row["Key"], row["Name"]) in keys:
            _sql(msi, f"UPDATE Registry SET Root = {HKMU} WHERE Registry = '{row['Registry']}'")


def complete_wixl_msi(msi: Path, wxs: Path) -> None:
    root = ET.parse(wxs).getroot()
    _codepage(msi, root)
    for comp in root.iter(f"{WIX}Component"):
        extra = (PERMANENT if comp.get("Permanent") == "yes" else 0) | (
            NEVER_OVERWRITE if comp.get("NeverOverwrite") == "yes" else 0
        )
        if extra:
            _sql(msi, f"UPDATE Component SET Attributes = {WIN64 | extra} WHERE Component = '{comp.get('Id')}'")

    secure = [p.get("Id") for p in root.iter(f"{WIX}Property") if p.get("Secure") == "yes"]
    if secure:
        current = properties(msi).get("SecureCustomProperties", "")
        names = [n for n in current.split(";") if n] + secure
        _sql(msi, f"UPDATE Property SET Value = '{';'.join(names)}' WHERE Property = 'SecureCustomProperties'")

    rows = [
        environment_row(env, comp.get("Id"))
        for comp in root.iter(f"{WIX}Component")
        for env in comp.iter(f"{WIX}Environment")
    ]
    if rows:
        with tempfile.TemporaryDirectory() as tmp:
            idt = Path(tmp) / "Environment.idt"
            body = "".join("\t".join(r) + "\r\n" for r in rows)
            idt.write_text("Environment\tName\tValue\tComponent_\r\ns72\tl255\tL255\ts72\r\nEnvironment\tEnvironment\r\n" + body)
            _msibuild(msi, "-i", str(idt))
        # Standard sequence numbers, as WiX schedules them.
        _sql(msi, "INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('RemoveEnvironmentStrings', 3300)")
        _sql(msi, "INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('WriteEnvironmentStrings', 5200)")

    _lock_permissions(msi, root)
    _shortcuts(msi, root)
    _hkmu(msi, root)

    upgrade = root.find(f".//{WIX}MajorUpgrade")
    if upgrade is not None and upgrade.get("Schedule") == "afterInstallValidate":
        sequence = {r["Action"]: int(r["Sequence"]) for r in export_table(msi, "InstallExecuteSequence")}
        _sql(
            msi,
            f"UPDATE InstallExecuteSequence SET Sequence = {sequence['InstallValidate'] + 1} "
            "WHERE Action = 'RemoveExistingProducts'",
        )


def _lock_permissions(msi: Path, root: ET.Element) -> None:
    """<CreateFolder><PermissionEx Sddl=.../></CreateFolder>, which wixl does not compile:
    a CreateFolder row and an MsiLockPermissionsEx row (Windows Installer 5), as WiX writes."""
    rows = []
    for comp in root.iter(f"{WIX}Component"):
        directory = _component_directory(root, comp)
        for folder in comp.iter(f"{WIX}CreateFolder"):
            for number, perm in enumerate(folder.iter(f"{WIX}PermissionEx")):
                rows.append((f"Lock{comp.get('Id')}{number}", directory, comp.get("Id"), perm.get("Sddl")))
    if not rows:
        return
    with tempfile.TemporaryDirectory() as tmp:
        create = Path(tmp) / "CreateFolder.idt"
        create.write_text("Directory_\tComponent_\r\ns72\ts72\r\nCreateFolder\tDirectory_\tComponent_\r\n"
                          + "".join(f"{d}\t{c}\r\n" for _, d, c, _ in rows))
        lock = Path(tmp) / "MsiLockPermissionsEx.idt"
        lock.write_text("MsiLockPermissionsEx\tLockObject\tTable\tSDDL\tCondition\r\n"
                        "s72\ts72\ts32\tl0\tS255\r\nMsiLockPermissionsEx\tMsiLockPermissionsEx\r\n"
                        + "".join(f"{i}\t{d}\tCreateFolder\t{sddl}\t\r\n" for i, d, _, sddl in rows))
        _msibuild(msi, "-i", str(create))
        _msibuild(msi, "-i", str(lock))
    # wixl schedules only the actions its tables need; the standard WiX sequence numbers:
    sequenced = {r["Action"] for r in export_table(msi, "InstallExecuteSequence")}
    for action, number in (("RemoveFolders", 3600), ("CreateFolders", 3700)):
        if action not in sequenced:
            _sql(msi, f"INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('{action}', {number})")


def _component_directory(root: ET.Element, component: ET.Element) -> str:
    for ref in root.iter():
        if ref.tag in (f"{WIX}DirectoryRef", f"{WIX}Directory") and component in list(ref):
            return ref.get("Id")
    raise BuildError(f"component {component.get('Id')} is not inside a Directory or DirectoryRef")
