"""Pure decisions about certificates. No I/O and no clock reads: `now` is always passed in.

Which certificate replaces which is decided by the issuer rule (expiry/trust.py): a
renewal counts only when its signature verifies under the same CA key as the
certificate it replaces, or under a key the profile pins. Names select candidates;
keys decide. The signature checks come in as an IssuerTrust; without one nothing is
verified and nothing supersedes anything.

How key presence is treated: a successor whose key presence is `unknown` (Mono never
keeps keys in its stores) still supersedes, because detection changes nothing and
hiding a renewed certificate would raise a false alarm. Anything that *removes*
certificates goes through `cleanup_plan`, which asks `successor_key_trusted`: on a
backend that knows keys (Windows) only a known "yes" will do.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Iterable, Sequence

from pycert.common.i18n import N_
from pycert.common.dates import days_left, expiry_text
from pycert.common.model import (
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
from pycert.expiry.trust import NOTHING_VERIFIED, IssuerTrust


def is_valid_at(cert: CertificateInfo, now: datetime) -> bool:
    return cert.not_before <= now < cert.not_after


def can_succeed(cert: CertificateInfo, now: datetime) -> bool:
    """A renewed certificate counts only if valid now and its key is not known to be missing."""
    return cert.has_private_key is not KeyPresence.NO and is_valid_at(cert, now)


def find_successor(
    cert: CertificateInfo, peers: Iterable[CertificateInfo], now: datetime, trust: IssuerTrust = NOTHING_VERIFIED
) -> CertificateInfo | None:
    """The renewed certificate that replaces `cert`, if one is in the same store.

    A successor has the same store and subject, a later not_after, a private key (yes or
    unknown, never a known "no"), is valid now, and passes the issuer rule against
    `cert` (same CA key, or a pinned one). Among several, the one that lasts longest wins.
    """
    return successors([cert, *peers], now, trust).get((cert.store, cert.thumbprint))


def successors(
    certificates: Iterable[CertificateInfo], now: datetime, trust: IssuerTrust = NOTHING_VERIFIED
) -> dict[tuple[StoreRef, str], CertificateInfo]:
    """For every superseded certificate, (store, thumbprint) -> its successor. Linear time:
    within each (store, subject) group, the longest-lasting eligible certificate per
    signer key, and the longest-lasting one under any pinned key, are the only possible
    successors; each certificate takes the longer-lasting of the two the issuer rule
    allows it (its own signer's, the pinned one), if that ends after it."""
    groups: dict[tuple, list[CertificateInfo]] = {}
    for cert in certificates:
        groups.setdefault((cert.store, cert.subject), []).append(cert)
    found = {}
    for members in groups.values():
        by_signer: dict[str, CertificateInfo] = {}
        pinned: CertificateInfo | None = None
        for cert in members:
            key = trust.signer(cert)
            if key is None or not can_succeed(cert, now):
                continue
            if key not in by_signer or cert.not_after > by_signer[key].not_after:
                by_signer[key] = cert
            if trust.pinned(cert) and (pinned is None or cert.not_after > pinned.not_after):
                pinned = cert
        if not by_signer:
            continue
        for cert in members:
            own = trust.signer(cert)
            allowed = [c for c in (by_signer.get(own) if own else None, pinned) if c is not None]
            best = max(allowed, key=lambda c: c.not_after, default=None)
            if best is not None and cert.not_after < best.not_after:
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
    trust: IssuerTrust = NOTHING_VERIFIED,
) -> Finding:
    """One certificate's state. `peers` are the other certificates of the same profile;
    a caller that already knows the successor (see `successors`) passes it instead."""
    left = days_left(cert.not_after, now)
    if successor is None and peers:
        successor = find_successor(cert, peers, now, trust)
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
        issuer_key=trust.signer(cert),
    )


