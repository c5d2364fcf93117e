"""The notices clinic staff read: tiers (pure rules) and their Japanese texts, per family,
with and without a contact. Every expected text is written out by hand from issue 16 and
the manuals' terms, not copied from the code."""

from datetime import date

import pytest

from pycert.common.dates import japanese_date_text
from pycert.expiry import notices, rules

EXPIRES = date(2027, 1, 9)  # a Saturday
OBN = notices.texts_for("obn")


@pytest.mark.parametrize(
    "days, expired, tier",
    [(400, False, None), (91, False, None), (90, False, "info"), (31, False, "info"), (30, False, "action"),
     (8, False, "action"), (7, False, "urgent"), (0, False, "urgent"), (0, True, "expired"), (-1, False, "expired"),
     (-300, False, "expired")],
)
def test_tier_boundaries(days, expired, tier):
    assert rules.notice_tier(days, expired) == tier


def test_a_certificate_that_expired_earlier_today_gets_the_expired_notice_not_day_0():
    assert rules.reminder_milestone(0, expired=True) == "expired"
    assert rules.reminder_milestone(0) == "day-0"


@pytest.mark.parametrize(
    "day, text",
    [(date(2027, 1, 9), "2027年1月9日（土）"), (date(2026, 12, 31), "2026年12月31日（木）"),
     (date(2027, 3, 1), "2027年3月1日（月）"), (date(2027, 1, 10), "2027年1月10日（日）")],
)
def test_dates_as_staff_read_them(day, text):
    assert japanese_date_text(day) == text


@pytest.mark.parametrize(
    "days, title",
    [(90, "【お知らせ】電子証明書の更新時期です"), (31, "【お知らせ】電子証明書の更新時期です"),
     (30, "【要対応】電子証明書を更新してください"), (8, "【要対応】電子証明書を更新してください"),
     (7, "【至急】電子証明書の有効期限まであと7日です"), (1, "【至急】電子証明書の有効期限まであと1日です"),
     (0, "【至急】電子証明書の有効期限は本日です"), (-1, "【期限切れ】電子証明書の有効期限が切れました")],
)
def test_each_tier_has_its_own_title(days, title):
    assert notices.render(rules.notice_tier(days), "0110119153", EXPIRES, days, OBN)[0] == title


def test_obn_info_without_a_contact_names_no_link():
    _, body = notices.render("info", "0110119153", EXPIRES, 44, OBN)
    assert body.splitlines() == [
        "オンライン資格確認とレセプトオンライン請求で使う電子証明書（0110119153）の有効期限は2027年1月9日（土）です（あと44日）。",
        "MPKIクライアント（タスクトレイのアイコン）の「証明書の更新」か、電子証明書更新申請サイトで更新します。",
        "わからないときは、システム管理者に連絡してください。",
    ]
    assert "http" not in body


def test_obn_action_says_what_stops():
    _, body = notices.render("action", "0110119153", EXPIRES, 30, OBN)
    assert body.startswith(
        "オンライン資格確認とレセプトオンライン請求で使う電子証明書（0110119153）の有効期限は2027年1月9日（土）です"
        "（あと30日）。期限が切れると、この端末でオンライン資格確認とレセプトオンライン請求が使えなくなります。"
    )


def test_obn_urgent_and_on_the_day():
    _, body = notices.render("urgent", "0110119153", EXPIRES, 3, OBN)
    assert body.splitlines() == [
        "電子証明書（0110119153）の有効期限は2027年1月9日（土）です（あと3日）。期限が切れると、この端末で"
        "オンライン資格確認とレセプトオンライン請求が使えなくなります。",
        "すぐに更新してください。MPKIクライアント（タスクトレイのアイコン）の「証明書の更新」か、電子証明書更新申請サイトで更新します。",
        "更新できないときは、すぐにシステム管理者に連絡してください。",
    ]
    _, today = notices.render("urgent", "0110119153", EXPIRES, 0, OBN)
    assert today.startswith("電子証明書（0110119153）の有効期限は本日、2027年1月9日（土）です。期限が切れると")


def test_obn_expired_says_what_stopped_and_what_to_do_now():
    _, body = notices.render("expired", "0110119153", EXPIRES, -1, OBN)
    assert body.splitlines() == [
        "電子証明書（0110119153）の有効期限が2027年1月9日（土）に切れました。この端末ではオンライン資格確認と"
        "レセプトオンライン請求が使えません。",
        "期限が切れた電子証明書は更新できません。電子証明書の新規発行の手続きが必要です。",
        "すぐにシステム管理者に連絡してください。",
    ]


def test_contact_is_shown_in_every_tier():
    contact = notices.Contact("ABCメディカルシステム 山田", "03-1234-5678", "https://support.example.jp/pycert")
    who = "ABCメディカルシステム 山田（電話 03-1234-5678） https://support.example.jp/pycert"
    lines = {tier: notices.render(tier, "0110119153", EXPIRES, 10, OBN, contact)[1].splitlines()[-1]
             for tier in ("info", "action", "urgent", "expired")}
    assert lines == {
        "info": f"わからないときの連絡先: {who}",
        "action": f"わからないときの連絡先: {who}",
        "urgent": f"更新できないときは、すぐに連絡してください: {who}",
        "expired": f"すぐに連絡してください: {who}",
    }
    assert "システム管理者" not in "".join(lines.values())


def test_contact_with_a_phone_only():
    assert notices.Contact(phone="0120-000-000").line("info") == "わからないときの連絡先: 電話 0120-000-000"


def test_weborca_stops_only_weborca_and_mentions_the_linkage_tool():
    texts = notices.texts_for("weborca")
    _, body = notices.render("action", "orca-client-0042", EXPIRES, 20, texts)
    assert body.startswith("WebORCAで使う電子証明書（orca-client-0042）の有効期限は2027年1月9日（土）です（あと20日）。"
                           "期限が切れると、この端末でWebORCAが使えなくなります。")
    assert "連携ツール内のORCA証明書の更新も必要です" in body
    assert "オンライン資格確認と連携している場合" in body
    assert "レセプトオンライン請求" not in body and "MPKI" not in body


def test_kenshin_names_the_cloud_service_and_what_expiry_means():
    texts = notices.texts_for("kenshin")
    _, body = notices.render("expired", "kenshin-01", EXPIRES, -3, texts)
    assert "この端末では特定健診クラウド版が使えません。" in body
    assert "期限切れ後は自動更新が使えません。別途クライアント証明書を受け取ってインストールする必要があります。" in body
    assert "MPKI" not in body and "オンライン資格確認" not in body


def test_unknown_family_and_overrides():
    texts = notices.texts_for("other", service="電子カルテ", renew="業者が訪問して更新します。")
    _, body = notices.render("info", "emr", EXPIRES, 60, texts)
    assert body.splitlines()[:2] == ["電子カルテで使う電子証明書（emr）の有効期限は2027年1月9日（土）です（あと60日）。",
                                     "業者が訪問して更新します。"]
    assert texts.after_expiry == "新しい証明書の発行が必要です。"  # not overridden: the built-in one stays
