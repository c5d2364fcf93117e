"""One row per device (its clinic, verdict, worst state, days left, 対処, failure reason)
and the devices grouped by clinic, worst clinic first: what an IT manager acts on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from pycert.report.actions import ORDER, Action, next_actions
from pycert.report.clinics import CODE, ClinicMap
from pycert.report.model import STATE_ORDER, VERDICT_ORDER, DeviceReport, Fleet
from pycert.report.views import NOT_CHARTED, days_until

_VERDICT_RANK = {v: i for i, v in enumerate(VERDICT_ORDER)}
_STATE_RANK = {s: i for i, s in enumerate(STATE_ORDER)}
_FAR = 10**8  # unknown days sort after every known one (parse.MAX_DAYS is 10**6)


class DeviceRow(NamedTuple):
    """A tuple that points at its report: 100k of them are built per report (~10 MiB)."""

    report: DeviceReport
    clinic: str  # "" when the mapping names no clinic for it
    maintainer: str
    code: str  # the 医療機関コード its certificate carries (CN), "" if none
    state: str  # its worst expiry certificate state, "" if it named none
    days_left: int | None  # fewest days left of a certificate that still matters
    actions: tuple[Action, ...]

    device = property(lambda self: self.report.device)
    verdict = property(lambda self: self.report.verdict)
    reason = property(lambda self: self.report.reason)
    reported_at = property(lambda self: self.report.reported_at)
    source = property(lambda self: self.report.source)

    @property
    def rank(self) -> int:
        """Worst first: verdict, then state, then fewest days left, as one int (a sort key
        per device costs no tuple: 100k devices)."""
        days = _FAR if self.days_left is None else self.days_left + _FAR // 2
        return ((_VERDICT_RANK.get(self.verdict, len(VERDICT_ORDER)) * 16 + _STATE_RANK.get(self.state, len(STATE_ORDER)))
                * _FAR + days)


@dataclass
class ClinicGroup:
    name: str  # "" is the group of devices no mapping row names
    maintainer: str
    devices: list[DeviceRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # devices per verdict, counted by groups()

    @property
    def verdicts(self) -> dict[str, int]:
        """Devices per verdict, worst verdict first."""
        return {v: self.counts[v] for v in sorted(self.counts, key=lambda v: _VERDICT_RANK.get(v, len(VERDICT_ORDER)))}


def device_row(report: DeviceReport, now: datetime, clinics: ClinicMap | None, days_cache: dict | None = None) -> DeviceRow:
    """A device's row. Its 医療機関コード are the CNs of its Online Billing NW certificates
    (DOMAIN.md: CN = medical-institution code): every expiry certificate CN of exactly 10
    digits, in the order the result lists them (worst first); the first one shows."""
    cache = {} if days_cache is None else days_cache
    worst, worst_rank, fewest = "", len(STATE_ORDER) + 1, None
    for state, count in report.state_counts.items():  # every expiry certificate, listed or not
        rank = _STATE_RANK.get(state, len(STATE_ORDER))
        if count and rank < worst_rank:
            worst, worst_rank = state, rank
    codes = []
    for cert in report.certs:  # one pass: this runs for every device of the fleet
        if cert.check != "expiry":
            continue
        if len(cert.cn) == 10 and CODE.match(cert.cn):
            codes.append(cert.cn)
        rank = _STATE_RANK.get(cert.state, len(STATE_ORDER))
        if rank < worst_rank:
            worst, worst_rank = cert.state, rank
        if cert.state not in NOT_CHARTED:
            left = _days(cert, now, cache)
            if left is not None and (fewest is None or left < fewest):
                fewest = left
    clinic = clinics.clinic_of(report.device, codes) if clinics else None
    return DeviceRow(report, clinic.name if clinic else "", clinic.maintainer if clinic else "",
                     codes[0] if codes else "", worst, fewest, next_actions(report))


def _days(cert, now: datetime, cache: dict) -> int | None:
    """Days left as the certificate table counts them (views.days_until); a fleet has few
    distinct expiry dates, so each is counted once per report."""
    if not cert.expires:
        return cert.days
    left = cache.get(cert.expires, cache)
    if left is cache:
        left = cache[cert.expires] = days_until(cert.expires, now)
    return cert.days if left is None else left


def device_rows(fleet: Fleet, now: datetime, clinics: ClinicMap | None = None) -> list[DeviceRow]:
    """Every device, worst first (verdict, then state, then fewest days left, then name)."""
    cache: dict[str, int | None] = {}
    devices = fleet.devices
    out = [device_row(devices[key], now, clinics, cache) for key in sorted(devices)]  # by name (the key)...
    out.sort(key=lambda r: r.rank)  # ...then worst first; the sort is stable
    return out


def groups(rows: list[DeviceRow]) -> list[ClinicGroup]:
    """Devices by clinic; clinics sorted by their worst device (the rows' order), then name.
    The unmapped group is sorted the same way: failing devices nobody mapped stay on top."""
    by_name: dict[str, ClinicGroup] = {}
    for row in rows:  # already worst first, so each group's first device is its worst
        group = by_name.get(row.clinic)
        if group is None:
            group = by_name[row.clinic] = ClinicGroup(row.clinic, row.maintainer)
        elif row.maintainer and row.maintainer not in group.maintainer.split(", "):  # two rows, one clinic
            group.maintainer = ", ".join(filter(None, (group.maintainer, row.maintainer)))
        group.devices.append(row)
        verdict = row.report.verdict
        group.counts[verdict] = group.counts.get(verdict, 0) + 1
    return sorted(by_name.values(), key=lambda g: (g.devices[0].rank, g.name == "", g.name))


FAILURES = ("failed", "store-error", "root-unknown")
MAX_FAILED_LISTED = 1000


def failed_devices(rows: list[DeviceRow]) -> list[dict]:
    """The devices whose run failed, worst first, with their reason (at most 1000 listed;
    devices_by_action["failed"] counts them all)."""
    out = []
    for row in rows:
        failures = [a for a in row.actions if a.code in FAILURES]
        if failures:
            out.append({"device": row.device, "clinic": row.clinic, "actions": [a.code for a in failures],
                        "details": [a.detail for a in failures]})
            if len(out) == MAX_FAILED_LISTED:
                break
    return out


def actions_count(rows) -> dict[str, int]:
    """Devices per next-action code (a device with two actions counts under both), in
    the order actions.ORDER gives them; failures of every kind count as `failed`."""
    counts: dict[str, int] = {}
    for row in rows:
        for code in {"failed" if a.code in FAILURES else a.code for a in row.actions}:
            counts[code] = counts.get(code, 0) + 1
    return {code: counts[code] for code in ORDER if code in counts}
