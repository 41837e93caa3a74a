"""The call ledger and its reservations: calls are reserved in the database before they are
made, so runs in any number of processes never spend more than the month holds."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.types.json import Jsonb

from cfbops.cfbd.months import DEFAULT_MONTHLY_LIMIT, month_of, now_utc, resets_at
from cfbops.errors import BudgetExhausted

if TYPE_CHECKING:  # the client brings httpx, which the console's first paint does without
    from cfbops.cfbd.client import CallEnd

FIGURE_EVERY_S = 5.0

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


# Booking a metered call: one statement (one round trip, its own transaction) takes a call
# from the block and opens the call's ledger row, or takes nothing when the block is spent.
BOOK_CALL = """
WITH booked AS (
    UPDATE ops.cfbd_reservations SET spent = spent + 1
    WHERE id = %(reservation)s AND spent < granted AND released_at IS NULL
    RETURNING id)
INSERT INTO ops.cfbd_calls (reservation_id, endpoint, params, metered)
SELECT id, %(endpoint)s, %(params)s, true FROM booked
RETURNING id
"""

# Closing a call answered 2xx (metered: nothing to refund), alone or as a WITH query riding
# on the statement that stores what the call brought.
CLOSE_ANSWERED = """
UPDATE ops.cfbd_calls
SET status = %s, outcome = %s, rows = %s, duration_ms = %s, metered = %s, error = %s,
    ended_at = clock_timestamp()
WHERE id = %s
"""

# Closing a call: its outcome, and its call back into the block when the API's rules
# refund it (a call that took nothing from a block gives nothing back).
END_CALL = """
WITH ended AS (
    UPDATE ops.cfbd_calls
    SET status = %(status)s, outcome = %(outcome)s, rows = %(rows)s,
        duration_ms = %(duration_ms)s, metered = %(metered)s, error = %(error)s,
        ended_at = clock_timestamp()
    WHERE id = %(call)s
    RETURNING reservation_id)
UPDATE ops.cfbd_reservations SET spent = spent - 1
WHERE NOT %(metered)s AND spent > 0
  AND id = (SELECT reservation_id FROM ended)
"""


class LedgerRecorder:
    """Books one worker's attempts against a reservation, on that worker's connection.

    With `defer_answers`, a call answered 2xx is closed by the caller's next write (the
    backfill's, with the rows it brought: `take_unwritten`) rather than by one of its own.
    Until then the row reads as in flight: metered, and not yet counted as seen by the API
    (so the meter over-counts for that moment, never under-counts)."""

    def __init__(
        self,
        conn: psycopg.Connection,
        reservation: Reservation | None,
        *,
        defer_answers: bool = False,
    ) -> None:
        self.conn = conn
        self.reservation = reservation
        self.defer_answers = defer_answers
        self.calls = 0  # metered calls this recorder booked
        self._figure_at = 0.0
        self._unwritten: list[tuple[Any, ...]] = []
        self._ahead: tuple[str, dict[str, Any], int] | None = None
        self.last_call_id: int | None = None

    def booked_ahead(self, endpoint: str, params: Mapping[str, Any], call_id: int) -> None:
        """The next metered `begin` for this request takes `call_id`, a call the caller
        booked with its own statement (the backfill's claim)."""
        self._ahead = (endpoint, dict(params), call_id)

    def drop_ahead(self) -> None:
        """A call booked ahead and never sent goes back into the block."""
        if self._ahead is not None:
            call_id = self._ahead[2]
            self._ahead = None
            self.conn.execute(
                END_CALL,
                {
                    "call": call_id,
                    "status": None,
                    "outcome": "not sent",
                    "rows": None,
                    "duration_ms": 0,
                    "metered": False,
                    "error": None,
                },
            )

    def begin(self, endpoint: str, params: Mapping[str, Any], *, metered: bool) -> int:
        self.flush()
        if metered and self._ahead is not None and self._ahead[:2] == (endpoint, dict(params)):
            self.last_call_id = self._ahead[2]
            self._ahead = None
            return self.last_call_id
        self.drop_ahead()
        if metered:
            if self.reservation is None:
                raise BudgetExhausted("a metered CFBD call needs a reservation")
            row = self.conn.execute(
                BOOK_CALL,
                {
                    "reservation": self.reservation.id,
                    "endpoint": endpoint,
                    "params": Jsonb(dict(params)),
                },
            ).fetchone()
            if row is None:
                raise BudgetExhausted("this run's reserved CFBD calls are all spent")
        else:
            row = self.conn.execute(
                "INSERT INTO ops.cfbd_calls (endpoint, params, metered)"
                " VALUES (%s, %s, false) RETURNING id",
                (endpoint, Jsonb(dict(params))),
            ).fetchone()
        assert row is not None
        self.last_call_id = row[0]
        return row[0]

    def end(self, call_id: int | None, ended: CallEnd) -> None:
        if ended.metered:
            self.calls += 1
        values = {
            "call": call_id,
            "status": ended.status,
            "outcome": ended.outcome,
            "rows": ended.rows,
            "duration_ms": ended.duration_ms,
            "metered": ended.metered,
            "error": ended.error,
        }
        # The API's own count, at most every FIGURE_EVERY_S per worker (and whenever it
        # says nothing is left): it is a check on the ledger, and recording it counts the
        # month's calls, which cost more than the call's own booking.
        now = time.monotonic()
        due = now - self._figure_at >= FIGURE_EVERY_S or ended.remaining == 0
        figure = ended.remaining is not None and due
        if self.defer_answers and ended.outcome == "ok" and ended.metered and not figure:
            self._unwritten.append(
                (
                    ended.status,
                    ended.outcome,
                    ended.rows,
                    ended.duration_ms,
                    ended.metered,
                    ended.error,
                    call_id,
                )
            )
            return
        self.flush()
        self.conn.execute(END_CALL, values)
        if figure:
            assert ended.remaining is not None
            self._figure_at = now
            record_api_figure(
                self.conn, remaining=ended.remaining, source="header", call_id=call_id
            )

    def flush(self) -> None:
        """Write the answers `end` held back."""
        while self._unwritten:
            self.conn.execute(CLOSE_ANSWERED, self._unwritten[0])
            del self._unwritten[0]

    def take_unwritten(self) -> list[tuple[str, tuple[Any, ...]]]:
        """The statements that close the answers `end` held back, for the caller to run
        with its own write. Should that write fail, those calls stay open in the ledger:
        still metered, as the API metered them, only their status and rows unrecorded."""
        taken = [(CLOSE_ANSWERED, values) for values in self._unwritten]
        self._unwritten.clear()
        return taken
