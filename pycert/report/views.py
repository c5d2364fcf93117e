"""The numbers every report output shows, computed once from a Fleet."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from pycert.common.dates import days_until as days_from_today
from pycert.report.model import STATE_ORDER, VERDICT_ORDER, Fleet, add_counts

WEEKS = 26
SOONEST = 10
# Certificates that no longer matter for "when does this terminal stop working".
NOT_CHARTED = ("superseded", "missing", "error")


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the CSV/HTML table: a device and one certificate it named (or none)."""

    device: str
    user: str
    verdict: str
    reported_at: str
    check: str
    profile: str
    state: str
    cn: str
    days_left: int | None  # as of the report's date when the expiry is known
    expires: str
    thumbprint: str
    source: str


COLUMNS = ("device", "user", "verdict", "check", "profile", "state", "days_left", "expires", "cn",
           "thumbprint", "reported_at", "source")


def days_until(expires: str, now: datetime) -> int | None:
    """Days left from an expiry date (Japan time, as every output writes it), by the rule in
    pycert.common.dates, so the report agrees with `list`/`detect` on any machine."""
    try:
        return days_from_today(date.fromisoformat(expires), now)
    except ValueError:
        return None


def rows(fleet: Fleet, now: datetime) -> list[Row]:
    """Every device/certificate pair, fewest days left first (unknown days last, then by device)."""
    out = []
    left_by_date: dict[str, int | None] = {}  # a fleet has a few thousand expiry dates, not one per row
    for report in fleet.devices.values():
        # isoformat is C-fast where strftime is not; its first 19 characters are strftime's %Y-%m-%dT%H:%M:%S
        reported = report.reported_at.isoformat(timespec="seconds")[:19] + "Z" if report.reported_at else ""
        base = (report.device, report.user, report.verdict, reported)
        if not report.certs:
            out.append(Row(*base, report.check, "", "", "", None, "", "", report.source))
        for cert in report.certs:
            if not cert.expires:
                left = None
            elif cert.expires in left_by_date:
                left = left_by_date[cert.expires]
            else:
                left = left_by_date[cert.expires] = days_until(cert.expires, now)
            out.append(Row(*base, cert.check, cert.profile, cert.state, cert.cn,
                           cert.days if left is None else left, cert.expires, cert.thumbprint, report.source))
    out.sort(key=lambda r: (r.days_left is None, r.days_left if r.days_left is not None else 0, r.device, r.profile))
    return out


def ordered(counts: dict[str, int], order: tuple[str, ...]) -> dict[str, int]:
    known = [k for k in order if k in counts]
    return {k: counts[k] for k in known + sorted(k for k in counts if k not in order)}


def summary(fleet: Fleet, table: list[Row], now: datetime) -> dict:
    verdicts: dict[str, int] = {}
    states: dict[str, int] = {}
    by_check: dict[str, dict[str, int]] = {}
    truncated = 0
    for report in fleet.devices.values():
        verdicts[report.verdict] = verdicts.get(report.verdict, 0) + 1
        add_counts(states, by_check, report)
        truncated += bool(report.more or report.truncated)
    weeks = [0] * WEEKS
    expired_listed = 0
    for row in table:
        if row.days_left is None or row.state in NOT_CHARTED:
            continue
        if row.days_left < 0:
            expired_listed += 1
        elif row.days_left < WEEKS * 7:
            weeks[row.days_left // 7] += 1
    soonest = [r for r in table if r.days_left is not None and r.state not in NOT_CHARTED][:SOONEST]
    return {
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "inputs": list(fleet.sources),
        "rows_read": fleet.rows,
        "devices": len(fleet.devices),
        "duplicates_ignored": fleet.duplicates,
        "devices_with_cut_lists": truncated,
        "devices_by_verdict": ordered(verdicts, VERDICT_ORDER),
        "certificates_by_state": ordered(states, STATE_ORDER),
        "states_by_check": {check: dict(sorted(c.items())) for check, c in sorted(by_check.items())},
        "expiries_per_week": weeks,
        "expired_listed": expired_listed,
        "soonest": [asdict(r) for r in soonest],
        "suspect": fleet.suspect_count,
        "suspect_rows": [{"source": r.source, "device": r.device, "reason": r.suspect} for r in fleet.suspects],
        "unparseable": fleet.rejected_count,
        "unparseable_rows": [asdict(r) for r in fleet.rejected],
    }
