"""Write one snapshot of market prices, and market resolutions, matched to nfl.games."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import psycopg

from cfbops.nfl.markets.models import MarketQuote, MarketResolution, american_odds

STAGE_SQL = """
CREATE TEMP TABLE market_quotes (
    source text, market_type text, market_id text, day date, team_a text, team_b text,
    player_name text, probability numeric, american_odds integer, raw_price numeric,
    volume numeric
) ON COMMIT DROP;
CREATE TEMP TABLE market_resolutions (
    source text, market_type text, market_id text, day date, team_a text, team_b text,
    player_name text, outcome text, resolved_at timestamptz
) ON COMMIT DROP;
"""

# A market names a day and two teams: the game with those teams (either side home)
# within a day of it, since sources date games in UTC or US time.
_MATCH_GAME = """
JOIN nfl.games AS g
  ON ((g.home_team = s.team_a AND g.away_team = s.team_b)
      OR (g.home_team = s.team_b AND g.away_team = s.team_a))
 AND g.game_date BETWEEN s.day - 1 AND s.day + 1
"""

# The player's team when exactly one of the game's two rosters has the name.
INSERT_ODDS_SQL = f"""
INSERT INTO nfl.market_odds (source, market_type, game_id, season, week, player_name, team,
                             implied_probability, american_odds, raw_price, volume,
                             market_id, snapshot_time)
SELECT m.source, m.market_type, m.game_id, m.season, m.week, m.player_name,
       (SELECT min(r.team) FROM nfl.rosters AS r
         WHERE r.season = m.season AND r.team IN (m.home_team, m.away_team)
           AND nfl.normalize_player_name(r.player_name) = nfl.normalize_player_name(m.player_name)
        HAVING count(DISTINCT r.team) = 1),
       m.probability, m.american_odds, m.raw_price, m.volume, m.market_id, %(snapshot)s
  FROM (SELECT DISTINCT ON (s.source, g.id, s.player_name, s.market_type)
               s.*, g.id AS game_id, g.season, g.week, g.home_team, g.away_team
          FROM market_quotes AS s
          {_MATCH_GAME}
         ORDER BY s.source, g.id, s.player_name, s.market_type, s.market_id) AS m
ON CONFLICT (source, game_id, player_name, market_type, snapshot_time) DO NOTHING
RETURNING source
"""

UPSERT_OUTCOMES_SQL = f"""
INSERT INTO nfl.market_outcomes AS o (source, market_type, game_id, market_id, player_name,
                                      resolved_outcome, actual_first_td_scorer,
                                      resolution_time)
SELECT DISTINCT ON (s.source, s.market_id)
       s.source, s.market_type, g.id, s.market_id, s.player_name, s.outcome,
       CASE WHEN s.market_type = 'first_td' AND s.outcome = 'yes' THEN s.player_name END,
       s.resolved_at
  FROM market_resolutions AS s
  {_MATCH_GAME}
 ORDER BY s.source, s.market_id, g.id
ON CONFLICT (source, market_id) DO UPDATE
   SET resolved_outcome = excluded.resolved_outcome,
       actual_first_td_scorer = excluded.actual_first_td_scorer,
       resolution_time = excluded.resolution_time
 WHERE (o.resolved_outcome, o.actual_first_td_scorer, o.resolution_time)
       IS DISTINCT FROM
       (excluded.resolved_outcome, excluded.actual_first_td_scorer, excluded.resolution_time)
RETURNING source
"""


@dataclass(frozen=True, slots=True)
class StoredMarkets:
    odds_by_source: dict[str, int]
    outcomes_by_source: dict[str, int]


def store_snapshot(
    conn: psycopg.Connection,
    quotes: Sequence[MarketQuote],
    resolutions: Sequence[MarketResolution],
    snapshot: datetime,
) -> StoredMarkets:
    """Stage, match to games and insert; the caller holds the transaction."""
    with conn.cursor() as cur:
        cur.execute(STAGE_SQL)
        with cur.copy("COPY market_quotes FROM STDIN") as copy:
            for q in quotes:
                copy.write_row(
                    (
                        q.source.value,
                        q.market_type.value,
                        q.market_id,
                        q.game.day,
                        q.game.team_a,
                        q.game.team_b,
                        q.player_name,
                        q.probability,
                        american_odds(q.probability),
                        q.raw_price,
                        q.volume,
                    )
                )
        with cur.copy("COPY market_resolutions FROM STDIN") as copy:
            for r in resolutions:
                copy.write_row(
                    (
                        r.source.value,
                        r.market_type.value,
                        r.market_id,
                        r.game.day,
                        r.game.team_a,
                        r.game.team_b,
                        r.player_name,
                        r.outcome,
                        r.resolved_at,
                    )
                )
        odds = cur.execute(INSERT_ODDS_SQL, {"snapshot": snapshot}).fetchall()
        outcomes = cur.execute(UPSERT_OUTCOMES_SQL).fetchall()
    return StoredMarkets(_count(odds), _count(outcomes))


def _count(rows: list[tuple]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (source,) in rows:
        counts[source] = counts.get(source, 0) + 1
    return counts
