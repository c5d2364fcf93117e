"""The one rule for "the expiry date" and "days left", and how times are shown.

A person checks a certificate in Windows' 証明書の管理 (certmgr), which shows
有効期間の終わり in the terminal's local time, and counts days on a calendar. Terminals
are in Japan, so PyCert does the same everywhere, whatever zone the machine running it is
set to (a report built on a UTC server must agree with the terminal):

- the expiry date is the Japan-time (UTC+9, no daylight saving) calendar date of notAfter;
- days left is that date minus today's Japan-time date: 0 on the expiry day itself
  (the certificate's state says whether the exact moment has passed), -1 the day after.

Every output (line, JSON, table, CSV, report, reminders) calls these functions.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")
DAY = timedelta(days=1)


def local_date(moment: datetime) -> date:
    """The Japan-time calendar date of an aware moment."""
    require_aware(moment, "moment")
    try:
        return moment.astimezone(JST).date()
    except OverflowError:  # 9999-12-31 15:00Z or later is in year 10000 in Japan
        return date.max


def expiry_date(not_after: datetime) -> date:
    """The expiry date people see for a certificate: notAfter's Japan-time date."""
    return local_date(not_after)


def expiry_text(not_after: datetime) -> str:
    """The expiry date as every output writes it: `YYYY-MM-DD` (Japan time)."""
    return expiry_date(not_after).isoformat()


WEEKDAYS_JA = "月火水木金土日"  # date.weekday(): Monday is 0


def japanese_date_text(day: date) -> str:
    """A date as clinic staff read it in a notice: `2027年1月9日（土）` (no leading zeros,
    the weekday in full-width parentheses). Pass expiry_date(...) for a certificate."""
    return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS_JA[day.weekday()]}）"


def days_until(day: date, now: datetime) -> int:
    """Calendar days from today's Japan-time date to `day` (negative once it is past)."""
    return (day - local_date(now)).days


def days_left(not_after: datetime, now: datetime) -> int:
    """Days left until a certificate expires: expiry_date(not_after) minus today's date,
    both in Japan time. 0 on the expiry day, -1 on the day after."""
    require_aware(not_after, "not_after")
    return days_until(expiry_date(not_after), now)


def local_time_text(moment: datetime) -> str:
    """A moment as people in Japan read it, with its zone: `2026-11-21 18:00 JST`."""
    try:
        return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M JST")
    except OverflowError:
        return moment.strftime("%Y-%m-%d %H:%M UTC")


def require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
