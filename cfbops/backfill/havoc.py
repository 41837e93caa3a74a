"""Havoc coverage: a season should hold two rows (one per team) for each completed game
with an FBS team; the data-quality checks read the gaps."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from cfbops.queries import package_sql


@dataclass(frozen=True, slots=True)
class HavocGap:
    season: int
    expected_rows: int
    rows: int
    missing_game_ids: tuple[int, ...]


def havoc_gaps(conn: psycopg.Connection, first: int, last: int) -> tuple[HavocGap, ...]:
    return tuple(
        HavocGap(season, expected, rows, tuple(ids))
        for season, expected, rows, ids in conn.execute(
            package_sql("cfbops.backfill", "havoc_gaps"), {"first": first, "last": last}
        )
    )
