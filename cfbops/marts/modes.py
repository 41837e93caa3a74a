"""How each mart of a run is refreshed, and why: CONCURRENTLY where a reader may wait on it,
plainly where only marts the same run refreshes after it read it (they wait on the run's
order anyway, and a plain REFRESH skips CONCURRENTLY's duplicate check and diff)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import psycopg

from cfbops.marts.catalog import Mart
from cfbops.marts.history import history_exists
from cfbops.marts.models import AppliedMode, RefreshMode

# Through to_jsonb, so a database migrated before V0310 (no read_by_apps column) reads none.
READ_BY_APPS_SQL = """
SELECT mart, (to_jsonb(s) ->> 'read_by_apps')::boolean FROM ops.mart_setting AS s
WHERE to_jsonb(s) ->> 'read_by_apps' IS NOT NULL
"""


@dataclass(frozen=True, slots=True)
class ModeChoice:
    mode: AppliedMode
    reason: str


def read_by_apps(conn: psycopg.Connection) -> Mapping[str, bool]:
    """ops.mart_setting's word on which marts apps read directly (absent: the catalog's)."""
    if not history_exists(conn):
        return {}
    return dict(conn.execute(READ_BY_APPS_SQL).fetchall())


def choose_mode(
    mart: Mart,
    mode: RefreshMode,
    *,
    view_readers: Collection[str] = (),
    mart_readers: Collection[str] = (),
    refreshed_in_run: Collection[str] = (),
    apps: bool | None = None,
) -> ModeChoice:
    """--mode wins; auto picks CONCURRENTLY unless no reader outside the run can wait."""
    if mode is RefreshMode.PLAIN:
        return ModeChoice(AppliedMode.PLAIN, "--mode plain")
    if mode is RefreshMode.CONCURRENT:
        return ModeChoice(AppliedMode.CONCURRENT, "--mode concurrent")
    if not mart.populated:
        return ModeChoice(AppliedMode.PLAIN, "not populated yet: CONCURRENTLY is not possible")
    if not mart.has_unique_index:
        return ModeChoice(
            AppliedMode.PLAIN, "no unique index on plain columns: CONCURRENTLY is not possible"
        )
    if apps:
        return ModeChoice(AppliedMode.CONCURRENT, "apps read it (ops.mart_setting)")
    if view_readers:
        return ModeChoice(AppliedMode.CONCURRENT, f"read by {_names(view_readers)}")
    not_in_run = set(mart_readers) - set(refreshed_in_run)
    if not_in_run:
        return ModeChoice(
            AppliedMode.CONCURRENT,
            f"read by {_names(not_in_run)}, which this run does not refresh",
        )
    if mart_readers:
        return ModeChoice(
            AppliedMode.PLAIN,
            f"only marts this run refreshes after it read it ({_names(mart_readers)})",
        )
    if apps is False:
        return ModeChoice(
            AppliedMode.PLAIN, "no view or mart reads it, no app either (ops.mart_setting)"
        )
    return ModeChoice(AppliedMode.CONCURRENT, "no view or mart reads it: apps may query it")


def _names(names: Collection[str], shown: int = 2) -> str:
    ordered = sorted(names)
    more = len(ordered) - shown
    return ", ".join(ordered[:shown]) + (f" and {more} more" if more > 0 else "")
