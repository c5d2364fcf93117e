"""`pycert report`: many terminals' detection output in one picture.

inputs.py reads (streaming) -> model.Fleet keeps the newest report per device ->
views.py computes rows and counts -> text.py (terminal, CSV) and html.py render.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pycert.report.model import Fleet


def build(paths: list[str], now: datetime) -> tuple[Fleet, list, dict]:
    from pycert.report import inputs, views

    fleet = inputs.read_into(Fleet(now=now), paths)
    table = views.rows(fleet, now)
    return fleet, table, views.summary(fleet, table, now)


def run(paths: list[str], now: datetime, fmt: str = "table", lang: str = "ja",
        html_path: str | None = None, csv_path: str | None = None) -> str:
    """Build the report, write the requested files, and return the terminal text."""
    from pycert.report import html, text
    from pycert.common.resultfile import atomic_write

    _, table, summary = build(paths, now)
    if csv_path:
        atomic_write(Path(csv_path), lambda handle: text.write_csv(table, handle), encoding="utf-8-sig")
    if html_path:
        atomic_write(Path(html_path), lambda handle: html.write_html(summary, table, now, lang, handle))
    if fmt == "json":
        return json.dumps(summary, ensure_ascii=False, indent=2)
    return text.render_summary(summary, lang)
