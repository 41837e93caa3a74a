"""A run's workers and what they share: each claims an item with its first call booked,
fetches it, and writes its rows, the ledger and the item's state in one statement. Every
way an item can end is counted here, so no item is tried without bound and no failure
goes unnoticed: the run stops on the first failure that is the API's, not the item's."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from cfbops.backfill.load import Rider, merge_rows
from cfbops.backfill.queue import (
    Item,
    Job,
    claim_and_book,
    fail_item,
    finished,
    give_back,
    give_back_sessions,
)
from cfbops.cfbd.client import CfbdClient
from cfbops.cfbd.errors import ApiFailing, ItemFailed, Stopped
from cfbops.cfbd.ledger import LedgerRecorder, Reservation
from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.errors import BudgetExhausted, CfbopsError
from cfbops.progress import TaskProgress

Fetch = Callable[[psycopg.Connection, CfbdClient, LedgerRecorder, int, str], list[tuple[Any, ...]]]

# The most calls one item may spend in a run (a game and its per-team split, or retries after
# timeouts), and the most times a run takes it up.
MAX_CALLS_PER_ITEM = 3
MAX_TRIES_PER_RUN = 3
# A stopping run waits this long for its workers; a request still hanging is left behind.
GRACE_S = 1.0


@dataclass(frozen=True, slots=True)
class Target:
    """Where a kind of backfill writes, and how it fetches an item."""

    table: tuple[str, str]
    columns: tuple[str, ...]
    key: tuple[str, ...]
    fetch: Fetch
    request: tuple[str, str]  # endpoint and the parameter an item fills
    spare: int  # calls a run keeps in hand beyond the claims (a truncated game's split)


class RunState:
    """What a run's workers share: their tallies, and why the run stops."""

    def __init__(
        self,
        job: Job,
        target: Target,
        client: CfbdClient,
        progress: TaskProgress,
        *,
        failures_in_a_row: int,
    ) -> None:
        self.job, self.target, self.client, self.progress = job, target, client, progress
        self.lock = threading.Lock()
        self.claiming = threading.Event()  # set: claim no more items
        self.done = self.failed = self.calls = self.rows = 0
        self.started = time.monotonic()
        self.tries: dict[int, int] = {}
        self.failures_in_a_row = failures_in_a_row
        self._streak = 0
        self.transient: list[Item] = []  # failed for the API's sake since the last success
        self.fatal: CfbopsError | None = None
        self.crash: BaseException | None = None
        self.worker_pids: list[int] = []

    def stop_now(self, error: CfbopsError | None = None) -> None:
        with self.lock:
            if error is not None and self.fatal is None:
                self.fatal = error
        self.claiming.set()
        self.client.stop()

    def claimed(self, item: Item) -> int:
        with self.lock:
            self.tries[item.key] = self.tries.get(item.key, 0) + 1
            return self.tries[item.key]

    def item_done(self, item: Item, *, rows: int, calls: int) -> None:
        with self.lock:
            self.calls += calls
            self.done += 1
            self.rows += rows
            self._streak = 0
            self.transient.clear()
            self._step(f"{item.key}: {rows} rows")

    def item_failed(self, item: Item, error: ItemFailed, *, calls: int) -> None:
        with self.lock:
            self.calls += calls
            self.failed += 1
            self._step(f"{item.key} failed: {error.reason}")
            if error.transient:
                self.transient.append(item)
            if not error.retryable:
                return  # a 400: the API answered, this game is wrong; costs nothing
            self._streak += 1
            if self._streak < self.failures_in_a_row:
                return
            streak = self._streak
        self.stop_now(
            ApiFailing(
                f"{streak} items in a row failed (last: {item.key}: {error.reason}); stopped "
                "before spending more calls on answers that cannot be used — see the reasons "
                "in ops.backfill_items"
            )
        )

    def _step(self, what: str) -> None:
        rate = self.rows / max(time.monotonic() - self.started, 1e-9)
        self.progress.step(f"{what}; {self.calls} calls, {rate:,.0f} rows/s")


def drain(
    settings: Settings,
    control: psycopg.Connection,
    run: RunState,
    reservation: Reservation,
    concurrency: int,
    load_id: str,
) -> None:
    """Let `concurrency` workers take items until none can be claimed. Interrupted (Ctrl-C,
    SIGTERM, a closing console), it stops every wait at once, gives the workers GRACE_S,
    puts back what they still hold and re-raises: a request that hangs keeps nobody."""
    run.claiming.clear()
    threads = [
        threading.Thread(
            target=_guarded,
            args=(settings, run, reservation, load_id),
            name=f"backfill-{n}",
            daemon=True,  # never keeps a stopping process alive
        )
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)  # a timed join: Ctrl-C and SIGTERM reach this thread
        if run.crash is not None:
            raise run.crash
    except BaseException:
        run.stop_now()
        deadline = time.monotonic() + GRACE_S
        for thread in threads:
            thread.join(max(deadline - time.monotonic(), 0))
        with contextlib.suppress(psycopg.Error):
            give_back_sessions(control, run.job.kind, run.worker_pids, reservation.id)
        raise


