"""The call ledger and its reservations: calls are reserved in the database before they are
made, so runs in any number of processes never spend more than the month holds."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from cfbops.cfbd.client import CallEnd
from cfbops.cfbd.months import DEFAULT_MONTHLY_LIMIT, month_of, now_utc, resets_at
from cfbops.errors import BudgetExhausted

FIGURE_EVERY_S = 1.0

# A block whose holding session is gone (kill -9) gives back what it never started.
RELEASE_ORPHANS = """
UPDATE ops.cfbd_reservations AS r
SET granted = r.spent, released_at = now()
WHERE r.released_at IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM pg_stat_activity AS a
      WHERE a.pid = r.backend_pid AND a.backend_start = r.backend_start)
"""

# Calls spent this month by the ledger, and calls held by live blocks.
LEDGER_FIGURES = """
SELECT coalesce(sum(spent), 0)::int,
       coalesce(sum(granted - spent) FILTER (WHERE released_at IS NULL), 0)::int
FROM ops.cfbd_reservations WHERE month = %s
"""

# The ledger's calls the API had surely counted when it answered call %(call)s: that call
# itself, and those whose answer was in before it began. Calls in flight then may not be in
# the API's figure: the ledger adds them on top (an overcount until the next figure, never
# an undercount).
COUNTED_BEFORE = """
SELECT count(*)::int FROM ops.cfbd_calls AS c
JOIN ops.cfbd_reservations AS r ON r.id = c.reservation_id
WHERE r.month = %(month)s AND c.metered
  AND (c.id = %(call)s
       OR c.ended_at < (SELECT called_at FROM ops.cfbd_calls WHERE id = %(call)s))
"""


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One month's budget as the database knows it."""

    month: date
    limit: int
    ledger_used: int
    held: int
    api_used: int | None
    api_ledger_used: int | None
    api_checked_at: object | None
    api_source: str | None

    @property
    def used(self) -> int:
        """The ledger's count, or the API's last figure plus what the ledger spent since,
        whichever is higher: the API also counts calls made elsewhere on the same key."""
        if self.api_used is None:
            return self.ledger_used
        since = self.ledger_used - (self.api_ledger_used or 0)
        return max(self.ledger_used, self.api_used + max(since, 0))

    @property
    def available(self) -> int:
        return max(self.limit - self.used - self.held, 0)


def ensure_month(conn: psycopg.Connection, month: date, limit: int | None = None) -> None:
    conn.execute(
        "INSERT INTO ops.cfbd_months (month, monthly_limit) VALUES (%s, %s)"
        " ON CONFLICT (month) DO NOTHING",
        (month, limit or _latest_limit(conn)),
    )


