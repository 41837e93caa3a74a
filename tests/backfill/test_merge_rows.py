"""The backfill's write: rows reach their table once per key whether or not some are stored
already, and what rides with them (the item's state, the ledger) commits once with them."""

from __future__ import annotations

import psycopg

from cfbops.backfill.load import merge_rows
from cfbops.backfill.rows import PLAY_STAT_FIELDS, PLAY_STAT_KEY, columns
from tests.conftest import DatabaseUnderTest

TABLE = ("stats", "play_stats")
COLS = columns(PLAY_STAT_FIELDS)
STAT = COLS.index("stat")


def _a_games_rows(conn: psycopg.Connection) -> tuple[int, list[tuple]]:
    game_id = conn.execute("SELECT min(game_id) FROM stats.play_stats").fetchone()[0]
    cols = ", ".join(COLS)
    rows = conn.execute(f"SELECT {cols} FROM stats.play_stats WHERE game_id = %s", (game_id,))
    stored = rows.fetchall()
    conn.execute("DELETE FROM stats.play_stats WHERE game_id = %s", (game_id,))
    conn.execute("CREATE TABLE public.rider_log (merged int)")
    return game_id, stored


def _stored(conn: psycopg.Connection, game_id: int) -> dict[tuple, int]:
    keys = ", ".join(PLAY_STAT_KEY)
    found = conn.execute(
        f"SELECT {keys}, count(*), max(stat) FROM stats.play_stats WHERE game_id = %s"
        f" GROUP BY {keys}",
        (game_id,),
    ).fetchall()
    assert all(row[4] == 1 for row in found), "a key stored twice"
    return {row[:4]: row[5] for row in found}


def _merge(conn: psycopg.Connection, rows: list[tuple]) -> int:
    return merge_rows(
        conn,
        TABLE,
        COLS,
        PLAY_STAT_KEY,
        rows,
        riders=lambda merged: [("INSERT INTO public.rider_log VALUES (%s)", [merged])],
    )


def test_new_rows_are_stored_once_with_their_rider(db: DatabaseUnderTest) -> None:
    with psycopg.connect(db.url, autocommit=True) as conn:
        game_id, rows = _a_games_rows(conn)
        assert _merge(conn, rows) == len(rows)
        assert len(_stored(conn, game_id)) == len(rows)
        assert conn.execute("SELECT merged FROM public.rider_log").fetchall() == [(len(rows),)]
        staged = conn.execute("SELECT count(*) FROM staging_play_stats").fetchone()[0]
        assert staged == 0


def test_rows_partly_stored_are_merged_not_doubled_and_the_rider_runs_once(
    db: DatabaseUnderTest,
) -> None:
    with psycopg.connect(db.url, autocommit=True) as conn:
        game_id, rows = _a_games_rows(conn)
        # Another loader stored every third row first, with an older figure.
        earlier = [(*row[:STAT], -1, *row[STAT + 1 :]) for row in rows[::3]]
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY stats.play_stats ({', '.join(COLS)}) FROM STDIN") as copy,
        ):
            for row in earlier:
                copy.write_row(row)
        assert _merge(conn, rows) == len(rows)
        stored = _stored(conn, game_id)
        assert len(stored) == len(rows)
        expected = {tuple(row[COLS.index(k)] for k in PLAY_STAT_KEY): row[STAT] for row in rows}
        assert stored == expected  # the answer's figures won, the older ones are gone
        assert conn.execute("SELECT merged FROM public.rider_log").fetchall() == [(len(rows),)]
        staged = conn.execute("SELECT count(*) FROM staging_play_stats").fetchone()[0]
        assert staged == 0
        # And once more, everything stored: still one row per key, one more rider.
        assert _merge(conn, rows) == len(rows)
        assert _stored(conn, game_id) == expected
        assert conn.execute("SELECT count(*) FROM public.rider_log").fetchone()[0] == 2
