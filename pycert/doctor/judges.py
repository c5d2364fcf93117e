"""The pure judges of `pycert doctor`: each takes the facts as arguments and returns one
Check (ok / warn / fail, what was found, what to do). No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pycert.common.i18n import N_
from pycert.common.dates import days_left, expiry_text

OK, WARN, FAIL = "ok", "warn", "fail"
SEVERITY = {OK: 0, WARN: 1, FAIL: 2}

AES_PFX_BUILD = 16299  # Windows 10 1709: first build that imports AES-256/SHA-256 PFX
WINDOWS_10_BUILD = 10240
WINDOWS_11_BUILD = 22000
NET48_RELEASE = 528040
DOTNET_RELEASES = (
    (533320, "4.8.1"), (528040, "4.8"), (461808, "4.7.2"), (461308, "4.7.1"), (460798, "4.7"),
    (394802, "4.6.2"), (394254, "4.6.1"), (393295, "4.6"), (379893, "4.5.2"), (378675, "4.5.1"),
    (378389, "4.5"),
)

# Security Communication RootCA2 (SECOM); the sites under cert.obn.managedpki.ne.jp chain to it.
ROOT_NAME = "Security Communication RootCA2"
ROOT_THUMBPRINT = "5F3B8CF2F810B37D78B4CEEC1919C37334B9C774"
ROOT_WARN_DAYS = 365


VPN_ACTION = N_(
    "These hosts answer only inside the Online Billing network (IP-VPN): check the VPN router "
    "and line, DNS, and the proxy line above."
)


@dataclass
class Check:
    name: str
    status: str
    message: str
    action: str = ""
    details: dict = field(default_factory=dict)


@dataclass
class Report:
    generated_at: datetime
    checks: list[Check]

    @property
    def verdict(self) -> str:
        return max((c.status for c in self.checks), key=SEVERITY.__getitem__, default=OK)

    @property
    def exit_code(self) -> int:
        return 1 if self.verdict == FAIL else 0


def windows_name(product_name: str, build: int) -> str:
    """The registry still says "Windows 10" on Windows 11; the build number tells."""
    if build >= WINDOWS_11_BUILD and product_name.startswith("Windows 10"):
        return "Windows 11" + product_name[len("Windows 10"):]
    return product_name


def judge_os(os_build, system: str) -> Check:
    if os_build is None:
        return Check(
            "os", WARN, f"This is {system}, not Windows: the stores are Mono's, for development and tests only.",
            "Run pycert doctor on the Windows terminal itself.", {"system": system},
        )
    name = windows_name(os_build.product_name, os_build.build)
    version = f" {os_build.display_version}" if os_build.display_version else ""
    found = f"{name}{version} (build {os_build.build}.{os_build.ubr})"
    details = {"product_name": name, "display_version": os_build.display_version, "build": os_build.build, "ubr": os_build.ubr}
    if os_build.build >= AES_PFX_BUILD:
        return Check("os", OK, f"{found}: imports AES-256 encrypted PFX files.", details=details)
    return Check(
        "os", WARN, f"{found} is older than Windows 10 1709 (build {AES_PFX_BUILD}): AES-256 encrypted PFX files fail here with a 'wrong password' error.",
        "Update Windows to a supported Windows 10/11 release, or have the PFX exported with TripleDES-SHA1.", details,
    )


def dotnet_name(release: int) -> str:
    for minimum, name in DOTNET_RELEASES:
        if release >= minimum:
            return name
    return "4.x"


def judge_dotnet(release: int | None, mono_path: str | None, windows: bool) -> Check:
    if not windows:
        if mono_path:
            return Check("dotnet", OK, f"Mono at {mono_path} stands in for .NET Framework on this system.", details={"mono": mono_path})
        return Check("dotnet", FAIL, "Mono is not installed, so no certificate store can be read.", "Install Mono (apt-get install mono-devel).")
    if release is None:
        return Check(
            "dotnet", FAIL, ".NET Framework 4.5 or later is not installed.",
            "Install .NET Framework 4.8 (offline installer ndp48-x86-x64-allos) and restart; PyCert and the MPKI client need it.",
        )
    name = dotnet_name(release)
    details = {"release": release, "version": name}
    if release >= NET48_RELEASE:
        return Check("dotnet", OK, f".NET Framework {name} (release {release}).", details=details)
    return Check(
        "dotnet", FAIL, f".NET Framework {name} (release {release}) is older than 4.8, which the Cybertrust Managed PKI Client requires.",
        "Install .NET Framework 4.8 or 4.8.1 from Windows Update or the offline installer, then restart.", details,
    )


def judge_bitness(process_bits: int, machine: str) -> Check:
    os_bits = 64 if machine.upper().endswith("64") else 32
    details = {"process_bits": process_bits, "machine": machine}
    if machine:
        message = N_(f"{process_bits}-bit process on a {os_bits}-bit {machine} system.")
    else:
        message = N_(f"{process_bits}-bit process.")
    if process_bits == 32 and os_bits == 64:
        return Check(
            "bitness", WARN, f"32-bit process on 64-bit Windows ({machine}): registry and Program Files reads are redirected to the 32-bit views.",
            "Run the 64-bit pycert.exe from C:\\Program Files\\PyCert; in Intune set 'Run script in 64-bit PowerShell' to Yes.", details,
        )
    return Check("bitness", OK, message, details=details)


def judge_elevation(elevated: bool, account: str) -> Check:
    details = {"elevated": elevated, "account": account}
    if elevated:
        return Check("elevation", OK, f"{account} runs elevated (administrator rights).", details=details)
    return Check(
        "elevation", WARN, f"{account} runs without administrator rights: list, detect and the expiry checks work; machine-wide root CA and MPKI client changes do not.",
        "For remediate rootca --scope machine and remediate mpki, use an elevated PowerShell (or Intune as SYSTEM).", details,
    )


def judge_account(account: str, is_system: bool, user_store_profiles: list[str] | None) -> Check:
    details = {"account": account, "system": is_system}
    if is_system and user_store_profiles:
        names = ", ".join(user_store_profiles)
        return Check(
            "account", WARN, f"Running as {account}, and profile(s) {names} scan CurrentUser stores: those are {account}'s own stores, not the clinic user's.",
            "Run expiry checks as the signed-in user (Intune: 'Run this script using the logged-on credentials' = Yes).", details,
        )
    if is_system:
        return Check("account", OK, f"Running as {account}; no enabled profile scans CurrentUser stores.", details=details)
    return Check("account", OK, f"Running as {account}: CurrentUser stores are this user's.", details=details)


def judge_policy(source: str | None, policy, error: str | None) -> Check:
    if error is not None:
        return Check("policy", FAIL, error, "Fix the file; `pycert config validate FILE` lists every problem with its line.")
    profiles = ", ".join(policy.profiles) or "none"
    checks = ", ".join(policy.checks)
    return Check(
        "policy", OK, f"{source}: profiles {profiles}; checks {checks}.",
        details={"source": source, "profiles": list(policy.profiles), "checks": list(policy.checks)},
    )


def judge_proxy(host: str, route, auth, error: str | None = None, windows: bool = False) -> Check:
    """Where PyCert's downloads to `host` go (`route`: common.proxy.Route, decided from the
    policy, the environment, PAC/WPAD and the WinINET or WinHTTP settings), and how it
    would answer the proxy (`auth`: common.tunnel.ProxyAuth)."""
    from pycert.common.proxy import mask

    if error:
        return Check("proxy", FAIL, error, "Fix the [network] settings (pycert config show), then run doctor again.",
                     {"host": host})
    details = {
        "host": host,
        "proxy": mask(route.proxy) if route.proxy else None,
        "source": route.source,
        "note": route.note or None,
        "auth": auth.scheme,
        "user": auth.user,
    }
    where, who, note = route.describe(), "", route.note
    if route.proxy and auth.scheme != "none":
        if auth.user:
            who = N_(f"answers as {auth.user}")
        elif windows:
            who = N_("answers with this Windows logon (Negotiate/NTLM)")
        else:
            who = N_("has no credentials to answer with ([network] proxy_user)")
    # One whole sentence per case, so each is one catalog entry (common/i18n.py).
    if who and note:
        message = N_(f"PyCert connects to {host} {where}; if the proxy asks for a login, PyCert {who}, because {note}.")
    elif who:
        message = N_(f"PyCert connects to {host} {where}; if the proxy asks for a login, PyCert {who}.")
    elif note:
        message = N_(f"PyCert connects to {host} {where}, because {note}.")
    else:
        message = N_(f"PyCert connects to {host} {where}.")
    if note:
        return Check("proxy", WARN, message,
                     "Check the proxy script's address, or set [network] proxy to the proxy's address.", details)
    return Check("proxy", OK, message, details=details)


def judge_reach(name: str, probe, any_status_ok: bool) -> Check:
    details = {"url": probe.url, "status": probe.status, "seconds": probe.seconds}
    if probe.error is not None:
        details["error"] = probe.error.kind
        if probe.error.kind == "tls":
            return Check(
                name, FAIL, probe.error.message,
                f"Install {ROOT_NAME}: pycert remediate rootca (elevated); if a proxy inspects TLS, add the OBN hosts to its bypass list.", details,
            )
        return Check(name, FAIL, probe.error.message, VPN_ACTION, details)
    if any_status_ok or probe.status < 400:
        return Check(name, OK, f"{probe.url} answered HTTP {probe.status} in {probe.seconds:.2f} s.", details=details)
    return Check(
        name, WARN, f"{probe.url} is reachable but answered HTTP {probe.status}.",
        "Open the address in a browser on this terminal; the page may have moved or the proxy may refuse it.", details,
    )


def judge_root(readings, now: datetime, thumbprint: str = ROOT_THUMBPRINT) -> Check:
    found = [(r.store, c) for r in readings for c in r.certificates if c.thumbprint == thumbprint]
    errors = [f"{r.store}: {r.error}" for r in readings if r.status == "error"]
    machine = [(s, c) for s, c in found if s.location == "LocalMachine"]
    details = {"thumbprint": thumbprint, "stores": sorted({str(s) for s, _ in found}), "errors": errors}
    if machine:
        store, cert = machine[0]
        days = days_left(cert.not_after, now)
        details["not_after"] = cert.not_after.strftime("%Y-%m-%dT%H:%M:%SZ")
        if days < ROOT_WARN_DAYS:
            return Check(
                "rootca", WARN, f"{ROOT_NAME} is in {store} but expires in {days} days ({expiry_text(cert.not_after)}).",
                "Ask the OBN operator which root replaces it and add its pin to the policy.", details,
            )
        return Check("rootca", OK, f"{ROOT_NAME} is trusted machine-wide ({store}, valid until {expiry_text(cert.not_after)}).", details=details)
    if found:
        return Check(
            "rootca", WARN, f"{ROOT_NAME} is only in {found[0][0]}: this user trusts it, SYSTEM and other users do not.",
            "Run pycert remediate rootca --scope machine from an elevated PowerShell.", details,
        )
    where = ", ".join(str(r.store) for r in readings)
    if errors:
        return Check("rootca", WARN, f"{ROOT_NAME} was not found, and {'; '.join(errors)}.", "Rerun as an administrator to read every store.", details)
    return Check(
        "rootca", FAIL, f"{ROOT_NAME} is not in {where}, so the OBN sites show a certificate warning.",
        "Run pycert remediate rootca from an elevated PowerShell (or Install-PyCertRootCertificate).", details,
    )


