"""The self-contained HTML page: inline CSS, JS and SVG, no network access, so it works
from a file share on a closed network. Everything from the inputs is escaped (HTML text)
or embedded as JSON that the script inserts with textContent."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from html import escape
from importlib import resources
from operator import attrgetter
from typing import TextIO

from pycert.report.labels import LABELS, check_name, labels, shown_time, shown_time_text, word
from pycert.report.views import COLUMNS, WEEKS, Row

TABLE_LIMIT = 2000  # rows drawn at once; sorting and filtering still cover every row
ROWS_PER_WRITE = 1000  # table rows encoded and written at a time (bounded memory, few calls)


def _asset(name: str) -> str:
    return resources.files("pycert").joinpath("data", name).read_text(encoding="utf-8")


def _cards(counts: dict[str, int], lang: str, kind: str, words: str = "") -> str:
    """Count cards; `words` names whose words the keys are (default: the verdict or the
    certificate-state words, by `kind`)."""
    if not counts:
        return f'<p class="note">{escape(labels(lang)["none"])}</p>'
    return "".join(
        f'<div class="card k-{escape(k)}" data-{kind}="{escape(k)}"><div class="n">{n}</div>'
        f'<div class="l">{escape(word(lang, words or kind[0], k))}</div></div>'
        for k, n in counts.items()
    )


def chart_svg(weeks: list[int], start: datetime, lang: str) -> str:
    """Bars per week for the next WEEKS weeks; weeks inside the 90-day renewal window are orange."""
    width, height, left, bottom, top = 780, 220, 36, 28, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max(weeks) or 1
    step = plot_w / WEEKS
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(labels(lang)["chart"])}</title>']
    for tick in (0, peak // 2, peak) if peak > 1 else (0, 1):
        y = top + plot_h - plot_h * tick / peak
        parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6eb"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, count in enumerate(weeks):
        x = left + i * step + 2
        h = plot_h * count / peak
        y = top + plot_h - h
        week_start = (start + timedelta(days=7 * i)).strftime("%m/%d")
        soon = " soon" if i * 7 < 90 else ""
        parts.append(f'<rect class="bar{soon}" data-week="{i}" data-count="{count}" x="{x:.1f}" y="{y:.1f}" '
                     f'width="{step - 4:.1f}" height="{h:.1f}"><title>{week_start}: {count}</title></rect>')
        if count:
            parts.append(f'<text class="v" x="{x + (step - 4) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{count}</text>')
        if i % 4 == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 10}">{week_start}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _script_json(data: object) -> str:
    # "<" escaped so that no value can close the <script> element.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def write_html(summary: dict, table: list[Row], now: datetime, lang: str, handle: TextIO,
               groups: list | None = None) -> None:
    from pycert.report import html_devices

    t = labels(lang)
    meta = " · ".join(
        f"{escape(t[key])}: {escape(str(summary[field]) if field != 'generated_at' else shown_time(now, lang))}"
        for key, field in (("generated", "generated_at"), ("devices", "devices"), ("rows_read", "rows_read"),
                           ("duplicates", "duplicates_ignored"), ("unparseable", "unparseable"))
    )
    verdicts = sorted({r.verdict for r in table})
    states = sorted({r.state for r in table if r.state})

    def options(values: list[str], kind: str) -> str:
        return "".join(f'<option value="{escape(v)}">{escape(word(lang, kind, v))}</option>' for v in values)

    header = "".join(f'<th data-key="{c}" aria-sort="none">{escape(t[c])}</th>' for c in COLUMNS)
    data = {
        "columns": list(COLUMNS),
        "limit": TABLE_LIMIT,
        "showing": t["showing"],
        "words": {"v": {k[2:]: v for k, v in LABELS[lang].items() if k.startswith("v.")},
                  "s": {k[2:]: v for k, v in LABELS[lang].items() if k.startswith("s.")}},
    }
    head = _script_json(data)[:-1] + ',"rows":['
    handle.write(
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t['title'])}</title><style>{_asset('report.css')}</style></head><body>"
        f"<h1>{escape(t['title'])}</h1><p class=\"meta\">{meta}</p>"
        f"<h2>{escape(t['by_verdict'])}</h2><div class=\"cards\" id=\"pycert-verdicts\">"
        f"{_cards(summary['devices_by_verdict'], lang, 'verdict')}</div>"
        + html_devices.action_cards(summary, lang)
        + html_devices.changes_section(summary, lang)
        + f"<h2>{escape(t['by_state'])}</h2><div class=\"cards\" id=\"pycert-states\">"
        f"{_cards(summary['certificates_by_state'], lang, 'state')}</div>"
        + "".join(f"<h2>{escape(check_name(lang, check))}</h2><div class=\"cards\" id=\"pycert-check-{escape(check)}\">"
                  f"{_cards(counts, lang, 'state', check)}</div>" for check, counts in summary.get("states_by_check", {}).items())
        + f"<h2>{escape(t['chart'])}</h2>{chart_svg(summary['expiries_per_week'], now, lang)}"
        f"<p class=\"note\">{escape(t['chart_note'])}</p>"
        + (html_devices.section(groups, summary, lang) if groups is not None else "")
        + f"<h2>{escape(t['table'])}</h2><div class=\"controls\">"
        f"<input id=\"pycert-q\" type=\"search\" placeholder=\"{escape(t['filter'])}\" aria-label=\"{escape(t['filter'])}\">"
        f"<select id=\"pycert-verdict\" aria-label=\"{escape(t['verdict'])}\"><option value=\"\">{escape(t['verdict'])}: "
        f"{escape(t['all'])}</option>{options(verdicts, 'v')}</select>"
        f"<select id=\"pycert-state\" aria-label=\"{escape(t['state'])}\"><option value=\"\">{escape(t['state'])}: "
        f"{escape(t['all'])}</option>{options(states, 's')}</select><span id=\"pycert-count\" class=\"note\"></span></div>"
        f"<div class=\"scroll\"><table id=\"pycert-table\"><thead><tr>{header}</tr></thead><tbody></tbody></table></div>"
    )
    handle.write(_suspects(summary, lang))
    handle.write(_rejected(summary, lang))
    handle.write(f'<script type="application/json" id="pycert-data">{head}')
    cells = attrgetter(*COLUMNS)
    timed = COLUMNS.index("reported_at")

    def shown_cells(row: Row):
        values = cells(row)
        if lang != "ja":
            return values
        values = list(values)
        values[timed] = shown_time_text(values[timed], lang)  # Japan time on a Japanese page
        return values

    for start in range(0, len(table), ROWS_PER_WRITE):  # one json.dumps per block: `[a,b]` less its brackets is `a,b`
        block = _script_json([shown_cells(row) for row in table[start:start + ROWS_PER_WRITE]])
        handle.write(("," if start else "") + block[1:-1])
    handle.write("]}</script>")
    if groups is not None:
        html_devices.write_data(groups, lang, handle, _script_json)
        handle.write(f"<script>{_asset('report_devices.js')}</script>")
    handle.write(f"<script>{_asset('report.js')}</script></body></html>\n")


def _suspects(summary: dict, lang: str) -> str:
    t = labels(lang)
    if not summary.get("suspect"):
        return ""
    body = "".join(f"<tr><td>{escape(r['source'])}</td><td>{escape(r['device'])}</td><td>{escape(r['reason'])}</td></tr>"
                   for r in summary["suspect_rows"])
    return (f"<details open id=\"pycert-suspect\"><summary>{escape(t['suspect'])} ({summary['suspect']})</summary>"
            f"<table><thead><tr><th>{escape(t['source'])}</th><th>{escape(t['device'])}</th><th>{escape(t['reason'])}</th>"
            f"</tr></thead><tbody>{body}</tbody></table></details>")


def _rejected(summary: dict, lang: str) -> str:
    t = labels(lang)
    if not summary["unparseable"]:
        return ""
    body = "".join(
        f"<tr><td>{escape(r['source'])}</td><td>{escape(r['reason'])}</td></tr>"
        for r in summary["unparseable_rows"]
    )
    return (f"<details id=\"pycert-rejected\"><summary>{escape(t['rejected'])} ({summary['unparseable']})</summary>"
            f"<table><thead><tr><th>{escape(t['source'])}</th><th>{escape(t['reason'])}</th>"
            f"</tr></thead><tbody>{body}</tbody></table></details>")
