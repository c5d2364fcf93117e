"""Read what one detect/remediate run said — a v1 summary line or its JSON — into a
DeviceReport (without device name and time, which the input around it supplies).

Lines are read generically: any item with a `state=` key becomes a CertRow, so checks
added later (rootca, mpki, ...) appear in the report without changes here.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from functools import lru_cache

from pycert.common import lineformat
from pycert.common.dates import expiry_text
from pycert.common.model import State
from pycert.report.model import CertRow, DeviceReport, verdict_of


_FRACTION = re.compile(r"\.\d{7,}")


class ParseError(ValueError):
    pass


MAX_NUMBER_DIGITS = 40


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ParseError(f"a number with {len(text)} digits")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ParseError(f"a number out of range ({text[:20]})")
    return value


def _no_constant(name: str):
    raise ParseError(f"{name} is not a number JSON allows")


def loads(text: str):
    """json.loads for untrusted input: numbers bounded (no 4,300-digit ints, no Infinity,
    NaN or 1e400), nesting bounded by the interpreter's recursion limit, all as ParseError."""
    try:
        return json.loads(text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant)
    except RecursionError:
        raise ParseError("JSON nested too deeply") from None
    except ParseError:
        raise
    except ValueError as exc:  # JSONDecodeError included
        raise ParseError(f"not JSON ({getattr(exc, 'msg', exc)})") from None


def parse_output(text: str) -> DeviceReport:
    """The last non-empty line of a script's output: a v1 line, or one JSON object."""
    text = text.strip()
    if not text:
        raise ParseError("no detection output")
    if text.startswith("{"):
        try:
            data = loads(text)
        except ParseError as exc:
            if str(exc).startswith("not JSON"):
                raise ParseError("output starts with { but is not complete JSON (cut short?)") from None
            raise ParseError(f"output starts with {{ but is not a readable JSON result: {exc}") from None
        return from_json(data)
    return from_line(text.splitlines()[-1])


def from_line(text: str) -> DeviceReport:
    """Parse a v1 line. A line cut short (Intune, a copy-paste) keeps its complete sections."""
    truncated = False
    try:
        line = lineformat.parse(text)
    except lineformat.LineFormatError as exc:
        line = _salvage(text)
        if line is None:
            raise ParseError(f"not a PyCert v1 line ({exc})") from None
        truncated = True
    if line.items and not _complete(line.items[-1], line.check):
        line.items.pop()  # the last item was cut inside its fields
        truncated = True
    if line.version != lineformat.VERSION:
        raise ParseError(f"line format {line.version} is not supported (this PyCert reads {lineformat.VERSION})")
    report = DeviceReport(device="", verdict=verdict_of(line.verdict), reported_at=None, check=line.check)
    report.more = line.more
    report.truncated = truncated
    certs = report.certs
    for item in line.items:
        fields = item.fields
        if "state" not in fields:
            if item.word == "error" and "message" in fields and not report.reason:  # a FAILED line, an `all` error
                report.reason = failure_reason(fields["message"], fields.get("check", ""))
            continue
        get = fields.get  # positional CertRow (check, profile, state, cn, days, expires, thumbprint): per row, per item
        certs.append(CertRow(get("check", line.check), item.word, fields["state"], get("cn", ""), _int(get("days")),
                             get("expires", ""), get("tp", "")))
    report.state_counts = _line_counts(line, [c for c in certs if c.check == "expiry"])
    _count_other_checks(report)
    return report


def _count_other_checks(report: DeviceReport) -> None:
    for cert in report.certs:
        if cert.check != "expiry":
            states = report.check_states.setdefault(cert.check, {})
            states[cert.state] = states.get(cert.state, 0) + 1


KNOWN_STATES = frozenset(s.value for s in State) | {"missing", "error"}
CERTIFICATE_STATES = frozenset(s.value for s in State)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEX8 = re.compile(r"^[0-9A-F]{8}$")


def _complete(item: lineformat.Item, check: str) -> bool:
    """Whether a line's last item is whole. A cut can leave a valid-looking token
    (`state=du`), so: a state that is only the start of a known one is cut, and an expiry
    certificate item needs all of days, expires (a date) and tp (8 hex digits)."""
    state = item.fields.get("state")
    if state is None:
        return True
    if state not in KNOWN_STATES and any(k.startswith(state) for k in KNOWN_STATES):
        return False
    if state in CERTIFICATE_STATES and item.fields.get("check", check) == "expiry":
        return (_int(item.fields.get("days")) is not None and bool(_DATE.match(item.fields.get("expires", "")))
                and bool(_HEX8.match(item.fields.get("tp", ""))))
    return True


def _salvage(text: str) -> lineformat.Line | None:
    """The longest prefix of whole `|` sections that parses, or None."""
    cut = text
    while " | " in cut:
        cut = cut.rsplit(" | ", 1)[0]
        try:
            return lineformat.parse(cut)
        except lineformat.LineFormatError:
            continue
    return None


def _line_counts(line: lineformat.Line, certs: list[CertRow]) -> dict[str, int]:
    """Per-state certificate counts. A line lists only the worst certificates, so where the
    head carries counters (`certs=N ok=3 due=1`) those are the truth; otherwise count items."""
    counts: dict[str, int] = {}
    if "certs" in line.counters:
        for key, value in line.counters.items():
            if key in CERTIFICATE_STATES:  # not planned=, imported=, removed=...
                number = _int(value)
                if number is not None:
                    counts[key] = number
    listed: dict[str, int] = {}
    for cert in certs:
        listed[cert.state] = listed.get(cert.state, 0) + 1
    for state, number in listed.items():
        counts[state] = max(counts.get(state, 0), number)  # missing/error are items, not counters
    return counts


