"""Run a plan on N worker connections: a ready queue, not layer by layer.

A mart starts as soon as every mart it waits for is refreshed and analyzed; among ready
marts the one heading the longest remaining chain (by past durations) goes first, ties by
name. Workers only REFRESH; one more connection runs each ANALYZE, so a worker moves
straight on to the next ready mart. A mart whose inputs are those of its last refresh is
not analyzed again (its statistics still hold). A failed mart skips exactly the marts that
wait for it. Only the calling thread sees outcomes and reports them.
"""

from __future__ import annotations

import contextlib
import heapq
import queue
import threading
from collections.abc import Callable, Collection, Mapping
from enum import Enum

import psycopg

from cfbops.config import Settings
from cfbops.db.cancel import Cancellation
from cfbops.db.connect import connect
from cfbops.errors import CfbopsError
from cfbops.marts.catalog import Mart, MartCatalog
from cfbops.marts.models import AppliedMode, MartResult, MartStatus, PlannedMart, RefreshPlan
from cfbops.marts.reader_watch import DEFAULT_READER_WAIT_S, ReaderWatch
from cfbops.marts.steps import MartOutcome, analyze_mart, refresh_mart, with_rows

OutcomeCallback = Callable[[MartOutcome], None]


class Step(Enum):
    REFRESH = "refresh"
    ANALYZE = "analyze"


Report = tuple[Step, str, MartOutcome | BaseException]
Work = Callable[[psycopg.Connection], MartOutcome]


class _Lane(threading.Thread):
    """One connection doing one kind of step, item by item, until it is handed None."""

    def __init__(
        self,
        settings: Settings,
        step: Step,
        inbox: queue.Queue[tuple[str, Work] | None],
        done: queue.Queue[Report],
        cancellation: Cancellation,
    ) -> None:
        super().__init__(daemon=True, name=f"cfbops-{step.value}")
        self.settings = settings
        self.step = step
        self.cancellation = cancellation
        self.conn = open_worker_connection(settings, step)
        cancellation.attach(self.conn)
        self.inbox = inbox
        self.done = done

    def run(self) -> None:
        while (item := self.inbox.get()) is not None:
            name, work = item
            try:
                self.cancellation.check()
                if self.conn.closed or self.conn.broken:
                    self.cancellation.detach(self.conn)
                    self.conn = open_worker_connection(self.settings, self.step)
                    self.cancellation.attach(self.conn)
                outcome: MartOutcome | BaseException = work(self.conn)
            except CfbopsError as error:  # could not reconnect: this mart fails, others go on
                outcome = MartOutcome(MartResult(name, MartStatus.FAILED, error=str(error)), None)
            except BaseException as error:
                outcome = error
            self.done.put((self.step, name, outcome))
        self.cancellation.detach(self.conn)
        with contextlib.suppress(psycopg.Error):
            self.conn.close()


def open_worker_connection(settings: Settings, step: Step = Step.REFRESH) -> psycopg.Connection:
    suffix = "worker" if step is Step.REFRESH else "analyze"
    conn = connect(settings, application_name=f"cfbops refresh {suffix}")
    conn.execute("SELECT set_config('lock_timeout', %s, false)", (settings.lock_timeout,))
    return conn


