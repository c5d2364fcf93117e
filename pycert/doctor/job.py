"""`pycert doctor`: what a technician runs first. Gathers the facts (registry, token,
stores, network) and hands each to its pure judge in judges.py; one line per check,
ok / warn / fail, with what to do."""

from __future__ import annotations

import os
import shutil
import struct
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Callable
from urllib.parse import urlsplit

from pycert.doctor.judges import (
    WARN, Check, Report, judge_account, judge_bitness, judge_dotnet, judge_elevation, judge_os, judge_policy,
    judge_proxy, judge_reach, judge_root,
)

# Service accounts: their CurrentUser stores are their own, never a clinic user's.
SERVICE_ACCOUNTS = {"S-1-5-18": "SYSTEM", "S-1-5-19": "LOCAL SERVICE", "S-1-5-20": "NETWORK SERVICE"}

OBN_URL = "https://cert.obn.managedpki.ne.jp"
CRL_URL = "http://crldownload.obn.managedpki.ne.jp/"
# Lab and test override of the endpoints (the real hosts answer only inside the OBN VPN).
ENV_OBN_URL = "PYCERT_DOCTOR_OBN_URL"
ENV_CRL_URL = "PYCERT_DOCTOR_CRL_URL"
PROBE_TIMEOUT = 5.0


def endpoints() -> list[tuple[str, str, bool]]:
    """(check name, URL, any HTTP status counts as reachable)."""
    base = os.environ.get(ENV_OBN_URL, OBN_URL).rstrip("/")
    crl = os.environ.get(ENV_CRL_URL, CRL_URL)
    return [("reach-installer", f"{base}/p/s", False), ("reach-rootcert", f"{base}/p/cert", False), ("reach-crl", crl, True)]


def _guarded(name: str, judge: Callable[[], Check]) -> Check:
    """A probe that breaks must not hide the other checks."""
    from pycert.common.errors import PyCertError

    try:
        return judge()
    except PyCertError as exc:
        return Check(name, WARN, f"Could not check: {exc.message}", "Check this item by hand.")
    except OSError as exc:
        return Check(name, WARN, f"Could not check: {exc}.", "Check this item by hand.")


def run(config_path: str | None, backend_factory: Callable[[], object], now: datetime,
        timeout: float = PROBE_TIMEOUT, windows: bool | None = None) -> Report:
    from pycert.common import net
    from pycert.platform import is_windows

    from pycert.common.errors import ConfigError
    from pycert.policy.load import load_policy
    from pycert.policy.models import Network

    windows = is_windows() if windows is None else windows
    try:
        loaded, policy_error = load_policy(config_path), None
    except ConfigError as exc:
        loaded, policy_error = None, exc.message
    network = loaded.policy.network if loaded else Network()
    targets = endpoints()
    routes = {url: _route(url, network, windows) for _, url, _ in targets}  # each probe goes the way downloads go
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        probes = [pool.submit(net.probe, url, routes[url][0], routes[url][1], timeout) for _, url, _ in targets]
        obn_url = targets[0][1]
        proxy = judge_proxy(urlsplit(obn_url).hostname or obn_url, *routes[obn_url], windows=windows)
        checks = _local_checks(loaded, policy_error, proxy, backend_factory, now, windows)
        for (name, _, any_status), future in zip(targets, probes):
            checks.append(judge_reach(name, future.result(), any_status))
    return Report(now, checks)


def _route(url: str, network, windows: bool):
    """(route, proxy auth, the sentence that stopped resolving it, if any)."""
    from pycert.common.errors import PyCertError
    from pycert.common.proxy import DIRECT, Route
    from pycert.common.tunnel import ProxyAuth
    from pycert.platform import proxies

    try:
        return (*proxies.resolve(url, network, windows=windows), None)
    except PyCertError as exc:
        return Route(None, DIRECT), ProxyAuth(), exc.message


def _local_checks(loaded, policy_error: str | None, proxy: Check, backend_factory, now, windows: bool) -> list[Check]:
    from pycert.common.errors import PyCertError

    env = _windows_facts if windows else _posix_facts
    facts = env()
    checks = [
        _guarded("os", lambda: judge_os(facts["os_build"](), facts["system"])),
        _guarded("dotnet", lambda: judge_dotnet(facts["dotnet"](), shutil.which("mono"), windows)),
        judge_bitness(struct.calcsize("P") * 8, facts["machine"]),
    ]
    try:
        token = facts["token"]()
        checks.append(judge_elevation(token["elevated"], token["account"]))
    except (PyCertError, OSError) as exc:
        token = {"account": os.environ.get("USERNAME", "this account"), "system": False}
        checks.append(Check("elevation", WARN, f"Could not read this process's token: {getattr(exc, 'message', exc)}", "Check this item by hand (whoami /groups)."))
    policy = loaded.policy if loaded else None
    checks.append(judge_policy(loaded.source if loaded else None, policy, policy_error))
    user_profiles = None
    if policy is not None:
        user_profiles = [
            name for name, p in policy.enabled_profiles().items() if any(s.startswith("CurrentUser\\") for s in p.stores)
        ]
    checks.append(judge_account(token["account"], token["system"], user_profiles))
    checks.append(proxy)
    checks.append(_guarded("rootca", lambda: _root_check(backend_factory, now, windows)))
    return checks


def _windows_facts() -> dict:
    from pycert.platform.windows import environment

    def token():
        info = environment.token_info()
        account = f"{os.environ.get('USERDOMAIN', '')}\\{os.environ.get('USERNAME', '')}".lstrip("\\")
        service = SERVICE_ACCOUNTS.get(info.sid)
        return {"account": service or account, "system": service is not None, "elevated": info.elevated, "sid": info.sid}

    return {
        "system": "Windows",
        "os_build": environment.os_build,
        "dotnet": environment.dotnet_release,
        "machine": os.environ.get("PROCESSOR_ARCHITEW6432") or os.environ.get("PROCESSOR_ARCHITECTURE", ""),
        "token": token,
    }


def _posix_facts() -> dict:
    import getpass
    import platform

    def token():
        root = os.geteuid() == 0
        return {"account": getpass.getuser(), "system": False, "elevated": root}

    return {
        "system": f"{platform.system()} {platform.release()}",
        "os_build": lambda: None,
        "dotnet": lambda: None,
        "machine": platform.machine(),
        "token": token,
    }


def _root_check(backend_factory, now: datetime, windows: bool) -> Check:
    from pycert.common.model import StoreRef

    stores = ["LocalMachine\\Root", "LocalMachine\\AuthRoot", "CurrentUser\\Root"] if windows else [
        "LocalMachine\\Root", "CurrentUser\\Root"
    ]
    readings = backend_factory().read_many([StoreRef.parse(s) for s in stores])
    return judge_root(readings, now)
