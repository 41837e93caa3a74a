"""Every mart is a pure function of its inputs: the order rows are stored in changes
nothing, so a CONCURRENTLY refresh of unchanged data rewrites no row."""

from __future__ import annotations

import psycopg
from psycopg import sql

PLAN = "SELECT schema_name, mart_name FROM marts.refresh_plan ORDER BY depth, view_name"


def mart_checksums(conn: psycopg.Connection) -> dict[str, str]:
    sums = {}
    for schema, mart in conn.execute(PLAN).fetchall():
        sums[f"{schema}.{mart}"] = conn.execute(
            sql.SQL(
                "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
            ).format(sql.Identifier(schema, mart))
        ).fetchone()[0]
    return sums


def store_in_another_order(conn: psycopg.Connection, table: str) -> None:
    """Delete and re-insert every row, shuffled (generated columns are not copied)."""
    schema, name = table.split(".")
    columns = [
        row[0]
        for row in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass"
            " AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
            (table,),
        )
    ]
    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    held = sql.Identifier(f"shuffled_{name}")
    conn.execute(
        sql.SQL("CREATE TEMP TABLE {} AS SELECT * FROM {}").format(
            held, sql.Identifier(schema, name)
        )
    )
    conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(schema, name)))
    conn.execute(
        sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ORDER BY md5(_dlt_id)").format(
            sql.Identifier(schema, name), names, names, held
        )
    )


def test_marts_rebuilt_from_reordered_inputs_are_identical(db_conn) -> None:
    before = mart_checksums(db_conn)

    for table in ("core.plays", "stats.play_stats", "recruiting.recruits", "core.roster"):
        store_in_another_order(db_conn, table)
    failed = db_conn.execute(
        "SELECT view_name, status FROM marts.refresh_all() WHERE status NOT LIKE 'OK%'"
    ).fetchall()

    assert failed == []
    assert mart_checksums(db_conn) == before


def test_no_mart_column_holds_a_float_aggregated_from_epa(db_conn) -> None:
    # EPA sums and averages are exact numerics: a float sum depends on row order
    floats = db_conn.execute(
        "SELECT c.relname, a.attname FROM pg_attribute a"
        " JOIN pg_class c ON c.oid = a.attrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname IN ('marts', 'scouting') AND c.relkind = 'm' AND a.attnum > 0"
        "   AND a.atttypid = 'double precision'::regtype AND a.attname LIKE '%epa%'"
    ).fetchall()

    assert floats == []
