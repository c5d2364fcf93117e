"""Where the MPKI client MSI comes from: the portal URL (`latest`, cached with conditional
requests), an explicit --url, or an explicit --msi file."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from pycert.mpki import msifile
from pycert.common import net
from pycert.common.errors import PlatformError, UsageError
from pycert.common.files import read_state_object
from pycert.common.net import DownloadError

MSI_NAME = "CybertrustManagedPKIClient.msi"
STATE_NAME = "latest.json"
OFFLINE_KINDS = ("timeout", "network", "tls", "proxy-auth")


@dataclass
class CacheState:
    url: str
    product_name: str
    product_version: str
    sha256: str
    etag: str = ""
    last_modified: str = ""
    downloaded_at: str = ""  # ISO 8601 UTC
    checked_at: str = ""  # last time the server confirmed this answer


@dataclass
class Latest:
    """The answer to "which version does the portal serve now?"."""

    state: CacheState
    msi: Path
    source: str  # downloaded | not-modified | cache-offline
    age_seconds: int  # since the server last confirmed it
    offline_reason: str = ""


def cache_root(override: str | None = None) -> Path:
    """%ProgramData%\\PyCert\\cache on Windows, $XDG_CACHE_HOME/pycert elsewhere."""
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("ProgramData", r"C:\ProgramData")) / "PyCert" / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "pycert"


def mpki_cache(policy_mpki, override: str | None = None) -> Path:
    return cache_root(override or policy_mpki.cache_dir) / "mpki"


def read_state(folder: Path) -> CacheState | None:
    data = read_state_object(folder / STATE_NAME)
    try:
        state = CacheState(**data) if data is not None else None
    except (ValueError, TypeError):
        return None
    if state is None or not all(isinstance(v, str) for v in asdict(state).values()):
        return None
    return state if (folder / MSI_NAME).exists() else None


def _write_state(folder: Path, state: CacheState) -> None:
    from pycert.common.resultfile import atomic_write

    # A fresh, unguessable temporary name: a link planted at a fixed ".tmp" name would
    # otherwise redirect the write (the cache folder may be writable by others).
    atomic_write(folder / STATE_NAME, lambda handle: handle.write(json.dumps(asdict(state), indent=2)))


def fetch_options(mp, url: str, network) -> dict:
    """How to download `url`: the [mpki] limits, and the proxy route (platform/proxies.py)
    with the answer to its 407."""
    from pycert.platform import proxies

    route, auth = proxies.resolve(url, network, mp)
    return dict(
        max_bytes=mp.max_bytes, connect_timeout=mp.connect_timeout, read_timeout=mp.read_timeout,
        retries=mp.retries, progress=net.console_progress(), route=route, auth=auth,
    )


def latest(mp, folder: Path, now: datetime, *, network, cache_only: bool = False) -> Latest:
    """Ask the portal (conditionally) which MSI it serves; fall back to the cache when offline.

    A new MSI replaces the cached one only after it has been read as an MSI with the
    expected ProductName, so a login page or a cut download never spoils the cache.
    """
    from pycert.common.output import iso

    folder.mkdir(parents=True, exist_ok=True)
    state = read_state(folder)
    if state is not None and state.url != mp.url:
        state = None
    if cache_only:
        if state is None:
            raise PlatformError(f"No cached answer for {mp.url} in {folder}; run `pycert mpki status` with network access.")
        return Latest(state, folder / MSI_NAME, "cache-offline", _age(state, now))
    headers = {}
    if state is not None:
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
    incoming = folder / ("incoming-" + MSI_NAME)
    try:
        reply = net.fetch(mp.url, dest=incoming, headers=headers, **fetch_options(mp, mp.url, network))
    except DownloadError as exc:
        if state is not None and exc.kind in OFFLINE_KINDS:
            return Latest(state, folder / MSI_NAME, "cache-offline", _age(state, now), exc.message)
        raise
    if reply.not_modified:
        if state is None:
            raise PlatformError(f"{mp.url} answered 304 Not Modified to a request that was not conditional; check the URL or proxy.")
        state.checked_at = iso(now)
        _write_state(folder, state)
        return Latest(state, folder / MSI_NAME, "not-modified", 0)
    try:
        facts = msifile.read_properties(incoming)
    except msifile.NotAnMsi:
        content_type = reply.headers.get("Content-Type", "unknown")
        incoming.unlink(missing_ok=True)
        raise PlatformError(
            f"{mp.url} did not send an MSI (Content-Type {content_type}); check the URL and whether a proxy "
            "login page answered instead."
        ) from None
    name = facts.get("ProductName", "")
    if name.casefold() != mp.display_name.casefold():
        incoming.unlink(missing_ok=True)
        raise PlatformError(f"{mp.url} serves '{name}', not '{mp.display_name}'; check [mpki] url and display_name.")
    new = CacheState(
        url=mp.url, product_name=name, product_version=facts.get("ProductVersion", ""),
        sha256=msifile.sha256(incoming), etag=reply.headers.get("ETag", ""),
        last_modified=reply.headers.get("Last-Modified", ""), downloaded_at=iso(now), checked_at=iso(now),
    )
    os.replace(incoming, folder / MSI_NAME)
    _write_state(folder, new)
    return Latest(new, folder / MSI_NAME, "downloaded", 0)


def download_url(mp, url: str, folder: Path, *, network) -> Path:
    """An explicit --url: downloaded fresh (no cache), kept next to the cache for the logs."""
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / ("from-url-" + MSI_NAME)
    opts = fetch_options(mp, url, network)
    net.fetch(url, dest=dest, **opts)
    return dest


def local_msi(path: str, folder: Path) -> Path:
    """An explicit --msi: copied into the cache folder so the installer reads a file no one
    else can swap between verification and installation."""
    source = Path(path)
    if not source.is_file():
        raise UsageError(f"--msi {path} is not a file; give the path of the downloaded .msi.")
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / ("given-" + MSI_NAME)
    shutil.copyfile(source, dest)
    return dest


def _age(state: CacheState, now: datetime) -> int:
    try:
        checked = datetime.fromisoformat(state.checked_at.replace("Z", "+00:00"))
    except ValueError:
        return -1
    return max(0, int((now - checked).total_seconds()))
