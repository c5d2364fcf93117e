"""Windows notifications (subprocess mocked) and the reminder state."""

import base64
import ntpath
import json
import subprocess
from datetime import timedelta

import pytest

from pycert.expiry import rules
from pycert.demo import samples
from pycert.expiry import reminders
from pycert.common.model import Finding, State
from pycert.pfx.reader import certificate_info
from pycert.platform.windows import notify

NOW = samples.utc_now()


class Done:
    def __init__(self, code):
        self.returncode = code


def test_toast_argv_is_encoded_powershell_with_the_japanese_text(monkeypatch):
    monkeypatch.setenv("SystemRoot", r"C:\Windows")
    argv = notify.toast_argv("電子証明書の更新のお知らせ", "あと30日です")
    assert argv[0].endswith(r"WindowsPowerShell\v1.0\powershell.exe")
    assert argv[1:6] == ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand"]
    script = base64.b64decode(argv[6]).decode("utf-16-le")
    payload = json.loads(script.split("@'\n")[1].split("\n'@")[0])
    assert payload == {"title": "電子証明書の更新のお知らせ", "body": "あと30日です", "app": "PyCert.CertificateCheck"}
    assert "ToastNotificationManager" in script


def test_the_toast_speaks_as_pycert_not_as_powershell():
    """Issue 16: the notice came under Windows PowerShell's app identity. The notifier is
    created for PyCert's AppUserModelID (the one the MSI's shortcut registers), read from
    the payload; no other app id is anywhere in the script."""
    script = base64.b64decode(notify.toast_argv("t", "b")[6]).decode("utf-16-le")
    assert "CreateToastNotifier($t.app)" in script and "CreateToastNotifier()" not in script
    assert "{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}" not in script and "powershell.exe" not in script.lower()
    assert (notify.APP_ID, notify.SHORTCUT_NAME) == ("PyCert.CertificateCheck", "PyCert 電子証明書チェック")


def test_the_toast_shows_what_to_do_and_names_the_contact_in_its_attribution_line():
    script = base64.b64decode(notify.toast_argv("t", "b")[6]).decode("utf-16-le")
    assert '<binding template="ToastGeneric"><text/><text/><text/><text placement="attribution"/></binding>' in script
    assert '$lines = @($t.body -split "`n", 3)' in script  # at most three: one per text element after the title
    assert "$nodes.Item($i + 1).AppendChild($xml.CreateTextNode($lines[$i]))" in script


def test_the_toast_script_is_valid_powershell():
    """Parsed with tree-sitter-pwsh here; tests/windows/test_notify.py parses it with
    Windows PowerShell's own parser on the Windows runner."""
    from tests.powershell import pwsh

    script = base64.b64decode(notify.toast_argv("【要対応】t", "a\nb\nc")[6]).decode("utf-16-le")
    assert pwsh.parser().parse(script.encode("utf-8")).root_node.has_error is False


def test_the_app_counts_as_registered_only_with_the_msi_shortcut(monkeypatch, tmp_path):
    monkeypatch.setenv("ProgramData", str(tmp_path))
    assert notify.app_registered() is False
    programs = tmp_path / "Microsoft" / "Windows" / "Start Menu" / "Programs"
    programs.mkdir(parents=True)
    (programs / "PyCert 電子証明書チェック.lnk").write_bytes(b"L\0\0\0")
    assert notify.app_registered() is True


def test_without_the_shortcut_no_toast_is_tried():
    """A toast for an app id Windows does not know is never seen: msg.exe speaks instead."""
    seen = []

    def run(argv, **kw):
        seen.append(ntpath.basename(argv[0]))
        return Done(0)

    assert notify.notify("t", "b", run=run, registered=lambda: False) == "msg" and seen == ["msg.exe"]


def test_the_toast_script_checks_the_notifier_setting_before_showing(monkeypatch):
    """Defect 4: with toasts off (app, user, policy) Show() succeeds silently. The script
    must test ToastNotifier.Setting first and exit non-zero, so msg.exe gets its turn and
    the milestone is not recorded as shown."""
    script = base64.b64decode(notify.toast_argv("t", "b")[6]).decode("utf-16-le")
    check = script.index("$notifier.Setting -ne [Windows.UI.Notifications.NotificationSetting]::Enabled")
    assert check < script.index("$notifier.Show(") and "exit 3" in script[check:script.index("$notifier.Show(")]
    assert ").Show(" not in script.replace("$notifier.Show(", "")  # no other path shows it unchecked


