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
    StoreRef,
)

DAY = timedelta(days=1)


def days_left(not_after: datetime, now: datetime) -> int:
    """Whole days until expiry, in UTC, rounded down: 89.9 days left is 89; just expired is -1."""
    _require_aware(not_after, "not_after")
    _require_aware(now, "now")
    return math.floor((not_after - now) / DAY)


def is_valid_at(cert: CertificateInfo, now: datetime) -> bool:
    return cert.not_before <= now < cert.not_after


def can_succeed(cert: CertificateInfo, now: datetime) -> bool:
    """A renewed certificate counts only if valid now and its key is not known to be missing."""
    return cert.has_private_key is not KeyPresence.NO and is_valid_at(cert, now)


def find_successor(
    cert: CertificateInfo, peers: Iterable[CertificateInfo], now: datetime
) -> CertificateInfo | None:
    """The renewed certificate that replaces `cert`, if one is in the same store.

    A successor has the same store, subject and issuer, a later not_after, a private key
    (yes or unknown, never a known "no"), and is valid now. Among several, the one
    that lasts longest wins.
    """
    return successors([cert, *peers], now).get((cert.store, cert.thumbprint))


def successors(
    certificates: Iterable[CertificateInfo], now: datetime
) -> dict[tuple[StoreRef, str], CertificateInfo]:
    """For every superseded certificate, (store, thumbprint) -> its successor. Linear time:
    the longest-lasting eligible certificate of each (store, subject, issuer) group
    supersedes every certificate of the group that ends before it."""
    groups: dict[tuple, list[CertificateInfo]] = {}
    for cert in certificates:
        groups.setdefault((cert.store, cert.subject, cert.issuer), []).append(cert)
    found = {}
    for members in groups.values():
        eligible = [c for c in members if can_succeed(c, now)]
        if not eligible:
            continue
        best = max(eligible, key=lambda c: c.not_after)
        for cert in members:
            if cert.not_after < best.not_after:
                found[(cert.store, cert.thumbprint)] = best
    return found


def classify(
    cert: CertificateInfo,
    peers: Sequence[CertificateInfo],
    now: datetime,
    renewal_window_days: int,
    urgent_days: int,
    profile: str = "",
    successor: CertificateInfo | None = None,
) -> Finding:
    """One certificate's state. `peers` are the other certificates of the same profile;
    a caller that already knows the successor (see `successors`) passes it instead."""
    left = days_left(cert.not_after, now)
    if successor is None and peers:
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
    replaced_by = successors(certificates, now)
    findings = [
        classify(cert, (), now, renewal_window_days, urgent_days, profile, replaced_by.get((cert.store, cert.thumbprint)))
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
