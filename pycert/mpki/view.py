"""The mpki check for people and for Intune: its summary-line parts and `mpki status`."""

from __future__ import annotations

from pycert.common import lineformat
from pycert.common.model import CheckResult


def line_parts(result: CheckResult) -> tuple[dict, list[lineformat.Item]]:
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