def from_json(data: object) -> DeviceReport:
    """A result_json / combined_json object (with or without the result-file envelope)."""
    if not isinstance(data, dict) or "verdict" not in data or "check" not in data:
        raise ParseError("JSON is not a PyCert result (no check/verdict)")
    parts = data["checks"] if data.get("check") == "all" and isinstance(data.get("checks"), list) else [data]
    report = DeviceReport(device="", verdict=verdict_of(str(data["verdict"])), reported_at=None, check=str(data["check"]))
    for part in parts:
        if not isinstance(part, dict):
            raise ParseError("JSON `checks` holds something other than results")
        report.certs.extend(_json_certs(part))
    report.reason = _json_reason(data, parts)
    for cert in report.certs:
        if cert.check == "expiry":
            report.state_counts[cert.state] = report.state_counts.get(cert.state, 0) + 1
    _count_other_checks(report)
    return report


MAX_REASON = 300


def failure_reason(message: object, check: str = "") -> str:
    """A failed run's message as the report shows it: one line of printable text (control
    characters become spaces), at most MAX_REASON characters, prefixed by the check in an
    `all` result. Renderers escape it; this only bounds it."""
    head = str(message)[:MAX_REASON * 4]  # a 10 MB message costs no more than a short one
    text = " ".join("".join(c if c.isprintable() else " " for c in head).split())
    text = f"{check}: {text}" if check and text else text
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 3] + "..."


def _json_reason(data: dict, parts: list) -> str:
    """The first failure's message: a FAILED object's `error`, else the `messages` of a
    check whose verdict is error/failed (in an `all` result, named by its check)."""
    if data.get("error"):
        return failure_reason(data["error"])
    for part in parts:
        if isinstance(part, dict) and str(part.get("verdict", "")).lower() in ("error", "failed"):
            messages = part.get("messages")
            message = part.get("error") or (messages[0] if isinstance(messages, list) and messages else "")
            if message:
                return failure_reason(message, str(part.get("check", "")) if part is not data else "")
    return ""


def _json_certs(part: dict) -> list[CertRow]:
    check = str(part.get("check", ""))
    rows: list[CertRow] = []
    for profile in part.get("profiles") or []:
        if profile.get("missing"):
            rows.append(CertRow(check, str(profile.get("name", "")), "missing"))
        for store in profile.get("stores") or []:
            if store.get("status") == "error":
                rows.append(CertRow(check, str(profile.get("name", "")), "error", cn=str(store.get("store", ""))))
    if check == "rootca":  # each pin, as the rootca line names it (the item's word is the pin's name)
        for root in part.get("roots") or []:
            rows.append(CertRow(check, str(root.get("name") or ""), str(root.get("state", "")), days=_int(root.get("days_left")),
                                expires=str(root.get("expires") or ""), thumbprint=str(root.get("thumbprint") or "")))
    if check == "mpki":  # the `client` items of the mpki line (pycert/mpki/view.line_parts)
        if part.get("terminal_without_client"):
            rows.append(CertRow(check, "client", "not-installed"))
        if part.get("missing") is True:
            rows.append(CertRow(check, "client", "missing"))
        rows.extend(CertRow(check, "client", str(client.get("state", ""))) for client in part.get("installed") or [])
    for cert in part.get("certificates") or []:
        rows.append(
            CertRow(
                check=check,
                profile=str(cert.get("profile") or ""),
                state=str(cert.get("state", "")),
                cn=str(cert.get("common_name") or cert.get("subject") or ""),
                days=_int(cert.get("days_left")),
                expires=_expires(cert),
                thumbprint=str(cert.get("thumbprint") or ""),
            )
        )
    return rows


def _expires(cert: dict) -> str:
    """The expiry date people see: the `expires` field, or (older results) notAfter's
    Japan-time date, by the same rule as every other output."""
    if cert.get("expires"):
        return str(cert["expires"])
    moment = parse_time(str(cert.get("not_after") or ""))
    return expiry_text(moment) if moment else ""


MAX_DAYS = 10**6  # no certificate is valid for 2,700 years; anything larger is hostile
_DAYS = re.compile(r"-?\d{1,7}")


def _int(value) -> int | None:
    """A day count from a line or JSON, or None: bounded, so a 4,300-digit number, a float
    (1e400, Infinity) or a bool never becomes one."""
    if isinstance(value, str):  # short ones cached; a long one (hostile) must not be kept alive by the cache
        return _int_text(value) if len(value) <= 16 else _int_text.__wrapped__(value)
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int) and abs(value) <= MAX_DAYS else None


@lru_cache(maxsize=4096)  # a fleet's lines repeat the same few thousand numbers (days=, certs=, ok=)
def _int_text(text: str) -> int | None:
    value = int(text) if _DAYS.fullmatch(text.strip()) else None
    return value if value is not None and abs(value) <= MAX_DAYS else None


def parse_time(text: str | None) -> datetime | None:
    """ISO 8601 (with Z or an offset; naive means UTC) or the portal's 'M/D/YYYY h:mm:ss AM'."""
    if not text:
        return None
    text = text.strip()
    moment = _from_iso(text)  # 3.11 reads Z and 7 fractional digits itself: one call for most rows
    if moment is None:
        text = _FRACTION.sub(lambda m: m.group(0)[:7], text)  # .1234567 -> .123456 (3.10)
        moment = _from_iso(text.replace("Z", "+00:00")) or _from_portal(text)
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _from_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _from_portal(text: str) -> datetime | None:
    for fmt in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None
