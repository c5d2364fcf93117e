"""Renderers for `pfx inspect`, `import` and `cleanup`: text for people, dicts for JSON.
No decisions here (output.py holds the detect/remediate renderers)."""

from __future__ import annotations

from pycert.pfx import rules
from pycert.common.model import Placement
from pycert.common.output import certificate_fields

ROOT_NOTE = " (only when pinned in [rootca]; LocalMachine\\Root when run elevated)"


def inspection_json(inspection) -> dict:
    contents = inspection.contents
    return {
        "file": contents.path,
        "size": contents.size,
        "leaf": {
            **certificate_fields(contents.leaf),
            "days_left": inspection.days_left,
            "lifetime_months": inspection.lifetime_months,
            "ekus": list(contents.leaf.ekus),
            "store": str(rules.import_destination("leaf", False, False)),
        },
        "key_matches_leaf": True,
        "chain": [
            {**certificate_fields(e.info), "role": e.role, "store": str(rules.import_destination(e.role, False, False))}
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
        "roots_left_out": [r.as_json() for r in report.roots_left],
        "plan": [step.as_json() for step in report.steps],
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
    for r in report.roots_left:
        lines.append(f"  {r.status:<9} {'root':<12} -  {r.subject}  {r.thumbprint}")
    if not report.dry_run:
        lines.append(f"Verified:  {'yes, the certificate is in its store' if report.verified else 'NO'}")
    for root in report.roots_left:
        lines.append(f"note: {root.describe()}")
    for option in report.unhonoured:
        lines.append(f"Not honoured on this platform: {option}")
    lines += [f"warning: {w}" for w in report.inspection.warnings]
    return "\n".join(lines)

