"""`--result-file PATH`: the full JSON result of a detect/remediate run, saved for `pycert report`.

PATH is a file, or a folder (an existing directory, or a path ending in a separator) in
which the file is named after the device: `<folder>/<hostname>.json`, or for a name that is not
plain letters, digits, '-' and '.', `<readable part>_<hash>.json` (see safe_file_stem). A GPO
scheduled task on every terminal can point at one share and each device overwrites only
its own file. Writes are atomic (temporary file in the same folder, then os.replace), so
a reader never sees half a file.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TextIO

from pycert import __version__
from pycert.common.errors import PlatformError, UsageError

SCHEMA = "pycert.result/1"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def hostname() -> str:
    import socket

    return os.environ.get("COMPUTERNAME") or socket.gethostname() or "unknown-host"


def username() -> str:
    import getpass

    try:
        user = getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry (SYSTEM services, containers)
        return ""
    domain = os.environ.get("USERDOMAIN")
    return f"{domain}\\{user}" if domain and "\\" not in user else user


_PLAIN = re.compile(r"^[A-Za-z0-9-][A-Za-z0-9.-]{0,63}$")
HASH_CHARS = 10


def safe_file_stem(name: str) -> str:
    """A device name made safe as a file name on Windows and POSIX, and injective: no two
    names share a file. A plain name (letters, digits, '-', '.'; no '_'; at most 64; not a
    reserved device name) is used as it is. Any other name becomes a readable part (unsafe
    characters as '_', at most 48) + '_' + the first 10 hex digits of the SHA-256 of the
    exact name in UTF-8: 受付PC and 診察PC, or "PC 01" and "PC_01", get different files, and
    a hashed stem (it always holds '_') never equals a plain one."""
    import hashlib

    name = name.strip()
    if _PLAIN.match(name) and name.split(".")[0].upper() not in _RESERVED:
        return name
    readable = _UNSAFE.sub("_", name).lstrip(".")[:48] or "unknown-host"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    return f"{readable}_{digest}"


def target_path(path: str, device: str) -> Path:
    folder_like = path.endswith(("/", "\\")) or Path(path).is_dir()
    if folder_like:
        folder = Path(path)
        if not folder.is_dir():
            raise UsageError(f"--result-file folder '{path}' does not exist; create it or give a file name.")
        return folder / f"{safe_file_stem(device)}.json"
    target = Path(path)
    if not target.parent.is_dir():
        raise UsageError(f"--result-file '{path}': the folder '{target.parent}' does not exist; create it first.")
    return target


POLICY_WRITE_SECONDS = 15.0  # an unreachable share must not hold a run (or a start-up script) for long
_CHECK_NAME = re.compile(r"^[a-z0-9-]{1,16}$")


def policy_file_name(device: str, check: str) -> str:
    """The file a run leaves in the policy's `[report] result_folder`: `<stem>.<check>.json`.
    Each check runs on its own (expiry as the user, rootca and mpki as SYSTEM), so each gets
    its own file. The stem is injective (safe_file_stem) and a check name holds no '.', so
    two (device, check) pairs never share a file."""
    return f"{safe_file_stem(device)}.{check if _CHECK_NAME.match(check) else 'all'}.json"


def write_to_policy_folder(folder: str, result: dict, timeout: float = POLICY_WRITE_SECONDS) -> Path | None:
    """Best effort: write envelope(result) into the policy's result folder, atomically, and
    log what happened. Never raises and waits at most `timeout` seconds (a share that does
    not answer can block a file call far longer); the run's line and exit code stay the same
    whatever happens here. Returns the file written, or None."""
    import threading

    from pycert.common import logs
    from pycert.common.output import dumps

    data = envelope(result)
    target = Path(folder) / policy_file_name(data["hostname"], str(data.get("check") or ""))
    text = dumps(data) + "\n"
    outcome: dict[str, str] = {}

    def work() -> None:
        try:
            atomic_write(target, lambda handle: handle.write(text))
            outcome["written"] = str(target)
        except PlatformError as exc:
            outcome["error"] = exc.message
        except Exception as exc:  # best effort: nothing here may end the run
            outcome["error"] = f"could not write '{target}': {type(exc).__name__}: {exc}"

    worker = threading.Thread(target=work, name="pycert-result-folder", daemon=True)
    worker.start()
    worker.join(timeout)
    if "written" in outcome:
        logs.event("result-file", "written", path=target)
        return target
    reason = outcome.get("error") or f"no answer from '{folder}' within {timeout:g} s; the run goes on without it"
    logs.event("result-file", "failed", logging.WARNING, path=target, reason=reason)
    return None


def envelope(result: dict, now: datetime | None = None) -> dict:
    """The result plus who and where it came from."""
    data = {"schema": SCHEMA, "hostname": hostname(), "user": username()}
    data.update(result)
    data.setdefault("pycert_version", __version__)
    data["written_at"] = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return data


def write(path: str, result: dict) -> Path:
    """Write envelope(result) to PATH (see module doc) atomically; return the file written."""
    from pycert.common.output import dumps

    data = envelope(result)
    target = target_path(path, data["hostname"])
    text = dumps(data) + "\n"
    atomic_write(target, lambda handle: handle.write(text))
    return target


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(target: Path, fill: Callable[[TextIO], object], encoding: str = "utf-8") -> None:
    """Write through `fill(handle)` into a temporary file beside `target`, then os.replace it
    over `target`: readers see the old file or the new one, never a partial one."""
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; others on the share must read it
            with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
                fill(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PlatformError(f"could not write '{target}': {exc.strerror or exc}; check the path and permissions.") from None
