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

from cfbops.cfbd.errors import ItemFailed
from cfbops.cfbd.months import DEFAULT_MONTHLY_LIMIT, month_of, now_utc, resets_at
from cfbops.errors import BudgetExhausted
from cfbops.queries import package_sql

if TYPE_CHECKING:  # the client brings httpx, which the console's first paint does without
    from cfbops.cfbd.client import CallEnd

FIGURE_EVERY_S = 5.0


def _sql(name: str) -> str:
    return package_sql("cfbops.cfbd", name)


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
    used, held = conn.execute(_sql("ledger_figures"), (month,)).fetchone()  # type: ignore[misc]
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
        (ledger_used,) = conn.execute(
            _sql("counted_before"), {"month": month, "call": call_id}
        ).fetchone()  # type: ignore[misc]
        conn.execute(
            _sql("record_api_figure"),
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
        conn.execute(_sql("release_orphans"))
        figures = month_figures(conn, month)
        grant = min(wanted, figures.available)
        if grant <= 0:
            raise BudgetExhausted(
                f"no CFBD calls left this month ({figures.used:,} of {figures.limit:,} used, "
                f"{figures.held:,} held by running backfills); the budget resets at "
                f"{resets_at(month):%Y-%m-%d %H:%M} UTC"
            )
        (reservation_id,) = conn.execute(_sql("reserve"), (month, holder, grant)).fetchone()  # type: ignore[misc]
    return Reservation(reservation_id, month, grant)


def release(conn: psycopg.Connection, reservation: Reservation) -> None:
    """Give back the calls the block never started."""
    conn.execute(
        "UPDATE ops.cfbd_reservations SET granted = spent, released_at = now()"
        " WHERE id = %s AND released_at IS NULL",
        (reservation.id,),
    )


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
        # The item in hand: metered calls it may still book, and those open now.
        self._item_max: int | None = None
        self._item_left = 0
        self._open_metered: set[int] = set()

    def start_item(self, max_calls: int) -> None:
        """A new item, which may book `max_calls` metered calls in all (the one booked ahead
        included); one more is refused with ItemFailed. Refunded calls give theirs back."""
        self._item_max = max_calls
        self._item_left = max_calls
        self._open_metered.clear()
        if self._ahead is not None:
            self._item_left -= 1
            self._open_metered.add(self._ahead[2])

    def booked_ahead(self, endpoint: str, params: Mapping[str, Any], call_id: int) -> None:
        """The next metered `begin` for this request takes `call_id`, a call the caller
        booked with its own statement (the backfill's claim)."""
        self._ahead = (endpoint, dict(params), call_id)

    def drop_ahead(self) -> None:
        """A call booked ahead and never sent goes back into the block."""
        if self._ahead is not None:
            call_id = self._ahead[2]
            self._ahead = None
            if call_id in self._open_metered:
                self._open_metered.discard(call_id)
                self._item_left += 1
            self.conn.execute(
                _sql("end_call"),
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
            if self._item_max is not None and self._item_left <= 0:
                raise ItemFailed(
                    f"spent the {self._item_max} calls an item may use without a whole answer"
                )
            row = self.conn.execute(
                _sql("book_call"),
                {
                    "reservation": self.reservation.id,
                    "endpoint": endpoint,
                    "params": Jsonb(dict(params)),
                },
            ).fetchone()
            if row is None:
                raise BudgetExhausted("this run's reserved CFBD calls are all spent")
            self._item_left -= 1
            self._open_metered.add(row[0])
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
        if call_id in self._open_metered:
            self._open_metered.discard(call_id)
            self._item_left += not ended.metered  # refunded: the item may spend it again
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
        self.conn.execute(_sql("end_call"), values)
        if figure:
            assert ended.remaining is not None
            self._figure_at = now
            record_api_figure(
                self.conn, remaining=ended.remaining, source="header", call_id=call_id
            )

    def flush(self) -> None:
        """Write the answers `end` held back."""
        while self._unwritten:
            self.conn.execute(_sql("close_answered"), self._unwritten[0])
            del self._unwritten[0]

    def take_unwritten(self) -> list[tuple[str, tuple[Any, ...]]]:
        """The statements that close the answers `end` held back, for the caller to run
        with its own write. Should that write fail, those calls stay open in the ledger:
        still metered, as the API metered them, only their status and rows unrecorded."""
        taken = [(_sql("close_answered"), values) for values in self._unwritten]
        self._unwritten.clear()
        return taken
