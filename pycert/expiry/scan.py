"""Read each profile's stores once, match certificates to profiles and classify them:
what `list`, `detect expiry` and the renewal job all start from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pycert.common.model import Finding, ProfileResult, StoreReading, StoreRef
from pycert.common.stores import StoreReader
from pycert.expiry import rules
from pycert.expiry.issuers import IssuerLookup, profile_trust

if TYPE_CHECKING:  # pydantic stays out of the detect path's imports
    from pycert.policy.models import Policy, Profile

DEFAULT_WINDOW_DAYS = 90
DEFAULT_URGENT_DAYS = 14


def scan(profiles: dict[str, Profile], stores: StoreReader, now: datetime,
         lookup: IssuerLookup | None = None) -> list[ProfileResult]:
    """Read each store once, match certificates to profiles, check their issuers'
    signatures (issuers.py: Root/CA stores only as far as needed), and classify them."""
    wanted = {StoreRef.parse(s) for p in profiles.values() for s in p.stores}
    readings = {r.store: r for r in stores.read_many(sorted(wanted, key=str))}
    lookup = lookup or IssuerLookup(stores)
    lookup.seen(readings.values())
    results = []
    for name, profile in profiles.items():
        own = [readings[StoreRef.parse(s)] for s in profile.stores]
        matched = [c for r in own for c in r.certificates if profile.match.matches(c)]
        results.append(
            rules.evaluate_profile(
                name,
                matched,
                own,
                now,
                renewal_window_days=profile.renewal_window_days,
                urgent_days=profile.urgent_days,
                required=profile.required,
                trust=profile_trust(lookup, profile.trusted_issuers, matched),
            )
        )
    return results


@dataclass
class Inventory:
    findings: list[Finding]
    stores: list[StoreReading]


def inventory(
    policy: Policy, stores: StoreReader, now: datetime, profile: str | None = None, include_unmatched: bool = False
) -> Inventory:
    """Every matched certificate (and with include_unmatched, every other one in the same
    stores, judged by the default window), soonest expiry first."""
    profiles = policy.select(profile)
    lookup = IssuerLookup(stores)
    results = scan(profiles, stores, now, lookup)
    findings = [f for r in results for f in r.findings]
    readings = {s.store: s for r in results for s in r.stores}
    if include_unmatched:
        seen = {(f.certificate.store, f.certificate.thumbprint) for f in findings}
        for reading in readings.values():
            others = [c for c in reading.certificates if (c.store, c.thumbprint) not in seen]
            unmatched = rules.evaluate_profile(
                "", others, [], now, DEFAULT_WINDOW_DAYS, DEFAULT_URGENT_DAYS, required=False,
                trust=profile_trust(lookup, (), others),
            )
            findings += unmatched.findings
    findings.sort(key=lambda f: (f.days_left, f.certificate.thumbprint))
    return Inventory(findings, sorted(readings.values(), key=lambda s: str(s.store)))