def _guarded(settings: Settings, run: RunState, reservation: Reservation, load_id: str) -> None:
    try:
        _work(settings, run, reservation, load_id)
    except BaseException as error:  # a bug, a lost database, a console closing
        with run.lock:
            run.crash = run.crash or error
        run.stop_now()


def _work(settings: Settings, run: RunState, reservation: Reservation, load_id: str) -> None:
    target = run.target
    endpoint, param = target.request
    with connect(settings, application_name=f"cfbops backfill {run.job.kind} worker") as conn:
        with run.lock:
            run.worker_pids.append(conn.info.backend_pid)
        # Per game: one statement claiming it and booking its call before the request,
        # then the COPY to staging and one statement that merges the rows, closes the
        # call in the ledger and marks the game done. Not waiting for the WAL flush costs
        # only a server crash's last fraction of a second: games re-marked pending
        # (re-merged, never duplicated) and a few ledger rows the next /info figure covers.
        conn.execute("SET synchronous_commit = off")
        recorder = LedgerRecorder(conn, reservation, defer_answers=True)
        while not run.claiming.is_set():
            claimed = claim_and_book(
                conn,
                run.job,
                reservation=reservation.id,
                spare=target.spare,
                endpoint=endpoint,
                param=param,
            )
            if claimed is None:
                return
            item, call_id = claimed
            tries = run.claimed(item)
            if not _take(conn, run, recorder, item, call_id, tries, load_id):
                return


def _take(
    conn: psycopg.Connection,
    run: RunState,
    recorder: LedgerRecorder,
    item: Item,
    call_id: int | None,
    tries: int,
    load_id: str,
) -> bool:
    """Fetch and store one claimed item; False when this worker must stop claiming."""
    target = run.target
    endpoint, param = target.request
    before = recorder.calls
    try:
        if call_id is None:
            raise BudgetExhausted("the run's block ran out as the item was claimed")
        recorder.booked_ahead(endpoint, {param: item.key}, call_id)
        recorder.start_item(MAX_CALLS_PER_ITEM)
        rows = target.fetch(conn, run.client, recorder, item.key, load_id)

        def riders(merged: int) -> list[Rider]:
            done = finished(item, calls=recorder.calls - before, rows=merged)
            return [*recorder.take_unwritten(), done]

        try:
            merged = merge_rows(conn, target.table, target.columns, target.key, rows, riders=riders)
        except (psycopg.errors.DataError, psycopg.errors.IntegrityError) as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ItemFailed(f"its rows could not be stored: {first}") from None
        run.item_done(item, rows=merged, calls=recorder.calls - before)
        return True
    except ItemFailed as error:
        calls = _settle(recorder, before)
        fail_item(conn, item, error.reason, calls=calls, retryable=error.retryable)
        run.item_failed(item, error, calls=calls)
        return True
    except Stopped:
        _put_back(conn, run, recorder, item, before)
        return False
    except BudgetExhausted as error:
        if type(error) is not BudgetExhausted:  # the API's quota, the CDN's blocks
            _put_back(conn, run, recorder, item, before)
            run.stop_now(error)
            return False
        # The block cannot pay this item's next call (a split while another game holds the
        # spare): back to the queue, counted, for the run's next block.
        calls = _settle(recorder, before)
        if tries >= MAX_TRIES_PER_RUN:
            reason = f"taken up {tries} times in this run without the calls to finish it"
            fail_item(conn, item, reason, calls=calls, retryable=True)
            run.item_failed(item, ItemFailed(reason), calls=calls)
        else:
            give_back(conn, item, calls=calls, reason="given back: the run's block ran out")
            with run.lock:
                run.calls += calls
        return False
    except CfbopsError as error:  # a rejected key, the API unreachable or failing
        _put_back(conn, run, recorder, item, before)
        run.stop_now(error)
        return False
    except BaseException:
        with contextlib.suppress(psycopg.Error):
            _put_back(conn, run, recorder, item, before)
        raise


def _settle(recorder: LedgerRecorder, before: int) -> int:
    """Close what the item left open in the ledger; the metered calls it spent."""
    recorder.drop_ahead()
    recorder.flush()
    return recorder.calls - before


def _put_back(
    conn: psycopg.Connection, run: RunState, recorder: LedgerRecorder, item: Item, before: int
) -> None:
    """The run is stopping: the item waits for the next run, the calls it spent counted."""
    calls = _settle(recorder, before)
    give_back(conn, item, calls=calls)
    with run.lock:
        run.calls += calls
