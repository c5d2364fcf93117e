"""Pure decisions about pinned root certificates: is each pin installed, expiring, missing;
which store an install goes to; which certificates of a source may be installed.

No I/O and no clock reads. A pin is anything with `name`, `sha256`, `required`, `stores`
(config.RootPin); a source certificate anything with `sha256` (certparse.ParsedCertificate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

from pycert.common.model import CertificateInfo, StoreReading, StoreRef
from pycert.common.dates import days_left

MACHINE_ROOT = StoreRef("LocalMachine", "Root")
USER_ROOT = StoreRef("CurrentUser", "Root")

INSTALLED, EXPIRING, EXPIRED, MISSING, UNKNOWN = "installed", "expiring", "expired", "missing", "unknown"
# Worst first, for the summary line.
SEVERITY = {EXPIRED: 0, MISSING: 1, UNKNOWN: 2, EXPIRING: 3, INSTALLED: 4}


@dataclass(frozen=True)
class RootStatus:
    name: str
    sha256: str
    required: bool
    state: str
    found_in: tuple[StoreRef, ...] = ()
    certificate: CertificateInfo | None = None
    days_left: int | None = None
    store_errors: tuple[str, ...] = ()  # "Store: reason", for stores that could not be read

    @property
    def needs_action(self) -> bool:
        return self.required and self.state in (MISSING, EXPIRED)


def pin_stores(pins: Iterable) -> list[StoreRef]:
    """Every store some pin counts, each once, in a stable order."""
    seen: dict[str, StoreRef] = {}
    for pin in pins:
        for text in pin.stores:
            seen.setdefault(text, StoreRef.parse(text))
    return list(seen.values())


def evaluate(pins: Sequence, readings: Mapping[StoreRef, StoreReading], now: datetime, warning_days: int) -> list[RootStatus]:
    """The state of every pin, worst first. `expiring` is still compliant: it is a warning."""
    statuses = []
    for pin in pins:
        stores = [StoreRef.parse(s) for s in pin.stores]
        found = [
            (store, cert)
            for store in stores
            for cert in readings[store].certificates
            if cert.sha256 == pin.sha256
        ]
        errors = tuple(f"{s}: {readings[s].error}" for s in stores if readings[s].status == "error")
        if not found:
            state = UNKNOWN if errors else MISSING
            statuses.append(RootStatus(pin.name, pin.sha256, pin.required, state, store_errors=errors))
            continue
        cert = found[0][1]
        left = days_left(cert.not_after, now)
        if now >= cert.not_after:  # the exact moment; days_left is 0 all of the expiry day
            state = EXPIRED
        elif left < warning_days:
            state = EXPIRING
        else:
            state = INSTALLED
        where = tuple(dict.fromkeys(store for store, _ in found))
        statuses.append(RootStatus(pin.name, pin.sha256, pin.required, state, where, cert, left, errors))
    return sorted(statuses, key=lambda s: (SEVERITY[s.state], s.name))


def detect_verdict(statuses: Sequence[RootStatus]) -> tuple[str, int]:
    if any(s.needs_action for s in statuses):
        return "noncompliant", 1
    if any(s.required and s.state == UNKNOWN for s in statuses):
        return "error", 3
    return "compliant", 0


def scope_store(scope: str) -> StoreRef:
    """Where an install goes: `user` -> CurrentUser\\Root (Windows asks the user to confirm);
    `machine` and `auto` -> LocalMachine\\Root."""
    return USER_ROOT if scope == "user" else MACHINE_ROOT


def may_write(store: StoreRef, elevated: bool) -> bool:
    """LocalMachine stores need an elevated process; `auto` never falls back to the user's
    store, because that would put Windows' confirmation dialog in front of clinic staff."""
    return store.location != "LocalMachine" or elevated


@dataclass
class Selection:
    """What a source offers against the pins: installable certificates by SHA-256, and the rest."""

    pinned: dict[str, Any] = field(default_factory=dict)  # sha256 -> certificate (certparse.ParsedCertificate)
    refused: list = field(default_factory=list)  # not pinned: never installed


@dataclass(frozen=True)
class InstallRootStep:
    """Add one pinned root certificate to a Root store. Built only from a certificate whose
    SHA-256 equals the pin (see `select`); the executor checks that again before adding."""

    pin: str  # the pin's name
    sha256: str  # the pin
    store: StoreRef
    source: str
    der: bytes = field(repr=False, compare=False)
    action: str = field(default="install-root", init=False)

    def describe(self) -> str:
        return f'install root "{self.pin}" (SHA-256 {self.sha256}) from {self.source} into {self.store}'

    def as_json(self) -> dict:
        return {"action": self.action, "pin": self.pin, "sha256": self.sha256, "store": str(self.store),
                "source": self.source}


def select(pins: Iterable, certificates: Iterable) -> Selection:
    """Split a source's certificates into pinned ones and refused ones. Names, subjects and
    issuers play no part: only the SHA-256 of the exact bytes."""
    wanted = {pin.sha256 for pin in pins}
    selection = Selection()
    for cert in certificates:
        if cert.sha256 in wanted:
            selection.pinned[cert.sha256] = cert
        else:
            selection.refused.append(cert)
    return selection
