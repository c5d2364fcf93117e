"""Renewal reminders for the person at the terminal: in Japanese, at most once per milestone.

rules.reminder_milestone decides which notice is due; this module remembers, per user and
per certificate, which milestones were already shown (a small JSON file), and hands the
text to the platform's notifier. A broken state file is replaced, never fatal: a missed
or repeated reminder is better than a failed remediation.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pycert.common import logs
from pycert.common.dates import expiry_date
from pycert.common.model import Finding, State
from pycert.expiry import rules

STATE_FILE = "reminders.json"
RENEWAL_URL = "https://cert.obn.managedpki.ne.jp/p/ru"
OBN_ISSUER = "Online Billing NW Common Root CA"
TITLE = "電子証明書の更新のお知らせ"


@dataclass
class Notice:
    thumbprint: str
    milestone: str
    title: str
    body: str
    channel: str = ""  # toast | msg | stdout | failed | already-shown


def notice_text(finding: Finding) -> tuple[str, str]:
    cert = finding.certificate
    name = cert.common_name or cert.subject
    until = expiry_date(cert.not_after).strftime("%Y年%m月%d日")
    obn = OBN_ISSUER.casefold() in cert.issuer.casefold()
    how = (
        f"MPKIクライアント（タスクトレイのアイコン）の「証明書の更新」、または {RENEWAL_URL} から更新してください。"
        if obn
        else "証明書の発行元の手順で更新してください。"
    )
    if finding.days_left < 0 or finding.state is State.EXPIRED:  # expired earlier today: days_left is 0
        return TITLE, (
            f"電子証明書（{name}）の有効期限が{until}に切れました。"
            "この端末ではオンライン請求・オンライン資格確認が使えません。システム管理者に連絡してください。"
        )
    when = "本日が有効期限です" if finding.days_left == 0 else f"有効期限まであと{finding.days_left}日です（{until}まで）"
    return TITLE, f"電子証明書（{name}）の{when}。{how}"


def load_state(folder: Path) -> dict[str, list[str]]:
    from pycert.common.files import read_state_object

    shown = (read_state_object(folder / STATE_FILE) or {}).get("shown")
    if not isinstance(shown, dict):
        return {}
    return {str(k): [str(m) for m in v] for k, v in shown.items() if isinstance(v, list)}


def save_state(folder: Path, shown: dict[str, list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps({"version": 1, "shown": shown}, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / STATE_FILE)


def remind(findings: list[Finding], folder: Path, notify) -> list[Notice]:
    """Notify about each finding whose current milestone has not been shown yet.

    `notify(title, body) -> channel` is platform.notify_user (mocked in tests). A
    milestone counts as shown only when a channel took it ("failed" is retried next run).
    """
    shown = load_state(folder)
    notices = []
    for finding in findings:
        milestone = rules.reminder_milestone(finding.days_left)
        if milestone is None:
            continue
        title, body = notice_text(finding)
        notice = Notice(finding.certificate.thumbprint, milestone, title, body)
        seen = shown.setdefault(notice.thumbprint, [])
        if milestone in seen:
            notice.channel = "already-shown"
        else:
            notice.channel = notify(title, body)
            if notice.channel != "failed":
                seen.append(milestone)
        notices.append(notice)
        logs.event("notify", notice.channel, thumbprint=notice.thumbprint, milestone=milestone)
    try:
        save_state(folder, shown)
    except OSError:
        pass  # reminders repeat rather than fail the run
    return notices
