"""Write one snapshot of market prices, and market resolutions, matched to nfl.games."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import psycopg

from cfbops.nfl.markets.models import MarketQuote, MarketResolution, american_odds
from cfbops.queries import package_sql

PACKAGE = "cfbops.nfl.markets"


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
        cur.execute(package_sql(PACKAGE, "stage"))
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
        odds = cur.execute(package_sql(PACKAGE, "insert_odds"), {"snapshot": snapshot}).fetchall()
        outcomes = cur.execute(package_sql(PACKAGE, "upsert_outcomes")).fetchall()
    return StoredMarkets(_count(odds), _count(outcomes))


def _count(rows: list[tuple]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (source,) in rows:
        counts[source] = counts.get(source, 0) + 1
    return counts
