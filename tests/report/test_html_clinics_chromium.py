"""Issue 17 in a real headless Chromium: devices grouped by clinic (worst clinic first, each
device under its clinic), the 対処 column with a failure's reason as text, the filters,
and the changes since a previous report. Expected values are written by hand from the
lines and the mapping in test_clinics.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chromium_cdp import Chromium, chromium_binary
from test_clinics import LINES, MAPPING, export, write

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
HOSTILE = "<img src=x onerror=alert(1)>"
EVIL_LINE = f'FAILED expiry v1 exit=3 | error message="{HOSTILE} \\u001b[2J"'

BINARY = chromium_binary()
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="Chromium is not installed (Debian package `chromium`; .ci/run installs it)")


def pycert(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "pycert", "report", *args, "--as-of", "2026-11-21T09:00:00+00:00"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture
def page(tmp_path):
    mapping = write(tmp_path, MAPPING + ",EVIL-*,<b>悪</b>,<i>x</i>\n")
    before = export(tmp_path, {"UKETSUKE-1": LINES["UKETSUKE-1"], "MINATO-PC02": LINES["UKETSUKE-1"], "OLD-PC": LINES["UKETSUKE-1"]})
    previous = tmp_path / "previous.json"
    pycert(str(before), "--json", str(previous))
    current = export(tmp_path, {**LINES, "EVIL-PC": EVIL_LINE})
    html = tmp_path / "report.html"
    pycert(str(current), "--clinics", str(mapping), "--since", str(previous), "--html", str(html))
    chrome = Chromium(BINARY, tmp_path / "chromium-profile")
    chrome.open_page(html.as_uri(), height=1400)
    yield chrome
    chrome.close()


def rows(browser: Chromium) -> list[list[str]]:
    """The device table as shown: a clinic header row is one cell, a device row six."""
    return browser.evaluate("[...document.querySelectorAll('#pycert-devices tbody tr')]"
                            ".map(tr => [...tr.children].map(td => td.textContent))")


def choose(browser: Chromium, selector: str, value: str) -> None:
    browser.evaluate(f"(() => {{ const s = document.querySelector('{selector}'); s.value = '{value}';"
                     " s.dispatchEvent(new Event('input')); })()")


POLICY_ERROR = "失敗: The policy file C:\\x.toml does not exist; create it or pass a correct --config path."


def test_clinics_worst_first_with_actions(page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(ARTIFACTS / "report-clinics-ja.png")
    assert page.problems() == []
    shown = [[r[0], r[4]] if len(r) == 6 else r for r in rows(page)]
    assert shown == [
        ["<b>悪</b> · 担当: <i>x</i> · 1 台 (失敗 1)"],
        ["EVIL-PC", f"失敗: {HOSTILE} [2J"],
        ["ロスト診療所 · 担当: 鈴木 · 1 台 (失敗 1)"],
        ["LOST-PC", POLICY_ERROR],
        ["みなと歯科 · 担当: 佐藤 · 2 台 (要対応 2)"],
        ["MINATO-PC02", "期限切れ: 再発行申請"],
        ["MINATO-PC01", "証明書を導入 (/p/rcd)"],
        ["さくら内科クリニック · 担当: 山田 · 2 台 (要対応 1, 準拠 1)"],
        ["SHINSATSU-1", "更新サイトで更新 (/p/ru)"],
        ["UKETSUKE-1", ""],
        ["ひかり眼科 · 1 台 (準拠 1)"],
        ["HIKARI-PC01", ""],
        ["未割り当て · 1 台 (準拠 1)"],
        ["LONELY-PC", ""],
    ]
    # Hostile text from the mapping and the result stays text: no element was made of it.
    assert page.evaluate("document.querySelectorAll('img, b, i').length") == 0
    # The device row's other cells: verdict, worst state, days left, Japan time.
    minato = next(r for r in rows(page) if r[0] == "MINATO-PC02")
    assert minato[1:4] == ["要対応", "期限切れ", "-4"]
    assert minato[5] == "2026-11-20 10:00 JST"
    # Counts per action.
    cards = page.evaluate("[...document.querySelectorAll('#pycert-actions .card')].map(c => c.innerText.split('\\n'))")
    assert cards == [["2", "失敗"], ["1", "期限切れ: 再発行申請"], ["1", "更新サイトで更新 (/p/ru)"],
                     ["1", "証明書を導入 (/p/rcd)"]]


def test_filters(page):
    labels = page.evaluate("[...document.querySelectorAll('#pycert-clinic option')].map(o => o.textContent)")
    assert labels == ["医療機関: すべて", "<b>悪</b>", "ロスト診療所", "みなと歯科", "さくら内科クリニック", "ひかり眼科", "未割り当て"]
    choose(page, "#pycert-clinic", "2")  # みなと歯科
    assert [r[0] for r in rows(page)] == ["みなと歯科 · 担当: 佐藤 · 2 台 (要対応 2)", "MINATO-PC02", "MINATO-PC01"]
    choose(page, "#pycert-clinic", "")
    choose(page, "#pycert-action", "renew-site")
    assert [r[0] for r in rows(page)] == ["さくら内科クリニック · 担当: 山田 · 2 台 (要対応 1, 準拠 1)", "SHINSATSU-1"]
    choose(page, "#pycert-action", "failed")
    assert [r[0] for r in rows(page) if len(r) == 6] == ["EVIL-PC", "LOST-PC"]
    choose(page, "#pycert-action", "")
    page.type_into("#pycert-dq", "hikari")
    assert [r[0] for r in rows(page)] == ["ひかり眼科 · 1 台 (準拠 1)", "HIKARI-PC01"]
    assert page.evaluate("document.getElementById('pycert-dcount').textContent") == "1 件を表示（該当 1 件）"
    assert page.problems() == []


def test_changes_since_the_previous_report(page):
    cards = page.evaluate("[...document.querySelectorAll('[data-change]')].map(c => [c.dataset.change, c.querySelector('.n').textContent])")
    # Before: UKETSUKE-1, MINATO-PC02, OLD-PC all compliant.
    assert cards == [["worse", "1"], ["better", "0"], ["new", "6"], ["gone", "1"]]
    worse = page.evaluate("[...document.querySelectorAll('#pycert-worse tbody td')].map(td => td.textContent)")
    assert worse == ["MINATO-PC02", "みなと歯科", "準拠", "要対応"]
    gone = page.evaluate("[...document.querySelectorAll('#pycert-gone tbody td')].map(td => td.textContent)")
    assert gone == ["OLD-PC", "未割り当て", "準拠", ""]
