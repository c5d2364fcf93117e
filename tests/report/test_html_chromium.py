"""The HTML report in a real headless Chromium: it loads from a file with no network and
no console errors, shows the expected rows, and sorting and filtering work."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from chromium_cdp import Chromium, chromium_binary
from pycert.report import build, samples

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc)
HOSTILE = '<img src=x onerror=alert(1)>"</script>'

BINARY = chromium_binary()
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="Chromium is not installed (Debian package `chromium`; .ci/run installs it)")


def make_report(tmp_path: Path, lang: str, devices: int = 60) -> tuple[Path, list]:
    fleet = list(samples.fleet(devices, NOW, seed=21, pool=devices))
    odd = samples.SampleDevice(HOSTILE, "x@y", NOW, fleet[0].result)
    export = tmp_path / "export.csv"
    samples.write_export(export, fleet + [odd], extra_rows=[["x", "BROKEN", "", "", "", "", "nonsense", "", "", "", ""]])
    html = tmp_path / f"report-{lang}.html"
    proc = subprocess.run(
        [sys.executable, "-m", "pycert", "report", str(export), "--html", str(html), "--lang", lang,
         "--as-of", NOW.isoformat()],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    _, table, _ = build([str(export)], NOW)
    return html, table


@pytest.fixture
def browser(tmp_path):
    chrome = Chromium(BINARY, tmp_path / "chromium-profile")
    yield chrome
    chrome.close()


def column(browser: Chromium, index: int) -> list[str]:
    return browser.evaluate(
        f"[...document.querySelectorAll('#pycert-table tbody tr')].map(tr => tr.children[{index}].textContent)")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_report_page_in_chromium(tmp_path, browser, lang):
    html, table = make_report(tmp_path, lang)
    browser.open_page(html.as_uri())
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / f"report-{lang}.png")

    assert browser.problems() == []
    assert browser.evaluate("document.documentElement.lang") == lang
    title = browser.evaluate("document.querySelector('h1').textContent")
    assert title == ("PyCert 端末レポート" if lang == "ja" else "PyCert fleet report")
    assert browser.evaluate("document.querySelectorAll('#pycert-table tbody tr').length") == len(table)
    # The page starts sorted by days left, as the CSV is; unknown days last.
    days = [int(d) for d in column(browser, 6) if d]
    assert days == sorted(days) and days[0] == table[0].days_left
    # The hostile device name is shown as text and never becomes markup.
    assert HOSTILE in column(browser, 0)
    assert browser.evaluate("document.querySelectorAll('img').length") == 0
    # 26 weekly bars in the chart, and one rejected row listed.
    assert browser.evaluate("document.querySelectorAll('svg.chart rect.bar').length") == 26
    assert "BROKEN" in browser.evaluate("document.getElementById('pycert-rejected').textContent")

    browser.click('#pycert-table th[data-key="device"]')
    names = column(browser, 0)
    assert names == sorted(names, key=str.lower)
    assert browser.evaluate("document.querySelector('th[data-key=device]').getAttribute('aria-sort')") == "ascending"
    browser.click('#pycert-table th[data-key="device"]')
    assert column(browser, 0) == sorted(names, key=str.lower, reverse=True)

    browser.type_into("#pycert-q", "clinic0001")
    shown = column(browser, 0)
    assert shown and all("clinic0001" in n.lower() for n in shown)
    assert len(shown) == sum("clinic0001" in r.device.lower() for r in table)
    assert browser.problems() == []


def test_large_report_draws_a_window_and_still_sorts_everything(tmp_path, browser):
    html, table = make_report(tmp_path, "en", devices=5000)
    browser.open_page(html.as_uri())
    assert browser.problems() == []
    assert browser.evaluate("document.querySelectorAll('#pycert-table tbody tr').length") == 2000
    count = browser.evaluate("document.getElementById('pycert-count').textContent")
    assert count == f"Showing 2000 of {len(table)}"
    browser.click('#pycert-table th[data-key="days_left"]')  # already ascending: now descending
    days = [int(d) for d in column(browser, 6) if d]
    assert days[0] == max(r.days_left for r in table if r.days_left is not None)


def test_empty_input_still_gives_a_working_page(tmp_path, browser):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    html = tmp_path / "empty.html"
    proc = subprocess.run([sys.executable, "-m", "pycert", "report", str(empty), "--html", str(html), "--lang", "en"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    browser.open_page(html.as_uri())
    assert browser.problems() == []
    assert browser.evaluate("document.getElementById('pycert-count').textContent") == "Showing 0 of 0"
    assert "empty file" in browser.evaluate("document.getElementById('pycert-rejected').textContent")
