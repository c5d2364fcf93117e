"""Reading what can name a proxy on this machine, and running a proxy script: the inputs of
common/proxy.decide. Windows: the user's WinINET settings (Internet Options), the machine's
WinHTTP proxy (`netsh winhttp`), PAC and WPAD through WinHttpGetProxyForUrl. Elsewhere: the
environment, and a PAC URL from the policy evaluated with pypac (development and tests)."""

from __future__ import annotations

import sys
import urllib.request
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from pycert.common.errors import PlatformError, UsageError
from pycert.common.files import env
from pycert.common.proxy import PAC, WPAD, Route, Settings, decide, mask
from pycert.common.tunnel import ProxyAuth

if TYPE_CHECKING:
    from pycert.policy.models import MpkiPolicy, Network

PASSWORD_VARIABLE = "PYCERT_PROXY_PASSWORD"
MAX_SCRIPT_BYTES = 1024 * 1024
SYSTEM_SID = "S-1-5-18"


def resolve(url: str, network: Network, mpki: MpkiPolicy | None = None, *,
            windows: bool | None = None) -> tuple[Route, ProxyAuth]:
    """The route a download of `url` takes, and how to answer the proxy's 407.

    `[mpki] proxy` and `proxy_user` (the older keys) still apply when `[network]` leaves
    them at their defaults."""
    from pycert.common import logs

    settings = read_settings(url, network, mpki, windows=sys.platform == "win32" if windows is None else windows)
    route, auth = decide(url, settings), proxy_auth(network, mpki, settings)
    # Where a download went, and why, is the first question when one fails on a clinic network.
    logs.event("download", "route", url=url, proxy=mask(route.proxy or "direct"), source=route.source,
               auth=auth.scheme, user=auth.user or None, note=route.note or None)
    return route, auth


def read_settings(url: str, network: Network, mpki: MpkiPolicy | None = None, *, windows: bool) -> Settings:
    policy_proxy = network.proxy
    if policy_proxy == "auto" and mpki is not None and mpki.proxy:
        policy_proxy = mpki.proxy
    variables = urllib.request.getproxies_environment()
    environment = {k: v for k, v in variables.items() if k != "no"}
    settings = Settings(policy_proxy=policy_proxy, environment=environment, no_proxy=variables.get("no", ""))
    user = None
    if windows:
        settings, user = _windows(settings)
    if policy_proxy != "auto" or environment:
        return settings  # decided before any script would be asked
    if settings.is_system:
        user = None  # SYSTEM's own Internet Options are not a user's proxy script
    script = network.pac_url or (user.auto_config_url if user else "")
    autodetect = network.wpad or bool(user and user.auto_detect)
    if not (script or autodetect):
        return settings
    answer, error = run_script(url, script or None, autodetect, windows)
    source = PAC if script else WPAD
    return replace(settings, pac_answer=answer, pac_source=source, pac_error=error)


def proxy_auth(network: Network, mpki: MpkiPolicy | None, settings: Settings) -> ProxyAuth:
    user = network.proxy_user or (mpki.proxy_user if mpki is not None else None)
    password = None
    if user:
        password = env(PASSWORD_VARIABLE, 4096)  # bounded, and its value never quoted
        if password is None:
            raise UsageError(
                f"[network] proxy_user is set but {PASSWORD_VARIABLE} is not; set the variable in the "
                "script's environment (never in the policy file)."
            )
    else:
        # Credentials written into HTTPS_PROXY (http://user:pass@host:port) are Basic's.
        for address in settings.environment.values():
            parts = urlsplit(address if "://" in address else "http://" + address)
            if parts.username:
                user, password = unquote(parts.username), unquote(parts.password or "")
                break
    return ProxyAuth(network.proxy_auth, user, password)


def run_script(url: str, script_url: str | None, autodetect: bool, windows: bool) -> tuple[str | None, str]:
    """FindProxyForURL's answer for `url`, or (None, why not)."""
    if windows:
        from pycert.platform.windows import winhttp

        result = winhttp.proxy_for_url(url, script_url, autodetect)
        return result.answer, result.error
    if not script_url:
        return None, "automatic detection (WPAD) is only run on Windows"
    return _pypac(url, script_url)


def _pypac(url: str, script_url: str) -> tuple[str | None, str]:
    from pycert.common import net
    from pycert.common.proxy import DIRECT

    try:
        reply = net.fetch(script_url, max_bytes=MAX_SCRIPT_BYTES, route=Route(None, DIRECT), retries=0,
                          connect_timeout=10, read_timeout=10)
    except net.DownloadError as exc:
        return None, exc.message.rstrip(".")
    try:
        from pypac.parser import MalformedPacError, PacComplexityError, PACFile
    except ImportError:
        return None, "pypac is not installed, so proxy scripts are not run here"
    script = (reply.body or b"").decode("utf-8", "replace")
    try:
        return PACFile(script).find_proxy_for_url(url, urlsplit(url).hostname or ""), ""
    except (MalformedPacError, PacComplexityError) as exc:
        return None, f"the script at {script_url} failed ({type(exc).__name__})"


def _windows(settings: Settings):
    """The settings with the Windows proxies filled in, and the user's WinINET settings
    (read once: their proxy script and auto-detect flag are asked for later)."""
    from pycert.platform.windows import environment

    try:
        is_system = environment.token_info().sid == SYSTEM_SID
    except PlatformError:  # a token that cannot be read: decide as a user run
        is_system = False
    user = environment.internet_settings()
    machine = environment.winhttp_proxy()
    return replace(
        settings,
        is_system=is_system,
        user_proxy_server=user.proxy_server if user.proxy_enable else "",
        user_proxy_override=user.proxy_override,
        machine_proxy_server=machine.proxy_server,
        machine_bypass=machine.bypass_list,
    ), user
