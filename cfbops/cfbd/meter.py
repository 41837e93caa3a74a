"""The budget meter: limit, used, remaining, reset, burn per day, forecast, and its source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg

from cfbops.cfbd.ledger import LedgerRecorder, month_figures, record_api_figure
from cfbops.cfbd.months import month_of, now_utc, resets_at
from cfbops.config import Settings


@dataclass(frozen=True, slots=True)
class BudgetMeter:
    """What the `budget` command and the console's budget pane show."""

    limit: int
    used: int
    remaining: int
    held: int
    resets_at: datetime
    source: str  # "api" when the API's figure (from /info or a header) is in, else "ledger"
    burn_per_day: float
    exhausted_on: datetime | None  # at this burn, before the reset; None if it lasts
    api_checked_at: datetime | None
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "held": self.held,
            "resets_at": self.resets_at,
            "source": self.source,
            "burn_per_day": round(self.burn_per_day, 1),
            "forecast_exhausted_on": self.exhausted_on,
            "api_checked_at": self.api_checked_at,
            "note": self.note,
        }

    def __str__(self) -> str:
        text = (
            f"{self.used:,} of {self.limit:,} calls used, {self.remaining:,} left "
            f"(source {self.source}), resets {self.resets_at:%Y-%m-%d %H:%M} UTC, "
            f"{self.burn_per_day:,.1f}/day"
        )
        if self.exhausted_on:
            text += f", runs out {self.exhausted_on:%Y-%m-%d}"
        return text


def budget_meter(conn: psycopg.Connection, *, note: str = "") -> BudgetMeter:
    """The meter from the ledger and the API's last figure, read-only apart from creating
    this month's row."""
    now = now_utc()
    month = month_of(now)
    figures = month_figures(conn, month)
    used = figures.used
    remaining = max(figures.limit - used, 0)
    month_start = datetime(month.year, month.month, 1, tzinfo=now.tzinfo)
    # At least a day, so the first hour's calls do not forecast an absurd burn.
    days = max((now - month_start).total_seconds() / 86400, 1.0)
    burn = used / days
    reset = resets_at(month)
    exhausted = None
    if burn > 0:
        at = now + timedelta(days=remaining / burn)
        exhausted = at if at < reset else None
    checked = figures.api_checked_at
    source = "api" if checked is not None else "ledger"
    return BudgetMeter(
        limit=figures.limit,
        used=used,
        remaining=remaining,
        held=figures.held,
        resets_at=reset,
        source=source,
        burn_per_day=burn,
        exhausted_on=exhausted,
        api_checked_at=checked,  # type: ignore[arg-type]
        note=note,
    )


def reconcile_with_api(conn: psycopg.Connection, settings: Settings) -> str:
    """Ask `/info` (free) for the key's limit and remaining calls and store them; returns a
    note for the meter when the API could not be asked."""
    if not settings.cfbd_api_key:
        return "no CFBD_API_KEY: figures from the ledger only"
    # Imported here: httpx costs the console's first paint a tenth of its budget, and the
    # meter asks the API only when a key is configured.
    from cfbops.cfbd.client import CfbdClient

    recorder = LedgerRecorder(conn, None)
    with CfbdClient(settings) as client:
        info = client.info(recorder)
    limit = info.get("monthlyLimit")
    remaining = info.get("remainingCalls")
    if not isinstance(remaining, int):
        return "/info gave no remainingCalls: figures from the ledger only"
    assert recorder.last_call_id is not None
    record_api_figure(
        conn,
        remaining=remaining,
        source="info",
        call_id=recorder.last_call_id,
        limit=limit if isinstance(limit, int) else None,
    )
    return ""
