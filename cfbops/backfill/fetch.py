"""What one item asks the API and how its answer becomes rows: one call per game for play
stats (split per team when the 2,000-row cap truncates it), one per season for havoc."""

from __future__ import annotations

from typing import Any

import psycopg

from cfbops.backfill.rows import HAVOC_FIELDS, HAVOC_KEY, PLAY_STAT_FIELDS, PLAY_STAT_KEY, mapper
from cfbops.cfbd.client import CallRecorder, CfbdClient
from cfbops.cfbd.errors import ItemFailed

# /plays/stats returns at most this many rows, unordered and unpaged: an answer this long
# is truncated and must never be stored as the whole game.
ROW_CAP = 2000

# Each item's first request: the endpoint, and the parameter that carries the item's key
# (the claim books this call before the worker makes it).
PLAY_STATS_REQUEST = ("/plays/stats", "gameId")
HAVOC_REQUEST = ("/stats/game/havoc", "year")


def fetch_play_stats(
    conn: psycopg.Connection,
    client: CfbdClient,
    recorder: CallRecorder,
    game_id: int,
    load_id: str,
) -> list[tuple[Any, ...]]:
    to_rows = mapper(PLAY_STAT_FIELDS, PLAY_STAT_KEY, load_id)
    endpoint, param = PLAY_STATS_REQUEST
    body = client.get(endpoint, {param: game_id}, recorder)
    if not (isinstance(body, list) and len(body) >= ROW_CAP):
        return _for_game(to_rows(body), game_id)
    teams = conn.execute(
        "SELECT home_team, away_team FROM core.games WHERE id = %s", (game_id,)
    ).fetchone()
    if teams is None:
        raise ItemFailed(f"game {game_id} is no longer in core.games")
    if teams[0] == teams[1]:
        # School names are not unique (about 35 are shared) and `team` is a name.
        raise ItemFailed(
            f"truncated at {ROW_CAP:,} rows and both teams are named {teams[0]!r}: "
            "a per-team split cannot tell them apart; not stored",
            retryable=False,  # asking again would only spend the same call again
        )
    rows: list[tuple[Any, ...]] = []
    for team in teams:
        part = client.get("/plays/stats", {"gameId": game_id, "team": team}, recorder)
        if isinstance(part, list) and len(part) >= ROW_CAP:
            raise ItemFailed(
                f"{team}'s play stats alone reach the {ROW_CAP:,}-row cap: truncated, not stored",
                retryable=False,
            )
        rows.extend(_for_game(to_rows(part), game_id))
    return rows


def _for_game(rows: list[tuple[Any, ...]], game_id: int) -> list[tuple[Any, ...]]:
    for index, row in enumerate(rows):
        if row[0] != game_id:
            raise ItemFailed(f"row {index} is for game {row[0]}, not the game asked for")
    return rows


def fetch_havoc(
    conn: psycopg.Connection,
    client: CfbdClient,
    recorder: CallRecorder,
    season: int,
    load_id: str,
) -> list[tuple[Any, ...]]:
    rows = mapper(HAVOC_FIELDS, HAVOC_KEY, load_id)(
        client.get(HAVOC_REQUEST[0], {HAVOC_REQUEST[1]: season}, recorder)
    )
    # Games the warehouse does not hold would break the foreign key at commit.
    known = {r[0] for r in conn.execute("SELECT id FROM core.games WHERE season = %s", (season,))}
    return [row for row in rows if row[0] in known]
