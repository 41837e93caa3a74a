"""The backfill driver: plan the job, reserve its calls, let K workers drain the queue, give
back what was not done. Safe to kill at any moment: items are done in the transaction that
writes their rows, and the next run takes up what is left."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from cfbops.backfill.fetch import (
    HAVOC_REQUEST,
    PLAY_STATS_REQUEST,
    fetch_havoc,
    fetch_play_stats,
)
from cfbops.backfill.havoc import HavocGap, havoc_gaps
from cfbops.backfill.load import Rider, merge_rows
from cfbops.backfill.queue import (
    Item,
    Job,
    Kind,
    claim_and_book,
    fail_item,
    finished,
    give_back,
    items_to_do,
    job_paused,
    plan_job,
)
from cfbops.backfill.rows import HAVOC_FIELDS, HAVOC_KEY, PLAY_STAT_FIELDS, PLAY_STAT_KEY, columns
from cfbops.cfbd.client import CfbdClient, RetryPolicy
from cfbops.cfbd.errors import ItemFailed, QuotaSpent
from cfbops.cfbd.ledger import LedgerRecorder, Reservation, month_figures, release, reserve
from cfbops.cfbd.meter import reconcile_with_api
from cfbops.cfbd.months import month_of, now_utc
from cfbops.config import Settings
from cfbops.db.connect import connect, require_writable
from cfbops.errors import BudgetExhausted, CfbopsError, ExitCode, UsageError
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

Fetch = Callable[[psycopg.Connection, CfbdClient, LedgerRecorder, int, str], list[tuple[Any, ...]]]


# Workers per play-stats run: the console's default, and the most the API's burst limiter bears.
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 32


@dataclass(frozen=True, slots=True)
class Target:
    """Where a kind of backfill writes, and how it fetches an item."""

    table: tuple[str, str]
    columns: tuple[str, ...]
    key: tuple[str, ...]
    fetch: Fetch
    request: tuple[str, str]  # endpoint and the parameter an item fills


TARGETS: dict[Kind, Target] = {
    Kind.PLAY_STATS: Target(
        ("stats", "play_stats"),
        columns(PLAY_STAT_FIELDS),
        PLAY_STAT_KEY,
        fetch_play_stats,
        PLAY_STATS_REQUEST,
    ),
    Kind.HAVOC: Target(
        ("stats", "game_havoc"),
        columns(HAVOC_FIELDS),
        HAVOC_KEY,
        fetch_havoc,
        HAVOC_REQUEST,
    ),
}


@dataclass(frozen=True, slots=True)
class BackfillRun:
    """One run of a job: what it set out to do, what it did, and why it stopped."""

    job: str
    to_do: int
    reserved: int
    done: int
    failed: int
    calls_used: int
    rows_written: int
    wall_s: float
    left: int
    stopped: str = ""  # why the run ended with items left ("" when it drained the queue)
    budget_out: bool = False  # stopped because the month's budget is spent
    paused: bool = False  # stopped because the job was paused (the console's `p`)
    # Havoc: seasons whose stored rows fall short of their completed games (a failed run).
    havoc_gaps: tuple[HavocGap, ...] = ()

    @property
    def rows_per_s(self) -> float:
        return self.rows_written / self.wall_s if self.wall_s else 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.budget_out and not self.havoc_gaps

    @property
    def exit_code(self) -> ExitCode:
        if self.budget_out:
            return ExitCode.BUDGET
        return ExitCode.OK if self.ok else ExitCode.FAILED

    def summary(self) -> str:
        """One line: done, failed and left, the calls and rows, and why the run stopped."""
        if self.to_do == 0 and not self.havoc_gaps:
            return f"{self.job}: nothing to load"
        text = (
            f"{self.job}: {self.done} done, {self.failed} failed, {self.left} left; "
            f"{self.calls_used} calls, {self.rows_written:,} rows "
            f"({self.rows_per_s:,.0f} rows/s) in {self.wall_s:.1f}s"
        )
        if self.stopped:
            text += f"; stopped: {self.stopped}"
        if self.havoc_gaps:
            text += f"; {len(self.havoc_gaps)} season(s) with havoc gaps"
        return text


class _Tally:
    """Counts shared by the workers of one run."""

    def __init__(self, progress: TaskProgress) -> None:
        self.lock = threading.Lock()
        self.progress = progress
        self.done = self.failed = self.calls = self.rows = 0
        self.started = time.monotonic()

    def item(self, item: Item, *, rows: int, calls: int, failed: str | None) -> None:
        with self.lock:
            self.calls += calls
            if failed is None:
                self.done += 1
                self.rows += rows
                what = f"{item.key}: {rows} rows"
            else:
                self.failed += 1
                what = f"{item.key} failed: {failed}"
            rate = self.rows / max(time.monotonic() - self.started, 1e-9)
            self.progress.step(f"{what}; {self.calls} calls, {rate:,.0f} rows/s")


def run_backfill(
    settings: Settings,
    kind: Kind,
    first: int,
    last: int,
    *,
    max_calls: int | None = None,
    concurrency: int = 1,
    progress: ProgressCallback = ignore_progress,
    policy: RetryPolicy | None = None,
) -> BackfillRun:
    require_writable(settings, f"backfill {kind}")
    if concurrency > MAX_CONCURRENCY:
        raise UsageError(
            f"--concurrency above {MAX_CONCURRENCY} would only trip the API's burst limiter"
        )
    if kind is Kind.HAVOC:
        concurrency = 1  # one call a season: nothing to share between workers
    started = time.monotonic()
    with connect(settings, application_name=f"cfbops backfill {kind}") as control:
        job = plan_job(control, kind, first, last)
        to_do = items_to_do(control, job)
        if to_do == 0:
            gaps = havoc_gaps(control, first, last) if kind is Kind.HAVOC else ()
            wall_s = time.monotonic() - started
            return BackfillRun(job.name, 0, 0, 0, 0, 0, 0, wall_s, 0, havoc_gaps=gaps)
        with CfbdClient(settings, concurrency=concurrency, policy=policy) as client:
            note = _reconcile(control, settings)
            task = TaskProgress(progress, f"backfill {job.name}", to_do)
            tally, stop = _Tally(task), _Stop()
            reserved, left = 0, to_do
            # One call per item; a truncated game costs two more, so a spent block is
            # topped up while the month (and --max-calls) allow.
            while left and not stop.fatal:
                cap = None if max_calls is None else max_calls - reserved
                if cap == 0:
                    break
                try:
                    reservation = reserve(control, job.name, min(left, cap or left))
                except BudgetExhausted:
                    if reserved:
                        stop.budget_out = True
                        break
                    raise
                reserved += reservation.granted
                if reserved == reservation.granted:
                    task.note(_estimate(control, to_do, reservation, max_calls, note))
                stop.event.clear()
                stop.budget_out = False
                try:
                    _drain(settings, job, client, reservation, concurrency, tally, stop)
                finally:
                    release(control, reservation)
                left = items_to_do(control, job)
                if not stop.budget_out or stop.quota_spent:
                    break
        paused = bool(left) and job_paused(control, job)
        gaps = havoc_gaps(control, first, last) if kind is Kind.HAVOC else ()
    if isinstance(stop.fatal, CfbopsError):
        raise stop.fatal
    stopped = ""
    if paused:
        stopped = "the job was paused"
    elif left and max_calls is not None and reserved >= max_calls:
        stopped = f"--max-calls {max_calls} reached"
    elif left and stop.budget_out:
        stopped = "this month's CFBD budget is spent"
    return BackfillRun(
        job=job.name,
        to_do=to_do,
        reserved=reserved,
        done=tally.done,
        failed=tally.failed,
        calls_used=tally.calls,
        rows_written=tally.rows,
        wall_s=time.monotonic() - started,
        left=left,
        stopped=stopped,
        budget_out=stopped.startswith("this month"),
        paused=paused,
        havoc_gaps=gaps,
    )


def _reconcile(conn: psycopg.Connection, settings: Settings) -> str:
    try:
        return reconcile_with_api(conn, settings)
    except ItemFailed as error:
        return f"/info unavailable ({error.reason}); the ledger's figures are used"


def _estimate(
    conn: psycopg.Connection,
    to_do: int,
    reservation: Reservation,
    max_calls: int | None,
    note: str,
) -> str:
    figures = month_figures(conn, month_of(now_utc()))
    text = (
        f"{to_do:,} items need about {to_do:,} calls; {reservation.granted:,} reserved "
        f"({figures.available + reservation.granted:,} of {figures.limit:,} left this month"
    )
    text += f", --max-calls {max_calls})" if max_calls else ")"
    return f"{text}; {note}" if note else text


class _Stop:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.budget_out = False
        self.quota_spent = False
        self.fatal: BaseException | None = None


def _drain(
    settings: Settings,
    job: Job,
    client: CfbdClient,
    reservation: Reservation,
    concurrency: int,
    tally: _Tally,
    stop: _Stop,
) -> None:
    load_id = f"cfbops-{job.kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    with ThreadPoolExecutor(concurrency, thread_name_prefix="backfill") as pool:
        futures = [
            pool.submit(_work, settings, job, client, reservation, load_id, tally, stop)
            for _ in range(concurrency)
        ]
        try:
            for future in futures:
                future.result()
        except BaseException:
            stop.event.set()  # Ctrl-C: workers finish the item in hand, then stop
            raise


def _work(
    settings: Settings,
    job: Job,
    client: CfbdClient,
    reservation: Reservation,
    load_id: str,
    tally: _Tally,
    stop: _Stop,
) -> None:
    target = TARGETS[job.kind]
    table, cols, key, fetch = target.table, target.columns, target.key, target.fetch
    endpoint, param = target.request
    with connect(settings, application_name=f"cfbops backfill {job.kind} worker") as conn:
        # Per game: one statement claiming it and booking its call before the request,
        # then the COPY to staging and one statement that merges the rows, closes the
        # call in the ledger and marks the game done. Not waiting for the WAL flush costs
        # only a server crash's last fraction of a second: games re-marked pending
        # (re-merged, never duplicated) and a few ledger rows the next /info figure covers.
        conn.execute("SET synchronous_commit = off")
        recorder = LedgerRecorder(conn, reservation, defer_answers=True)
        while not stop.event.is_set():
            claimed = claim_and_book(
                conn, job, reservation=reservation.id, endpoint=endpoint, param=param
            )
            if claimed is None:
                return
            item, call_id = claimed
            before = recorder.calls
            try:
                if call_id is None:
                    raise BudgetExhausted("this run's reserved CFBD calls are all spent")
                recorder.booked_ahead(endpoint, {param: item.key}, call_id)
                rows = fetch(conn, client, recorder, item.key, load_id)

                def riders(merged: int, item: Item = item, before: int = before) -> list[Rider]:
                    done = finished(item, calls=recorder.calls - before, rows=merged)
                    return [*recorder.take_unwritten(), done]

                merged = merge_rows(conn, table, cols, key, rows, riders=riders)
                tally.item(item, rows=merged, calls=recorder.calls - before, failed=None)
            except ItemFailed as error:
                recorder.drop_ahead()
                recorder.flush()
                calls = recorder.calls - before
                retryable = not error.reason.startswith("400")
                fail_item(conn, item, error.reason, calls=calls, retryable=retryable)
                tally.item(item, rows=0, calls=calls, failed=error.reason)
            except QuotaSpent:
                # The API says the month is spent (calls made elsewhere on the key): stop
                # like a spent block, with nothing left to top it up from.
                _give_back(conn, recorder, item, before)
                stop.budget_out = stop.quota_spent = True
                stop.event.set()
            except BudgetExhausted:
                _give_back(conn, recorder, item, before)
                stop.budget_out = True  # this run's block is spent
                stop.event.set()
            except CfbopsError as error:  # a rejected key, the breaker
                _give_back(conn, recorder, item, before)
                stop.fatal = error
                stop.event.set()
            except BaseException:
                _give_back(conn, recorder, item, before)
                stop.event.set()
                raise


def _give_back(conn: psycopg.Connection, recorder: LedgerRecorder, item: Item, before: int) -> None:
    recorder.drop_ahead()
    recorder.flush()
    give_back(conn, item, calls=recorder.calls - before)
