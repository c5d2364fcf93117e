"""`pycert report`: many terminals' detection output in one picture.

inputs.py reads (streaming) -> model.Fleet keeps the newest report per device ->
views.py computes rows and counts -> text.py (terminal, CSV) and html.py render.
"""

from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from pycert.report.model import Fleet


def build(paths: list[str], now: datetime) -> tuple[Fleet, list, dict]:
    from pycert.report import inputs, views

    with _no_cycle_collection():
        fleet = inputs.read_into(Fleet(now=now), paths)
        table = views.rows(fleet, now)
        return fleet, table, views.summary(fleet, table, now)


@contextmanager
def _no_cycle_collection():
    """The cyclic garbage collector off while the report is built. A fleet is hundreds of
    thousands of small objects without cycles that live to the end; each full collection
    walks all of them again (a sixth of the time at 100k rows, growing with the fleet).
    Reference counting still frees everything; cycles, if any, are collected afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(paths: list[str], now: datetime, fmt: str = "table", lang: str = "ja",
        html_path: str | None = None, csv_path: str | None = None, *, clinics_path: str | None = None,
        since_path: str | None = None, json_path: str | None = None) -> str:
    """Build the report, write the requested files, and return the terminal text. The
    mapping (--clinics) and the previous report (--since) are read and checked first: a
    bad one stops the run before anything is written."""
    from pycert.report import clinics, devices, html, since, text
    from pycert.common.resultfile import atomic_write

    mapping = clinics.load(clinics_path) if clinics_path else None
    previous = since.load(since_path) if since_path else None
    fleet, table, summary = build(paths, now)
    device_rows = devices.device_rows(fleet, now, mapping)
    groups = devices.groups(device_rows)
    summary["devices_by_action"] = devices.actions_count(device_rows)
    summary["failed_devices"] = devices.failed_devices(device_rows)
    summary["clinics"] = [{"clinic": g.name, "maintainer": g.maintainer, "devices": len(g.devices),
                           "devices_by_verdict": g.verdicts} for g in groups]
    if previous is not None:
        summary["changes"] = since.compare(previous, device_rows).as_json()
    if csv_path:
        atomic_write(Path(csv_path), lambda handle: text.write_csv(table, handle), encoding="utf-8-sig")
    if html_path:
        atomic_write(Path(html_path), lambda handle: html.write_html(summary, table, now, lang, handle, groups))
    if fmt == "json" or json_path:
        summary["device_list"] = since.device_list(device_rows)
        dumped = json.dumps(summary, ensure_ascii=False, indent=2)
        if json_path:
            atomic_write(Path(json_path), lambda handle: handle.write(dumped + "\n"))
        if fmt == "json":
            return dumped
    return text.render_summary(summary, lang)
