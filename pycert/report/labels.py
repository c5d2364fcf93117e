"""Words people read in the report, Japanese (default) and English."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from pycert.common.dates import local_time_text

LABELS = {
    "ja": {
        "title": "PyCert 端末レポート",
        "generated": "作成日時",
        "inputs": "入力",
        "rows_read": "読み込んだ行",
        "devices": "端末数",
        "duplicates": "重複（古い報告を無視）",
        "cut": "一覧が省略された端末",
        "unparseable": "読めなかった行",
        "by_verdict": "判定別の端末数",
        "by_state": "状態別の証明書数",
        "chart": "今後 26 週間の有効期限（週ごとの証明書数）",
        "chart_note": "横軸: 週（今日から）。期限切れは状態別の数を参照。",
        "soonest": "期限が近い証明書",
        "table": "端末と証明書",
        "filter": "絞り込み",
        "all": "すべて",
        "showing": "{n} 件を表示（該当 {total} 件）",
        "rejected": "読めなかった行の一覧",
        "reason": "理由",
        "week": "週",
        "none": "なし",
        "device": "端末名",
        "user": "ユーザー",
        "verdict": "判定",
        "check": "チェック",
        "profile": "プロファイル",
        "state": "状態",
        "days_left": "残り日数",
        "expires": "有効期限",
        "cn": "CN",
        "thumbprint": "拇印",
        "reported_at": "最終報告",
        "source": "入力元",
        "suspect": "疑わしい報告（採用しません。端末名とファイル名の不一致、未来の日時など）",
        "by_action": "対処別の端末数",
        "failed_devices": "失敗した端末",
        "by_clinic": "医療機関別の端末（状態の悪い医療機関から）",
        "clinic": "医療機関",
        "maintainer": "担当",
        "unmapped": "未割り当て",
        "all_devices": "全端末",
        "by_device": "端末ごとの対処（状態の悪い順）",
        "action": "対処",
        "worst_state": "最も悪い状態",
        "changes": "前回からの変化",
        "previous": "前回のレポート",
        "worse": "悪化した端末",
        "better": "改善した端末",
        "new": "新しい端末",
        "gone": "報告がなくなった端末",
        "before": "前回",
        "after": "今回",
        "n_devices": "{n} 台",
        "more": "ほか {n} 台",
        "v.failed": "失敗",
        "v.noncompliant": "要対応",
        "v.remediated": "修復済み",
        "v.compliant": "準拠",
        "s.expired": "期限切れ",
        "s.urgent": "緊急",
        "s.due": "更新時期",
        "s.missing": "証明書なし",
        "s.error": "読取エラー",
        "s.not-yet-valid": "有効期間前",
        "s.ok": "正常",
        "s.superseded": "更新済み（旧）",
        # rootca and mpki have states of their own: not the words of a client certificate
        "rootca.installed": "導入済み",
        "rootca.expiring": "期限が近い",
        "rootca.expired": "期限切れ",
        "rootca.missing": "未導入",
        "rootca.unknown": "不明",
        "mpki.current": "最新",
        "mpki.outdated": "更新が必要",
        "mpki.unreadable": "版が読めない",
        "mpki.not-msi": "MSI 以外で導入",
        "mpki.missing": "未導入",
    },
    "en": {
        "title": "PyCert fleet report",
        "generated": "Generated",
        "inputs": "Inputs",
        "rows_read": "Rows read",
        "devices": "Devices",
        "duplicates": "Duplicates (older reports ignored)",
        "cut": "Devices whose list was cut short",
        "unparseable": "Unparseable rows",
        "by_verdict": "Devices by verdict",
        "by_state": "Certificates by state",
        "chart": "Expiries in the next 26 weeks (certificates per week)",
        "chart_note": "Across: weeks from today. Expired certificates are in the state counts.",
        "soonest": "Soonest expiries",
        "table": "Devices and certificates",
        "filter": "Filter",
        "all": "All",
        "showing": "Showing {n} of {total}",
        "rejected": "Rows that could not be read",
        "reason": "Reason",
        "week": "week",
        "none": "none",
        "device": "Device",
        "user": "User",
        "verdict": "Verdict",
        "check": "Check",
        "profile": "Profile",
        "state": "State",
        "days_left": "Days left",
        "expires": "Expires",
        "cn": "CN",
        "thumbprint": "Thumbprint",
        "reported_at": "Last report",
        "source": "Source",
        "suspect": "Suspect reports (never preferred: file name vs claimed host, a time in the future)",
        "by_action": "Devices by next action",
        "failed_devices": "Devices whose run failed",
        "by_clinic": "Devices by clinic (worst clinic first)",
        "clinic": "Clinic",
        "maintainer": "Maintainer",
        "unmapped": "Unmapped",
        "all_devices": "All devices",
        "by_device": "Devices and their next action (worst first)",
        "action": "Next action",
        "worst_state": "Worst state",
        "changes": "Changes since the previous report",
        "previous": "Previous report",
        "worse": "Worse",
        "better": "Better",
        "new": "New devices",
        "gone": "Devices no longer reporting",
        "before": "Before",
        "after": "Now",
        "n_devices": "{n} devices",
        "more": "{n} more",
        "v.failed": "failed",
        "v.noncompliant": "needs action",
        "v.remediated": "remediated",
        "v.compliant": "compliant",
        "s.expired": "expired",
        "s.urgent": "urgent",
        "s.due": "due",
        "s.missing": "missing",
        "s.error": "read error",
        "s.not-yet-valid": "not yet valid",
        "s.ok": "ok",
        "s.superseded": "superseded",
        "rootca.missing": "root missing",
        "mpki.missing": "client missing",
        "mpki.not-msi": "not installed by an MSI",
    },
}


def labels(lang: str) -> dict[str, str]:
    return LABELS[lang]


def word(lang: str, kind: str, value: str) -> str:
    """A verdict (kind 'v'), a certificate state (kind 's') or the state of another check
    (kind 'rootca', 'mpki') in people's words; unknown ones as they are."""
    return LABELS[lang].get(f"{kind}.{value}", value)


CHECK_NAMES = {"ja": {"rootca": "ルート証明書", "mpki": "MPKIクライアント"}, "en": {"rootca": "Root CA", "mpki": "MPKI client"}}


def check_name(lang: str, check: str) -> str:
    return CHECK_NAMES[lang].get(check, check)


def shown_time(moment: datetime | None, lang: str) -> str:
    """Japanese pages show Japan time with its zone; English ones UTC with Z."""
    if moment is None:
        return ""
    return local_time_text(moment) if lang == "ja" else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=4096)
def shown_time_text(text: str, lang: str) -> str:
    """The same for a time already written as ISO 8601 UTC (`2026-11-21T09:00:00Z`)."""
    if not text or lang != "ja":
        return text
    try:
        return local_time_text(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text
