"""What the database holds of the file's rows, read before anything is written: the
import compares the file with it, so a dry run needs nothing but reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg

from cfbops.nfl.fast6.statements import sql

# A pick's natural key: the user's name key, the week's season and number, the player.
PickKey = tuple[str, int, int, str]
# A player_stats row's key: player name, season, team.
StatsKey = tuple[str, int, str]


@dataclass(frozen=True, slots=True)
class StoredUser:
    email: str | None
    is_admin: bool
    group_id: int | None
    base_bet: Decimal | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredResult:
    actual_scorer: str | None
    is_correct: bool
    any_time_td: bool
    actual_return: Decimal | None
    graded_at: datetime


@dataclass(frozen=True, slots=True)
class StoredPick:
    game_id: str
    team: str
    odds: Decimal | None
    theoretical_return: Decimal | None
    created_at: datetime
    position: str | None
    result: StoredResult | None


@dataclass(frozen=True, slots=True)
class GradedPick:
    """A graded pick as the touchdown counters count it."""

    team: str
    game_id: str
    is_correct: bool
    any_time_td: bool


@dataclass(frozen=True, slots=True)
class DatabaseState:
    name_keys: dict[str, str]  # a file user's name → its name key
    users: dict[str, StoredUser]  # name key → the user stored under it
    weeks: dict[tuple[int, int], tuple[Any, ...]]  # (season, week) → (started, ended, created)
    games: dict[str, tuple[int, int, str, str]]  # id → (season, week, home, away)
    picks: dict[PickKey, StoredPick]
    player_stats: dict[StatsKey, tuple[Any, ...]]
    graded: dict[PickKey, GradedPick]


def read_state(
    conn: psycopg.Connection, user_names: Iterable[str], stats_keys: Iterable[StatsKey]
) -> DatabaseState:
    name_keys: dict[str, str] = {}
    users: dict[str, StoredUser] = {}
    # Ordered by id: with duplicates left from before users_name_key, the earliest wins.
    for name, key, user_id, *stored in conn.execute(
        sql("user_names"), {"names": sorted(set(user_names))}
    ):
        name_keys[name] = key
        if user_id is not None:
            users.setdefault(key, StoredUser(*stored))
    weeks = {
        (r[0], r[1]): tuple(r[2:])
        for r in conn.execute(
            "SELECT season, week, started_at, ended_at, created_at FROM nfl.weeks"
        )
    }
    games = {
        r[0]: (r[1], r[2], r[3], r[4])
        for r in conn.execute("SELECT id, season, week, home_team, away_team FROM nfl.games")
    }
    picks: dict[PickKey, StoredPick] = {}
    graded: dict[PickKey, GradedPick] = {}
    for row in conn.execute(sql("user_picks"), {"name_keys": sorted(set(name_keys.values()))}):
        key, pick = (row[0], row[1], row[2], row[3]), row[4:10]
        result = StoredResult(*row[11:]) if row[10] else None
        picks[key] = StoredPick(*pick, result)
        if result is not None:
            graded[key] = GradedPick(pick[1], pick[0], result.is_correct, result.any_time_td)
    keys = sorted(set(stats_keys))
    columns = {"player_name": [k[0] for k in keys], "season": [k[1] for k in keys]}
    columns["team"] = [k[2] for k in keys]
    for row in conn.execute(sql("graded_picks_of_players"), columns):
        graded.setdefault((row[0], row[1], row[2], row[3]), GradedPick(*row[4:]))
    player_stats = {
        (r[0], r[1], r[2]): tuple(r[3:]) for r in conn.execute(sql("player_stats_of"), columns)
    }
    return DatabaseState(name_keys, users, weeks, games, picks, player_stats, graded)
