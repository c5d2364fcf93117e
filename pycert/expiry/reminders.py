"""Renewal reminders for the person at the terminal: in Japanese, at most once per milestone.

rules.reminder_milestone decides when a notice is due and rules.notice_tier how urgent it
is; notices.py words it for the certificate's family with the `[notify]` contact. This
module remembers, per user and per certificate, which milestones were already shown (a
small JSON file), and hands the text to the platform's notifier. A broken state file is
replaced, never fatal: a missed or repeated reminder is better than a failed remediation.

Where the MPKI client is installed it notifies about the OBN certificate on the same
schedule, so PyCert's OBN notices are not shown there (channel `suppressed`, with the
reason in the output and the log) unless `[notify] alongside_mpki_client = true`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from pycert.common import logs
from pycert.common.dates import expiry_date
from pycert.common.i18n import N_
from pycert.common.model import Finding, State
from pycert.expiry import notices, rules
from pycert.policy.models import NotifyPolicy, Policy, ProfileNotice, builtin_policy

STATE_FILE = "reminders.json"
MPKI_REASON = N_("the MPKI client is installed and notifies about this certificate itself "
                  "([notify] alongside_mpki_client = true shows PyCert's notices too)")


@dataclass
class Notice:
    thumbprint: str
    milestone: str
    title: str
    body: str
    channel: str = ""  # toast | msg | stdout | failed | already-shown | suppressed
    tier: str = ""
    reason: str = ""  # why a notice was suppressed


def contact_of(notify: NotifyPolicy) -> notices.Contact:
    return notices.Contact(notify.contact_name or "", notify.contact_phone or "", notify.contact_url or "")


def notice_text(finding: Finding, notice: ProfileNotice | None = None,
                contact: notices.Contact = notices.Contact()) -> tuple[str, str]:
    """The notice for one finding: its tier, its family's texts, who to call."""
    cert = finding.certificate
    if notice is None:  # no policy at hand: the built-in profile of that name, if any
        profile = builtin_policy().profiles.get(finding.profile)
        notice = profile.notice if profile else ProfileNotice()
    expired = finding.state is State.EXPIRED  # expired earlier today: days_left is still 0
    return worded(notice, contact, cert.common_name or cert.subject, expiry_date(cert.not_after), finding.days_left,
                  expired)


def worded(notice: ProfileNotice, contact: notices.Contact, name: str, expires: date, days_left: int,
           expired: bool = False) -> tuple[str, str]:
    tier = rules.notice_tier(days_left, expired) or "info"
    texts = notices.texts_for(notice.family, notice.service, notice.renew, notice.after_expiry)
    return notices.render(tier, name, expires, days_left, texts, contact)


PREVIEW_DAYS = (90, 30, 7, 0, -1)  # one notice of each tier, and the expiry day


def preview(policy: Policy, profile: str, name: str, today: date,
            days: tuple[int, ...] = PREVIEW_DAYS) -> list[tuple[int, str, str, str]]:
    """(days left, tier, title, body) of the notices a profile's certificate would get, as
    if it expired `days` after `today`: what clinic staff will read with this policy."""
    settings = policy.select(profile)[profile].notice
    contact = contact_of(policy.notify)
    out = []
    for left in days:
        title, body = worded(settings, contact, name, today + timedelta(days=left), left)
        out.append((left, rules.notice_tier(left) or "", title, body))
    return out


def mpki_client_installed(policy: Policy) -> bool | None:
    """Is the MPKI client installed (the Uninstall entries `mpki status` reads)? None: this
    terminal cannot tell (no Windows registry, or it could not be read)."""
    from pycert.common.errors import PlatformError
    from pycert.mpki.job import installed_products

    try:
        return bool(installed_products(policy.mpki))
    except PlatformError:
        return None


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


def remind(findings: list[Finding], folder: Path, notify, policy: Policy | None = None,
           mpki_client: Callable[[Policy], bool | None] = mpki_client_installed) -> list[Notice]:
    """Notify about each finding whose current milestone has not been shown yet.

    `notify(title, body) -> channel` is platform.notify_user (mocked in tests). A
    milestone counts as shown only when a channel took it ("failed" is retried next run).
    `mpki_client(policy)` is asked at most once, and only for an OBN-family finding."""
    policy = policy or builtin_policy()
    contact = contact_of(policy.notify)
    shown = load_state(folder)
    notices_: list[Notice] = []
    client: list[bool | None] = []
    for finding in findings:
        expired = finding.state is State.EXPIRED
        milestone = rules.reminder_milestone(finding.days_left, expired)
        if milestone is None:
            continue
        profile = policy.profiles.get(finding.profile)
        settings = profile.notice if profile else ProfileNotice()
        title, body = notice_text(finding, settings, contact)
        notice = Notice(finding.certificate.thumbprint, milestone, title, body,
                        tier=rules.notice_tier(finding.days_left, expired) or "")
        if rules.leaves_notice_to_mpki_client(settings.family, policy.notify.alongside_mpki_client,
                                              _once(client, mpki_client, policy, settings.family)):
            notice.channel, notice.reason = "suppressed", MPKI_REASON
            notices_.append(notice)
            logs.event("notify", "suppressed", thumbprint=notice.thumbprint, milestone=milestone, reason="mpki-client")
            continue
        seen = shown.setdefault(notice.thumbprint, [])
        if milestone in seen:
            notice.channel = "already-shown"
        else:
            notice.channel = notify(title, body)
            if notice.channel != "failed":
                seen.append(milestone)
        notices_.append(notice)
        logs.event("notify", notice.channel, thumbprint=notice.thumbprint, milestone=milestone, tier=notice.tier)
    try:
        save_state(folder, shown)
    except OSError:
        pass  # reminders repeat rather than fail the run
    return notices_


def _once(memo: list, ask: Callable[[Policy], bool | None], policy: Policy, family: str) -> bool | None:
    """The MPKI client's presence, read only when an OBN notice could depend on it."""
    if family != "obn" or policy.notify.alongside_mpki_client:
        return None
    if not memo:
        memo.append(ask(policy))
    return memo[0]
