"""Write mapped rows: COPY into a session's staging table, then one merge with ON CONFLICT,
so a re-run never stores a row twice."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

# Sessions that already hold their staging tables (created once per session, not per item).
_staged: weakref.WeakKeyDictionary[psycopg.Connection, set[str]] = weakref.WeakKeyDictionary()


def merge_rows(
    conn: psycopg.Connection,
    table: tuple[str, str],
    column_names: Sequence[str],
    key: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> int:
    """COPY `rows` into a temporary twin of `table` and merge them on `key`; returns the
    rows merged. Runs in the caller's transaction."""
    target = sql.Identifier(*table)
    staging = sql.Identifier(f"staging_{table[1]}")
    cols = sql.SQL(", ").join(map(sql.Identifier, column_names))
    keys = sql.SQL(", ").join(map(sql.Identifier, key))
    made = _staged.setdefault(conn, set())
    if table[1] not in made:
        conn.execute(
            sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING DEFAULTS)").format(
                staging, target
            )
        )
        made.add(table[1])
    # One row per key: an answer may repeat one (split answers overlap), and ON CONFLICT
    # may touch a row only once per statement. The last one wins, as in a dlt merge.
    at = [list(column_names).index(k) for k in key]
    unique = list({tuple(row[i] for i in at): row for row in rows}.values())
    with (
        conn.cursor() as cur,
        cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, cols)) as copy,
    ):
        for row in unique:
            copy.write_row(row)
    updates = sql.SQL(", ").join(
        sql.SQL("{} = EXCLUDED.{}").format(sql.Identifier(c), sql.Identifier(c))
        for c in column_names
        if c not in key
    )
    merged = conn.execute(
        sql.SQL(
            "INSERT INTO {target} ({cols}) SELECT {cols} FROM {staging}"
            " ON CONFLICT ({keys}) DO UPDATE SET {updates}"
        ).format(target=target, cols=cols, keys=keys, staging=staging, updates=updates)
    ).rowcount
    # Emptied by DELETE, not ON COMMIT DELETE ROWS: that truncates, and a truncate gives
    # the table a new file at every commit, which cost more than the merge itself.
    conn.execute(sql.SQL("DELETE FROM {}").format(staging))
    return merged
