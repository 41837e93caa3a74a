"""Run a plan on N worker connections: a ready queue, not layer by layer.

A mart starts as soon as every mart it waits for has been refreshed; among ready marts the
one heading the longest remaining chain (by past durations) goes first. A failed mart skips
exactly the marts that wait for it. Only the calling thread sees results and reports them.
"""

from __future__ import annotations

import contextlib
import heapq
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import psycopg

from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.errors import CfbopsError
from cfbops.marts.catalog import MartCatalog
from cfbops.marts.models import MartResult, MartStatus, PlannedMart, RefreshPlan
from cfbops.marts.refresh_one import MartOutcome, refresh_one

OutcomeCallback = Callable[[MartOutcome], None]


@dataclass(frozen=True, slots=True)
class _Task:
    planned: PlannedMart


class _Worker(threading.Thread):
    """One connection; refreshes the marts it is handed until it gets None."""

    def __init__(
        self,
        settings: Settings,
        catalog: MartCatalog,
        conn: psycopg.Connection,
        tasks: queue.Queue[_Task | None],
        done: queue.Queue[tuple[str, MartOutcome | BaseException]],
    ) -> None:
        super().__init__(daemon=True, name=f"refresh-{conn.info.backend_pid}")
        self.settings = settings
        self.catalog = catalog
        self.conn = conn
        self.tasks = tasks
        self.done = done

    def run(self) -> None:
        while (task := self.tasks.get()) is not None:
            name = task.planned.name
            try:
                if self.conn.closed or self.conn.broken:
                    self.conn = open_worker_connection(self.settings)
                mart = self.catalog.marts[name]
                outcome: MartOutcome | BaseException = refresh_one(
                    self.conn, mart, task.planned, self.catalog.input_oids(name)
                )
            except CfbopsError as error:  # could not reconnect: this mart fails, others go on
                outcome = MartOutcome(
                    MartResult(name, MartStatus.FAILED, task.planned.mode, error=str(error)), None
                )
            except BaseException as error:
                outcome = error
            self.done.put((name, outcome))
        with contextlib.suppress(psycopg.Error):
            self.conn.close()


def open_worker_connection(settings: Settings) -> psycopg.Connection:
    conn = connect(settings, application_name="cfbops refresh worker")
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
) -> None:
    """Refresh the plan's marts on `workers` connections, reporting each outcome as it lands."""
    to_run = {p.name: p for p in plan.to_refresh}
    if not to_run:
        return
    waiting = {name: set(p.waits_for) for name, p in to_run.items()}
    priority = _critical_path(to_run, weights)
    ready = [
        (-priority[name], index, name) for index, name in enumerate(to_run) if not waiting[name]
    ]
    heapq.heapify(ready)
    tasks: queue.Queue[_Task | None] = queue.Queue()
    done: queue.Queue[tuple[str, MartOutcome | BaseException]] = queue.Queue()
    pool: list[_Worker] = []
    try:
        for _ in range(min(workers, len(to_run))):
            worker = _Worker(settings, catalog, open_worker_connection(settings), tasks, done)
            worker.start()
            pool.append(worker)
        idle = len(pool)
        settled = 0
        while settled < len(to_run):
            while idle and ready:
                tasks.put(_Task(to_run[heapq.heappop(ready)[2]]))
                idle -= 1
            name, outcome = done.get()
            idle += 1
            if isinstance(outcome, BaseException):
                raise outcome
            on_outcome(outcome)
            settled += 1
            failed = outcome.result.status is MartStatus.FAILED
            for other in list(waiting):
                if name not in waiting[other]:
                    continue
                if failed:
                    del waiting[other]
                    on_outcome(_skipped(to_run[other], name))
                    settled += 1
                else:
                    waiting[other].discard(name)
                    if not waiting[other]:
                        heapq.heappush(ready, (-priority[other], _index(to_run, other), other))
            waiting.pop(name, None)
    except BaseException:
        for worker in pool:
            with contextlib.suppress(psycopg.Error):
                worker.conn.cancel_safe(timeout=5)
        raise
    finally:
        for _ in pool:
            tasks.put(None)
        for worker in pool:
            worker.join(timeout=30)


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


def _index(to_run: Mapping[str, PlannedMart], name: str) -> int:
    return list(to_run).index(name)


def _critical_path(
    to_run: Mapping[str, PlannedMart], weights: Mapping[str, float]
) -> dict[str, float]:
    """Each mart's own weight plus the heaviest chain of marts waiting on it."""
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
