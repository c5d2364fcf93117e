"""The HTML of the device view: devices grouped by clinic (worst clinic first) with their
対処, the counts per action, and the changes since the previous report. Text from the
inputs is escaped here or inserted by report_devices.js with textContent, never as markup."""

from __future__ import annotations

from html import escape
from typing import TextIO

from pycert.report.actions import describe, short
from pycert.report.devices import ClinicGroup
from pycert.report.labels import LABELS, labels, shown_time, shown_time_text, word

DEVICE_COLUMNS = ("device", "verdict", "worst_state", "days_left", "action", "reported_at")
CHANGES_SHOWN = 500  # per list; the JSON has them all


def group_label(group: ClinicGroup, lang: str, unmapped: str) -> str:
    t = labels(lang)
    parts = [group.name or unmapped]
    if group.maintainer:
        parts.append(f"{t['maintainer']}: {group.maintainer}")
    counts = ", ".join(f"{word(lang, 'v', v)} {n}" for v, n in group.verdicts.items())
    parts.append(f"{t['n_devices'].format(n=len(group.devices))} ({counts})")
    return " · ".join(parts)


def unmapped_name(groups: list[ClinicGroup], lang: str) -> str:
    """The name of the group no clinic claims: 未割り当て beside clinics, 全端末 alone
    (no --clinics, or a mapping that matched nothing)."""
    alone = len(groups) == 1 and not groups[0].name
    return labels(lang)["all_devices" if alone else "unmapped"]


def action_cards(summary: dict, lang: str) -> str:
    return (f"<h2>{escape(labels(lang)['by_action'])}</h2>"
            f"<div class=\"cards\" id=\"pycert-actions\">{_action_cards(summary, lang)}</div>")


def section(groups: list[ClinicGroup], summary: dict, lang: str) -> str:
    t = labels(lang)
    unmapped = unmapped_name(groups, lang)
    clinics = "".join(f'<option value="{i}">{escape(g.name or unmapped)}</option>' for i, g in enumerate(groups))
    actions = "".join(f'<option value="{code}">{escape(short(code, lang))}</option>'
                      for code in summary.get("devices_by_action", {}))
    header = "".join(f"<th>{escape(t[c])}</th>" for c in DEVICE_COLUMNS)
    heading = t["by_device"] if unmapped == t["all_devices"] else t["by_clinic"]
    return (f"<h2 id=\"pycert-device-view\">{escape(heading)}</h2><div class=\"controls\">"
            f"<input id=\"pycert-dq\" type=\"search\" placeholder=\"{escape(t['filter'])}\" aria-label=\"{escape(t['filter'])}\">"
            f"<select id=\"pycert-clinic\" aria-label=\"{escape(t['clinic'])}\"><option value=\"\">{escape(t['clinic'])}: "
            f"{escape(t['all'])}</option>{clinics}</select>"
            f"<select id=\"pycert-action\" aria-label=\"{escape(t['action'])}\"><option value=\"\">{escape(t['action'])}: "
            f"{escape(t['all'])}</option>{actions}</select>"
            f"<span id=\"pycert-dcount\" class=\"note\"></span></div>"
            f"<div class=\"scroll\"><table id=\"pycert-devices\"><thead><tr>{header}</tr></thead><tbody></tbody></table></div>")


def _action_cards(summary: dict, lang: str) -> str:
    counts = summary.get("devices_by_action", {})
    if not counts:
        return f'<p class="note">{escape(labels(lang)["none"])}</p>'
    return "".join(f'<div class="card a-{code}" data-action="{code}"><div class="n">{n}</div>'
                   f'<div class="l">{escape(short(code, lang))}</div></div>' for code, n in counts.items())


def write_data(groups: list[ClinicGroup], lang: str, handle: TextIO, script_json) -> None:
    """The device view's rows as JSON for report_devices.js: one label per clinic, then
    [clinic index, device, verdict, state, days, 対処, action codes, time] (verdict and
    state words are in `words`, as in the certificate table's data)."""
    t = labels(lang)
    unmapped = unmapped_name(groups, lang)
    head = {"clinics": [group_label(g, lang, unmapped) for g in groups], "limit": 2000, "showing": t["showing"],
            "words": {kind: {k[2:]: v for k, v in LABELS[lang].items() if k.startswith(f"{kind}.")} for kind in "vs"}}
    handle.write(f'<script type="application/json" id="pycert-device-data">{script_json(head)[:-1]},"devices":[')
    said: dict[tuple, list] = {}  # most devices share a handful of action lists
    chunk: list[list] = []
    first = True
    for index, group in enumerate(groups):
        for row in group.devices:
            action = said.get(row.actions)
            if action is None:
                action = said[row.actions] = [describe(row.actions, lang), " ".join(a.code for a in row.actions)]
            report = row.report  # not row.device etc.: properties cost a call each, per device
            chunk.append([index, report.device, report.verdict, row.state, row.days_left, *action,
                          shown_time(report.reported_at, lang)])
            if len(chunk) == 1000:  # one dumps per thousand rows: the call, not the text, is what costs
                handle.write(("" if first else ",") + script_json(chunk)[1:-1])
                chunk, first = [], False
    if chunk:
        handle.write(("" if first else ",") + script_json(chunk)[1:-1])
    handle.write("]}</script>")


def changes_section(summary: dict, lang: str) -> str:
    changes = summary.get("changes")
    if changes is None:
        return ""
    t = labels(lang)
    parts = [f"<h2 id=\"pycert-changes\">{escape(t['changes'])}</h2><p class=\"note\">{escape(t['previous'])}: "
             f"{escape(shown_time_text(changes['since'], lang))}</p><div class=\"cards\">"]
    for key in ("worse", "better", "new", "gone"):
        parts.append(f'<div class="card c-{key}" data-change="{key}"><div class="n">{len(changes[key])}</div>'
                     f'<div class="l">{escape(t[key])}</div></div>')
    parts.append("</div>")
    for key in ("worse", "better", "new", "gone"):
        entries = changes[key]
        if not entries:
            continue
        body = "".join(
            f"<tr><td>{escape(e['device'])}</td><td>{escape(e['clinic'] or t['unmapped'])}</td>"
            f"<td>{escape(word(lang, 'v', e['before'])) if 'before' in e else ''}</td>"
            f"<td>{escape(word(lang, 'v', e['after'])) if 'after' in e else ''}</td></tr>"
            for e in entries[:CHANGES_SHOWN])
        more = (f"<p class=\"note\">{escape(t['more'].format(n=len(entries) - CHANGES_SHOWN))}</p>"
                if len(entries) > CHANGES_SHOWN else "")
        parts.append(f"<details {'open ' if key == 'worse' else ''}id=\"pycert-{key}\"><summary>{escape(t[key])} "
                     f"({len(entries)})</summary><table><thead><tr><th>{escape(t['device'])}</th><th>{escape(t['clinic'])}"
                     f"</th><th>{escape(t['before'])}</th><th>{escape(t['after'])}</th></tr></thead><tbody>{body}</tbody>"
                     f"</table>{more}</details>")
    return "".join(parts)
