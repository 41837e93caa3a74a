"""Builders for small picks-game worlds, and an oracle for the counters they keep."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import psycopg

POINTS_FIRST_TD = 3
POINTS_ANY_TIME_TD = 1


@dataclass(frozen=True, slots=True)
class World:
    """Two seasons, two weeks each, one game per week (KC at BUF / BUF at KC)."""

    users: tuple[int, ...]
    weeks: dict[tuple[int, int], int]
    games: dict[tuple[int, int], str]


# The test databases hold the demo dataset's picks game; a world starts without it.
PICKS_GAME_TABLES = (
    "nfl.results, nfl.picks, nfl.player_stats, nfl.user_season_totals, nfl.games,"
    " nfl.weeks, nfl.users, nfl.rosters"
)


def build_world(conn: psycopg.Connection, users: int = 4) -> World:
    # CASCADE: tables of later migrations that refer to games (touchdowns, market odds)
    # go too; a world starts from nothing.
    conn.execute(f"TRUNCATE {PICKS_GAME_TABLES} RESTART IDENTITY CASCADE")
    user_ids = tuple(
        conn.execute(
            "INSERT INTO nfl.users (name, email) VALUES (%s, %s) RETURNING id",
            (f"user {n}", f"user{n}@example.test"),
        ).fetchone()[0]
        for n in range(1, users + 1)
    )
    weeks: dict[tuple[int, int], int] = {}
    games: dict[tuple[int, int], str] = {}
    for season in (2024, 2025):
        for week in (1, 2):
            weeks[season, week] = conn.execute(
                "INSERT INTO nfl.weeks (season, week) VALUES (%s, %s) RETURNING id",
                (season, week),
            ).fetchone()[0]
            away, home = ("KC", "BUF") if week == 1 else ("BUF", "KC")
            game_id = f"{season}_{week:02d}_{away}_{home}"
            conn.execute(
                "INSERT INTO nfl.games (id, season, week, home_team, away_team, status)"
                " VALUES (%s, %s, %s, %s, %s, 'final')",
                (game_id, season, week, home, away),
            )
            games[season, week] = game_id
    return World(users=user_ids, weeks=weeks, games=games)


def add_pick(
    conn: psycopg.Connection,
    world: World,
    user: int,
    season: int,
    week: int,
    player: str,
    team: str = "KC",
    position: str | None = "WR",
) -> int:
    return conn.execute(
        "INSERT INTO nfl.picks (user_id, week_id, game_id, team, player_name, position)"
        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
        (
            world.users[user],
            world.weeks[season, week],
            world.games[season, week],
            team,
            player,
            position,
        ),
    ).fetchone()[0]


def grade(
    conn: psycopg.Connection, pick_id: int, is_correct: bool, any_time_td: bool | None = None
) -> int:
    any_time = is_correct if any_time_td is None else any_time_td
    return conn.execute(
        "INSERT INTO nfl.results (pick_id, is_correct, any_time_td) VALUES (%s, %s, %s)"
        " RETURNING id",
        (pick_id, is_correct, any_time),
    ).fetchone()[0]


def player_counters(conn: psycopg.Connection) -> dict[tuple[str, int, str], tuple[int, int]]:
    """(player, season, team) -> (first_td_count, any_time_td_count), zero rows left out."""
    rows = conn.execute(
        "SELECT player_name, season, team, first_td_count, any_time_td_count"
        " FROM nfl.player_stats WHERE first_td_count > 0 OR any_time_td_count > 0"
    ).fetchall()
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}


def season_totals(conn: psycopg.Connection) -> dict[tuple[int, int], tuple[int, ...]]:
    """(season, user_id) -> (picks, graded, correct, any_time, points), zero rows left out."""
    rows = conn.execute(
        "SELECT season, user_id, picks, graded_picks, correct_picks, any_time_picks, points"
        " FROM nfl.user_season_totals WHERE picks > 0"
    ).fetchall()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def expected_counters(
    conn: psycopg.Connection,
) -> tuple[dict[tuple[str, int, str], tuple[int, int]], dict[tuple[int, int], tuple[int, ...]]]:
    """The counters recomputed in Python from the raw picks and results."""
    rows = conn.execute(
        "SELECT p.player_name, w.season, p.team, p.game_id, p.user_id,"
        "       r.id IS NOT NULL, coalesce(r.is_correct, false), coalesce(r.any_time_td, false)"
        "  FROM nfl.picks p JOIN nfl.weeks w ON w.id = p.week_id"
        "  LEFT JOIN nfl.results r ON r.pick_id = p.id"
    ).fetchall()
    first_games: dict[tuple[str, int, str], set[str]] = defaultdict(set)
    any_games: dict[tuple[str, int, str], set[str]] = defaultdict(set)
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for player, season, team, game, user, graded, correct, any_time in rows:
        key = (player, season, team)
        if correct:
            first_games[key].add(game)
        if correct or any_time:
            any_games[key].add(game)
        total = totals[season, user]
        total[0] += 1
        total[1] += graded
        total[2] += correct
        total[3] += correct or any_time
        total[4] += POINTS_FIRST_TD * correct + POINTS_ANY_TIME_TD * any_time
    players = {
        key: (len(first_games[key]), len(any_games[key]))
        for key in set(first_games) | set(any_games)
    }
    return players, {key: tuple(v) for key, v in totals.items()}


def assert_counters_exact(conn: psycopg.Connection) -> None:
    players, totals = expected_counters(conn)
    assert player_counters(conn) == players
    assert season_totals(conn) == totals
