"""`pycert notices preview` and the notice lines of `remediate expiry`, as real runs."""

import json

from pycert.cli import runner
from pycert.demo import samples

HEADERS = ["--- days_left=90 tier=info ---", "--- days_left=30 tier=action ---", "--- days_left=7 tier=urgent ---",
           "--- days_left=0 tier=urgent ---", "--- days_left=-1 tier=expired ---"]


def test_preview_renders_one_notice_per_tier(cli_sandbox):
    run = cli_sandbox.run("notices", "preview", "--as-of", "2026-11-25")
    assert run.code == 0 and run.stderr == ""
    lines = run.stdout.splitlines()
    assert [line for line in lines if line.startswith("---")] == HEADERS
    titles = [lines[i + 2] for i, line in enumerate(lines) if line.startswith("---")]
    assert titles == ["| 【お知らせ】電子証明書の更新時期です", "| 【要対応】電子証明書を更新してください",
                      "| 【至急】電子証明書の有効期限まであと7日です", "| 【至急】電子証明書の有効期限は本日です",
                      "| 【期限切れ】電子証明書の有効期限が切れました"]
    assert lines[1] == "| PyCert 電子証明書チェック"
    assert lines[3] == ("| オンライン資格確認とレセプトオンライン請求で使う電子証明書（0110119153）の有効期限は"
                        "2027年2月23日（火）です（あと90日）。")
    assert "| 電子証明書（0110119153）の有効期限が2026年11月24日（火）に切れました。" in run.stdout
    assert "http" not in run.stdout


def test_preview_uses_the_policy_contact_and_the_profile_family(cli_sandbox):
    cli_sandbox.write_policy(
        '[notify]\ncontact_name = "ABCメディカル"\ncontact_phone = "03-1234-5678"\n\n'
        '[profiles.orca]\nmatch = { issuer_contains = ["ORCA"] }\nnotice = { family = "weborca" }\n')
    run = cli_sandbox.run("notices", "preview", "--profile", "orca", "--days", "20", "--days", "120",
                          "--name", "orca-client-0042", "--as-of", "2026-11-25")
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "--- days_left=20 tier=action ---",
        "| PyCert 電子証明書チェック",
        "| 【要対応】電子証明書を更新してください",
        "| WebORCAで使う電子証明書（orca-client-0042）の有効期限は2026年12月15日（火）です（あと20日）。"
        "期限が切れると、この端末でWebORCAが使えなくなります。",
        "| WebORCAにログインし、画面に出る「更新」から新しいクライアント証明書を取得します。"
        "オンライン資格確認と連携している場合は、連携ツール内のORCA証明書の更新も必要です。",
        "| わからないときの連絡先: ABCメディカル（電話 03-1234-5678）",
        "--- days_left=120 tier=none ---",
        "(no notice: more than 90 days left)",
    ]


def test_preview_of_an_unknown_profile_is_one_sentence(cli_sandbox):
    run = cli_sandbox.run("notices", "preview", "--profile", "nope")
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.strip() == "error: There is no profile 'nope' in the policy; known profiles: obn."


def test_remediate_names_the_contact_on_its_notice_line(cli_sandbox, tmp_path):
    now = samples.utc_now()
    cli_sandbox.seed([samples.obn_certificate("0110119153", 10, now, key_seed=1)])
    cli_sandbox.write_policy(f'[notify]\ncontact_phone = "0120-000-000"\n\n[profiles.obn]\n'
                             f'staging_folders = [{json.dumps(str(tmp_path))}]\n')
    run = cli_sandbox.run("remediate", "expiry", env={"PYCERT_STATE_DIR": str(tmp_path / "state")})
    assert run.code == 1, run.stderr
    first = run.stdout.splitlines()[0]
    assert first.startswith("【要対応】電子証明書を更新してください: オンライン資格確認とレセプトオンライン請求で使う")
    assert first.endswith(" わからないときの連絡先: 電話 0120-000-000")


def test_a_suppressed_notice_says_why_before_the_summary(capsys):
    class Result:
        details = {"notices": [{"channel": "suppressed", "reason": "the MPKI client is installed", "title": "t", "body": "b"},
                               {"channel": "stdout", "title": "【至急】t", "body": "a\nb\nc"}]}

    runner.echo_notices([Result()], "line")
    assert capsys.readouterr().out.splitlines() == ["notice not shown: the MPKI client is installed", "【至急】t: a b c"]


def test_a_suppressed_notice_says_why_in_japanese_too(capsys, monkeypatch):
    from pycert.common import i18n
    from pycert.expiry.reminders import MPKI_REASON

    class Result:
        details = {"notices": [{"channel": "suppressed", "reason": MPKI_REASON, "title": "t", "body": "b"}]}

    monkeypatch.setattr(i18n, "_chosen", "ja")
    runner.echo_notices([Result()], "line")
    assert capsys.readouterr().out == (
        "通知を表示しませんでした: MPKIクライアントがインストールされていて、この電子証明書の通知はMPKIクライアントが出します"
        "（[notify] alongside_mpki_client = true にすると PyCert の通知も出します）\n")
