"""The rootca check for people and for Intune: its summary-line parts and `rootca list`."""

from __future__ import annotations

from pycert.common import lineformat
from pycert.common.model import CheckResult
from pycert.common.output import _display_width, _pad


ROOT_STATES = ("expired", "missing", "unknown", "expiring", "installed")  # worst first


def line_parts(result: CheckResult) -> tuple[dict, list[lineformat.Item]]:
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
            fields.update(expires=r["expires"], days=r["days_left"])
        items.append(lineformat.Item(r["name"], fields))
    # Last: a whole CA bundle as the source refuses a hundred certificates ("+N more").
    items += [
        lineformat.Item("refused", {"subject": r["subject"], "sha256": r["sha256"][:16]})
        for r in details.get("refused", [])
    ]
    return counters, items


ROOT_COLUMNS = ("STATE", "REQUIRED", "EXPIRES", "NAME", "INSTALLED IN", "SHA-256")


def render_roots_table(roots: list[dict]) -> str:
    """`pycert rootca list`: the pins and where each is installed (roots as in result JSON)."""
    rows = [
        [
            r["state"],
            "yes" if r["required"] else "no",
            r["expires"] or "-",
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
