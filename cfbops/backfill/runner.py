"""The backfill driver: plan the job, reserve its calls, let K workers drain the queue, give
back what was not done. Safe to kill at any moment: items are done in the transaction that
writes their rows, and the next run takes up what is left.

Every loop is bounded: a block is topped up only after a round that finished an item, an
item is taken up at most MAX_TRIES_PER_RUN times, and a run of failures stops the run."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from cfbops.backfill.fetch import HAVOC_REQUEST, PLAY_STATS_REQUEST, fetch_havoc, fetch_play_stats
from cfbops.backfill.havoc import HavocGap, havoc_gaps
from cfbops.backfill.queue import KEPT_IN_HAND, Kind, give_back, items_to_do, job_paused, plan_job
from cfbops.backfill.rows import HAVOC_FIELDS, HAVOC_KEY, PLAY_STAT_FIELDS, PLAY_STAT_KEY, columns
from cfbops.backfill.worker import RunState, Target, drain
from cfbops.cfbd.client import CfbdClient, RetryPolicy, default_policy
from cfbops.cfbd.errors import (
    ApiFailing,
    ApiUnreachable,
    ItemFailed,
    KeyRejected,
    QuotaSpent,
    RateLimitBlocked,
)
from cfbops.cfbd.ledger import Reservation, month_figures, release, reserve
from cfbops.cfbd.meter import reconcile_with_api
from cfbops.cfbd.months import month_of, now_utc, resets_at
from cfbops.config import Settings
from cfbops.db.connect import connect, require_writable
from cfbops.errors import BudgetExhausted, ExitCode, UsageError
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

# Workers per play-stats run: the console's default, and the most the API's burst limiter bears.
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 32

TARGETS: dict[Kind, Target] = {
    Kind.PLAY_STATS: Target(
        ("stats", "play_stats"),
        columns(PLAY_STAT_FIELDS),
        PLAY_STAT_KEY,
        fetch_play_stats,
        PLAY_STATS_REQUEST,
        spare=KEPT_IN_HAND[Kind.PLAY_STATS],
    ),
    Kind.HAVOC: Target(
        ("stats", "game_havoc"),
        columns(HAVOC_FIELDS),
        HAVOC_KEY,
        fetch_havoc,
        HAVOC_REQUEST,
        spare=KEPT_IN_HAND[Kind.HAVOC],
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
    stop_code: ExitCode = ExitCode.OK  # the exit code of that reason (OK: a cap it was given)
    paused: bool = False  # stopped because the job was paused (the console's `p`)
    # Havoc: seasons whose stored rows fall short of their completed games (a failed run).
    havoc_gaps: tuple[HavocGap, ...] = ()

    @property
    def budget_out(self) -> bool:
        return self.stop_code is ExitCode.BUDGET

    @property
    def rows_per_s(self) -> float:
        return self.rows_written / self.wall_s if self.wall_s else 0.0

    @property
    def ok(self) -> bool:
        # A run that had work and finished none did not succeed, whatever stopped it, unless
        # nothing is left (another run, working at once, took every item).
        did_something = self.done > 0 or self.left == 0 or self.paused
        return (
            did_something
            and not self.failed
            and self.stop_code is ExitCode.OK
            and not self.havoc_gaps
        )

    @property
    def exit_code(self) -> ExitCode:
        if self.stop_code is not ExitCode.OK:
            return self.stop_code
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
    max_wait_s: float | None = None,
) -> BackfillRun:
    require_writable(settings, f"backfill {kind}")
    if concurrency > MAX_CONCURRENCY:
        raise UsageError(
            f"--concurrency above {MAX_CONCURRENCY} would only trip the API's burst limiter"
        )
    target = TARGETS[kind]
    if max_calls is not None and max_calls < 1 + target.spare:
        raise UsageError(
            f"--max-calls {max_calls} cannot finish one game: a game over 2,000 rows takes "
            f"{1 + target.spare} calls (its per-team split); give at least {1 + target.spare}"
        )
    if kind is Kind.HAVOC:
        concurrency = 1  # one call a season: nothing to share between workers
    policy = policy or default_policy()
    if max_wait_s is not None:
        policy = dataclasses.replace(policy, max_pause_s=max_wait_s)
    started = time.monotonic()
    with connect(settings, application_name=f"cfbops backfill {kind}") as control:
        job = plan_job(control, kind, first, last)
        to_do = items_to_do(control, job)
        if to_do == 0:
            gaps = havoc_gaps(control, first, last) if kind is Kind.HAVOC else ()
            wall_s = time.monotonic() - started
            return BackfillRun(job.name, 0, 0, 0, 0, 0, 0, wall_s, 0, havoc_gaps=gaps)
        task = TaskProgress(progress, f"backfill {job.name}", to_do)
        with CfbdClient(
            settings, concurrency=concurrency, policy=policy, on_wait=task.note
        ) as client:
            # Items failing in a row stop the run as requests do: 3 per worker, at least 5.
            in_a_row = max(policy.failures_per_worker * concurrency, 5)
            run = RunState(job, target, client, task, failures_in_a_row=in_a_row)
            stop = _Stop()
            try:
                note = _reconcile(control, settings, client)
                _rounds(settings, control, run, stop, to_do, max_calls, concurrency, note)
            except (ApiUnreachable, ApiFailing, QuotaSpent, RateLimitBlocked) as error:
                run.fatal = run.fatal or error  # /info's answer, before any worker began
        requeued = 0
        if isinstance(run.fatal, (ApiUnreachable, ApiFailing)):
            # The API's failure, not the items': those it failed go back to the queue.
            for item in run.transient:
                give_back(control, item, calls=0)
            requeued = len(run.transient)
        left = items_to_do(control, job)
        paused = bool(left) and job_paused(control, job)
        gaps = havoc_gaps(control, first, last) if kind is Kind.HAVOC else ()
    if isinstance(run.fatal, KeyRejected):
        raise run.fatal
    stopped, code = _why_stopped(run, stop, left, paused, max_calls)
    return BackfillRun(
        job=job.name,
        to_do=to_do,
        reserved=stop.reserved,
        done=run.done,
        failed=run.failed - requeued,
        calls_used=run.calls,
        rows_written=run.rows,
        wall_s=time.monotonic() - started,
        left=left,
        stopped=stopped,
        stop_code=code,
        paused=paused,
        havoc_gaps=gaps,
    )


class _Stop:
    """What the rounds of reservations ended on."""

    def __init__(self) -> None:
        self.reserved = 0
        self.month_spent: str = ""  # the ledger's reason when the month ran out
        self.cap_reached = False


def _rounds(
    settings: Settings,
    control: psycopg.Connection,
    run: RunState,
    stop: _Stop,
    to_do: int,
    max_calls: int | None,
    concurrency: int,
    note: str,
) -> None:
    """Reserve a block, drain it, top it up while items are left and the last round
    finished one; stop at the month's end or --max-calls."""
    job, spare = run.job, run.target.spare
    load_id = f"cfbops-{job.kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    left = to_do
    while left and run.fatal is None:
        room = None if max_calls is None else max_calls - stop.reserved
        wanted = left + spare if room is None else min(left + spare, room)
        if wanted < 1 + spare:
            stop.cap_reached = True
            return
        try:
            reservation = reserve(control, job.name, wanted)
        except BudgetExhausted as error:
            if not stop.reserved:
                raise
            stop.month_spent = str(error)
            return
        stop.reserved += reservation.granted
        if stop.reserved == reservation.granted:
            run.progress.note(_estimate(control, to_do, reservation, max_calls, spare, note))
        progress_before = run.done + run.failed
        try:
            if reservation.granted < 1 + spare:
                stop.month_spent = _month_out(control)  # too few calls left for one game
                return
            drain(settings, control, run, reservation, concurrency, load_id)
        finally:
            release(control, reservation)
        left = items_to_do(control, job)
        # Another block only after a round that finished an item: never a loop of blocks
        # that each end where the last one did.
        if run.done + run.failed == progress_before or job_paused(control, job):
            return


