"""Renderers for `pfx inspect`, `import` and `cleanup`: text for people, dicts for JSON.
No decisions here (output.py holds the detect/remediate renderers)."""

from __future__ import annotations

from pycert.pfx import rules
from pycert.common.i18n import N_, _, sentence, store_label
from pycert.common.model import Placement
from pycert.common.output import _display_width, _pad, certificate_fields

ROOT_NOTE = N_(" (only when pinned in [rootca]; LocalMachine\\Root when run elevated)")


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


# Roles as people read them (--lang ja: common/i18n.py); JSON keeps the English words.
ROLE_WORDS = (N_("leaf"), N_("intermediate"), N_("root"), N_("other"))


def _role(role: str, width: int = 12) -> str:
    return _pad(_(role), max(width, _display_width(_(role))))


def inspection_text(inspection) -> str:
    """Each line is one catalog entry (sentence(N_(f"..."))), so --lang ja translates it whole."""
    data = inspection_json(inspection)
    leaf = data["leaf"]
    profile = data["profile"] or _("(none matches)")
    lines = [
        sentence(N_(f"File:        {data['file']} ({data['size']} bytes)")),
        sentence(N_(f"Leaf:        {leaf['subject']}")),
        sentence(N_(f"  Issuer:    {leaf['issuer']}")),
        sentence(N_(f"  Thumbprint {leaf['thumbprint']}")),
        sentence(N_(f"  Valid:     {leaf['not_before']} to {leaf['not_after']} ({leaf['days_left']} days left, lifetime {leaf['lifetime_months']} months)")),
        _("  Key:       private key present and matches the certificate"),
        sentence(N_(f"  Store:     {store_label(leaf['store'])}")),
        sentence(N_(f"Profile:     {profile}")),
    ]
    lines.append(_("Chain:") if data["chain"] else _("Chain:       (no other certificates)"))
    for entry in data["chain"]:
        note = _(ROOT_NOTE) if entry["role"] == "root" else ""
        lines.append(f"  {_role(entry['role'])} {entry['subject']} -> {store_label(entry['store'])}{note}")
    lines.append(_("Protection:"))
    for p in data["protection"] or [{"part": "(unknown)", "scheme": "could not be read", "iterations": None}]:
        count = sentence(N_(f", {p['iterations']:,} iterations")) if p["iterations"] is not None else ""
        lines.append(f"  {p['part']:<12} {p['scheme']}{count}")
    lines.append(_("Warnings:") if data["warnings"] else _("Warnings:    none"))
    lines += [f"  - {sentence(w)}" for w in data["warnings"]]
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


# Import statuses and outcomes as people read them; JSON keeps the English words.
STATUS_WORDS = (N_("planned"), N_("added"), N_("present"), N_("cancelled"), N_("failed"), N_("skipped"),
                N_("imported"), N_("incomplete"))


def _status(status: str) -> str:
    return _pad(_(status), max(9, _display_width(_(status))))


def import_text(report) -> str:
    head = _("Plan (dry run, nothing changed):") if report.dry_run else sentence(N_(f"Import {_(report.outcome)}:"))
    lines = [head]
    for p in report.placements:
        note = f" ({sentence(p.detail)})" if p.detail else ""
        lines.append(f"  {_status(p.status)} {_role(p.role)} {store_label(str(p.store))}  {p.subject}  {p.thumbprint}{note}")
    for r in report.roots_left:
        lines.append(f"  {_status(r.status)} {_role('root')} -  {r.subject}  {r.thumbprint}")
    if not report.dry_run:
        lines.append(_("Verified:  yes, the certificate is in its store") if report.verified else _("Verified:  NO"))
    for root in report.roots_left:
        lines.append(f"note: {sentence(root.describe())}")
    for option in report.unhonoured:
        lines.append(sentence(N_(f"Not honoured on this platform: {option}")))
    lines += [f"warning: {sentence(w)}" for w in report.inspection.warnings]
    return "\n".join(lines)

