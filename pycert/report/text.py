"""The terminal summary and the CSV of `pycert report`."""

from __future__ import annotations

import csv
from operator import attrgetter
from typing import TextIO

from pycert.common.output import _display_width, _pad
from pycert.report.labels import check_name, labels, shown_time_text, word
from pycert.report.views import COLUMNS, Row

MAX_REJECTED_SHOWN = 20


def _table(header: list[str], body: list[list[str]]) -> list[str]:
    widths = [max([_display_width(h)] + [_display_width(r[i]) for r in body]) for i, h in enumerate(header)]
    return ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in [header, *body]]


def render_summary(data: dict, lang: str) -> str:
    t = labels(lang)
    out = [
        f"{t['title']}  ({t['generated']} {shown_time_text(data['generated_at'], lang)})",
        f"{t['rows_read']}: {data['rows_read']}  {t['devices']}: {data['devices']}  "
        f"{t['duplicates']}: {data['duplicates_ignored']}  {t['unparseable']}: {data['unparseable']}",
        "",
        f"{t['by_verdict']}:",
    ]
    out += [f"  {_pad(word(lang, 'v', k), 14)} {v:>8}" for k, v in data["devices_by_verdict"].items()] or [f"  {t['none']}"]
    out += ["", f"{t['by_state']}:"]
    out += [f"  {_pad(word(lang, 's', k), 14)} {v:>8}" for k, v in data["certificates_by_state"].items()] or [f"  {t['none']}"]
    if data["devices_with_cut_lists"]:
        out.append(f"  ({t['cut']}: {data['devices_with_cut_lists']})")
    for check, counts in data.get("states_by_check", {}).items():  # rootca, mpki: their own counts
        out += ["", f"{check_name(lang, check)}:"] + [f"  {_pad(word(lang, check, k), 14)} {v:>8}" for k, v in counts.items()]
    out += _actions_and_clinics(data, lang)
    out += ["", f"{t['soonest']}:"]
    if data["soonest"]:
        keys = ["days_left", "expires", "device", "profile", "cn", "state"]
        body = [[_cell(r[k]) if k != "state" else word(lang, "s", r[k]) for k in keys] for r in data["soonest"]]
        out += ["  " + line for line in _table([t[k] for k in keys], body)]
    else:
        out.append(f"  {t['none']}")
    if data.get("suspect"):
        shown = data["suspect_rows"][:MAX_REJECTED_SHOWN]
        out += ["", f"{t['suspect']} ({len(shown)}/{data['suspect']}):"]
        out += [f"  {r['source']}: {r['reason']}" for r in shown]
    if data["unparseable"]:
        shown = data["unparseable_rows"][:MAX_REJECTED_SHOWN]
        out += ["", f"{t['rejected']} ({len(shown)}/{data['unparseable']}):"]
        out += [f"  {r['source']}: {r['reason']}" for r in shown]
    return "\n".join(out)


MAX_CLINICS_SHOWN = 20


def _actions_and_clinics(data: dict, lang: str) -> list[str]:
    from pycert.report.actions import Action, describe, short

    t = labels(lang)
    out = ["", f"{t['by_action']}:"]
    out += [f"  {_pad(short(k, lang), 26)} {v:>8}" for k, v in data.get("devices_by_action", {}).items()] or [f"  {t['none']}"]
    failed = data.get("failed_devices", [])
    if failed:
        shown = failed[:MAX_REJECTED_SHOWN]
        out += ["", f"{t['failed_devices']} ({len(shown)}/{data['devices_by_action'].get('failed', len(failed))}):"]
        for entry in shown:
            said = describe(tuple(Action(c, d) for c, d in zip(entry["actions"], entry["details"])), lang)
            where = f" ({_clean(entry['clinic'])})" if entry["clinic"] else ""
            out.append(f"  {_clean(entry['device'])}{where}: {_clean(said)}")
    clinics = data.get("clinics", [])
    if any(c["clinic"] for c in clinics):  # only with --clinics
        out += ["", f"{t['by_clinic']} ({min(len(clinics), MAX_CLINICS_SHOWN)}/{len(clinics)}):"]
        for c in clinics[:MAX_CLINICS_SHOWN]:
            counts = ", ".join(f"{word(lang, 'v', v)} {n}" for v, n in c["devices_by_verdict"].items())
            who = f"  {t['maintainer']}: {c['maintainer']}" if c["maintainer"] else ""
            out.append(f"  {_clean(c['clinic'] or t['unmapped'])}{_clean(who)}  {t['n_devices'].format(n=c['devices'])} ({counts})")
    changes = data.get("changes")
    if changes is not None:
        out += ["", f"{t['changes']} ({t['previous']}: {shown_time_text_safe(changes['since'], lang)}):"]
        for key in ("worse", "better", "new", "gone"):
            entries = changes[key]
            out.append(f"  {t[key]}: {len(entries)}")
            for e in entries[:MAX_REJECTED_SHOWN]:
                was = word(lang, "v", e["before"]) if "before" in e else "-"
                now = word(lang, "v", e["after"]) if "after" in e else "-"
                where = f"  ({_clean(e['clinic'])})" if e["clinic"] else ""
                out.append(f"    {_clean(e['device'])}{where}  {_clean(was)} -> {_clean(now)}")
    return out


def shown_time_text_safe(text: str, lang: str) -> str:
    return _clean(shown_time_text(text, lang))


def _clean(text: str) -> str:
    """Text from an input on a terminal (common/escape.terminal: control characters shown
    as escapes, never sent)."""
    from pycert.common.escape import terminal

    return terminal(str(text))


def _cell(value) -> str:
    return "" if value is None else str(value)


def _csv_cell(value) -> str:
    """A CSV cell Excel will not run as a formula (common/escape.csv_cell): a device name
    "=HYPERLINK(...)" gets a leading apostrophe; numbers such as -52 stay numbers."""
    from pycert.common.escape import csv_cell

    return csv_cell(value)


def write_csv(table: list[Row], handle: TextIO) -> None:
    """One row per device and certificate, fewest days left first. Column names are stable
    English keys (scripts read them); the file is written with a BOM so Excel on Japanese
    Windows opens it as UTF-8."""
    from pycert.common.escape import FORMULA_START

    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    cells = attrgetter(*COLUMNS)
    # _csv_cell's rule, inlined for the 100k-row case: only text can start a formula;
    # the csv module writes None as "" and numbers as str() does.
    writer.writerows([_csv_cell(v) if v.__class__ is str and v.startswith(FORMULA_START) else v for v in cells(row)]
                     for row in table)