def test_children_are_started_without_a_console_window():
    seen = []

    def run(argv, **kw):
        seen.append(kw["creationflags"])
        return Done(1)

    assert notify.notify("t", "b", run=run, registered=lambda: True) == "failed"
    assert seen == [0x08000000, 0x08000000]  # CREATE_NO_WINDOW for powershell.exe and msg.exe


def test_toasts_turned_off_fall_back_to_msg():
    seen = []

    def toasts_off(argv, **kw):
        seen.append(ntpath.basename(argv[0]))
        return Done(3 if argv[0].endswith("powershell.exe") else 0)  # the script's "toasts are off"

    assert notify.notify("t", "b", run=toasts_off, registered=lambda: True) == "msg" and seen == ["powershell.exe", "msg.exe"]


def test_msg_argv_targets_the_signed_in_user(monkeypatch):
    monkeypatch.setenv("USERNAME", "clinic")
    argv = notify.msg_argv("題", "本文")
    assert argv[0].endswith("msg.exe") and argv[1:] == ["clinic", "/TIME:3600", "題\n本文"]


def test_toast_first_then_msg_then_failed():
    calls = []

    def run(argv, **kw):
        calls.append(argv[0])
        return Done(0)

    assert notify.notify("t", "b", run=run, registered=lambda: True) == "toast" and len(calls) == 1

    def toast_fails(argv, **kw):
        calls.append(argv[0])
        return Done(1 if "powershell" in argv[0] else 0)

    calls.clear()
    assert notify.notify("t", "b", run=toast_fails, registered=lambda: True) == "msg" and len(calls) == 2

    def nothing_works(argv, **kw):
        raise subprocess.TimeoutExpired(argv, 60)

    assert notify.notify("t", "b", run=nothing_works, registered=lambda: True) == "failed"


def finding(days_left):
    sample = samples.obn_certificate("0110119153", days_left, NOW)
    info = certificate_info(sample.certificate)
    return Finding("obn", info, State.DUE, rules.days_left(info.not_after, NOW))


def test_notice_text_in_japanese():
    title, body = reminders.notice_text(finding(29))  # whole days: the count is in calendar days
    assert title == "【要対応】電子証明書を更新してください"
    assert "電子証明書（0110119153）" in body and "（あと29日）" in body
    assert "MPKIクライアント（タスクトレイのアイコン）の「証明書の更新」か、電子証明書更新申請サイトで更新します。" in body
    assert "https://" not in body  # no link to click by default
    expired_title, expired = reminders.notice_text(finding(-2))
    assert expired_title == "【期限切れ】電子証明書の有効期限が切れました"
    assert "この端末ではオンライン資格確認とレセプトオンライン請求が使えません。" in expired
    assert expired.endswith("\nすぐにシステム管理者に連絡してください。")


def test_once_per_milestone_and_state_per_user(tmp_path):
    shown = []

    def notify_(title, body):
        shown.append(body)
        return "toast"

    f30 = finding(29.5)
    assert [n.channel for n in reminders.remind([f30], tmp_path, notify_)] == ["toast"]
    assert [n.channel for n in reminders.remind([f30], tmp_path, notify_)] == ["already-shown"]
    assert len(shown) == 1
    f14 = Finding("obn", f30.certificate, State.URGENT, 14)
    assert [n.milestone for n in reminders.remind([f14], tmp_path, notify_)] == ["day-15"]
    for day in (7, 6):
        reminders.remind([Finding("obn", f30.certificate, State.URGENT, day)], tmp_path, notify_)
    assert len(shown) == 4
    other_user = tmp_path / "other"
    assert [n.channel for n in reminders.remind([f30], other_user, notify_)] == ["toast"]


def test_failed_notice_is_retried_and_broken_state_is_replaced(tmp_path):
    f = finding(10)
    assert reminders.remind([f], tmp_path, lambda t, b: "failed")[0].channel == "failed"
    (tmp_path / reminders.STATE_FILE).write_text("{not json", encoding="utf-8")
    assert reminders.remind([f], tmp_path, lambda t, b: "msg")[0].channel == "msg"
    assert json.loads((tmp_path / reminders.STATE_FILE).read_text(encoding="utf-8"))["shown"] == {f.certificate.thumbprint: ["day-15"]}
