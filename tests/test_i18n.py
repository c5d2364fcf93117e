"""Japanese output for people (issue 16): the catalog is complete and compiled, the
language is chosen as documented, people's output speaks Japanese with --lang ja, and the
machine contracts (summary line, JSON, CSV) are the same bytes in both languages.

Expected Japanese texts are written here by hand from the manuals' terms (電子証明書,
秘密キー, 個人, ...), not read from the catalog."""

from __future__ import annotations

import gettext
import io
import json
import re
from pathlib import Path
from unittest import mock

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pycert.common import i18n
from pycert.demo import samples
from tests.conftest import ROOT, run_cli

PO = ROOT / "pycert" / "locale" / "ja" / "LC_MESSAGES" / "pycert.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{(\d+|path|hint|reason)\}")
NOW = samples.utc_now()


def ja_catalog():
    return read_po(PO.open("rb"), locale="ja")


def extracted() -> dict[str, str]:
    """What Babel extracts from the source with babel.cfg's method: msgid -> file."""
    found = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "pycert"), method_map=[("**.py", "pycert.common.sentences:extract")]):
        found.setdefault(message if isinstance(message, str) else message[0], filename)
    return found


# -- the catalog ---------------------------------------------------------------------------

def test_every_sentence_and_marked_word_in_the_source_has_its_japanese():
    catalog = {m.id: m for m in ja_catalog() if m.id}
    source = extracted()
    assert len(source) > 200  # every error sentence, doctor's checks and the table words
    missing = sorted(f"{file}: {msgid}" for msgid, file in source.items() if msgid not in catalog)
    assert missing == [], "run pybabel extract/update (README 'Languages') and translate:\n" + "\n".join(missing)
    untranslated = sorted(m.id for m in catalog.values() if not m.string or m.fuzzy)
    assert untranslated == []
    stale = sorted(set(catalog) - set(source))
    assert stale == [], "catalog entries no longer in the source (pybabel update --ignore-obsolete)"


def test_each_translation_keeps_exactly_its_values():
    for m in ja_catalog():
        if m.id:
            assert sorted(PLACEHOLDER.findall(m.id)) == sorted(PLACEHOLDER.findall(m.string)), m.id


def test_the_committed_mo_is_the_compiled_po():
    buffer = io.BytesIO()
    write_mo(buffer, ja_catalog())
    fresh = gettext.GNUTranslations(io.BytesIO(buffer.getvalue()))._catalog  # type: ignore[attr-defined]
    committed = gettext.GNUTranslations(MO.open("rb"))._catalog  # type: ignore[attr-defined]
    assert committed == fresh, "run: pybabel compile -d pycert/locale -D pycert"


def test_the_terms_are_the_manuals_and_windows():
    text = "\n".join(m.string for m in ja_catalog() if m.id)
    for term in ("電子証明書", "秘密キー", "個人", "中間証明機関", "信頼されたルート証明機関", "MPKIクライアント"):
        assert term in text, term
    for wrong in ("秘密鍵", "MPKI クライアント", "ルート証明書機関", "パーソナル"):
        assert wrong not in text, wrong
    for page in sorted((ROOT / "docs" / "ja").glob("*.md")):  # the admin guide speaks the same words
        for wrong in ("秘密鍵", "MPKI クライアント", "ルート証明書機関", "パーソナル"):
            assert wrong not in page.read_text(encoding="utf-8"), f"{page.name}: {wrong}"
    translations = {m.id: m.string for m in ja_catalog() if m.id}
    assert (translations["Personal"], translations["Intermediate Certification Authorities"],
            translations["Trusted Root Certification Authorities"]) == ("個人", "中間証明機関", "信頼されたルート証明機関")


# -- which language -----------------------------------------------------------------------

