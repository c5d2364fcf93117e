"""The renewal imports a run started but has not seen complete: `import-pending.json` in
the user's state folder. Written just before a staged PFX is imported, cleared once every
certificate of that import is verified in its store; while an entry exists, the next
`remediate expiry` imports that file again (an import completes what is missing and leaves
what is there), so a run killed half-way through a long chain is finished by the next one.
"""

from __future__ import annotations

import json
from pathlib import Path

from pycert.common.files import read_state_object

PENDING_FILE = "import-pending.json"


def read(folder: Path) -> dict[str, dict[str, str]]:
    """file path -> {"profile": ..., "thumbprint": ...} of each unfinished import."""
    entries = (read_state_object(folder / PENDING_FILE) or {}).get("imports")
    if not isinstance(entries, dict):
        return {}
    return {
        str(path): {"profile": str(e.get("profile", "")), "thumbprint": str(e.get("thumbprint", ""))}
        for path, e in entries.items()
        if isinstance(e, dict)
    }


def mark(folder: Path, path: Path, profile: str, thumbprint: str) -> None:
    entries = read(folder)
    entries[str(path)] = {"profile": profile, "thumbprint": thumbprint}
    _write(folder, entries)


def clear(folder: Path, path: Path) -> None:
    entries = read(folder)
    if entries.pop(str(path), None) is not None:
        _write(folder, entries)


def _write(folder: Path, entries: dict) -> None:
    from pycert.common.resultfile import atomic_write

    folder.mkdir(parents=True, exist_ok=True)
    if not entries:
        (folder / PENDING_FILE).unlink(missing_ok=True)
        return
    atomic_write(folder / PENDING_FILE, lambda handle: handle.write(json.dumps({"version": 1, "imports": entries}, indent=1)))
