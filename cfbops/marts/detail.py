"""One mart up close, for the console's drill-down: what it reads and what reads it, and
its recent refreshes with their durations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors
from cfbops.marts.catalog import read_catalog
from cfbops.marts.graph import MartGraph
from cfbops.marts.history import history_exists
from cfbops.marts.selection import resolve_name

HISTORY_LIMIT = 20

MART_HISTORY_SQL = """
SELECT m.run_id, m.started_at, m.status, m.mode, m.duration_ms, m.rows, m.error
FROM ops.mart_refresh AS m
WHERE m.mart = %(mart)s AND m.status <> 'fresh'
ORDER BY m.run_id DESC
LIMIT %(limit)s
"""


@dataclass(frozen=True, slots=True)
class MartRefresh:
    """One refresh of the mart (a fresh mart that was left alone is not one)."""

    run_id: int
    started_at: datetime | None
    status: str
    mode: str | None
    duration_ms: float | None
    rows: int | None
    error: str | None


@dataclass(frozen=True, slots=True)
class MartDetail:
    name: str
    reads: tuple[str, ...]  # direct inputs, marts and tables alike
    upstream: tuple[str, ...]  # every mart it depends on, however far up
    downstream: tuple[str, ...]  # every mart that depends on it
    history: tuple[MartRefresh, ...]  # newest first

    @property
    def durations_ms(self) -> tuple[float, ...]:
        """Successful refreshes' durations, oldest first (for a sparkline)."""
        return tuple(
            r.duration_ms
            for r in reversed(self.history)
            if r.status == "refreshed" and r.duration_ms is not None
        )


def mart_detail(settings: Settings, name: str, *, limit: int = HISTORY_LIMIT) -> MartDetail:
    """Read-only; `name` may be qualified or not, as `refresh --select` takes it."""
    with (
        one_line_database_errors("the mart could not be read"),
        connect(settings, application_name="cfbops mart detail") as conn,
    ):
        catalog = read_catalog(conn)
        graph = MartGraph.from_catalog(catalog)
        mart = resolve_name(graph, name)
        history: list[MartRefresh] = []
        if history_exists(conn):
            rows = conn.execute(MART_HISTORY_SQL, {"mart": mart, "limit": limit})
            history = [MartRefresh(*row) for row in rows]
    order = graph.refresh_order()
    return MartDetail(
        name=mart,
        reads=tuple(sorted(i.name for i in catalog.inputs.get(mart, ()))),
        upstream=tuple(n for n in order if n in graph.ancestors(mart)),
        downstream=tuple(n for n in order if n in graph.descendants(mart)),
        history=tuple(history),
    )