def _why_stopped(
    run: RunState, stop: _Stop, left: int, paused: bool, max_calls: int | None
) -> tuple[str, ExitCode]:
    if run.fatal is not None:
        return str(run.fatal), run.fatal.exit_code
    if not left:
        return "", ExitCode.OK
    if paused:
        return "the job was paused", ExitCode.OK
    if stop.month_spent:
        return stop.month_spent, ExitCode.BUDGET
    if max_calls is not None and (stop.cap_reached or stop.reserved >= max_calls):
        return f"--max-calls {max_calls} reached", ExitCode.OK
    return "", ExitCode.OK


def _month_out(conn: psycopg.Connection) -> str:
    month = month_of(now_utc())
    figures = month_figures(conn, month)
    return (
        f"this month's CFBD budget is spent ({figures.used:,} of {figures.limit:,} used); "
        f"it resets {resets_at(month):%Y-%m-%d %H:%M} UTC"
    )


def _reconcile(conn: psycopg.Connection, settings: Settings, client: CfbdClient) -> str:
    try:
        return reconcile_with_api(conn, settings, client)
    except ItemFailed as error:
        return f"/info unavailable ({error.reason}); the ledger's figures are used"


def _estimate(
    conn: psycopg.Connection,
    to_do: int,
    reservation: Reservation,
    max_calls: int | None,
    spare: int,
    note: str,
) -> str:
    figures = month_figures(conn, month_of(now_utc()))
    text = (
        f"{to_do:,} items need about {to_do:,} calls; {reservation.granted:,} reserved "
        f"({figures.available + reservation.granted:,} of {figures.limit:,} left this month"
    )
    text += f", --max-calls {max_calls})" if max_calls else ")"
    if spare:
        text += f", {spare} kept in hand for a game over 2,000 rows"
    return f"{text}; {note}" if note else text


__all__ = ["DEFAULT_CONCURRENCY", "BackfillRun", "run_backfill"]
