"""The data every layer passes around. Plain dataclasses: cheap to build, easy to test."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from pycert.common.plan import PlanStep


class KeyPresence(str, enum.Enum):
    """Whether a certificate in a store has its private key.

    `unknown` is what a backend says when it cannot tell: Mono's stores never keep keys,
    so a False from Mono means "don't know", not "no key".
    """

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    def as_json(self) -> bool | None:
        return {"yes": True, "no": False, "unknown": None}[self.value]


class State(str, enum.Enum):
    OK = "ok"
    DUE = "due"
    URGENT = "urgent"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    SUPERSEDED = "superseded"


# Worst first: how the summary line and `list` order certificates.
STATE_SEVERITY = {
    State.EXPIRED: 0,
    State.URGENT: 1,
    State.DUE: 2,
    State.NOT_YET_VALID: 3,
    State.OK: 4,
    State.SUPERSEDED: 5,
}

NEEDS_ACTION = frozenset({State.DUE, State.URGENT, State.EXPIRED})


@dataclass(frozen=True)
class StoreRef:
    location: str  # CurrentUser | LocalMachine
    name: str  # My, CA, Root, ...

    @classmethod
    def parse(cls, text: str) -> "StoreRef":
        location, _, name = text.partition("\\")
        return cls(location, name)

    def __str__(self) -> str:
        return f"{self.location}\\{self.name}"


@dataclass(frozen=True)
class CertificateInfo:
    store: StoreRef
    subject: str
    issuer: str
    thumbprint: str  # SHA-1, upper-case hex, as Windows shows it
    serial: str
    not_before: datetime  # aware, UTC
    not_after: datetime  # aware, UTC
    has_private_key: KeyPresence
    friendly_name: str = ""
    key_usages: tuple[str, ...] = ()
    ekus: tuple[str, ...] = ()  # dotted OIDs
    sha256: str = ""  # of the DER encoding, upper-case hex (what root pins compare)
    # The certificate itself, for checking signatures (expiry/issuers.py); not part of
    # equality, and empty where a test builds a CertificateInfo by hand.
    der: bytes = field(default=b"", repr=False, compare=False)

    @property
    def common_name(self) -> str:
        return rdn_value(self.subject, "CN")


def rdn_value(dn: str, attribute: str) -> str:
    """First value of `attribute` in a .NET-style DN ("CN=a, OU=b, C=JP"); '' if absent."""
    for part in split_dn(dn):
        key, sep, value = part.partition("=")
        if sep and key.strip().upper() == attribute.upper():
            return value.strip().strip('"')
    return ""


def split_dn(dn: str) -> list[str]:
    """Split a DN on commas that are not inside quotes or escaped."""
    parts, current, quoted, escaped = [], [], False, False
    for ch in dn:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == '"':
            current.append(ch)
            quoted = not quoted
        elif ch == "," and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if current:
        parts.append("".join(current).strip())
    return [p for p in parts if p]


@dataclass(frozen=True)
class StoreReading:
    """What one store gave: its certificates, or why it could not be read. A certificate
    the platform cannot decode (a duplicated or malformed extension) is skipped and listed
    in `unreadable`, so one bad certificate never hides the others."""

    store: StoreRef
    status: str  # "ok" | "absent" | "error"
    certificates: tuple[CertificateInfo, ...] = ()
    error: str = ""
    unreadable: tuple[UnreadableCertificate, ...] = ()


@dataclass(frozen=True)
class UnreadableCertificate:
    """A certificate in a store that could not be decoded: its thumbprint (SHA-1 of the
    DER, as Windows shows it; empty when even the bytes could not be had) and why."""

    thumbprint: str
    reason: str


@dataclass(frozen=True)
class Finding:
    profile: str
    certificate: CertificateInfo
    state: State
    days_left: int
    superseded_by: str | None = None  # thumbprint of the renewed certificate
    # SHA-256 of the public key of the CA certificate that verifies this certificate's
    # signature (expiry/trust.py); None: the issuer is unverified.
    issuer_key: str | None = None

    @property
    def issuer_verified(self) -> bool:
        return self.issuer_key is not None


@dataclass
class ProfileResult:
    profile: str
    required: bool
    findings: list[Finding] = field(default_factory=list)
    stores: list[StoreReading] = field(default_factory=list)
    missing: bool = False

    @property
    def needs_action(self) -> list[Finding]:
        return [f for f in self.findings if f.state in NEEDS_ACTION]

    @property
    def store_errors(self) -> list[StoreReading]:
        return [s for s in self.stores if s.status == "error"]

    @property
    def compliant(self) -> bool:
        return not self.missing and not self.needs_action


@dataclass
class CheckResult:
    """The outcome of one detect/remediate job: what every front door renders."""

    check: str
    verdict: str  # compliant | noncompliant | error | remediated | failed
    exit_code: int
    generated_at: datetime
    profiles: list[ProfileResult] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    # A remediation's steps, in order: what a dry run prints, or what a real run executed
    # (its `details` say how each went). In the JSON as details["plan"], each step's
    # as_json(). None for a detect: no `plan` key.
    plan: Sequence[PlanStep] | None = None

    def __post_init__(self) -> None:
        if self.plan is not None:
            self.details["plan"] = [step.as_json() for step in self.plan]


@dataclass
class Placement:
    """One certificate of an imported PFX and what happened to it in its store."""

    thumbprint: str
    subject: str
    role: str  # leaf | intermediate | root | other
    store: StoreRef
    status: str = "planned"  # planned | added | present | cancelled | failed
    detail: str = ""
    der: bytes = field(default=b"", repr=False)
