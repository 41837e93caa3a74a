"""Havoc coverage: a season should hold two rows (one per team) for each completed game
with an FBS team; the data-quality checks read the gaps."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

GAPS_SQL = """
WITH expected AS (
    SELECT g.id, g.season
    FROM core.games AS g
    WHERE g.completed AND g.season BETWEEN %(first)s AND %(last)s
      AND 'fbs' IN (g.home_classification, g.away_classification)
),
held AS (
    SELECT e.id, e.season, count(h.game_id) AS rows
    FROM expected AS e
    LEFT JOIN stats.game_havoc AS h ON h.game_id = e.id
    GROUP BY e.id, e.season
)
SELECT season, 2 * count(*)::int, sum(rows)::int,
       coalesce(array_agg(id ORDER BY id) FILTER (WHERE rows <> 2), '{}')
FROM held
GROUP BY season
HAVING sum(rows) <> 2 * count(*) OR bool_or(rows <> 2)
ORDER BY season
"""


@dataclass(frozen=True, slots=True)
class HavocGap:
    season: int
    expected_rows: int
    rows: int
    missing_game_ids: tuple[int, ...]


def havoc_gaps(conn: psycopg.Connection, first: int, last: int) -> tuple[HavocGap, ...]:
    return tuple(
        HavocGap(season, expected, rows, tuple(ids))
        for season, expected, rows, ids in conn.execute(GAPS_SQL, {"first": first, "last": last})
    )
