"""Which proxy a download goes through, and why: a pure decision over the settings the
platform read (policy, environment, the user's WinINET settings, the machine's WinHTTP
proxy, a PAC script's answer). No I/O here; pycert/platform/proxies.py gathers the inputs.

The order follows what the vendor's client and Windows itself do:
  1. the policy's `[network] proxy` when it names one ("direct" forces no proxy);
  2. HTTPS_PROXY / HTTP_PROXY with NO_PROXY, when set for PyCert;
  3. a PAC script (the policy's pac_url, the user's "use automatic configuration script",
     or WPAD) when one answered;
  4. for a user run, the user's fixed proxy (Internet Options, ProxyServer/ProxyOverride);
     for SYSTEM (Intune, GPO, SCCM), the machine's WinHTTP proxy (`netsh winhttp`);
  5. otherwise direct.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pycert.common.i18n import N_

POLICY, ENVIRONMENT, PAC, WPAD, WININET, WINHTTP, DIRECT = (
    "policy", "environment", "pac", "wpad", "wininet-user", "winhttp-machine", "direct",
)
SOURCE_WORDS = {
    POLICY: N_("the policy ([network] proxy)"),
    ENVIRONMENT: N_("the environment (HTTPS_PROXY)"),
    PAC: N_("the proxy script (PAC)"),
    WPAD: N_("automatic detection (WPAD)"),
    WININET: N_("this user's Internet Options"),
    WINHTTP: N_("the machine's WinHTTP proxy (netsh winhttp)"),
    DIRECT: N_("no proxy is configured"),
}


@dataclass(frozen=True)
class Settings:
    """Everything that can name a proxy for this run, as read from the policy and the OS."""

    policy_proxy: str = "auto"  # auto | direct | http://host:port
    environment: dict[str, str] = field(default_factory=dict)  # scheme -> proxy URL (urllib.getproxies_environment)
    no_proxy: str = ""
    user_proxy_server: str = ""  # WinINET ProxyServer, when ProxyEnable is set
    user_proxy_override: str = ""  # WinINET ProxyOverride
    machine_proxy_server: str = ""  # WinHTTP (netsh winhttp set proxy)
    machine_bypass: str = ""
    is_system: bool = False
    pac_answer: str | None = None  # FindProxyForURL's answer, e.g. "PROXY h:3128; DIRECT"
    pac_source: str = ""  # PAC or WPAD, when pac_answer came from one
    pac_error: str = ""  # why a configured script gave no answer


@dataclass(frozen=True)
class Route:
    proxy: str | None  # http://host:port, or None for a direct connection
    source: str  # one of the source names above
    note: str = ""  # e.g. why a PAC script was not used

    def describe(self) -> str:
        """One phrase for people: `through proxy http://h:3128 (from the proxy script (PAC))`,
        `directly (no proxy is configured)`, `directly (as the policy ([network] proxy) says)`."""
        if self.proxy:
            return N_(f"through proxy {mask(self.proxy)} (from {SOURCE_WORDS[self.source]})")
        if self.source == DIRECT:
            return N_(f"directly ({SOURCE_WORDS[DIRECT]})")
        return N_(f"directly (as {SOURCE_WORDS[self.source]} says)")


def decide(url: str, settings: Settings) -> Route:
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if settings.policy_proxy == "direct":
        return Route(None, POLICY)
    if settings.policy_proxy not in ("", "auto"):
        return Route(normalise(settings.policy_proxy), POLICY)
    if scheme in settings.environment or "all" in settings.environment:
        if bypassed(host, settings.no_proxy.replace(",", ";")):
            return Route(None, ENVIRONMENT, N_("NO_PROXY names this host"))
        return Route(normalise(settings.environment.get(scheme) or settings.environment["all"]), ENVIRONMENT)
    note = ""
    if settings.pac_answer is not None:
        proxy = first_pac_proxy(settings.pac_answer)
        return Route(proxy, settings.pac_source or PAC)
    if settings.pac_error:
        note = N_(f"the proxy script gave no answer ({settings.pac_error})")
    if settings.is_system:
        server, exceptions, source, bypass_note = (
            settings.machine_proxy_server, settings.machine_bypass, WINHTTP, N_("the WinHTTP bypass list names this host"))
    else:
        server, exceptions, source, bypass_note = (
            settings.user_proxy_server, settings.user_proxy_override, WININET, N_("the user's proxy exceptions name this host"))
    if server:
        if bypassed(host, exceptions):
            return Route(None, source, bypass_note)
        proxy = proxy_for_scheme(server, scheme)
        if proxy:
            return Route(proxy, source, note)
    return Route(None, DIRECT, note)


def normalise(address: str) -> str:
    """`host:port` or `http://host:port/` as `http://host:port` (proxies are spoken to in HTTP)."""
    address = address.strip()
    if "://" not in address:
        address = "http://" + address
    return address.rstrip("/")


def proxy_for_scheme(server: str, scheme: str) -> str | None:
    """The proxy a WinINET/WinHTTP ProxyServer value names for `scheme`: `h:p` serves every
    scheme; `http=h1:p1;https=h2:p2` names one per scheme (a scheme not listed goes direct)."""
    entries = [e.strip() for e in server.replace(" ", ";").split(";") if e.strip()]
    if not entries:
        return None
    if all("=" not in e for e in entries):
        return normalise(entries[0])
    for entry in entries:
        name, _, address = entry.partition("=")
        if name.strip().lower() == scheme and address.strip():
            return normalise(address)
    return None


def bypassed(host: str, bypass_list: str) -> bool:
    """Does a ProxyOverride / WinHTTP bypass list / NO_PROXY name `host`? Entries are
    separated by ';' (or spaces); `<local>` means any name without a dot; `*` is a wildcard;
    a bare domain (NO_PROXY style `.example.jp` or `example.jp`) also covers its subdomains."""
    host = host.lower().rstrip(".")
    for entry in bypass_list.replace(" ", ";").split(";"):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "<local>":
            if "." not in host:
                return True
            continue
        if entry == "*" or fnmatch.fnmatchcase(host, entry):
            return True
        if "*" not in entry:
            domain = entry.lstrip(".")
            if host == domain or host.endswith("." + domain):
                return True
    return False


def first_pac_proxy(answer: str) -> str | None:
    """The first usable entry of FindProxyForURL's answer ("PROXY h:p; DIRECT"): PROXY and
    HTTP entries are proxies, DIRECT is none; SOCKS entries are skipped (not supported)."""
    for entry in answer.split(";"):
        words = entry.split()
        if not words:
            continue
        kind = words[0].upper()
        if kind == "DIRECT":
            return None
        if kind in ("PROXY", "HTTP", "HTTPS") and len(words) > 1:
            return normalise(words[1])
    return None


def mask(text: str) -> str:
    """`text` with the password of any URL in it replaced (http://alice:pw@h:3128 ->
    http://alice:***@h:3128): common/escape.url, the one masking rule for what PyCert prints
    or logs about proxies."""
    from pycert.common.escape import url

    return url(text) or text