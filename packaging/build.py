"""Build a PyCert release: freeze pycert (PyInstaller onedir), stage the payload, generate the
WiX file list, build the MSI, check it, and optionally sign it. With a signing certificate the
PowerShell module's files (inside the MSI) and the deployment scripts (dist/scripts) are signed
too, so terminals with the AllSigned execution policy and Intune's "Enforce script signature
check" run them.

    python packaging/build.py [--frozen DIR] [--msi-version X.Y.Z] [--help-url URL]
                              [--sign-cert CERT [--sign-key KEY] [--sign-pass-file F]]

Windows: freezes the Windows pycert.exe and builds with WiX v3 (candle/light on PATH).
Elsewhere: freezes a Linux binary and builds with wixl to prove the authoring and the
pipeline; that MSI is labelled NOT FOR WINDOWS in its file name and summary comments.
Exit codes: 0 built, 2 a build input or tool problem (one `error:` sentence on stderr).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from buildlib import fragment, msitables  # noqa: E402
from buildlib.icon import icon_bytes  # noqa: E402
from buildlib.module import stage_module  # noqa: E402
from buildlib.sign import Signer, sign, verify  # noqa: E402
from buildlib.versioninfo import version_info_text  # noqa: E402
from buildlib.versions import ROOT, BuildError, msi_version, package_version  # noqa: E402

PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "pycert.spec"
WXS = PACKAGING / "wix" / "PyCert.wxs"
POLICY_TEMPLATE = PACKAGING / "policy" / "pycert.toml"
MODULE_SOURCE = ROOT / "powershell" / "PyCert"
ON_WINDOWS = sys.platform == "win32"
EXE_NAME = "pycert.exe" if ON_WINDOWS else "pycert"
WINDOWLESS_NAME = "pycertw.exe" if ON_WINDOWS else "pycertw"  # no console: scheduled tasks, reminders
NOT_FOR_WINDOWS = "TEST BUILD with a Linux pycert binary: NOT FOR WINDOWS"
# The scripts an admin uploads to Intune, SCCM or a GPO; dist/scripts holds a copy of each
# folder (signed when the build signs).
DEPLOYMENT_FOLDERS = ("intune", "sccm", "gpo")
SIGNABLE_SCRIPTS = (".ps1", ".psm1", ".psd1", ".ps1xml")


def say(message: str) -> None:
    print(message, flush=True)


def upgrade_code() -> str:
    product = ET.parse(WXS).getroot().find(f"{msitables.WIX}Product")
    return product.get("UpgradeCode")


def msi_name(version: str) -> str:
    return f"PyCert-{version}-x64.msi" if ON_WINDOWS else f"PyCert-{version}-x64-NOT-FOR-WINDOWS.msi"


def freeze(work: Path, dist: Path, version: str) -> Path:
    """Run PyInstaller on the spec; returns the onedir folder (dist/pycert)."""
    version_file = work / "version_info.txt"
    version_file.write_text(version_info_text(version, "pycert.exe"), encoding="utf-8")
    windowless_version_file = work / "version_info_w.txt"
    windowless_version_file.write_text(version_info_text(version, "pycertw.exe"), encoding="utf-8")
    argv = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work / "pyinstaller"), str(SPEC),
        "--", "--version-file", str(version_file), "--windowless-version-file", str(windowless_version_file),
        "--icon", str(work / "PyCert.ico"),
    ]
    if subprocess.run(argv).returncode != 0:
        raise BuildError("PyInstaller failed (its messages are above); fix them and rebuild.")
    return dist / "pycert"


def sign_scripts(folder: Path, signer: Signer, ca_file: str | None) -> list[Path]:
    """Authenticode-sign every PowerShell file under `folder` (signtool on Windows, osslsigncode
    elsewhere: both write the `# SIG # Begin signature block` PowerShell checks) and verify it."""
    scripts = sorted(p for p in folder.rglob("*") if p.suffix.lower() in SIGNABLE_SCRIPTS)
    for script in scripts:
        sign(script, signer)
        verify(script, ca_file)
    return scripts


def stage_deployment_scripts(dist: Path, signer: Signer | None, ca_file: str | None) -> Path:
    out = dist / "scripts"
    shutil.rmtree(out, ignore_errors=True)
    for folder in DEPLOYMENT_FOLDERS:
        shutil.copytree(PACKAGING / folder, out / folder)
    if signer:
        say(f"==> signing the deployment scripts in {out}")
        try:
            sign_scripts(out, signer, ca_file)
        except BuildError:
            shutil.rmtree(out, ignore_errors=True)  # no unsigned scripts where signed ones were asked for
            raise
    return out


def check_frozen(onedir: Path, version: str) -> None:
    exe = onedir / EXE_NAME
    if not exe.is_file():
        raise BuildError(f"{onedir} has no {EXE_NAME}; pass the onedir folder PyInstaller made (dist/pycert).")
    if not (onedir / WINDOWLESS_NAME).is_file():
        raise BuildError(f"{onedir} has no {WINDOWLESS_NAME} (the windowless twin packaging/pycert.spec builds).")
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0 or proc.stdout.strip() != f"pycert {version}":
        raise BuildError(f"the frozen {exe} --version printed {proc.stdout.strip()!r} (exit {proc.returncode}), not 'pycert {version}'.")


def compile_msi(work: Path, out: Path, defines: dict[str, str], sources: list[Path]) -> None:
    if ON_WINDOWS:
        candle, light = shutil.which("candle"), shutil.which("light")
        if not (candle and light):
            raise BuildError("candle/light (WiX Toolset v3) are not on PATH; install WiX 3.14 and add its bin folder.")
        objects = work / "obj"
        objects.mkdir(exist_ok=True)
        argv = [candle, "-nologo", "-arch", "x64", "-out", f"{objects}\\", *(f"-d{k}={v}" for k, v in defines.items())]
        steps = [[*argv, *map(str, sources)],
                 [light, "-nologo", "-out", str(out), *(str(objects / (s.stem + ".wixobj")) for s in sources)]]
    else:
        wixl = shutil.which("wixl")
        if not wixl:
            raise BuildError("wixl is not on PATH; install it (apt-get install wixl msitools).")
        argv = [wixl, "-a", "x64", "-o", str(out)]
        for key, value in defines.items():
            argv += ["-D", f"{key}={value}"]
        steps = [[*argv, *map(str, sources)]]
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True, cwd=work)
        noise = [line for line in proc.stderr.splitlines() if line.strip() and "GLib-GObject-WARNING" not in line]
        if proc.returncode != 0:
            raise BuildError(f"{Path(step[0]).name} failed: {' / '.join(noise[-3:]) or proc.stdout.strip()[-300:]}")
    if not ON_WINDOWS:
        msitables.complete_wixl_msi(out, WXS)


def check_msi(msi: Path, version: str, payload_files: int) -> None:
    """Read the built package back and compare it with what was meant to go in."""
    if not shutil.which("msiinfo"):
        say("msiinfo not found: table checks skipped (run the W-PKG rows of docs/windows-acceptance.md).")
        return
    props = msitables.properties(msi)
    problems = []
    if props.get("ProductVersion") != version:
        problems.append(f"ProductVersion is {props.get('ProductVersion')}, not {version}")
    if props.get("UpgradeCode") != upgrade_code():
        problems.append(f"UpgradeCode is {props.get('UpgradeCode')}, not {upgrade_code()}")
    files = msitables.export_table(msi, "File")
    if len(files) != payload_files:
        problems.append(f"{len(files)} files in the File table, {payload_files} staged")
    if not any(r["Name"].endswith("PATH") for r in msitables.export_table(msi, "Environment")):
        problems.append("no PATH row in the Environment table")
    not64 = [r["Component"] for r in msitables.export_table(msi, "Component") if not int(r["Attributes"]) & msitables.WIN64]
    if not64:
        problems.append(f"components without the 64-bit attribute: {', '.join(not64[:3])}")
    if problems:
        raise BuildError(f"{msi.name} is not what was staged: {'; '.join(problems)}.")


def build(args: argparse.Namespace) -> Path:
    app_version = package_version()
    version = args.msi_version or app_version
    msi_version(version)
    if version != app_version:
        say(f"note: the MSI says {version} but the frozen pycert says {app_version} (--msi-version is for upgrade tests).")
    work = Path(args.work).resolve()
    dist = Path(args.dist).resolve()
    work.mkdir(parents=True, exist_ok=True)
    dist.mkdir(parents=True, exist_ok=True)
    (work / "PyCert.ico").write_bytes(icon_bytes())

    if args.frozen:
        onedir = Path(args.frozen).resolve()
        say(f"==> using the frozen app in {onedir}")
    else:
        say("==> freezing pycert with PyInstaller (onedir)")
        onedir = freeze(work, dist, app_version)
    check_frozen(onedir, app_version)
    signer = Signer(args.sign_cert, args.sign_key, args.sign_pass_file, args.timestamp_url) if args.sign_cert else None
    if signer and ON_WINDOWS:
        for name in (EXE_NAME, WINDOWLESS_NAME):
            say(f"==> signing {name}")
            sign(onedir / name, signer)

    say("==> staging the payload and generating Files.wxs")
    # Everything the compiler reads sits under `work`, named relative to it (wixl rejects
    # absolute source paths).
    for name in ("app", "module", "policy"):
        shutil.rmtree(work / name, ignore_errors=True)
    shutil.copytree(onedir, work / "app", symlinks=True)
    (work / "policy").mkdir()
    shutil.copy2(POLICY_TEMPLATE, work / "policy" / "pycert.toml")
    module = work / "module"
    if not stage_module(MODULE_SOURCE, module, version, args.allow_missing_module):
        say(f"WARNING: {MODULE_SOURCE} is empty: the MSI carries a placeholder PyCert.psd1 (test build only).")
    if signer:
        say("==> signing the PowerShell module")
        sign_scripts(module, signer, args.sign_ca)
    trees = [
        fragment.Tree("AppFiles", "INSTALLDIR", "ProgramFiles64Folder/PyCert", Path("app"), {EXE_NAME: "PyCertExe", WINDOWLESS_NAME: "PyCertWindowlessExe"}),
        fragment.Tree("ModuleFiles", "MODULEVERSIONDIR",
                      f"ProgramFiles64Folder/WindowsPowerShell/Modules/PyCert/{version}", Path("module")),
    ]
    files_wxs = work / "Files.wxs"
    files_wxs.write_text(fragment.fragment_xml(trees, work), encoding="utf-8")
    payload = sum(len(fragment.files_of(t, work)) for t in trees) + 1  # + the default policy

    out = dist / msi_name(version)
    comments = f"PyCert {version}" if ON_WINDOWS else NOT_FOR_WINDOWS
    defines = {
        "Version": version,
        "Toolset": "wix" if ON_WINDOWS else "wixl",
        "PolicyFile": "policy/pycert.toml",
        "IconFile": "PyCert.ico",
        "HelpUrl": args.help_url or "",
        "Comments": comments,
    }
    say(f"==> building {out.name} ({payload} files)")
    out.unlink(missing_ok=True)
    compile_msi(work, out, defines, [WXS, files_wxs])
    check_msi(out, version, payload)

    if signer:
        say(f"==> signing {out.name}")
        try:
            sign(out, signer)
            verify(out, args.sign_ca)
        except BuildError:
            out.unlink(missing_ok=True)  # never leave an unsigned package where a signed one was asked for
            raise
    scripts = stage_deployment_scripts(dist, signer, args.sign_ca)
    size = out.stat().st_size
    say(f"built {out} ({size / 1e6:.1f} MB), app folder {onedir}, deployment scripts {scripts}")
    if not ON_WINDOWS:
        say(f"{NOT_FOR_WINDOWS}: it proves the MSI authoring; build on Windows for a release.")
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--frozen", metavar="DIR", help="use this onedir folder instead of freezing again")
    parser.add_argument("--dist", metavar="DIR", default=str(ROOT / "dist"), help="output folder (default: dist)")
    parser.add_argument("--work", metavar="DIR", default=str(ROOT / "build" / "msi"),
                        help="scratch folder for PyInstaller and the staged payload (default: build/msi)")
    parser.add_argument("--msi-version", metavar="X.Y.Z",
                        help="MSI ProductVersion other than pycert.__version__ (upgrade tests only)")
    parser.add_argument("--help-url", metavar="URL", help="Add/Remove Programs help and about link")
    parser.add_argument("--allow-missing-module", action="store_true",
                        help="ship a placeholder manifest when powershell/PyCert is empty (test builds)")
    parser.add_argument("--sign-cert", metavar="CERT",
                        help="sign the MSI, the module and the deployment scripts: a certificate thumbprint "
                             "(Windows) or PEM file (osslsigncode)")
    parser.add_argument("--sign-key", metavar="KEY", help="PEM private key (osslsigncode)")
    parser.add_argument("--sign-pass-file", metavar="FILE", help="file holding the key's password (osslsigncode)")
    parser.add_argument("--sign-ca", metavar="FILE", help="CA file to verify the signature chain after signing")
    parser.add_argument("--timestamp-url", metavar="URL", help="RFC 3161 timestamp server")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        build(args)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
