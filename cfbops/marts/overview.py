"""The marts section of `status`: the last run's views, and which marts are stale now."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from cfbops.marts.history import FinishedRun
from cfbops.marts.models import MartState, MartStatus
from cfbops.marts.runs import RunRecord, recent_runs
from cfbops.marts.states import read_mart_states


@dataclass(frozen=True, slots=True)
class MartsOverview:
    """Every mart's state now, the last run that ended whatever its outcome (None before the
    first), the run going on now, and runs that died since the last one that ended by itself."""

    states: tuple[MartState, ...]
    last_run: FinishedRun | None
    running: RunRecord | None = None
    abandoned: tuple[RunRecord, ...] = ()

    @property
    def stale(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states if s.stale)

    @property
    def regressions(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states if s.regression)

    def as_dict(self) -> dict[str, object]:
        run = self.last_run
        return {
            "views": [v.as_dict() for v in run.views] if run else [],
            "run_id": run.run_id if run else None,
            "run_status": run.status if run else None,
            "finished_at": run.finished_at if run else None,
            "running": self.running,
            "abandoned": list(self.abandoned),
            "count": len(self.states),
            "stale": list(self.stale),
            "regressions": list(self.regressions),
        }

    def __str__(self) -> str:
        text = f"{len(self.states)} marts, {len(self.stale)} stale"
        if self.running is not None:
            text += f"; refreshing now: {self.running.describe()}"
        if self.abandoned:
            text += "; abandoned (died mid-way): " + ", ".join(
                f"run {r.run_id}" for r in self.abandoned
            )
        run = self.last_run
        if run is None:
            return f"{text}; never refreshed by cfbops" if not self.running else text
        counts = ", ".join(
            f"{n} {status.value}"
            for status in MartStatus
            if (n := sum(1 for v in run.views if v.status is status))
        )
        when = f" at {run.finished_at:%Y-%m-%d %H:%M}" if run.finished_at else ""
        text += f"; last run {run.run_id}{when} {run.status}: {counts or 'nothing'}"
        if self.regressions:
            text += f"; slower than usual: {', '.join(self.regressions)}"
        return text


def marts_overview(conn: psycopg.Connection) -> MartsOverview:
    """Read-only."""
    runs = recent_runs(conn)
    return MartsOverview(
        states=read_mart_states(conn),
        last_run=runs.last,
        running=runs.running,
        abandoned=runs.abandoned,
    )
