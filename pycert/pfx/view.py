"""Renderers for `pfx inspect`, `import` and `cleanup`: text for people, dicts for JSON.
No decisions here (output.py holds the detect/remediate renderers)."""

from __future__ import annotations

from pycert.expiry import rules
from pycert.common.model import CertificateInfo, Placement
from pycert.common.output import iso

ROOT_NOTE = " (LocalMachine\\Root when run elevated)"


def _cert(info: CertificateInfo) -> dict:
    return {
        "subject": info.subject,
        "common_name": info.common_name,
        "issuer": info.issuer,
        "thumbprint": info.thumbprint,
        "serial": info.serial,
        "not_before": iso(info.not_before),
        "not_after": iso(info.not_after),
    }


def inspection_json(inspection) -> dict:
    contents = inspection.contents
    return {
        "file": contents.path,
        "size": contents.size,
        "leaf": {
            **_cert(contents.leaf),
            "days_left": inspection.days_left,
            "lifetime_months": inspection.lifetime_months,
            "ekus": list(contents.leaf.ekus),
            "store": str(rules.import_destination("leaf", False, False)),
        },
        "key_matches_leaf": True,
        "chain": [
            {**_cert(e.info), "role": e.role, "store": str(rules.import_destination(e.role, False, False))}
            for e in contents.chain
        ],
        "profile": inspection.profile,
        "protection": [{"part": p.part, "scheme": p.scheme, "iterations": p.iterations} for p in contents.structure.protections],
        "max_iterations": contents.max_iterations,
        "warnings": list(inspection.warnings),
    }


def inspection_text(inspection) -> str:
    data = inspection_json(inspection)
    leaf = data["leaf"]
    lines = [
        f"File:        {data['file']} ({data['size']} bytes)",
        f"Leaf:        {leaf['subject']}",
        f"  Issuer:    {leaf['issuer']}",
        f"  Thumbprint {leaf['thumbprint']}",
        f"  Valid:     {leaf['not_before']} to {leaf['not_after']} ({leaf['days_left']} days left, lifetime {leaf['lifetime_months']} months)",
        "  Key:       private key present and matches the certificate",
        f"  Store:     {leaf['store']}",
        f"Profile:     {data['profile'] or '(none matches)'}",
    ]
    lines.append("Chain:" if data["chain"] else "Chain:       (no other certificates)")
    for entry in data["chain"]:
        note = ROOT_NOTE if entry["role"] == "root" else ""
        lines.append(f"  {entry['role']:<12} {entry['subject']} -> {entry['store']}{note}")
    lines.append("Protection:")
    for p in data["protection"] or [{"part": "(unknown)", "scheme": "could not be read", "iterations": None}]:
        count = f", {p['iterations']:,} iterations" if p["iterations"] is not None else ""
        lines.append(f"  {p['part']:<12} {p['scheme']}{count}")
    lines.append("Warnings:" if data["warnings"] else "Warnings:    none")
    lines += [f"  - {w}" for w in data["warnings"]]
    return "\n".join(lines)


def placement_json(p: Placement) -> dict:
    return {"role": p.role, "subject": p.subject, "thumbprint": p.thumbprint, "store": str(p.store), "status": p.status, "detail": p.detail or None}


def import_json(report) -> dict:
    return {
        "outcome": report.outcome,
        "exit_code": report.exit_code,
        "dry_run": report.dry_run,
        "verified": report.verified,
        "profile": report.inspection.profile,
        "placements": [placement_json(p) for p in report.placements],
        "not_honoured_here": list(report.unhonoured),
        "warnings": list(report.inspection.warnings),
        "messages": list(report.messages),
    }


def import_text(report) -> str:
    head = "Plan (dry run, nothing changed):" if report.dry_run else f"Import {report.outcome}:"
    lines = [head]
    for p in report.placements:
        note = f" ({p.detail})" if p.detail else ""
        lines.append(f"  {p.status:<9} {p.role:<12} {p.store}  {p.subject}  {p.thumbprint}{note}")
    if not report.dry_run:
        lines.append(f"Verified:  {'yes, the certificate is in its store' if report.verified else 'NO'}")
    for option in report.unhonoured:
        lines.append(f"Not honoured on this platform: {option}")
    lines += [f"warning: {w}" for w in report.inspection.warnings]
    return "\n".join(lines)


def cleanup_json(report) -> dict:
    return {
        "applied": report.applied,
        "exit_code": report.exit_code,
        "certificates": [
            {
                "profile": r.profile,
                **_cert(r.step.certificate),
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
        "messages": list(report.messages),
    }


def cleanup_text(report) -> str:
    if not report.removals:
        return "No certificates of the selected profiles were found."
    lines = []
    for r in report.removals:
        c = r.step.certificate
        action = "REMOVE" if r.step.remove else "keep"
        extra = f" -> {r.status}" if report.applied and r.step.remove else ""
        key = f", key {r.key}" if r.key else ""
        succ = f" by {r.step.successor[:8]}" if r.step.successor else ""
        lines.append(
            f"  {action:<6} {r.profile:<8} {c.common_name or c.subject}  expires {c.not_after:%Y-%m-%d}  "
            f"{c.thumbprint}  ({r.step.reason}{succ}){extra}{key}"
        )
    if not report.applied:
        count = len(report.to_remove)
        lines.append(
            f"{count} certificate(s) would be removed; run again with --yes (or --apply) to remove them."
            if count else "Nothing to remove."
        )
    return "\n".join(lines)
