"""PFX fixtures written to disk: made with `cryptography` (pycert.demo.samples.make_pfx)."""

from __future__ import annotations

from pathlib import Path

from pycert.demo import samples


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def obn_pfx(folder: Path, name: str, days_left: float, now, password="1234", *, key_seed=0, **kw) -> tuple[Path, samples.Sample]:
    leaf = samples.obn_certificate("0110119153", days_left, now, key_seed=key_seed)
    return write(folder, name, samples.make_pfx(leaf, password, **kw)), leaf
