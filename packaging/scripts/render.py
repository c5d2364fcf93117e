"""Render the deployment scripts from one core and three templates.

Intune and SCCM take a single self-contained file per script, so the core (find the
exe, run it, print the summary line) is inlined into each; this file is the only place
those copies come from. Run `python packaging/scripts/render.py` after editing
core.ps1 or a template; `--check` exits 1 when a rendered file is out of date (the
tests run it).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGING = HERE.parent
ROOT = PACKAGING.parent


def package_version() -> str:
    text = (ROOT / "pycert" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


@dataclass(frozen=True)
class Script:
    path: str  # below packaging/
    template: str
    synopsis: str
    settings: str  # how to configure it, for the header
    check: str = ""
    args: tuple[str, ...] = ()
    pass_exit_code: bool = True
    # SCCM remediates only rules with the Equals operator: a compliant discovery prints
    # exactly "COMPLIANT" (the full line otherwise, so the report still says why)
    equals_rule: bool = False


INTUNE_USER = "Intune: Run this script using the logged-on credentials = Yes; Run script in 64-bit PowerShell = Yes."
INTUNE_SYSTEM = "Intune: Run this script using the logged-on credentials = No (SYSTEM); Run script in 64-bit PowerShell = Yes."
CI_USER = "SCCM configuration item: Run scripts by using the logged on user credentials = Yes."
CI_SYSTEM = "SCCM configuration item: Run scripts by using the logged on user credentials = No (SYSTEM); 64-bit."
CHECKS = {
    "Expiry": ("expiry", "client-certificate expiry (CurrentUser\\My of the signed-in user)", INTUNE_USER, CI_USER),
    "RootCA": ("rootca", "Security Communication RootCA2 in Trusted Root (LocalMachine)", INTUNE_SYSTEM, CI_SYSTEM),
    "Mpki": ("mpki", "Cybertrust Managed PKI Client version", INTUNE_SYSTEM, CI_SYSTEM),
}


def scripts() -> list[Script]:
    out = []
    for label, (check, what, intune, ci) in CHECKS.items():
        out += [
            Script(f"intune/PyCert-{label}-Detect.ps1", "run.ps1.in", f"Intune Remediations detection script: {what}.",
                   intune, check, ("detect", check)),
            Script(f"intune/PyCert-{label}-Remediate.ps1", "run.ps1.in", f"Intune Remediations remediation script: {what}.",
                   intune, check, ("remediate", check)),
            Script(f"sccm/PyCert-CI-{label}-Discovery.ps1", "run.ps1.in",
                   f"SCCM compliance item discovery script: {what}. Compliance rule: the value Equals 'COMPLIANT'.",
                   ci, check, ("detect", check), pass_exit_code=False, equals_rule=True),
            Script(f"sccm/PyCert-CI-{label}-Remediation.ps1", "run.ps1.in", f"SCCM compliance item remediation script: {what}.",
                   ci, check, ("remediate", check)),
        ]
    out += [
        Script("intune/PyCert-App-Detection.ps1", "app-detection.ps1.in",
               "Intune Win32 app custom detection script for PyCert itself.",
               "Intune Win32 app: Detection rules > Use a custom detection script; Run script as 32-bit process on 64-bit clients = No."),
        Script("sccm/PyCert-DetectionMethod.ps1", "app-detection.ps1.in",
               "SCCM application deployment type detection method (script) for PyCert itself.",
               "SCCM: Deployment type > Detection Method > Use a custom script > PowerShell."),
        Script("gpo/PyCert-Startup.ps1", "gpo-startup.ps1.in",
               "Group Policy computer start-up script: root CA remediation as SYSTEM (inline), MPKI client upgrade handed to the machine scheduled task; logged under %ProgramData%\\PyCert\\Logs.",
               "GPO: Computer Configuration > Policies > Windows Settings > Scripts > Startup > PowerShell Scripts; copy the two PyCert-Remediate-*.xml beside it."),
    ]
    return out


# pycert itself reads the policy, so every door (these scripts, the GPO tasks, the module)
# leaves the same file; the scripts pass nothing for it.
RESULT_FOLDER_NOTE = ("Result file: when the policy sets [report] result_folder, pycert also writes "
                      "<device>.<check>.json there (best effort: an unreachable share changes neither "
                      "the line nor the exit code; see docs/ja/report.md).")


def header(script: Script) -> str:
    exits = (
        "Exit: always 0; the rule reads the line: exactly COMPLIANT, else the NONCOMPLIANT / FAILED summary line."
        if not script.pass_exit_code
        else "Exit: 0 compliant or done, 1 needs remediation, 2 or 3 error (the line then starts with FAILED)."
    )
    results = [RESULT_FOLDER_NOTE]
    if script.template == "app-detection.ps1.in":
        exits = "Detected: exit 0 with one line on stdout. Not detected: exit 0 with nothing on stdout."
        results = []
    return "\n".join([
        "<#",
        ".SYNOPSIS",
        script.synopsis,
        ".NOTES",
        script.settings,
        "Output: exactly one summary line on stdout, last; nothing on stderr; never reboots.",
        exits,
        *results,
        f"Generated by packaging/scripts/render.py from {script.template}; edit that and re-render.",
        "#>",
    ])


def render(script: Script) -> str:
    core = (HERE / "core.ps1").read_text(encoding="utf-8").rstrip("\n")
    text = (HERE / script.template).read_text(encoding="utf-8")
    replacements = {
        "@@HEADER@@": header(script),
        "@@CORE@@": core,
        "@@CHECK@@": script.check,
        "@@ARGS@@": ", ".join(f"'{a}'" for a in script.args),
        "@@PASS_EXIT_CODE@@": "$true" if script.pass_exit_code else "$false",
        "@@EQUALS_RULE@@": "$true" if script.equals_rule else "$false",
        "@@VERSION@@": package_version(),
    }
    for token, value in replacements.items():
        text = text.replace(token, value)
    leftover = re.findall(r"@@[A-Z_]+@@", text)
    if leftover:
        raise ValueError(f"{script.template}: unknown tokens {leftover}")
    return text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for script in scripts():
        target = PACKAGING / script.path
        text = render(script)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(script.path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("ascii"))
    if stale:
        print(f"out of date: {', '.join(stale)}; run python packaging/scripts/render.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
