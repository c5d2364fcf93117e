"""Read an MSI file's Property table with python-msi (pure Python, every platform)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pycert.common.errors import UsageError

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


class NotAnMsi(UsageError):
    """The file is not a readable MSI. `reason` is the sentence without the file name."""

    def __init__(self, path, reason: str):
        super().__init__(f"{path} {reason}.")
        self.reason = reason


def sniff(path: Path) -> str:
    """'msi', 'html' or 'other' from the first bytes of the file."""
    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(OLE_MAGIC):
        return "msi"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<?xml", b"<head")):
        return "html"
    return "other"


def read_properties(path: Path) -> dict[str, str]:
    """The Property table as a dict; NotAnMsi (one sentence) if the file is not a readable MSI."""
    kind = sniff(path)
    if kind != "msi":
        what = "an HTML page" if kind == "html" else "not an MSI (no OLE compound-file header)"
        raise NotAnMsi(path, f"is {what}; check the download URL or the proxy's login page")
    import pymsi

    try:
        package = pymsi.Package(Path(path), strict=False)
        try:
            table = package.get("Property")
            rows = list(table) if table is not None else []
        finally:
            if package.ole is not None:
                package.ole.close()
            package.file.close()
    except Exception as exc:  # pymsi raises bare ValueError/OSError/olefile errors on damage
        raise NotAnMsi(path, f"could not be read as an MSI ({type(exc).__name__}: {str(exc)[:80]}); the file is damaged") from None
    if not rows:
        raise NotAnMsi(path, "has no Property table; it is not an installable MSI")
    return {str(r["Property"]): "" if r["Value"] is None else str(r["Value"]) for r in rows}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest().upper()
