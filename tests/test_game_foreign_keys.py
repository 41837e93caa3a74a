"""The keys to core.games: upstream's names, deferred to COMMIT, validated; a dlt-style
merge passes under them and a real orphan still fails."""

from __future__ import annotations

import psycopg
import pytest

UPSTREAM_KEYS = {
    ("core.drives", "fk_drives_game"),
    ("betting.lines", "fk_lines_game"),
    ("stats.game_havoc", "fk_game_havoc_game"),
    ("stats.play_stats", "fk_play_stats_game"),
    ("metrics.pregame_win_probability", "fk_pregame_wp_game"),
}

KEYS_TO_GAMES = """
SELECT conrelid::regclass::text, conname, condeferrable, condeferred, convalidated
FROM pg_constraint
WHERE contype = 'f' AND confrelid = 'core.games'::regclass
"""


def test_the_game_keys_carry_upstreams_names_deferred_and_validated(db_conn) -> None:
    keys = {(row[0], row[1]): row[2:] for row in db_conn.execute(KEYS_TO_GAMES)}
    partitions = [
        row[0]
        for row in db_conn.execute(
            "SELECT relid::text FROM pg_partition_tree('core.plays') WHERE isleaf"
        )
    ]

    assert set(keys) >= UPSTREAM_KEYS
    # plays: a key on every season's partition and on the parent, which upstream never had
    assert {(p, "fk_plays_game") for p in partitions} | {("core.plays", "fk_plays_game")} == (
        set(keys) - UPSTREAM_KEYS
    )
    assert len(partitions) == 23 and "core.plays_y2004" in partitions
    assert set(keys.values()) == {(True, True, True)}  # deferrable, deferred, validated


def test_a_dlt_merge_re_inserts_a_game_and_its_drives_in_one_transaction(db) -> None:
    with db.connect(autocommit=False) as conn:
        game_id, drives, plays = conn.execute(
            "SELECT g.id, count(DISTINCT d.id), (SELECT count(*) FROM core.plays p"
            "                                     WHERE p.game_id = g.id)"
            " FROM core.games g JOIN core.drives d ON d.game_id = g.id"
            " GROUP BY g.id ORDER BY g.id LIMIT 1"
        ).fetchone()
        conn.execute(
            "CREATE TEMP TABLE merged_game AS SELECT * FROM core.games WHERE id = %s", (game_id,)
        )
        conn.execute(
            "CREATE TEMP TABLE merged_drives AS SELECT * FROM core.drives WHERE game_id = %s",
            (game_id,),
        )
        # merge jobs run per table in any order: the parent goes first, its children still there
        conn.execute("DELETE FROM core.games WHERE id = %s", (game_id,))
        conn.execute("INSERT INTO core.games SELECT * FROM merged_game")
        conn.execute("DELETE FROM core.drives WHERE game_id = %s", (game_id,))
        conn.execute("INSERT INTO core.drives SELECT * FROM merged_drives")
        conn.commit()

        after = conn.execute(
            "SELECT (SELECT count(*) FROM core.games WHERE id = %(g)s),"
            "       (SELECT count(*) FROM core.drives WHERE game_id = %(g)s),"
            "       (SELECT count(*) FROM core.plays WHERE game_id = %(g)s)",
            {"g": game_id},
        ).fetchone()

    assert drives > 0 and plays > 0
    assert after == (1, drives, plays)


@pytest.mark.parametrize(
    "orphan",
    [
        "INSERT INTO core.drives (id, game_id, _dlt_load_id, _dlt_id)"
        " VALUES ('999999', 1, 'l', 'orphan-drive')",
        "INSERT INTO core.plays (id, game_id, season, _dlt_load_id, _dlt_id)"
        " VALUES ('999999', 1, 2025, 'l', 'orphan-play')",
        "INSERT INTO betting.lines (game_id, provider, _dlt_load_id, _dlt_id)"
        " VALUES (1, 'nobody', 'l', 'orphan-line')",
    ],
    ids=["drive", "play", "line"],
)
def test_a_real_orphan_still_fails_at_commit(db, orphan: str) -> None:
    with db.connect(autocommit=False) as conn:
        assert conn.execute("SELECT count(*) FROM core.games WHERE id = 1").fetchone()[0] == 0
        conn.execute(orphan)  # deferred: accepted for now
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            conn.commit()


def test_deleting_a_game_for_good_fails_at_commit_while_its_drives_remain(db) -> None:
    with db.connect(autocommit=False) as conn:
        game_id = conn.execute("SELECT min(game_id) FROM core.drives").fetchone()[0]
        conn.execute("DELETE FROM core.games WHERE id = %s", (game_id,))
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            conn.commit()
    with db.connect() as conn:
        assert (
            conn.execute("SELECT count(*) FROM core.games WHERE id = %s", (game_id,)).fetchone()[0]
            == 1
        )
