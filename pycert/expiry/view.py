"""The expiry check for people and for Intune: its summary-line parts, the `list` table and
CSV, and the `cleanup` plan."""

from __future__ import annotations

from typing import Iterable

from pycert.common import lineformat
from pycert.common.dates import expiry_text
from pycert.common.i18n import N_, _, sentence, store_label
from pycert.common.model import CheckResult, Finding, State
from pycert.common.output import (
    _display_width,
    _pad,
    certificate_fields,
    certificate_json,
)

STATE_COLOURS = {
    State.EXPIRED: "red",
    State.URGENT: "red",
    State.DUE: "yellow",
    State.NOT_YET_VALID: "magenta",
    State.OK: "green",
    State.SUPERSEDED: "bright_black",
}


def finding_item(finding: Finding) -> lineformat.Item:
    c = finding.certificate
    fields: dict[str, object] = {
        "cn": c.common_name or c.subject,
        "state": finding.state.value,
        "days": finding.days_left,
        "expires": expiry_text(c.not_after),
        "tp": c.thumbprint[:8],
    }
    if not finding.issuer_verified:
        fields["issuer"] = "unverified"
    return lineformat.Item(finding.profile, fields)


def refusal_items(result: CheckResult) -> list[lineformat.Item]:
    """`remediate expiry`: each staged PFX refused by the issuer or password rule."""
    import ntpath

    return [
        lineformat.Item(note["profile"], {"staged": "refused", "reason": note["refused"],
                                          "file": ntpath.basename(note["file"])})
        for note in result.details.get("staged", []) if note.get("refused")
    ]


def put_away_items(result: CheckResult) -> list[lineformat.Item]:
    """`remediate expiry`: an imported PFX that could not leave the staging folder (the
    import stands; expiry/backup.py)."""
    import ntpath

    return [
        lineformat.Item(a["profile"], {"pfx": "not-moved" if a["mode"] == "move" else "not-deleted",
                                       "file": ntpath.basename(a["files"][0])})
        for a in result.details.get("actions", []) if a["action"] == "backup" and a["status"] == "failed"
    ]


def plan_items(result: CheckResult) -> list[lineformat.Item]:
    """A dry run of `remediate expiry`: what it would import (one item per staged PFX) and
    remove, so the summary line alone (all Intune shows) says what the plan is."""
    import ntpath

    if not result.details.get("dry_run"):
        return []
    items = [
        lineformat.Item(a["profile"], {"plan": "import", "file": ntpath.basename(a["file"]), "tp": a["thumbprint"][:8],
                                       "replaces": a["replaces"][:8] or "-"})
        for a in result.details.get("actions", []) if a["action"] == "import" and a["status"] == "planned"
    ]
    items += [
        lineformat.Item(step.profile, {"plan": "remove", "tp": step.thumbprint[:8], "store": str(step.store)})
        for step in result.plan if step.action == "remove"
    ]
    return items


def line_parts(result: CheckResult) -> tuple[dict, list[lineformat.Item]]:
    findings = [f for p in result.profiles for f in p.findings]
    counters: dict[str, object] = {"certs": len(findings)}
    for state in State:
        count = sum(1 for f in findings if f.state is state)
        if count:
            counters[state.value] = count
    for key in ("planned", "imported", "removed", "notified"):  # set by `remediate expiry`
        if result.details.get(key):
            counters[key] = result.details[key]
    unreadable = unreadable_certificates(result.profiles)
    if unreadable:
        counters["unreadable"] = len(unreadable)
    items: list[lineformat.Item] = []
    for p in result.profiles:
        if p.missing:
            items.append(lineformat.Item(p.profile, {"state": "missing"}))
        for s in p.store_errors:
            items.append(lineformat.Item(p.profile, {"state": "error", "store": str(s.store)}))
    for store, bad in unreadable:
        items.append(lineformat.Item("store", {"state": "unreadable", "store": str(store), "tp": bad.thumbprint[:8] or "-"}))
    from pycert.expiry.rules import (
        worst_findings,  # local: keeps rules out of --version
    )

    worst = worst_findings(result.profiles)
    if not worst:
        # Compliant: name the certificate that will need attention first.
        current = sorted(
            (f for f in findings if f.state is State.OK), key=lambda f: f.days_left
        )
        worst = current[:1]
    items.extend(finding_item(f) for f in worst)
    items.extend(plan_items(result))
    items.extend(refusal_items(result))
    items.extend(put_away_items(result))
    return counters, items


def unreadable_certificates(profiles) -> list:
    """(store, UnreadableCertificate) for each certificate a store read skipped, each once
    (two profiles may read the same store)."""
    seen: dict = {}
    for p in profiles:
        for s in p.stores:
            for bad in s.unreadable:
                seen.setdefault((s.store, bad.thumbprint), (s.store, bad))
    return list(seen.values())


