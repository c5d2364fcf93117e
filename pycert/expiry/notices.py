"""What clinic staff read: every notice text, in Japanese, in this one place.

Pure: no clock, no I/O. rules.notice_tier decides how urgent a notice is; this module
words it for the certificate's family (what stops working, how renewal is done, what to do
once it has expired) and ends it with who to call. The staff at reception are not IT
people: a notice names the service they know, says what happens and what to do, and never
shows a link to click unless the administrator put one in `[notify] contact_url`.

Terms follow the manuals in ../shared/seeds: 電子証明書, MPKIクライアント,
電子証明書更新申請サイト (OBN); WebORCA, 連携ツール内のORCA証明書 (WebORCA's guide);
特定健診クラウド版 (日医特定健康診査システムクラウド版).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from pycert.common.dates import japanese_date_text


@dataclass(frozen=True)
class FamilyTexts:
    service: str  # what stops working on this terminal when the certificate expires
    renew: str  # how renewal is done (one or two sentences)
    after_expiry: str  # what has to happen once it has expired


FAMILIES: dict[str, FamilyTexts] = {
    "obn": FamilyTexts(
        service="オンライン資格確認とレセプトオンライン請求",
        renew="MPKIクライアント（タスクトレイのアイコン）の「証明書の更新」か、電子証明書更新申請サイトで更新します。",
        after_expiry="期限が切れた電子証明書は更新できません。電子証明書の新規発行の手続きが必要です。",
    ),
    "weborca": FamilyTexts(
        service="WebORCA",
        renew=("WebORCAにログインし、画面に出る「更新」から新しいクライアント証明書を取得します。"
               "オンライン資格確認と連携している場合は、連携ツール内のORCA証明書の更新も必要です。"),
        after_expiry="新しいクライアント証明書を発行してもらう必要があります。",
    ),
    "kenshin": FamilyTexts(
        service="特定健診クラウド版",
        renew="特定健診クラウド版にログインすると出る更新の画面から、新しい証明書とパスワードを取得してインポートします。",
        after_expiry="期限切れ後は自動更新が使えません。別途クライアント証明書を受け取ってインストールする必要があります。",
    ),
    "other": FamilyTexts(
        service="この証明書を使うサービス",
        renew="証明書の発行元の手順で更新します。",
        after_expiry="新しい証明書の発行が必要です。",
    ),
}

TIER_LABELS = {"info": "お知らせ", "action": "要対応", "urgent": "至急", "expired": "期限切れ"}


@dataclass(frozen=True)
class Contact:
    """Who to call (`[notify]`); all empty: the system administrator."""

    name: str = ""
    phone: str = ""
    url: str = ""

    def who(self) -> str:
        parts = [self.name] if self.name else []
        if self.phone:
            parts.append(f"（電話 {self.phone}）" if self.name else f"電話 {self.phone}")
        text = "".join(parts)
        return f"{text} {self.url}".strip() if self.url else text

    def line(self, tier: str) -> str:
        who = self.who()
        if tier == "expired":
            return f"すぐに連絡してください: {who}" if who else "すぐにシステム管理者に連絡してください。"
        if tier == "urgent":
            return f"更新できないときは、すぐに連絡してください: {who}" if who else \
                "更新できないときは、すぐにシステム管理者に連絡してください。"
        return f"わからないときの連絡先: {who}" if who else "わからないときは、システム管理者に連絡してください。"


def texts_for(family: str, service: str | None = None, renew: str | None = None,
              after_expiry: str | None = None) -> FamilyTexts:
    """A family's built-in texts with a profile's overrides (`[profiles.<name>.notice]`)."""
    base = FAMILIES.get(family, FAMILIES["other"])
    overrides = {k: v for k, v in (("service", service), ("renew", renew), ("after_expiry", after_expiry)) if v}
    return replace(base, **overrides)


def render(tier: str, name: str, expires: date, days_left: int, texts: FamilyTexts,
           contact: Contact = Contact()) -> tuple[str, str]:
    """(title, body) of one notice. The body has three lines: what is happening, what to
    do, who to call (a toast shows them as two text lines and its attribution line)."""
    when = japanese_date_text(expires)
    stops = f"期限が切れると、この端末で{texts.service}が使えなくなります。"
    if tier == "expired":
        title = "電子証明書の有効期限が切れました"
        what = f"電子証明書（{name}）の有効期限が{when}に切れました。この端末では{texts.service}が使えません。"
        todo = texts.after_expiry
    elif tier == "urgent":
        title = "電子証明書の有効期限は本日です" if days_left == 0 else f"電子証明書の有効期限まであと{days_left}日です"
        until = f"本日、{when}です。" if days_left == 0 else f"{when}です（あと{days_left}日）。"
        what = f"電子証明書（{name}）の有効期限は{until}{stops}"
        todo = f"すぐに更新してください。{texts.renew}"
    elif tier in ("action", "info"):
        title = "電子証明書を更新してください" if tier == "action" else "電子証明書の更新時期です"
        what = f"{texts.service}で使う電子証明書（{name}）の有効期限は{when}です（あと{days_left}日）。"
        what += stops if tier == "action" else ""
        todo = texts.renew
    else:
        raise ValueError(f"unknown notice tier {tier!r}")
    return f"【{TIER_LABELS[tier]}】{title}", f"{what}\n{todo}\n{contact.line(tier)}"
