"""What the fleet report is made of: one DeviceReport per device (the newest wins), the
certificates each one named, and the inputs that could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

# How the report ranks verdicts and states, worst first. States other checks add
# (rootca, mpki, ...) sort after these and keep their own names.
VERDICT_ORDER = ("failed", "noncompliant", "remediated", "compliant")
STATE_ORDER = ("expired", "urgent", "due", "missing", "error", "not-yet-valid", "ok", "superseded")


def verdict_of(text: str) -> str:
    """One fleet verdict from a line word (NONCOMPLIANT) or a JSON verdict (error, failed...)."""
    word = text.strip().lower()
    return "failed" if word == "error" else word


@dataclass(frozen=True, slots=True)
class CertRow:
    """One item a device named: a certificate, or a missing/error marker of a profile."""

    check: str
    profile: str
    state: str
    cn: str = ""
    days: int | None = None  # as the device reported it
    expires: str = ""  # YYYY-MM-DD, the Japan-time date (pycert.common.dates.expiry_text)
    thumbprint: str = ""  # as much as the source gave (8 hex in a line, 40 in JSON)


@dataclass(slots=True)
class DeviceReport:
    device: str
    verdict: str
    reported_at: datetime | None
    check: str = ""
    user: str = ""
    source: str = ""  # file:line the report came from
    certs: list[CertRow] = field(default_factory=list)
    state_counts: dict[str, int] = field(default_factory=dict)  # every expiry certificate, listed or not
    # Other checks' items by check and state (rootca pins, the MPKI client): never mixed
    # into the certificate counts, and actions (imported, removed, ...) are not states.
    check_states: dict[str, dict[str, int]] = field(default_factory=dict)
    more: int = 0  # items the line left out (`| +N more`)
    truncated: bool = False  # the line was cut short and only its first part was read
    suspect: str = ""  # why this report may not be what it claims (then it never wins)
    reason: str = ""  # why a run failed: its `error message=` item or JSON `error` (bounded, see parse)

    @property
    def key(self) -> str:
        return self.device.strip().upper()


@dataclass(frozen=True)
class Rejected:
    source: str  # file:line
    reason: str  # ours, never the input's text: a report must not quote raw file content


@dataclass
class Fleet:
    """Reports folded per device as they stream in: memory grows with devices, not rows.

    Per device and check the newest report wins; a device's checks are shown together
    (expiry from the user's run, rootca and mpki from SYSTEM's: separate files or exports)."""

    devices: dict[str, DeviceReport] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    rejected_count: int = 0
    rows: int = 0
    duplicates: int = 0
    sources: list[str] = field(default_factory=list)
    now: datetime | None = None  # the report's time: a result written after it is suspect
    suspects: list[DeviceReport] = field(default_factory=list)
    suspect_count: int = 0
    # Devices that reported more than one check: their newest report per check; devices[key]
    # is then those combined (_combined). Most devices report one check and are not here.
    checks: dict[str, dict[str, DeviceReport]] = field(default_factory=dict)

    MAX_REJECTED_KEPT = 1000
    CLOCK_SKEW = timedelta(minutes=10)

    def add(self, report: DeviceReport) -> None:
        self.rows += 1
        if self.now and report.reported_at and report.reported_at > self.now + self.CLOCK_SKEW:
            report.suspect = report.suspect or f"written_at {report.reported_at:%Y-%m-%dT%H:%M:%SZ} is in the future"
        if report.suspect:
            self.suspect_count += 1
            if len(self.suspects) < self.MAX_REJECTED_KEPT:
                self.suspects.append(report)
        key = report.key
        parts = self.checks.get(key)
        if parts is None:
            old = self.devices.get(key)
            if old is None:
                self.devices[key] = report
                return
            if _covers_same(old, report):
                self.duplicates += 1
                if not _loses(report, old):
                    self.devices[key] = report
                return
            parts = self.checks[key] = {old.check: old}
        elif report.check in WHOLE:  # a report of every check against a device's separate ones
            self.duplicates += 1
            if not _loses(report, self.devices[key]):
                del self.checks[key]
                self.devices[key] = report
            return
        current = parts.get(report.check)
        if current is not None:
            self.duplicates += 1
            if _loses(report, current):
                return
        parts[report.check] = report
        self.devices[key] = _combined(list(parts.values()))

    def reject(self, item: Rejected) -> None:
        self.rows += 1
        self.rejected_count += 1
        if len(self.rejected) < self.MAX_REJECTED_KEPT:
            self.rejected.append(item)


_NEVER = datetime.min.replace(tzinfo=timezone.utc)
WHOLE = ("all", "")  # a combined run's check, or none given: it stands for the whole device


def _covers_same(old: DeviceReport, new: DeviceReport) -> bool:
    """Whether `new` answers the same question as `old` (so one of them wins) rather than
    another check of the same device (so both are shown)."""
    return old.check == new.check or old.check in WHOLE or new.check in WHOLE


def add_counts(states: dict[str, int], by_check: dict[str, dict[str, int]], report: DeviceReport) -> None:
    """Add a report's certificate counts to `states` and its other checks' counts to `by_check`."""
    for state, count in report.state_counts.items():
        states[state] = states.get(state, 0) + count
    for check, counts in report.check_states.items():
        into = by_check.setdefault(check, {})
        for state, count in counts.items():
            into[state] = into.get(state, 0) + count


def _combined(parts: list[DeviceReport]) -> DeviceReport:
    """One device's reports of different checks as one: the worst verdict, every item, the
    counts added up, the newest time. Other fields are the newest report's."""
    parts.sort(key=lambda r: r.check)
    newest = max(parts, key=lambda r: r.reported_at or _NEVER)
    rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    states: dict[str, int] = {}
    by_check: dict[str, dict[str, int]] = {}
    for part in parts:
        add_counts(states, by_check, part)
    return replace(
        newest,
        verdict=min((p.verdict for p in parts), key=lambda v: rank.get(v, len(rank))),
        check="+".join(p.check for p in parts),
        user=newest.user or next((p.user for p in parts if p.user), ""),
        source="; ".join(p.source for p in parts),
        certs=[c for p in parts for c in p.certs],
        state_counts=states,
        check_states=by_check,
        more=sum(p.more for p in parts),
        truncated=any(p.truncated for p in parts),
        suspect="; ".join(p.suspect for p in parts if p.suspect),
        # a failed check's reason, not the newest check's (a newer sound rootca run has none)
        reason=next((p.reason for p in parts if p.verdict == "failed" and p.reason), newest.reason),
    )


def _loses(new: DeviceReport, old: DeviceReport) -> bool:
    """True when `new` lost to `old`: a suspect report never beats a sound one; otherwise it
    is older, or undated while `old` is dated. With equal times the later input wins."""
    if bool(new.suspect) != bool(old.suspect):
        return bool(new.suspect)
    if new.reported_at is None:
        return old.reported_at is not None
    if old.reported_at is None:
        return False
    return new.reported_at < old.reported_at
