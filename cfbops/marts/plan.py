"""Which marts a run refreshes, in what order, how, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import psycopg

from cfbops.errors import UsageError
from cfbops.marts.catalog import Mart, MartCatalog
from cfbops.marts.graph import MartGraph
from cfbops.marts.history import history_exists, last_inputs, last_refreshes
from cfbops.marts.models import PlannedMart, RefreshMode, RefreshPlan
from cfbops.marts.modes import choose_mode, read_by_apps
from cfbops.marts.selection import select_marts
from cfbops.marts.staleness import changed_inputs, mart_signature, read_signatures

MART_TIMEOUTS_SQL = """
SELECT mart, (extract(epoch FROM statement_timeout) * 1000)::bigint::text
FROM ops.mart_setting
WHERE statement_timeout IS NOT NULL
"""
# Through to_jsonb, so a database migrated before V0270 (no work_mem column) reads none.
MART_WORK_MEM_SQL = """
SELECT mart, to_jsonb(s) ->> 'work_mem' FROM ops.mart_setting AS s
WHERE to_jsonb(s) ->> 'work_mem' IS NOT NULL
"""


ANALYZED_SQL = """
SELECT oid FROM unnest(%s::oid[]) AS oid
WHERE pg_stat_get_last_analyze_time(oid) IS NOT NULL
   OR pg_stat_get_last_autoanalyze_time(oid) IS NOT NULL