def evaluate_profile(
    profile: str,
    certificates: Sequence[CertificateInfo],
    stores: Sequence[StoreReading],
    now: datetime,
    renewal_window_days: int,
    urgent_days: int,
    required: bool,
    trust: IssuerTrust = NOTHING_VERIFIED,
) -> ProfileResult:
    """Classify every certificate that matched a profile and decide the profile's compliance.

    Non-compliant when a certificate that is not superseded is due, urgent or expired,
    or when the profile is required and no certificate matched at all. A certificate
    whose issuer is unverified is judged like any other; it just supersedes nothing.
    """
    replaced_by = successors(certificates, now, trust)
    findings = [
        classify(cert, (), now, renewal_window_days, urgent_days, profile,
                 replaced_by.get((cert.store, cert.thumbprint)), trust)
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


# -- cleanup --------------------------------------------------------------------------

@dataclass(frozen=True)
class CleanupStep:
    certificate: CertificateInfo
    remove: bool
    reason: str
    successor: str | None = None  # thumbprint


@dataclass(frozen=True)
class RemoveStep:
    """Remove one superseded certificate from its store (on Windows, with its key container)."""

    profile: str
    certificate: CertificateInfo
    reason: str
    successor: str | None  # thumbprint of the certificate that supersedes it
    action: str = field(default="remove", init=False)

    @property
    def store(self) -> StoreRef:
        return self.certificate.store

    @property
    def thumbprint(self) -> str:
        return self.certificate.thumbprint

    def describe(self) -> str:
        c = self.certificate
        by = f" by {self.successor}" if self.successor else ""
        return (f"remove {c.thumbprint} ({c.common_name or c.subject}, expires {expiry_text(c.not_after)}) "
                f"from {c.store}: {self.reason}{by}")

    def as_json(self) -> dict:
        return {"action": self.action, "profile": self.profile, "store": str(self.store), "thumbprint": self.thumbprint,
                "subject": self.certificate.subject, "reason": self.reason, "successor": self.successor}


def successor_key_trusted(successor: CertificateInfo, keys_known: bool) -> bool:
    """May a certificate be removed because of this successor, as far as its key goes?

    Where the backend knows keys (Windows), only a known YES: a renewed certificate
    without its key cannot log in, and the old one may still be the only working one.
    Mono's stores never keep keys, so UNKNOWN is all it can say about any certificate;
    removing an old certificate there cannot lose a key that the store never had, so
    UNKNOWN is accepted only when `keys_known` is False. NO is never enough.
    """
    if successor.has_private_key is KeyPresence.YES:
        return True
    return successor.has_private_key is KeyPresence.UNKNOWN and not keys_known


def cleanup_plan(
    certificates: Sequence[CertificateInfo], now: datetime, keys_known: bool, trust: IssuerTrust = NOTHING_VERIFIED
) -> list[CleanupStep]:
    """For one profile's certificates: which to remove (superseded) and why each other stays.

    Never removes the newest valid certificate of a subject and store, never one without a
    renewed successor that passes the issuer rule, never one whose successor's key is not
    trusted.
    """
    newest: dict[tuple, CertificateInfo] = {}
    for cert in certificates:
        if is_valid_at(cert, now):
            group = (cert.store, cert.subject)
            if group not in newest or cert.not_after > newest[group].not_after:
                newest[group] = cert
    replaced_by = successors(certificates, now, trust)
    steps = []
    for cert in certificates:
        successor = replaced_by.get((cert.store, cert.thumbprint))
        if newest.get((cert.store, cert.subject)) is cert:
            steps.append(CleanupStep(cert, False, N_("newest valid certificate")))
        elif successor is None:
            steps.append(CleanupStep(cert, False, _why_no_successor(cert, certificates, now, trust)))
        elif not successor_key_trusted(successor, keys_known):
            steps.append(CleanupStep(cert, False, N_("the successor's private key is not confirmed"), successor.thumbprint))
        else:
            steps.append(CleanupStep(cert, True, "superseded", successor.thumbprint))
    return steps


def _why_no_successor(cert: CertificateInfo, certificates: Sequence[CertificateInfo], now: datetime,
                      trust: IssuerTrust) -> str:
    """Say so when a newer certificate is there but fails only the issuer rule: that is
    either a new CA generation to pin or a look-alike, and an administrator wants to know."""
    rejected = [
        c for c in certificates
        if c.store == cert.store and c.subject == cert.subject and c.not_after > cert.not_after
        and can_succeed(c, now) and not trust.may_replace(c, cert)
    ]
    if rejected:
        newest = max(rejected, key=lambda c: c.not_after)
        return N_(f"the newer {newest.thumbprint} is not from the CA key that issued this one nor from a pinned "
                  "issuer (trusted_issuers)")
    return N_("no renewed successor in the same store")


# -- renewal reminders ----------------------------------------------------------------

REMINDER_MILESTONES = (15, 30, 60, 90)  # ascending
DAILY_FROM_DAYS = 7
NOTICE_FROM_DAYS = 90  # お知らせ from here (the renewal window of all three families)
ACTION_FROM_DAYS = 30  # 要対応 from here; 至急 from DAILY_FROM_DAYS


def reminder_milestone(days_left: int, expired: bool = False) -> str | None:
    """The notice due at `days_left` (the vendor client's schedule): 90, 60, 30, 15 days,
    daily from 7, then once after expiry. None: too early for any notice. `expired`: the
    certificate's exact moment has passed (on its expiry day days_left is still 0)."""
    if days_left < 0 or expired:
        return "expired"
    if days_left <= DAILY_FROM_DAYS:
        return f"day-{days_left}"
    for milestone in REMINDER_MILESTONES:
        if days_left <= milestone:
            return f"day-{milestone}"
    return None


def notice_tier(days_left: int, expired: bool = False) -> str | None:
    """How a notice at `days_left` speaks: "info" (お知らせ, 90-31 days), "action" (要対応,
    30-8), "urgent" (至急, 7-0, shown daily), "expired" (期限切れ); None beyond 90 days.
    The texts live in expiry/notices.py."""
    if days_left < 0 or expired:
        return "expired"
    if days_left <= DAILY_FROM_DAYS:
        return "urgent"
    if days_left <= ACTION_FROM_DAYS:
        return "action"
    if days_left <= NOTICE_FROM_DAYS:
        return "info"
    return None


def leaves_notice_to_mpki_client(family: str, alongside: bool, client_installed: bool | None) -> bool:
    """Does PyCert stay quiet because the MPKI client notifies about this certificate on the
    same schedule (90, 60, 30, 15, daily from 7)? Only for the OBN family, only where the
    client is known to be installed, and not when the policy asks for both."""
    return family == "obn" and not alongside and client_installed is True


def pick_renewal(
    expiring: CertificateInfo, candidates: Iterable[CertificateInfo], now: datetime,
    trust: IssuerTrust = NOTHING_VERIFIED,
) -> CertificateInfo | None:
    """The staged certificate that renews `expiring`: same subject, later expiry, valid
    now, and passing the issuer rule against `expiring`; the longest-lived wins. Staged
    certificates carry their key (they come from a PFX) and are judged as if they were in
    `expiring`'s store."""
    staged = {c.thumbprint: c for c in candidates}
    placed = [replace(c, store=expiring.store, has_private_key=KeyPresence.YES) for c in staged.values()]
    found = successors([expiring, *placed], now, trust).get((expiring.store, expiring.thumbprint))
    return staged[found.thumbprint] if found is not None else None


def staged_refusal(leaf: CertificateInfo, needing: Iterable[CertificateInfo], trust: IssuerTrust,
                   has_password: bool) -> str | None:
    """Why a staged PFX whose leaf the profile matched must stay where it is, or None.

    `no-password`: the CA never issues a PFX without one, so such a file is not a renewal.
    `issuer-unverified`: its leaf names a certificate that needs renewal (same subject)
    but fails the issuer rule against every such certificate: a look-alike, or a new CA
    generation that is not pinned. A leaf for no certificate needing renewal is not
    refused; it is simply not used."""
    if not has_password:
        return "no-password"
    same = [c for c in needing if c.subject == leaf.subject]
    if same and not any(trust.may_replace(leaf, c) for c in same):
        return "issuer-unverified"
    return None
