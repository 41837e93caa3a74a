"""Budget months: UTC calendar months, reset at 00:00 UTC on the 1st."""

from __future__ import annotations

from datetime import UTC, date, datetime

# CFBD's tier 3; /info's monthlyLimit replaces it once the API has been asked.
DEFAULT_MONTHLY_LIMIT = 75_000
# The most calls any figure can sensibly say (tier 6 is 500,000 a month): beyond, it is noise.
MAX_SENSIBLE_CALLS = 100_000_000


def month_of(moment: datetime) -> date:
    """The first day of `moment`'s month in UTC (never local time, unlike upstream)."""
    moment = moment.astimezone(UTC)
    return date(moment.year, moment.month, 1)


def resets_at(month: date) -> datetime:
    """00:00 UTC on the 1st of the month after `month`."""
    if month.month == 12:
        return datetime(month.year + 1, 1, 1, tzinfo=UTC)
    return datetime(month.year, month.month + 1, 1, tzinfo=UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)
