"""The planner knows how many (game, offense) pairs core.plays holds (V0311).

Without multi-column statistics it multiplies distinct games by distinct team names, and
marts._game_epa_calc's per-game, per-offense sums sort every play to disk instead of
hashing them in memory.
"""

from __future__ import annotations

PAIRS = "SELECT game_id, offense FROM core.plays GROUP BY game_id, offense"


def _estimated_and_actual(conn) -> tuple[float, int]:
    conn.execute("ANALYZE core.plays")
    plan = conn.execute("EXPLAIN (FORMAT JSON) " + PAIRS).fetchone()[0]
    actual = conn.execute(f"SELECT count(*) FROM ({PAIRS}) AS pairs").fetchone()[0]
    return float(plan[0]["Plan"]["Plan Rows"]), int(actual)


def test_the_planner_counts_game_offense_pairs_within_a_factor_of_two(db_conn) -> None:
    estimated, actual = _estimated_and_actual(db_conn)
    assert actual > 100
    assert actual / 2 <= estimated <= actual * 2, (estimated, actual)


def test_without_the_statistics_the_estimate_is_far_off(db_conn) -> None:
    """The check above can fail: the same count without V0311's statistics."""
    db_conn.execute("DROP STATISTICS core.plays_game_offense_ndistinct")
    estimated, actual = _estimated_and_actual(db_conn)
    assert estimated > actual * 2, (estimated, actual)
