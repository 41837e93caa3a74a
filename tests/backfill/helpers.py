"""What the backfill tests check against: the stand-in's answer for each game."""

from __future__ import annotations

import psycopg

from cfbops.demo.cfbd_standin import StandIn

SEASON = 2024  # the tiny dataset's season without play stats


def games_to_load(conn: psycopg.Connection, season: int = SEASON) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM core.games g WHERE completed AND season = %s"
            " AND home_team <> away_team AND NOT EXISTS"
            " (SELECT 1 FROM stats.play_stats ps WHERE ps.game_id = g.id) ORDER BY id",
            (season,),
        )
    ]


def expected_rows(standin: StandIn, game_id: int) -> int:
    return (
        len(standin.play_stats({"gameId": str(game_id)}) or [])
        if game_id not in (standin.big_games)
        else 2600
    )


def rows_per_game(conn: psycopg.Connection, season: int = SEASON) -> dict[int, int]:
    return dict(
        conn.execute(
            "SELECT game_id, count(*) FROM stats.play_stats WHERE season = %s GROUP BY game_id",
            (season,),
        ).fetchall()
    )