def _latest_limit(conn: psycopg.Connection) -> int:
    row = conn.execute(
        "SELECT monthly_limit FROM ops.cfbd_months ORDER BY month DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else DEFAULT_MONTHLY_LIMIT


def month_figures(conn: psycopg.Connection, month: date, *, lock: bool = False) -> MonthFigures:
    """Read-only unless `lock`; a month nobody has spent from yet has the latest limit."""
    if lock:
        ensure_month(conn, month)
    row = conn.execute(
        "SELECT monthly_limit, api_used, api_ledger_used, api_checked_at, api_source"
        " FROM ops.cfbd_months WHERE month = %s" + (" FOR UPDATE" if lock else ""),
        (month,),
    ).fetchone()
    if row is None:
        row = (_latest_limit(conn), None, None, None, None)
    used, held = conn.execute(LEDGER_FIGURES, (month,)).fetchone()  # type: ignore[misc]
    return MonthFigures(month, row[0], used, held, row[1], row[2], row[3], row[4])


def record_api_figure(
    conn: psycopg.Connection,
    *,
    remaining: int,
    source: str,
    call_id: int,
    limit: int | None = None,
) -> None:
    """Remember what the API says is left (from /info or X-CallLimit-Remaining), with the
    ledger's count of calls the API had surely seen (`call_id` is the call that brought
    the figure), so later ledger calls add to it."""
    month = month_of(now_utc())
    with conn.transaction():
        ensure_month(conn, month, limit)
        (ledger_used,) = conn.execute(COUNTED_BEFORE, {"month": month, "call": call_id}).fetchone()  # type: ignore[misc]
        conn.execute(
            """
            UPDATE ops.cfbd_months
            SET monthly_limit = coalesce(%(limit)s, monthly_limit),
                api_used = greatest(coalesce(%(limit)s, monthly_limit) - %(remaining)s, 0),
                api_ledger_used = %(ledger_used)s,
                api_checked_at = now(),
                api_source = %(source)s
            WHERE month = %(month)s
            """,
            {
                "limit": limit,
                "remaining": remaining,
                "ledger_used": ledger_used,
                "source": source,
                "month": month,
            },
        )


@dataclass(frozen=True, slots=True)
class Reservation:
    id: int
    month: date
    granted: int


def reserve(conn: psycopg.Connection, holder: str, wanted: int) -> Reservation:
    """Grant up to `wanted` calls from this month, atomically; BudgetExhausted when none are
    left. The block lives as long as `conn`'s session (released by `release`, or by the next
    reservation once that session is gone)."""
    month = month_of(now_utc())
    with conn.transaction():
        ensure_month(conn, month)
        # The month's row lock serialises every grant: two runs can never both see room.
        month_figures(conn, month, lock=True)
        conn.execute(RELEASE_ORPHANS)
        figures = month_figures(conn, month)
        grant = min(wanted, figures.available)
        if grant <= 0:
            raise BudgetExhausted(
                f"no CFBD calls left this month ({figures.used:,} of {figures.limit:,} used, "
                f"{figures.held:,} held by running backfills); the budget resets at "
                f"{resets_at(month):%Y-%m-%d %H:%M} UTC"
            )
        (reservation_id,) = conn.execute(
            """
            INSERT INTO ops.cfbd_reservations
                (month, holder, granted, backend_pid, backend_start)
            SELECT %s, %s, %s, pid, backend_start
            FROM pg_stat_activity WHERE pid = pg_backend_pid()
            RETURNING id
            """,
            (month, holder, grant),
        ).fetchone()  # type: ignore[misc]
    return Reservation(reservation_id, month, grant)


def release(conn: psycopg.Connection, reservation: Reservation) -> None:
    """Give back the calls the block never started."""
    conn.execute(
        "UPDATE ops.cfbd_reservations SET granted = spent, released_at = now()"
        " WHERE id = %s AND released_at IS NULL",
        (reservation.id,),
    )


class LedgerRecorder:
    """Books one worker's attempts against a reservation, on that worker's connection."""

    def __init__(self, conn: psycopg.Connection, reservation: Reservation | None) -> None:
        self.conn = conn
        self.reservation = reservation
        self.calls = 0  # metered calls this recorder booked
        self._figure_at = 0.0
        self.last_call_id: int | None = None

    def begin(self, endpoint: str, params: Mapping[str, Any], *, metered: bool) -> int:
        with self.conn.transaction():
            if metered:
                if self.reservation is None:
                    raise BudgetExhausted("a metered CFBD call needs a reservation")
                taken = self.conn.execute(
                    "UPDATE ops.cfbd_reservations SET spent = spent + 1"
                    " WHERE id = %s AND spent < granted AND released_at IS NULL RETURNING id",
                    (self.reservation.id,),
                ).fetchone()
                if taken is None:
                    raise BudgetExhausted("this run's reserved CFBD calls are all spent")
            (call_id,) = self.conn.execute(
                "INSERT INTO ops.cfbd_calls (reservation_id, endpoint, params, metered)"
                " VALUES (%s, %s, %s, %s) RETURNING id",
                (
                    self.reservation.id if metered and self.reservation else None,
                    endpoint,
                    Jsonb(dict(params)),
                    metered,
                ),
            ).fetchone()  # type: ignore[misc]
        self.last_call_id = call_id
        return call_id

    def end(self, call_id: int | None, ended: CallEnd) -> None:
        with self.conn.transaction():
            self.conn.execute(
                "UPDATE ops.cfbd_calls SET status = %s, outcome = %s, rows = %s,"
                " duration_ms = %s, metered = %s, error = %s, ended_at = clock_timestamp()"
                " WHERE id = %s",
                (
                    ended.status,
                    ended.outcome,
                    ended.rows,
                    ended.duration_ms,
                    ended.metered,
                    ended.error,
                    call_id,
                ),
            )
            was_booked = self.reservation is not None and call_id is not None
            if was_booked and not ended.metered:
                # Refunded under the API's rules: the call goes back into the block.
                self.conn.execute(
                    "UPDATE ops.cfbd_reservations SET spent = spent - 1"
                    " WHERE id = %s AND spent > 0"
                    " AND EXISTS (SELECT 1 FROM ops.cfbd_calls WHERE id = %s"
                    "             AND reservation_id IS NOT NULL)",
                    (self.reservation.id, call_id),  # type: ignore[union-attr]
                )
            elif ended.metered:
                self.calls += 1
        # The API's own count, at most once a second per worker: it is a check on the
        # ledger, and a write per call would cost more than the call's own booking.
        now = time.monotonic()
        due = now - self._figure_at >= FIGURE_EVERY_S or ended.remaining == 0
        if ended.remaining is not None and due:
            self._figure_at = now
            record_api_figure(
                self.conn, remaining=ended.remaining, source="header", call_id=call_id
            )
