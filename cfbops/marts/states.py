"""Every mart as the console shows it: last refresh, trend, and whether it is stale now."""

from __future__ import annotations

import psycopg

from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.marts.catalog import read_catalog
from cfbops.marts.graph import MartGraph
from cfbops.marts.history import last_refreshes
from cfbops.marts.models import MartState
from cfbops.marts.plan import stale_reasons


def mart_states(settings: Settings) -> tuple[MartState, ...]:
    """Read-only: no lock taken, nothing written."""
    with connect(settings, application_name="cfbops marts") as conn:
        return read_mart_states(conn)


def read_mart_states(conn: psycopg.Connection) -> tuple[MartState, ...]:
    """Each mart in refresh order; stale when its inputs changed or an upstream mart is stale."""
    catalog = read_catalog(conn)
    graph = MartGraph.from_catalog(catalog)
    order = graph.refresh_order()
    own = stale_reasons(conn, catalog, order)
    history = last_refreshes(conn)
    reasons: dict[str, str | None] = {}
    states: list[MartState] = []
    for name in order:
        reason = own[name]
        if reason is None:
            stale_upstream = [u for u in order if u in graph.upstream[name] and reasons[u]]
            if stale_upstream:
                reason = f"upstream {stale_upstream[0]} is stale"
        reasons[name] = reason
        mart = catalog.marts[name]
        last = history.get(name)
        states.append(
            MartState(
                name=name,
                populated=mart.populated,
                concurrent_ok=mart.concurrent_ok,
                stale=reason is not None,
                stale_reason=reason or "",
                last_refreshed_at=last.started_at if last else None,
                last_duration_ms=last.duration_ms if last else None,
                last_rows=last.rows if last else None,
                median_ms=last.median_ms if last else None,
                regression=last.regression if last else False,
                upstream=tuple(sorted(graph.upstream[name])),
            )
        )
    return tuple(states)
