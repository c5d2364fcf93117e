"""Renderers every check shares: the result JSON and the Intune summary line (each check's
view module fills in its counters and items). No decisions here."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from pycert import __version__
from pycert.common import lineformat
from pycert.common.dates import expiry_text
from pycert.common.model import CertificateInfo, CheckResult, Finding, ProfileResult

VERDICT_WORDS = {
    "compliant": "COMPLIANT",
    "noncompliant": "NONCOMPLIANT",
    "remediated": "REMEDIATED",
    "failed": "FAILED",
    "error": "FAILED",
}


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def certificate_json(finding: Finding) -> dict:
    c = finding.certificate
    return {
        "profile": finding.profile,
        "store": str(c.store),
        **certificate_fields(c),
        "days_left": finding.days_left,
        "has_private_key": c.has_private_key.as_json(),
        "friendly_name": c.friendly_name,
        "key_usages": list(c.key_usages),
        "ekus": list(c.ekus),
        "state": finding.state.value,
        "superseded_by": finding.superseded_by,
        "issuer_status": "verified" if finding.issuer_verified else "unverified",
        "issuer_key_sha256": finding.issuer_key,
    }


def certificate_fields(info: CertificateInfo) -> dict:
    return {
        "subject": info.subject,
        "common_name": info.common_name,
        "issuer": info.issuer,
        "thumbprint": info.thumbprint,
        "serial": info.serial,
        "not_before": iso(info.not_before),
        "not_after": iso(info.not_after),
        "expires": expiry_text(info.not_after),  # the date people see (docs/output.md)
    }


def profile_json(result: ProfileResult) -> dict:
    return {
        "name": result.profile,
        "compliant": result.compliant,
        "required": result.required,
        "missing": result.missing,
        "stores": [store_json(s) for s in result.stores],
        "certificate_count": len(result.findings),
    }


def store_json(reading) -> dict:
    data = {"store": str(reading.store), "status": reading.status, "error": reading.error or None}
    if reading.unreadable:
        data["unreadable"] = [{"thumbprint": u.thumbprint, "reason": u.reason} for u in reading.unreadable]
    return data


def result_json(result: CheckResult) -> dict:
    data = {
        "check": result.check,
        "verdict": result.verdict,
        "exit_code": result.exit_code,
        "generated_at": iso(result.generated_at),
        "pycert_version": __version__,
        "summary": summary_line(result),
        "messages": list(result.messages),
    }
    if result.profiles:
        data["profiles"] = [profile_json(p) for p in result.profiles]
        data["certificates"] = [certificate_json(f) for p in result.profiles for f in p.findings]
    data.update(result.details)
    return data


def combined_json(results: list[CheckResult], verdict: str, exit_code: int, now: datetime) -> dict:
    return {
        "check": "all",
        "verdict": verdict,
        "exit_code": exit_code,
        "generated_at": iso(now),
        "pycert_version": __version__,
        "summary": combined_line(results, verdict),
        "checks": [result_json(r) for r in results],
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# -- the summary line ----------------------------------------------------------


def line_parts(result: CheckResult) -> tuple[dict, list[lineformat.Item]]:
    """The counters and items of one check's summary line, from that check's view module."""
    from pycert.checks import view

    return view(result.check).line_parts(result)


def failed_only(result: CheckResult) -> bool:
    """A check that stopped with an error before it had anything to report."""
    return result.verdict == "error" and not result.details and not result.profiles and bool(result.messages)


def summary_line(result: CheckResult) -> str:
    if failed_only(result):
        item = lineformat.Item("error", {"message": result.messages[0]})
        return lineformat.render(lineformat.Line("FAILED", result.check, {"exit": result.exit_code}, [item]))
    counters, items = line_parts(result)
    line = lineformat.Line(VERDICT_WORDS[result.verdict], result.check, counters, items)
    return lineformat.render(line)


def combined_line(results: list[CheckResult], verdict: str) -> str:
    counters = {r.check: r.verdict for r in results}
    items = []
    for r in results:
        if failed_only(r):
            items.append(lineformat.Item("error", {"check": r.check, "exit": r.exit_code, "message": r.messages[0]}))
            continue
        for item in line_parts(r)[1]:
            items.append(lineformat.Item(item.word, {"check": r.check, **item.fields}))
    return lineformat.render(lineformat.Line(VERDICT_WORDS[verdict], "all", counters, items))


# -- tables and CSV --------------------------------------------------------------


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


# -- pycert doctor ---------------------------------------------------------------