def unreadable_messages(profiles) -> list[str]:
    return [
        N_(f"{store}: the certificate {bad.thumbprint or '(no thumbprint)'} cannot be read ({bad.reason}); "
           "it was skipped and the others were checked")
        for store, bad in unreadable_certificates(profiles)
    ]


TABLE_COLUMNS = ("STATE", "DAYS", "EXPIRES", "PROFILE", "CN", "ISSUER", "KEY", "STORE", "THUMBPRINT")
# The table's words for people (translated with --lang ja; CSV and JSON keep the English values).
TABLE_WORDS = (N_("REMOVE"), N_("keep"), N_("removed"), N_("gone"), N_("kept"), N_("STATE"), N_("DAYS"), N_("EXPIRES"), N_("PROFILE"), N_("ISSUER"), N_("KEY"), N_("STORE"),
               N_("THUMBPRINT"), N_("expired"), N_("urgent"), N_("due"), N_("ok"), N_("superseded"),
               N_("not-yet-valid"), N_("verified"), N_("unverified"), N_("yes"), N_("no"), N_("unknown"))


def issuer_word(f: Finding) -> str:
    return "verified" if f.issuer_verified else "unverified"


def _row(f: Finding) -> list[str]:
    from pycert.common.escape import terminal

    c = f.certificate
    return [terminal(cell) for cell in (
        _(f.state.value),
        str(f.days_left),
        expiry_text(c.not_after),
        f.profile or "-",
        c.common_name or c.subject,
        _(issuer_word(f)),
        _(c.has_private_key.value),
        store_label(str(c.store)),
        c.thumbprint,
    )]


def render_table(findings: Iterable[Finding], colour: bool = False) -> str:
    import click  # local: click is only needed when people read the output

    rows = [(_row(f), f.state) for f in findings]
    if not rows:
        return _("No certificates found.")
    headers = [_(h) for h in TABLE_COLUMNS]
    widths = [_display_width(h) for h in headers]
    for row, _state in rows:
        widths = [max(w, _display_width(cell)) for w, cell in zip(widths, row)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths)).rstrip()]
    for row, state in rows:
        cells = [_pad(cell, w) for cell, w in zip(row, widths)]
        if colour:
            cells[0] = click.style(cells[0], fg=STATE_COLOURS[state])
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def render_csv(findings: Iterable[Finding]) -> str:
    import csv
    import io

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
        "profile", "state", "days_left", "expires", "not_after", "not_before", "common_name", "subject",
        "issuer", "thumbprint", "serial", "has_private_key", "store", "superseded_by", "issuer_status",
        "issuer_key_sha256",
    )


def _csv_cell(value) -> str:
    from pycert.common.escape import csv_cell

    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell(value)  # a CN "=HYPERLINK(...)" is text, not a formula


def cleanup_json(report) -> dict:
    return {
        "applied": report.applied,
        "exit_code": report.exit_code,
        "certificates": [
            {
                "profile": r.profile,
                **certificate_fields(r.step.certificate),
                "store": str(r.step.certificate.store),
                "action": "remove" if r.step.remove else "keep",
                "reason": r.step.reason,
                "successor": r.step.successor,
                "status": r.status,
                "key": r.key or None,
                "error": r.detail or None,
            }
            for r in report.removals
        ],
        "plan": [step.as_json() for step in report.steps],
        "messages": list(report.messages),
    }


def cleanup_text(report, footer: str | None = None) -> str:
    """The rows and a closing line; `footer` replaces the default closing line ("" for none:
    the rows shown above the confirmation prompt, whose question says what happens next)."""
    from pycert.common.escape import terminal  # names from certificates are data (a newline is no row)

    if not report.removals:
        return _("No certificates of the selected profiles were found.")
    lines = []
    for r in report.removals:
        c = r.step.certificate
        action = _("REMOVE") if r.step.remove else _("keep")
        extra = f" -> {_(r.status)}" if report.applied and r.step.remove else ""
        key = sentence(N_(f", key {r.key}")) if r.key else ""
        succ = sentence(N_(f" by {r.step.successor[:8]}")) if r.step.successor else ""
        reason = sentence(r.step.reason) if " " in r.step.reason else _(r.step.reason)
        lines.append(terminal(sentence(N_(
            f"  {action:<6} {r.profile:<8} {c.common_name or c.subject}  expires {expiry_text(c.not_after)}  "
            f"{store_label(str(c.store))}  {c.thumbprint}  ({reason}{succ}){extra}{key}"
        ))))
    if footer is not None:
        lines += [footer] if footer else []
    elif not report.applied:
        count = len(report.to_remove)
        lines.append(
            sentence(N_(f"{count} certificate(s) would be removed; run again with --yes (or --apply) to remove them."))
            if count else _("Nothing to remove.")
        )
    return "\n".join(lines)