"""


def plan_refresh(
    conn: psycopg.Connection,
    catalog: MartCatalog,
    selection: Sequence[str] = (),
    *,
    stale_only: bool = False,
    mode: RefreshMode = RefreshMode.AUTO,
    statement_timeout: str = "0",
) -> RefreshPlan:
    """The marts `selection` names, in refresh order, each marked refresh-or-fresh."""
    check_timeout(conn, statement_timeout)
    graph = MartGraph.from_catalog(catalog)
    order = graph.refresh_order(select_marts(graph, selection))
    warnings = list(catalog.warnings)
    tracked = _counters_tracked(conn)
    own_changes = (
        stale_reasons(conn, catalog, order) if tracked else dict.fromkeys(order, "untracked")
    )
    if stale_only:
        reasons = own_changes
        if not tracked:
            warnings.append("track_counts is off: every mart counts as stale")
            reasons = {name: "track_counts is off" for name in order}
    else:
        reasons = {name: "selected" for name in order}
    unchanged = _unchanged_contents(graph, order, own_changes)
    analyzed = _analyzed(conn, [catalog.marts[name].oid for name in order])
    known_rows = {name: last.rows for name, last in last_refreshes(conn).items()}
    timeouts = _mart_timeouts(conn)
    work_mems = _mart_work_mem(conn)
    apps = read_by_apps(conn)
    refreshing: dict[str, str] = {}  # mart -> why it is refreshed, in refresh order
    waits: dict[str, tuple[str, ...]] = {}
    for name in order:
        ancestors = graph.ancestors(name)
        waits[name] = tuple(a for a in order if a in ancestors and a in refreshing)
        reason = reasons.get(name)
        if reason is None and waits[name]:
            reason = f"upstream {waits[name][-1]} is refreshed in this run"
        if reason is not None:
            refreshing[name] = reason
    planned: list[PlannedMart] = []
    for name in order:
        choice = (
            choose_mode(
                catalog.marts[name],
                mode,
                view_readers=catalog.view_readers.get(name, ()),
                mart_readers=catalog.mart_readers(name),
                refreshed_in_run=refreshing,
                apps=apps.get(name),
            )
            if name in refreshing
            else None
        )
        planned.append(
            PlannedMart(
                name=name,
                refresh=choice is not None,
                mode=choice.mode if choice else None,
                reason=refreshing.get(name, "inputs unchanged since its last refresh"),
                statement_timeout=timeouts.get(name, statement_timeout),
                waits_for=waits[name] if choice else (),
                work_mem=work_mems.get(name),
                mode_reason=choice.reason if choice else "",
                # Same inputs, same contents: the statistics of the last ANALYZE still hold.
                analyze=not (
                    name in unchanged
                    and catalog.marts[name].oid in analyzed
                    and known_rows.get(name) is not None
                ),
                known_rows=known_rows.get(name),
            )
        )
    _refuse_impossible_concurrent(catalog, planned, mode)
    return RefreshPlan(
        marts=tuple(planned),
        selection=tuple(selection),
        stale_only=stale_only,
        mode=mode,
        warnings=tuple(warnings),
    )


def why_not_concurrent(mart: Mart) -> str | None:
    if not mart.populated:
        return "not populated yet"
    if not mart.has_unique_index:
        return "no unique index on plain columns without WHERE"
    return None


def stale_reasons(
    conn: psycopg.Connection, catalog: MartCatalog, names: Sequence[str]
) -> dict[str, str | None]:
    """Why each mart is stale (None: its inputs have not changed since its last refresh)."""
    stored = last_inputs(conn, names)
    roots = {oid for name in names for oid in catalog.input_oids(name)}
    by_root = read_signatures(conn, roots)
    reasons: dict[str, str | None] = {}
    for name in names:
        if not catalog.marts[name].populated:
            reasons[name] = "not populated"
            continue
        changed = changed_inputs(
            stored.get(name), mart_signature(by_root, catalog.input_oids(name))
        )
        if changed is None:
            reasons[name] = "no refresh by cfbops on record"
        elif changed:
            shown = ", ".join(changed[:3]) + (
                f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            )
            reasons[name] = f"changed: {shown}"
        else:
            reasons[name] = None
    return reasons


def _unchanged_contents(
    graph: MartGraph, order: Sequence[str], own_changes: Mapping[str, str | None]
) -> set[str]:
    """The marts whose inputs, and the inputs of every mart upstream of them in `order`,
    are as they were at their last refresh by cfbops: refreshing them changes nothing."""
    unchanged: set[str] = set()
    for name in order:  # upstream first
        upstream = graph.upstream[name] & set(order)
        if own_changes.get(name) is None and upstream <= unchanged:
            unchanged.add(name)
    return unchanged


def _analyzed(conn: psycopg.Connection, oids: Sequence[int]) -> set[int]:
    """Those of `oids` that ANALYZE (or autovacuum's) has gathered statistics for."""
    rows = conn.execute(ANALYZED_SQL, (list(oids),)).fetchall()
    return {int(row[0]) for row in rows}


def check_timeout(conn: psycopg.Connection, value: str) -> None:
    """Refuse a statement timeout PostgreSQL would not accept, before anything runs."""
    try:
        with conn.transaction():
            conn.execute("SELECT set_config('statement_timeout', %s, true)", (value,))
    except psycopg.errors.DataError as exc:
        raise UsageError(
            f"statement timeout {value!r} is not a duration PostgreSQL accepts "
            f"({exc.diag.message_primary}); use e.g. 90s, 10min or 0 for none"
        ) from None


def _counters_tracked(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT current_setting('track_counts')::boolean").fetchone()
    return bool(row and row[0])


def _mart_timeouts(conn: psycopg.Connection) -> Mapping[str, str]:
    if not history_exists(conn):
        return {}
    return dict(conn.execute(MART_TIMEOUTS_SQL).fetchall())


def _mart_work_mem(conn: psycopg.Connection) -> Mapping[str, str]:
    if not history_exists(conn):
        return {}
    return dict(conn.execute(MART_WORK_MEM_SQL).fetchall())


def _refuse_impossible_concurrent(
    catalog: MartCatalog, planned: Sequence[PlannedMart], mode: RefreshMode
) -> None:
    if mode is not RefreshMode.CONCURRENT:
        return
    problems = [
        f"{p.name} ({reason})"
        for p in planned
        if p.refresh and (reason := why_not_concurrent(catalog.marts[p.name]))
    ]
    if problems:
        raise UsageError(
            "--mode concurrent cannot refresh " + "; ".join(problems) + "; use --mode auto"
        )
