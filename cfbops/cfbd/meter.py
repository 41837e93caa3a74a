"""The budget meter: limit, used, remaining, reset, burn per day, forecast, and its source."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import psycopg

from cfbops.cfbd.errors import ApiFailing, ApiUnreachable, ItemFailed, QuotaSpent, RateLimitBlocked
from cfbops.cfbd.ledger import LedgerRecorder, month_figures, record_api_figure
from cfbops.cfbd.months import MAX_SENSIBLE_CALLS, month_of, now_utc, resets_at
from cfbops.config import Settings

if TYPE_CHECKING:  # the client brings httpx, which the console's first paint does without
    from cfbops.cfbd.client import CallRecorder, CfbdClient
    from cfbops.cfbd.waits import RetryPolicy


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


@dataclass(frozen=True, slots=True)
class ApiFigure:
    """What `/info` said just now, used without being stored (under --read-only)."""

    limit: int
    remaining: int


def budget_meter(
    conn: psycopg.Connection, *, note: str = "", live: ApiFigure | None = None
) -> BudgetMeter:
    """The meter from the ledger and the API's last stored figure (or `live`, one just
    read); read-only."""
    now = now_utc()
    month = month_of(now)
    figures = month_figures(conn, month)
    if live is not None:
        figures = dataclasses.replace(
            figures,
            limit=live.limit,
            api_used=max(live.limit - live.remaining, 0),
            api_ledger_used=figures.ledger_used,
            api_checked_at=now,
            api_source="info",
        )
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


def info_policy() -> RetryPolicy:
    """`budget` asks /info once and never waits long: no pause for a 429, two tries."""
    from cfbops.cfbd.client import default_policy

    return dataclasses.replace(
        default_policy(), max_pause_s=0.0, max_attempts=2, request_s=15.0, timeout_s=10.0
    )


def ask_api(
    settings: Settings, recorder: CallRecorder, client: CfbdClient | None = None
) -> tuple[ApiFigure | None, str]:
    """`/info` (free): the key's limit and remaining calls, checked; or None and a note
    saying why the ledger's figures stand alone."""
    if client is None:
        from cfbops.cfbd.client import CfbdClient

        with CfbdClient(settings, policy=info_policy()) as own:
            return ask_api(settings, recorder, own)
    try:
        info = client.info(recorder)
    except (ItemFailed, ApiUnreachable, ApiFailing, RateLimitBlocked, QuotaSpent) as error:
        reason = error.reason if isinstance(error, ItemFailed) else str(error)
        return None, f"/info unavailable ({reason}); the ledger's figures are used"
    limit = _calls(info.get("monthlyLimit"))
    remaining = _calls(info.get("remainingCalls"))
    used = _calls(info.get("usedCalls"))
    if remaining is None and limit is not None and used is not None:
        remaining = max(limit - used, 0)  # an admin key: remainingCalls is null
    if remaining is None:
        return None, "/info gave no usable remainingCalls: figures from the ledger only"
    if limit is None or limit == 0:
        return None, "/info gave no usable monthlyLimit: figures from the ledger only"
    return ApiFigure(limit, min(remaining, limit)), ""


def _calls(value: object) -> int | None:
    """A count of calls from /info, or None for anything no tier could hold."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_SENSIBLE_CALLS else None


class Unrecorded:
    """A recorder that books nothing: `/info` asked under --read-only (it is free anyway)."""

    def begin(self, endpoint: str, params: object, *, metered: bool) -> None:
        del endpoint, params, metered

    def end(self, call_id: object, ended: object) -> None:
        del call_id, ended


def reconcile_with_api(
    conn: psycopg.Connection, settings: Settings, client: CfbdClient | None = None
) -> str:
    """Ask `/info` (free) for the key's limit and remaining calls and store them; returns a
    note for the meter when the API could not be asked."""
    if not settings.cfbd_api_key:
        return "no CFBD_API_KEY: figures from the ledger only"
    recorder = LedgerRecorder(conn, None)
    figure, note = ask_api(settings, recorder, client)
    if figure is None:
        return note
    assert recorder.last_call_id is not None
    record_api_figure(
        conn,
        remaining=figure.remaining,
        source="info",
        call_id=recorder.last_call_id,
        limit=figure.limit,
    )
    return ""
