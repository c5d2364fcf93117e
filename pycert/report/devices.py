"""One row per device (its clinic, verdict, worst state, days left, 対処, failure reason)
and the devices grouped by clinic, worst clinic first: what an IT manager acts on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pycert.report.actions import Action, next_actions
from pycert.report.clinics import CODE, ClinicMap
from pycert.report.model import STATE_ORDER, VERDICT_ORDER, DeviceReport, Fleet
from pycert.report.views import NOT_CHARTED, days_until

_VERDICT_RANK = {v: i for i, v in enumerate(VERDICT_ORDER)}
_STATE_RANK = {s: i for i, s in enumerate(STATE_ORDER)}
_FAR = 10**7  # sorts unknown days after every known one


@dataclass(frozen=True, slots=True)
class DeviceRow:
    device: str
    clinic: str  # "" when the mapping names no clinic for it
    maintainer: str
    code: str  # the 医療機関コード its certificate carries (CN), "" if none
    verdict: str
    state: str  # its worst expiry certificate state, "" if it named none
    days_left: int | None  # fewest days left of a certificate that still matters
    actions: tuple[Action, ...]
    reason: str
    reported_at: datetime | None
    source: str

    @property
    def rank(self) -> tuple:
        return (_VERDICT_RANK.get(self.verdict, len(VERDICT_ORDER)), _STATE_RANK.get(self.state, len(STATE_ORDER)),
                _FAR if self.days_left is None else self.days_left)


@dataclass
class ClinicGroup:
    name: str  # "" is the group of devices no mapping row names
    maintainer: str
    devices: list[DeviceRow] = field(default_factory=list)

    @property
    def verdicts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.devices:
            counts[row.verdict] = counts.get(row.verdict, 0) + 1
        return {v: counts[v] for v in sorted(counts, key=lambda v: _VERDICT_RANK.get(v, len(VERDICT_ORDER)))}


def codes_of(report: DeviceReport) -> list[str]:
    """The 医療機関コード a device's results show: the CN of its Online Billing NW
    certificates (DOMAIN.md: CN = medical-institution code), i.e. every expiry
    certificate CN of exactly 10 digits, in the order the result lists them."""
    return [c.cn for c in report.certs if c.check == "expiry" and CODE.match(c.cn)]


def device_row(report: DeviceReport, now: datetime, clinics: ClinicMap | None) -> DeviceRow:
    codes = codes_of(report)
    clinic = clinics.clinic_of(report.device, codes) if clinics else None
    states = [s for s, n in report.state_counts.items() if n] + [c.state for c in report.certs if c.check == "expiry"]
    worst = min(states, key=lambda s: _STATE_RANK.get(s, len(STATE_ORDER)), default="")
    days = [d for d in (_days(c, now) for c in report.certs if c.check == "expiry" and c.state not in NOT_CHARTED)
            if d is not None]
    return DeviceRow(report.device, clinic.name if clinic else "", clinic.maintainer if clinic else "",
                     codes[0] if codes else "", report.verdict, worst, min(days, default=None),
                     next_actions(report), report.reason, report.reported_at, report.source)


def _days(cert, now: datetime) -> int | None:
    left = days_until(cert.expires, now) if cert.expires else None
    return cert.days if left is None else left


def device_rows(fleet: Fleet, now: datetime, clinics: ClinicMap | None = None) -> list[DeviceRow]:
    """Every device, worst first (verdict, then state, then fewest days left, then name)."""
    out = [device_row(report, now, clinics) for report in fleet.devices.values()]
    out.sort(key=lambda r: (r.rank, r.device.upper()))
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
    return sorted(by_name.values(), key=lambda g: (g.devices[0].rank, g.name == "", g.name))
