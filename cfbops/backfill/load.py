"""Write mapped rows: COPY into a session's staging table, then one merge with ON CONFLICT,
so a re-run never stores a row twice."""

from __future__ import annotations

import contextlib
import functools
import operator
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

# Sessions that hold staging tables (created once per session, not per item), and the merges
# each has taken since its last VACUUM.
_staged: weakref.WeakKeyDictionary[psycopg.Connection, dict[str, int]] = weakref.WeakKeyDictionary()
# Emptied by DELETE, a staging table keeps its dead rows' pages (autovacuum never visits a
# temporary table), and every merge would scan more of them; a VACUUM this often gives
# them back (it is quick: every row is dead). A TRUNCATE per merge would make a new file
# each time, and ON COMMIT DELETE ROWS would need the COPY inside the merge's transaction,
# one round trip more.
VACUUM_EVERY = 50


# A data-modifying statement (with %s placeholders) and its parameters, to commit with the
# merged rows: it becomes one more WITH query of the merge's single statement.
Rider = tuple[str, Sequence[Any]]


def _nothing_else(merged: int) -> Sequence[Rider]:
    del merged
    return ()


def merge_rows(
    conn: psycopg.Connection,
    table: tuple[str, str],
    column_names: Sequence[str],
    key: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    riders: Callable[[int], Sequence[Rider]] = _nothing_else,
) -> int:
    """COPY `rows` into the session's temporary twin of `table`, then move them into `table`
    on `key` in one statement that also runs `riders(merged)` (what must commit with the
    rows: the item's state, its calls' ledger rows). Returns the rows merged. `conn` is in
    autocommit mode and outside any transaction: that statement is its transaction.

    The rows move first with a plain INSERT, and are merged with ON CONFLICT only when that
    fails on the key's unique index. A backfill writes games that have no rows yet, and
    ON CONFLICT's speculative insertion costs every row about a sixth of the write whether
    it conflicts or not; the unique index keeps either way from storing a key twice."""
    names = tuple(column_names)
    merges = _staged.setdefault(conn, {})
    if table[1] not in merges:
        conn.execute(_statements(table, names, tuple(key), ()).create)
    elif merges[table[1]] >= VACUUM_EVERY:
        conn.execute(_statements(table, names, tuple(key), ()).vacuum)
        merges[table[1]] = 0
    merges[table[1]] = merges.get(table[1], 0) + 1
    # One row per key: an answer may repeat one (split answers overlap), and ON CONFLICT
    # may touch a row only once per statement. The last one wins, as in a dlt merge.
    key_of = operator.itemgetter(*(names.index(k) for k in key))
    unique = list({key_of(row): row for row in rows}.values())
    # Every staged row inserts or updates exactly one row (keys are unique, the update has
    # no WHERE), so the count is known before the merge runs.
    riding = list(riders(len(unique)))
    statements = _statements(table, names, tuple(key), tuple(r[0] for r in riding))
    # The COPY commits on its own: the temporary table is this session's alone, and its
    # rows only reach `table` through the merge below, which empties it.
    with conn.cursor() as cur, cur.copy(statements.copy) as copy:
        for row in unique:
            copy.write_row(row)
    params = [v for r in riding for v in r[1]]
    try:
        # One statement, not BEGIN … COMMIT around several: on a busy machine each round
        # trip waits for the server's turn on a core, and a merge transaction of four
        # statements measured about three times slower than this single one.
        try:
            conn.execute(statements.insert, params)
        except psycopg.errors.UniqueViolation:
            # Some key is stored already (another loader, a concurrent run): that
            # statement was undone whole, riders included, and the staged rows are still
            # there. Merge them.
            conn.execute(statements.merge, params)
    except BaseException:
        # Rolled back: the staged rows are still there and must not ride on the next merge
        # (a lost session took them with it).
        with contextlib.suppress(psycopg.Error):
            conn.execute(statements.empty)
        raise
    return len(unique)


@dataclass(frozen=True, slots=True)
class _Statements:
    create: sql.SQL
    vacuum: sql.SQL
    copy: sql.SQL
    insert: sql.SQL
    merge: sql.SQL
    empty: sql.SQL


@functools.cache
def _statements(
    table: tuple[str, str],
    column_names: tuple[str, ...],
    key: tuple[str, ...],
    rider_texts: tuple[str, ...],
) -> _Statements:
    """The statements for one table, composed once: composing them per game cost about as
    much Python time as a plain COPY of the game's rows."""
    target = sql.Identifier(*table)
    staging = sql.Identifier(f"staging_{table[1]}")
    cols = sql.SQL(", ").join(map(sql.Identifier, column_names))
    updates = sql.SQL(", ").join(
        sql.SQL("{} = EXCLUDED.{}").format(sql.Identifier(c), sql.Identifier(c))
        for c in column_names
        if c not in key
    )
    moved = sql.SQL(
        "WITH moved AS (DELETE FROM {staging} RETURNING {cols}),"
        " merged AS (INSERT INTO {target} ({cols}) SELECT {cols} FROM moved"
    ).format(staging=staging, cols=cols, target=target)
    on_conflict = sql.SQL(" ON CONFLICT ({keys}) DO UPDATE SET {updates}").format(
        keys=sql.SQL(", ").join(map(sql.Identifier, key)), updates=updates
    )
    # A rider's text is one of cfbops' own constants (ledger, queue), never from input.
    with_riders = [
        sql.SQL(", {} AS ({})").format(sql.Identifier(f"rider_{n}"), sql.SQL(text))  # type: ignore[arg-type]
        for n, text in enumerate(rider_texts)
    ]
    # No RETURNING to count the rows: the count is known before the statement runs (see
    # merge_rows), and returning and counting them cost a tenth of the write.
    rest = [sql.SQL(")"), *with_riders, sql.SQL(" SELECT 1")]
    create = sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING DEFAULTS)")
    return _Statements(
        create=_rendered(create.format(staging, target)),
        vacuum=_rendered(sql.SQL("VACUUM {}").format(staging)),
        copy=_rendered(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, cols)),
        insert=_rendered(sql.Composed([moved, *rest])),
        merge=_rendered(sql.Composed([moved, on_conflict, *rest])),
        empty=_rendered(sql.SQL("DELETE FROM {}").format(staging)),
    )


def _rendered(statement: sql.Composed) -> sql.SQL:
    """A composed statement as plain text (its identifiers already quoted)."""
    return sql.SQL(statement.as_string())  # type: ignore[arg-type]
