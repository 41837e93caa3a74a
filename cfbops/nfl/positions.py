"""Positions still Unknown in picks and player stats, re-resolved from the rosters."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

# Same lookup as the picks' insert trigger (V0104): the pick's own team first, then the
# game's two sides (the pick's team may be spelled unlike the roster's).
RESOLVE_PICKS_SQL = """
UPDATE nfl.picks AS p
   SET position = found.position
  FROM (SELECT p.id,
               coalesce(
                   nfl.roster_position(p.player_name, coalesce(w.season, g.season), ARRAY[p.team]),
                   nfl.roster_position(p.player_name, coalesce(w.season, g.season),
                                       ARRAY[g.home_team, g.away_team])) AS position
          FROM nfl.picks AS p
          LEFT JOIN nfl.weeks AS w ON w.id = p.week_id
          LEFT JOIN nfl.games AS g ON g.id = p.game_id
         WHERE p.position IS NULL OR btrim(p.position) = '' OR lower(p.position) = 'unknown'
       ) AS found
 WHERE found.id = p.id AND found.position IS NOT NULL
"""

RESOLVE_PLAYER_STATS_SQL = """
UPDATE nfl.player_stats AS s
   SET position = found.position
  FROM (SELECT s.id, nfl.roster_position(s.player_name, s.season, ARRAY[s.team]) AS position
          FROM nfl.player_stats AS s
         WHERE s.position IS NULL OR btrim(s.position) = '' OR lower(s.position) = 'unknown'
       ) AS found
 WHERE found.id = s.id AND found.position IS NOT NULL
"""

COUNT_UNKNOWN_SQL = """
SELECT (SELECT count(*) FROM nfl.picks),
       (SELECT count(*) FROM nfl.picks AS p
         WHERE p.position IS NULL OR btrim(p.position) = '' OR lower(p.position) = 'unknown'),
       (SELECT count(*) FROM nfl.player_stats),
       (SELECT count(*) FROM nfl.player_stats AS s
         WHERE s.position IS NULL OR btrim(s.position) = '' OR lower(s.position) = 'unknown')
"""

# The app had 118 of 485 unknown (24%); the target is under 5%.
UNKNOWN_TARGET_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class UnknownPositions:
    """Rows whose position is missing or 'Unknown', of all rows, per table."""

    picks: int
    picks_total: int
    player_stats: int
    player_stats_total: int

    @property
    def share(self) -> float:
        total = self.picks_total + self.player_stats_total
        return (self.picks + self.player_stats) / total if total else 0.0

    def as_dict(self) -> dict:
        return {
            "picks": self.picks,
            "picks_total": self.picks_total,
            "player_stats": self.player_stats,
            "player_stats_total": self.player_stats_total,
            "share": round(self.share, 4),
            "target_share": UNKNOWN_TARGET_SHARE,
        }


@dataclass(frozen=True, slots=True)
class ResolvedPositions:
    picks: int
    player_stats: int


def resolve_unknown_positions(conn: psycopg.Connection) -> ResolvedPositions:
    """Fill every missing or Unknown position the rosters can now name (one player only)."""
    picks = conn.execute(RESOLVE_PICKS_SQL).rowcount
    stats = conn.execute(RESOLVE_PLAYER_STATS_SQL).rowcount
    return ResolvedPositions(picks=max(picks, 0), player_stats=max(stats, 0))


def unknown_positions(conn: psycopg.Connection) -> UnknownPositions:
    row = conn.execute(COUNT_UNKNOWN_SQL).fetchone()
    assert row is not None
    picks_total, picks, stats_total, stats = row
    return UnknownPositions(picks, picks_total, stats, stats_total)
