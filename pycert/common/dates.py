"""Days left until a moment: the one rule every output uses."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

DAY = timedelta(days=1)


def days_left(not_after: datetime, now: datetime) -> int:
    """Whole days until expiry, in UTC, rounded down: 89.9 days left is 89; just expired is -1."""
    require_aware(not_after, "not_after")
    require_aware(now, "now")
    return math.floor((not_after - now) / DAY)


def require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
