"""Renderers: the Intune summary line, JSON, a table for people, CSV. No decisions here."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from typing import Callable, Iterable

from pycert import __version__
from pycert.common import lineformat
from pycert.common.model import CheckResult, Finding, ProfileResult, State

VERDICT_WORDS = {
    "compliant": "COMPLIANT",
    "noncompliant": "NONCOMPLIANT",
    "remediated": "REMEDIATED",
    "failed": "FAILED",
    "error": "FAILED",
}
STATE_COLOURS = {
    State.EXPIRED: "red",
    State.URGENT: "red",
    State.DUE: "yellow",
    State.NOT_YET_VALID: "magenta",
    State.OK: "green",
    State.SUPERSEDED: "bright_black",
}


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def certificate_json(finding: Finding) -> dict:
    c = finding.certificate
    return {
        "profile": finding.profile,
        "store": str(c.store),
        "subject": c.subject,
        "common_name": c.common_name,
        "issuer": c.issuer,
        "thumbprint": c.thumbprint,
        "serial": c.serial,
        "not_before": iso(c.not_before),
        "not_after": iso(c.not_after),
        "days_left": finding.days_left,
        "has_private_key": c.has_private_key.as_json(),
        "friendly_name": c.friendly_name,
        "key_usages": list(c.key_usages),
        "ekus": list(c.ekus),
        "state": finding.state.value,
        "superseded_by": finding.superseded_by,
    }


def profile_json(result: ProfileResult) -> dict:
    return {
        "name": result.profile,
        "compliant": result.compliant,
        "required": result.required,
        "missing": result.missing,
        "stores": [
            {"store": str(s.store), "status": s.status, "error": s.error or None}
            for s in result.stores
        ],
        "certificate_count": len(result.findings),
    }


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

def finding_item(finding: Finding) -> lineformat.Item:
    c = finding.certificate
    return lineformat.Item(
        finding.profile,
        {
            "cn": c.common_name or c.subject,
            "state": finding.state.value,
            "days": finding.days_left,
            "expires": c.not_after.astimezone(timezone.utc).strftime("%Y-%m-%d"),
            "tp": c.thumbprint[:8],
        },
    )


def expiry_line_parts(result: CheckResult) -> tuple[dict, list[lineformat.Item]]:
    findings = [f for p in result.profiles for f in p.findings]
    counters: dict[str, object] = {"certs": len(findings)}
    for state in State:
        count = sum(1 for f in findings if f.state is state)
        if count:
            counters[state.value] = count
    for key in ("planned", "imported", "removed", "notified"):  # set by `remediate expiry`
        if result.details.get(key):
            counters[key] = result.details[key]
    items: list[lineformat.Item] = []
    for p in result.profiles:
        if p.missing:
            items.append(lineformat.Item(p.profile, {"state": "missing"}))
        for s in p.store_errors:
            items.append(lineformat.Item(p.profile, {"state": "error", "store": str(s.store)}))
    from pycert.expiry.rules import worst_findings  # local: keeps rules out of --version

    worst = worst_findings(result.profiles)
    if not worst:
        # Compliant: name the certificate that will need attention first.
        current = sorted(
            (f for f in findings if f.state is State.OK), key=lambda f: f.days_left
        )
        worst = current[:1]
    items.extend(finding_item(f) for f in worst)
    return counters, items


def mpki_line_parts(result: CheckResult) -> tuple[dict, list[lineformat.Item]]:
    d = result.details
    counters: dict[str, object] = {"required": d.get("required_version", "?"), "installed": len(d.get("installed", []))}
    latest = d.get("latest")
    if latest:
        counters["latest"] = latest["source"]
        if latest["source"] == "cache-offline":
            counters["age_h"] = latest["age_seconds"] // 3600
    if d.get("dry_run"):
        counters["dry_run"] = "yes"
    if d.get("reboot_required"):
        counters["reboot"] = "yes"
    items: list[lineformat.Item] = []
    if d.get("terminal_without_client"):
        items.append(lineformat.Item("client", {"state": "not-installed", "action": "install-by-hand"}))
    for message in result.messages[:1]:
        items.append(lineformat.Item("error", {"message": message}))
    if d.get("missing"):
        items.append(lineformat.Item("client", {"state": "missing"}))
    for p in d.get("installed", []):
        items.append(lineformat.Item("client", {"version": p["version"], "state": p["state"], "code": p["product_code"]}))
    return counters, items


ROOT_STATES = ("expired", "missing", "unknown", "expiring", "installed")  # worst first


def rootca_line_parts(result: CheckResult) -> tuple[dict, list[lineformat.Item]]:
    details = result.details
    roots = details.get("roots", [])
    counters: dict[str, object] = {"pins": len(roots)}
    for state in ROOT_STATES:
        count = sum(1 for r in roots if r["state"] == state)
        if count:
            counters[state] = count
    if "changed" in details:
        counters["changed"] = details["changed"]
    if details.get("refused"):
        counters["refused"] = len(details["refused"])
    if details.get("dry_run"):
        counters["dry_run"] = "yes"
    actions = sorted(details.get("actions", []), key=lambda a: a["action"] in ("installed", "would-install"))
    items = [lineformat.Item(a["pin"], {"action": a["action"], "store": a["store"]}) for a in actions]
    items += [
        lineformat.Item("source", {"url": s["source"], "tls": "unverified", "pin": "checked"})
        for s in details.get("sources", [])
        if s["kind"] == "url" and not s["tls_verified"]
    ]
    for r in roots:
        fields: dict[str, object] = {"state": r["state"], "store": ",".join(r["installed_in"]) or "-"}
        if r["not_after"]:
            fields.update(expires=r["not_after"][:10], days=r["days_left"])
        items.append(lineformat.Item(r["name"], fields))
    # Last: a whole CA bundle as the source refuses a hundred certificates ("+N more").
    items += [
        lineformat.Item("refused", {"subject": r["subject"], "sha256": r["sha256"][:16]})
        for r in details.get("refused", [])
    ]
    return counters, items


LINE_PARTS: dict[str, Callable[[CheckResult], tuple[dict, list[lineformat.Item]]]] = {
    "expiry": expiry_line_parts,
    "mpki": mpki_line_parts,
    "rootca": rootca_line_parts,
}


def failed_only(result: CheckResult) -> bool:
    """A check that stopped with an error before it had anything to report."""
    return result.verdict == "error" and not result.details and not result.profiles and bool(result.messages)


def summary_line(result: CheckResult) -> str:
    if failed_only(result):
        item = lineformat.Item("error", {"message": result.messages[0]})
        return lineformat.render(lineformat.Line("FAILED", result.check, {"exit": result.exit_code}, [item]))
    counters, items = LINE_PARTS[result.check](result)
    line = lineformat.Line(VERDICT_WORDS[result.verdict], result.check, counters, items)
    return lineformat.render(line)


def combined_line(results: list[CheckResult], verdict: str) -> str:
    counters = {r.check: r.verdict for r in results}
    items = []
    for r in results:
        if failed_only(r):
            items.append(lineformat.Item("error", {"check": r.check, "exit": r.exit_code, "message": r.messages[0]}))
            continue
        for item in LINE_PARTS[r.check](r)[1]:
            items.append(lineformat.Item(item.word, {"check": r.check, **item.fields}))
    return lineformat.render(lineformat.Line(VERDICT_WORDS[verdict], "all", counters, items))


def render_mpki_status(result: CheckResult) -> str:
    d = result.details
    lines = [f"Client      : {d['display_name']}"]
    for p in d["installed"]:
        where = "/".join(p["registry"])
        lines.append(f"Installed   : {p['version']}  {p['product_code']}  [{where}]  {p['state']}")
    if not d["installed"]:
        lines.append("Installed   : none" + ("  (the policy requires it: install_if_missing = true)" if d["missing"] else ""))
    lines.append(f"Required    : {d['required_version']} ({d['required_source']})")
    latest = d.get("latest")
    if latest:
        hours = latest["age_seconds"] / 3600
        lines.append(f"Portal      : {latest['url']}")
        lines.append(f"Cache       : {latest['cached_msi']} (downloaded {latest['downloaded_at']}, "
                     f"confirmed {latest['checked_at']}, {hours:.1f} h ago, answer: {latest['source']})")
        if latest.get("offline_reason"):
            lines.append(f"Offline     : {latest['offline_reason']}")
    lines.append(f"Verdict     : {result.verdict}")
    return "\n".join(lines)


# -- tables and CSV --------------------------------------------------------------

ROOT_COLUMNS = ("STATE", "REQUIRED", "EXPIRES", "NAME", "INSTALLED IN", "SHA-256")


def render_roots_table(roots: list[dict]) -> str:
    """`pycert rootca list`: the pins and where each is installed (roots as in result JSON)."""
    rows = [
        [
            r["state"],
            "yes" if r["required"] else "no",
            (r["not_after"] or "-")[:10],
            r["name"],
            ", ".join(r["installed_in"]) or "-",
            r["sha256"],
        ]
        for r in roots
    ]
    if not rows:
        return "No root pins in the policy."
    widths = [max(_display_width(cell) for cell in column) for column in zip(ROOT_COLUMNS, *rows)]
    return "\n".join("  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in [list(ROOT_COLUMNS), *rows])


TABLE_COLUMNS = ("STATE", "DAYS", "EXPIRES", "PROFILE", "CN", "KEY", "STORE", "THUMBPRINT")


def _row(f: Finding) -> list[str]:
    c = f.certificate
    return [
        f.state.value,
        str(f.days_left),
        c.not_after.astimezone(timezone.utc).strftime("%Y-%m-%d"),
        f.profile or "-",
        c.common_name or c.subject,
        c.has_private_key.value,
        str(c.store),
        c.thumbprint,
    ]


def render_table(findings: Iterable[Finding], colour: bool = False) -> str:
    import click  # local: click is only needed when people read the output

    rows = [(_row(f), f.state) for f in findings]
    if not rows:
        return "No certificates found."
    widths = [len(h) for h in TABLE_COLUMNS]
    for row, _ in rows:
        widths = [max(w, _display_width(cell)) for w, cell in zip(widths, row)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(TABLE_COLUMNS, widths)).rstrip()]
    for row, state in rows:
        cells = [_pad(cell, w) for cell, w in zip(row, widths)]
        if colour:
            cells[0] = click.style(cells[0], fg=STATE_COLOURS[state])
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def render_csv(findings: Iterable[Finding]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    fields = list(certificate_json_fields())
    writer.writerow(fields)
    for f in findings:
        data = certificate_json(f)
        writer.writerow([_csv_cell(data[k]) for k in fields])
    return buffer.getvalue()


def certificate_json_fields() -> tuple[str, ...]:
    return (
        "profile", "state", "days_left", "not_after", "not_before", "common_name", "subject",
        "issuer", "thumbprint", "serial", "has_private_key", "store", "superseded_by",
    )


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


# -- pycert doctor ---------------------------------------------------------------

def doctor_text(report) -> str:
    """One line per check: status, name, what was found, and what to do."""
    width = max((len(c.name) for c in report.checks), default=0)
    lines = []
    for c in report.checks:
        line = f"{c.status.upper():<4}  {c.name:<{width}}  {c.message}"
        lines.append(f"{line} -> {c.action}" if c.action else line)
    counts = {s: sum(1 for c in report.checks if c.status == s) for s in ("ok", "warn", "fail")}
    lines.append(f"doctor: {counts['ok']} ok, {counts['warn']} warn, {counts['fail']} fail (exit {report.exit_code})")
    return "\n".join(lines)


def doctor_json(report) -> dict:
    return {
        "generated_at": iso(report.generated_at),
        "pycert_version": __version__,
        "verdict": report.verdict,
        "exit_code": report.exit_code,
        "checks": [
            {"name": c.name, "status": c.status, "message": c.message, "action": c.action or None, "details": c.details}
            for c in report.checks
        ],
    }