def execute_plan(
    settings: Settings,
    catalog: MartCatalog,
    plan: RefreshPlan,
    *,
    workers: int,
    weights: Mapping[str, float],
    on_outcome: OutcomeCallback,
    reader_wait_s: float = DEFAULT_READER_WAIT_S,
    run_pids: Collection[int] = (),
    cancellation: Cancellation | None = None,
) -> None:
    """Refresh the plan's marts on `workers` connections, reporting each outcome as it lands.

    A mart refreshed plainly is watched: a reader outside the run (not one of `run_pids`)
    never waits on it longer than `reader_wait_s` (marts.reader_watch).
    """
    to_run = {p.name: p for p in plan.to_refresh}
    if not to_run:
        return
    waiting = {name: set(p.waits_for) for name, p in to_run.items()}
    priority = critical_path(to_run, weights)
    ready = [(-priority[n], n) for n in to_run if not waiting[n]]
    heapq.heapify(ready)
    watch = (
        ReaderWatch(settings, reader_wait_s, set(run_pids))
        if any(p.mode is AppliedMode.PLAIN for p in to_run.values())
        else None
    )
    refreshes: queue.Queue[tuple[str, Work] | None] = queue.Queue()
    analyses: queue.Queue[tuple[str, Work] | None] = queue.Queue()
    done: queue.Queue[Report] = queue.Queue()
    lanes: list[_Lane] = []
    cancellation = cancellation or Cancellation("the refresh")
    inboxes: list[queue.Queue[tuple[str, Work] | None]] = []
    try:
        for step, inbox in [(Step.ANALYZE, analyses)] + [(Step.REFRESH, refreshes)] * min(
            workers, len(to_run)
        ):
            lane = _Lane(settings, step, inbox, done, cancellation)
            lane.start()
            lanes.append(lane)
            inboxes.append(inbox)
            if watch is not None:
                watch.run_pids.add(lane.conn.info.backend_pid)
        idle = len(lanes) - 1
        settled = 0
        while settled < len(to_run):
            while idle and ready:
                name = heapq.heappop(ready)[1]
                refreshes.put((name, _refresh_work(catalog, to_run[name], watch)))
                idle -= 1
            step, name, outcome = done.get()
            if isinstance(outcome, BaseException):
                raise outcome
            if step is Step.REFRESH:
                idle += 1
                if outcome.refreshed and to_run[name].analyze:
                    analyses.put((name, _analyze_work(catalog.marts[name], outcome)))
                    continue
                if outcome.refreshed:  # same contents as last time: its statistics hold
                    outcome = with_rows(outcome, to_run[name].known_rows)
            on_outcome(outcome)
            settled += 1
            for other in [o for o, upstream in waiting.items() if name in upstream]:
                if not outcome.refreshed:
                    del waiting[other]
                    on_outcome(_skipped(to_run[other], name))
                    settled += 1
                else:
                    waiting[other].discard(name)
                    if not waiting[other]:
                        heapq.heappush(ready, (-priority[other], other))
            waiting.pop(name, None)
    except BaseException:
        for lane in lanes:
            with contextlib.suppress(psycopg.Error):
                lane.conn.cancel_safe(timeout=5)
        raise
    finally:
        for inbox in inboxes:
            inbox.put(None)
        for lane in lanes:
            lane.join(timeout=30)
        if watch is not None:
            watch.stop()


def _refresh_work(catalog: MartCatalog, planned: PlannedMart, watch: ReaderWatch | None) -> Work:
    mart = catalog.marts[planned.name]
    oids = catalog.input_oids(planned.name)
    return lambda conn: refresh_mart(conn, mart, planned, oids, watch)


def _analyze_work(mart: Mart, refreshed: MartOutcome) -> Work:
    return lambda conn: analyze_mart(conn, mart, refreshed)


def _skipped(planned: PlannedMart, failed: str) -> MartOutcome:
    return MartOutcome(
        MartResult(
            name=planned.name,
            status=MartStatus.SKIPPED,
            error=f"upstream {failed} failed",
            reason=planned.reason,
        ),
        None,
    )


def critical_path(
    to_run: Mapping[str, PlannedMart], weights: Mapping[str, float]
) -> dict[str, float]:
    """Each mart's own weight (its recorded duration; unknown: the median of the known ones)
    plus the heaviest chain of marts waiting on it. marts.refresh_all_report() computes the
    same, so both take marts in the same order."""
    known = [w for w in weights.values() if w > 0]
    default = sorted(known)[len(known) // 2] if known else 1.0
    waiters: dict[str, list[str]] = {name: [] for name in to_run}
    for name, planned in to_run.items():
        for upstream in planned.waits_for:
            waiters[upstream].append(name)
    path: dict[str, float] = {}
    for name in reversed(list(to_run)):  # plan order is topological: waiters come later
        tail = max((path[w] for w in waiters[name]), default=0.0)
        path[name] = weights.get(name, default) + tail
    return path
