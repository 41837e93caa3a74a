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
            sql.SQL(
                "CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING DEFAULTS)"
                " ON COMMIT DELETE ROWS"
            ).format(staging, target)
        )
        made.add(table[1])
    with (
        conn.cursor() as cur,
        cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, cols)) as copy,
    ):
        for row in rows:
            copy.write_row(row)
    updates = sql.SQL(", ").join(
        sql.SQL("{} = EXCLUDED.{}").format(sql.Identifier(c), sql.Identifier(c))
        for c in column_names
        if c not in key
    )
    # DISTINCT ON: one answer may repeat a key (split answers overlap); ON CONFLICT may
    # touch a row only once per statement.
    merged = conn.execute(
        sql.SQL(
            "INSERT INTO {target} ({cols}) SELECT DISTINCT ON ({keys}) {cols} FROM {staging}"
            " ON CONFLICT ({keys}) DO UPDATE SET {updates}"
        ).format(target=target, cols=cols, keys=keys, staging=staging, updates=updates)
    )
    return merged.rowcount