@pytest.mark.parametrize("explicit, env, windows, expected", [
    ("en", {"LANG": "ja_JP.UTF-8"}, "ja", "en"),          # --lang wins
    (None, {"LANG": "en_US.UTF-8"}, "ja", "ja"),          # Windows: the display language
    (None, {}, "en", "en"),
    (None, {"LANG": "ja_JP.UTF-8"}, None, "ja"),          # elsewhere: the locale variables
    (None, {"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, None, "en"),
    (None, {"LC_MESSAGES": "ja_JP.eucJP", "LANG": "C"}, None, "ja"),
    (None, {"LANG": "Japanese_Japan.932"}, None, "ja"),
    (None, {"LANG": "C.UTF-8"}, None, "en"),
    (None, {}, None, "en"),
])
def test_language_resolution(explicit, env, windows, expected):
    assert i18n.resolve(explicit, env, (lambda: windows) if windows else None) == expected


@pytest.mark.parametrize("langid, expected", [(0x0411, "ja"), (0x0409, "en"), (0x0804, "en"), (0x0011, "ja")])
def test_windows_display_language_from_getuserdefaultuilanguage(langid, expected):
    from pycert.platform.windows import environment
    from pycert.platform.windows.kernel32 import KERNEL32
    from tests.winfakes import fake_library

    kernel = fake_library(KERNEL32, mock.Mock(**{"GetUserDefaultUILanguage.return_value": langid}))
    with mock.patch.object(environment, "_kernel32", return_value=kernel):
        assert environment.ui_language() == expected


# -- sentences ----------------------------------------------------------------------------

def test_a_finished_error_sentence_is_translated_with_its_values():
    assert i18n.sentence("There is no profile 'nope' in the policy; known profiles: obn, orca.", "ja") == (
        "ポリシーにプロファイル 'nope' はありません。あるプロファイル: obn, orca。")
    assert i18n.sentence("--dry-run cannot be combined with --apply or --yes; choose one.", "ja") == (
        "--dry-run は --apply や --yes と同時に使えません。どちらか一方にしてください。")
    assert i18n.sentence("something PyCert never says", "ja") == "something PyCert never says"
    assert i18n.sentence("There is no profile 'nope' in the policy; known profiles: obn.", "en") == (
        "There is no profile 'nope' in the policy; known profiles: obn.")


def test_values_that_are_phrases_are_translated_too():
    """doctor's proxy sentence: the route phrase and its source inside it."""
    english = ("PyCert connects to cert.obn.managedpki.ne.jp through proxy http://10.0.0.1:8080 (from the proxy "
               "script (PAC)); if the proxy asks for a login, PyCert answers with this Windows logon (Negotiate/NTLM).")
    assert i18n.sentence(english, "ja") == (
        "PyCert は cert.obn.managedpki.ne.jp にプロキシ http://10.0.0.1:8080 経由で（プロキシ スクリプト（PAC）による）"
        "接続します。プロキシがログインを求めた場合、PyCert はこの Windows のログオンで応答します（Negotiate/NTLM）。")


# -- the commands -------------------------------------------------------------------------

@pytest.fixture
def terminal(cli_sandbox):
    cli_sandbox.seed([samples.obn_certificate("0110119153", 20, NOW, key_seed=1)])
    return cli_sandbox


def test_list_speaks_japanese_and_csv_json_do_not_change(terminal):
    ja = terminal.run("--lang", "ja", "list", "--all")
    assert ja.code == 0, ja.stderr
    header, row = ja.stdout.splitlines()
    assert header.split() == ["状態", "残り日数", "有効期限", "プロファイル", "CN", "発行者の検証", "秘密キー", "ストア", "拇印"]
    assert row.split()[:2] == ["要更新", "20"] and "検証済み" in row and "不明" in row and "CurrentUser\\My（個人）" in row
    for fmt in ("csv", "json"):
        runs = [terminal.run("--lang", lang, "list", "--all", "--format", fmt, "--as-of", "2026-12-01") for lang in ("ja", "en")]
        assert runs[0].stdout == runs[1].stdout and runs[0].code == runs[1].code == 0


def test_detect_line_and_json_are_the_same_bytes_in_both_languages(terminal):
    for args in (["detect", "expiry"], ["detect", "expiry", "--format", "json", "--as-of", "2026-12-01T00:00:00Z"]):
        ja, en = (terminal.run("--lang", lang, *args) for lang in ("ja", "en"))
        assert (ja.stdout, ja.code, ja.stderr) == (en.stdout, en.code, en.stderr)
        assert ja.stdout.isascii() or args[-1] != "expiry"


def test_errors_speak_the_chosen_language_and_the_failed_line_stays_english(tmp_path):
    ja = run_cli(["--lang", "ja", "detect", "expiry", "--profile", "nope"], xdg=tmp_path)
    en = run_cli(["--lang", "en", "detect", "expiry", "--profile", "nope"], xdg=tmp_path)
    assert ja.code == en.code == 2
    assert ja.stdout == en.stdout and ja.stdout.startswith("FAILED expiry v1 exit=2") and ja.stdout.isascii()
    assert ja.stderr == "error: ポリシーにプロファイル 'nope' はありません。あるプロファイル: obn。\n"
    assert en.stderr == "error: There is no profile 'nope' in the policy; known profiles: obn.\n"


@pytest.mark.parametrize("args, usage, error", [
    (["list", "--bogus"], "Usage: pycert list [OPTIONS]", "オプション '--bogus' はありません。"),
    (["list", "--formt", "json"], "Usage: pycert list [OPTIONS]", "オプション '--formt' はありません。'--format' のことですか？"),
    (["list", "--format", "xml"], "Usage: pycert list [OPTIONS]",
     "'--format' の値が正しくありません: 'xml' は 'table', 'json', 'csv' のどれでもありません。"),
    (["pfx", "inspect"], "Usage: pycert pfx inspect [OPTIONS] FILE", "引数 'FILE' を指定してください。"),
    # an unknown command fails before the root's callback (which reads --lang) runs
    (["lst"], "Usage: pycert [OPTIONS] COMMAND [ARGS]...", "コマンド 'lst' はありません。'list' のことですか？"),
])
def test_clicks_usage_errors_speak_japanese_too(tmp_path, args, usage, error):
    """click words these itself, in English; a technician mistyping an option is the most
    common error there is."""
    run = run_cli(["--lang", "ja", *args], xdg=tmp_path)
    assert run.code == 2 and run.stdout == ""
    command = usage.split(" [")[0].removeprefix("Usage: ")
    assert run.stderr == f"{usage}\n使い方は '{command} --help' で表示できます。\n\nError: {error}\n"


def test_pydantics_own_messages_speak_japanese_with_the_value_written(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[profiles.obn]\nmatch = { issuer_contains = ["x"] }\nenabled = "yes"\nstores = []\n'
                   '[mpki]\nretries = 99\n[network]\nproxy_auth = "x"\n[notify]\ncontact_name = "' + "a" * 41 + '"\n',
                   encoding="utf-8")
    ja = run_cli(["--lang", "ja", "config", "validate", str(bad)], xdg=tmp_path)
    en = run_cli(["--lang", "en", "config", "validate", str(bad)], xdg=tmp_path)
    assert ja.code == en.code == 2
    assert sorted(ja.stderr.splitlines()) == sorted([
        f"{bad} の 3 行目: profiles.obn.enabled: true か false を書いてください（書かれている値: 'yes'）。",
        f"{bad} の 4 行目: profiles.obn.stores: 1 個以上書いてください（0 個です）（書かれている値: []）。",
        f"{bad} の 6 行目: mpki.retries: 10 以下にしてください（書かれている値: 99）。",
        f"{bad} の 8 行目: network.proxy_auth: 'auto', 'negotiate', 'ntlm', 'basic' or 'none' のどれかを書いてください（書かれている値: 'x'）。",
        f"{bad} の 10 行目: notify.contact_name: 40 文字以内にしてください（書かれている値: '{'a' * 41}'）。",
    ])
    assert f"{bad}, line 6: mpki.retries: Input should be less than or equal to 10 (got 99)." in en.stderr.splitlines()


def test_clicks_usage_errors_stay_clicks_own_in_english(tmp_path):
    run = run_cli(["--lang", "en", "list", "--bogus"], xdg=tmp_path)
    assert run.code == 2
    assert run.stderr == "Usage: pycert list [OPTIONS]\nTry 'pycert list --help' for help.\n\nError: No such option '--bogus'.\n"


def test_without_lang_the_locale_decides(tmp_path):
    ja = run_cli(["config", "validate", str(tmp_path / "missing.toml")], xdg=tmp_path, env={"LC_MESSAGES": "", "LANG": "ja_JP.UTF-8"})
    c = run_cli(["config", "validate", str(tmp_path / "missing.toml")], xdg=tmp_path, env={"LC_MESSAGES": "", "LANG": "C.UTF-8"})
    assert ja.code == c.code == 2
    assert "ありません" in ja.stderr and "does not exist" in c.stderr


def test_pfx_wrong_password_in_japanese(tmp_path):
    from tests.pfxfiles import obn_pfx

    path, _ = obn_pfx(tmp_path, "0110119153.pfx", 1185, NOW)
    run = run_cli(["--lang", "ja", "pfx", "inspect", str(path), "--password-stdin"], xdg=tmp_path, stdin="0000\n")
    assert run.code == 2 and run.stdout == ""
    assert run.stderr == (f"error: stdin のパスワードは {path} に合いません（またはエクスポート後にファイルが変更されています）。"
                          "パスワードを確認してください: 電子証明書をダウンロードしたときに決めた数字です。\n")


def test_doctor_in_japanese(tmp_path):
    closed = {"PYCERT_DOCTOR_OBN_URL": "http://127.0.0.1:9", "PYCERT_DOCTOR_CRL_URL": "http://127.0.0.1:9/",
              "NO_PROXY": "*", "HTTPS_PROXY": "", "HTTP_PROXY": "", "https_proxy": "", "http_proxy": ""}
    run = run_cli(["--lang", "ja", "doctor"], xdg=tmp_path, env=closed, timeout=180)
    lines = run.stdout.splitlines()
    policy = next(line for line in lines if line.split()[1:2] == ["policy"])
    assert policy.endswith("組み込みの既定値: プロファイル obn、チェック expiry。")
    assert re.fullmatch(r"doctor: 正常 \d+、注意 \d+、失敗 \d+（終了コード \d）", lines[-1])
    reach = next(line for line in lines if line.split()[1:2] == ["reach-installer"])
    assert reach.endswith("-> これらのホストはオンライン請求ネットワーク（IP-VPN）の中でだけ応答します。"
                          "VPN ルーターと回線、DNS、上のプロキシの行を確認してください。")


def test_pfx_inspect_import_cleanup_and_config_speak_japanese(terminal, tmp_path):
    from tests.pfxfiles import obn_pfx

    path, leaf = obn_pfx(tmp_path, "renewed.pfx", 1185, NOW)
    inspect = terminal.run("--lang", "ja", "pfx", "inspect", str(path), "--password-stdin", stdin="1234\n")
    assert inspect.code == 0, inspect.stderr
    lines = inspect.stdout.splitlines()
    assert lines[0] == f"ファイル:    {path}（{path.stat().st_size} バイト）"
    assert "  秘密キー:  あり、電子証明書と一致しています" in lines and "  ストア:    CurrentUser\\My（個人）" in lines
    assert "プロファイル: obn" in lines and "証明書チェーン: （ほかの証明書なし）" in lines
    dry = terminal.run("--lang", "ja", "import", str(path), "--password-stdin", "--dry-run", stdin="1234\n")
    assert dry.stdout.splitlines()[0] == "計画（ドライラン。何も変更していません）:"
    assert dry.stdout.splitlines()[1].startswith("  予定      電子証明書   CurrentUser\\My（個人）  CN=0110119153")
    done = terminal.run("--lang", "ja", "import", str(path), "--password-stdin", stdin="1234\n")
    assert done.code == 0, done.stderr
    assert done.stdout.splitlines()[0] == "インポート 完了:" and "確認:      はい、電子証明書はストアにあります" in done.stdout
    cleanup = terminal.run("--lang", "ja", "cleanup")
    assert cleanup.code == 0 and cleanup.stdout.splitlines()[-1] == (
        "電子証明書 1 件が削除の対象です。削除するには --yes（または --apply）を付けてもう一度実行してください。")
    assert f"  削除     obn      0110119153  有効期限 " in cleanup.stdout and f"、後継 {leaf.thumbprint[:8]}）" in cleanup.stdout
    policy = tmp_path / "p.toml"
    policy.write_text("[profiles.obn]\nrenewal_window_days = 60\n", encoding="utf-8")
    valid = terminal.run("--lang", "ja", "config", "validate", str(policy))
    assert valid.stdout == f"{policy} は正しいポリシーです: プロファイル obn、チェック expiry。\n"
    for args in (["import", str(path), "--password-stdin", "--format", "json", "--dry-run"], ["cleanup", "--format", "json"]):
        ja, en = (terminal.run("--lang", lang, *args, stdin="1234\n") for lang in ("ja", "en"))
        assert ja.stdout == en.stdout and ja.code == en.code


def test_config_validate_problems_in_japanese_with_their_lines(tmp_path):
    """A policy problem is "FILE, line N: FIELD: WHAT."; our validators' WHAT is translated,
    and so is pydantic's own (type errors), with the value that was written."""
    bad = tmp_path / "bad.toml"
    bad.write_text('[profiles.orca]\nmatch = { issuer_contains = [""] }\ncolour = "red"\nrenewal_window_days = "90"\n',
                   encoding="utf-8")
    run = run_cli(["--lang", "ja", "config", "validate", str(bad)], xdg=tmp_path)
    assert run.code == 2 and run.stdout == ""
    assert sorted(run.stderr.splitlines()) == sorted([
        f"{bad} の 2 行目: profiles.orca.match.issuer_contains: 空の文字列はすべての発行者に一致してしまいます。削除してください。",
        f"{bad} の 3 行目: profiles.orca.colour: 知らないキーです。削除するか、つづりを直してください。",
        f"{bad} の 4 行目: profiles.orca.renewal_window_days: 整数を書いてください（引用符で囲まない）（書かれている値: '90'）。",
    ])
