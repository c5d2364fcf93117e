"""Pure decisions about certificates. No I/O and no clock reads: `now` is always passed in.

How key presence is treated: a successor whose key presence is `unknown` (Mono never
keeps keys in its stores) still supersedes, because detection changes nothing and
hiding a renewed certificate would raise a false alarm. Anything that *removes*
certificates must ask `removal_allowed`, which demands a known key.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Iterable, Sequence

from pycert.model import (
    NEEDS_ACTION,
    STATE_SEVERITY,
    CertificateInfo,
    Finding,
    KeyPresence,
    ProfileResult,
    State,
    StoreReading,
)

DAY = timedelta(days=1)


def days_left(not_after: datetime, now: datetime) -> int:
    """Whole days until expiry, in UTC, rounded down: 89.9 days left is 89; just expired is -1."""
    _require_aware(not_after, "not_after")
    _require_aware(now, "now")
    return math.floor((not_after - now) / DAY)


def is_valid_at(cert: CertificateInfo, now: datetime) -> bool:
    return cert.not_before <= now < cert.not_after


def find_successor(
    cert: CertificateInfo, peers: Iterable[CertificateInfo], now: datetime
) -> CertificateInfo | None:
    """The renewed certificate that replaces `cert`, if one is in the same store.

    A successor has the same subject and issuer, a later not_after, a private key
    (yes or unknown, never a known "no"), and is valid now. Among several, the one
    that lasts longest wins.
    """
    best = None
    for other in peers:
        if (
            other.thumbprint != cert.thumbprint
            and other.store == cert.store
            and other.subject == cert.subject
            and other.issuer == cert.issuer
            and other.not_after > cert.not_after
            and other.has_private_key is not KeyPresence.NO
            and is_valid_at(other, now)
            and (best is None or other.not_after > best.not_after)
        ):
            best = other
    return best


def classify(
    cert: CertificateInfo,
    peers: Sequence[CertificateInfo],
    now: datetime,
    renewal_window_days: int,
    urgent_days: int,
    profile: str = "",
) -> Finding:
    """One certificate's state. `peers` are the other certificates of the same profile."""
    left = days_left(cert.not_after, now)
    successor = find_successor(cert, peers, now)
    if successor is not None:
        state = State.SUPERSEDED
    elif now < cert.not_before:
        state = State.NOT_YET_VALID
    elif now >= cert.not_after:
        state = State.EXPIRED
    elif left < urgent_days:
        state = State.URGENT
    elif left < renewal_window_days:
        state = State.DUE
    else:
        state = State.OK
    return Finding(
        profile=profile,
        certificate=cert,
        state=state,
        days_left=left,
        superseded_by=successor.thumbprint if successor else None,
    )


def evaluate_profile(
    profile: str,
    certificates: Sequence[CertificateInfo],
    stores: Sequence[StoreReading],
    now: datetime,
    renewal_window_days: int,
    urgent_days: int,
    required: bool,
) -> ProfileResult:
    """Classify every certificate that matched a profile and decide the profile's compliance.

    Non-compliant when a certificate that is not superseded is due, urgent or expired,
    or when the profile is required and no certificate matched at all.
    """
    findings = [
        classify(cert, certificates, now, renewal_window_days, urgent_days, profile)
        for cert in certificates
    ]
    findings.sort(key=severity_key)
    return ProfileResult(
        profile=profile,
        required=required,
        findings=findings,
        stores=list(stores),
        missing=required and not certificates,
    )


def severity_key(finding: Finding) -> tuple[int, int, str]:
    """Worst first: by state severity, then fewest days left, then thumbprint for stability."""
    return (STATE_SEVERITY[finding.state], finding.days_left, finding.certificate.thumbprint)


def worst_findings(results: Iterable[ProfileResult]) -> list[Finding]:
    """Every finding that needs action, worst first (what a summary line names)."""
    found = [f for r in results for f in r.findings if f.state in NEEDS_ACTION]
    return sorted(found, key=severity_key)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
