"""`backfill havoc`: one call per season, and the seasons whose rows differ from two per
completed FBS game, with those games named."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

from cfbops.demo.cfbd_standin import StandIn
from tests.backfill.helpers import SEASON
from tests.cfbd.conftest import cfbd_env
from tests.conftest import run_cli

FBS_GAMES = """
SELECT id FROM core.games WHERE completed AND season = %s
  AND 'fbs' IN (home_classification, away_classification) ORDER BY id
"""


def test_havoc_loads_two_rows_per_fbs_game_with_one_call(db, standin: StandIn) -> None:
    result = run_cli(
        "--headless",
        "backfill",
        "havoc",
        "--seasons",
        str(SEASON),
        "--json",
        env=cfbd_env(db, standin),
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["havoc_gaps"] == [] and document["jobs"][0]["calls_used"] == 1
    with db.connect() as conn:
        games = [r[0] for r in conn.execute(FBS_GAMES, (SEASON,))]
        rows = conn.execute(
            "SELECT count(*) FROM stats.game_havoc WHERE season = %s", (SEASON,)
        ).fetchone()[0]
    assert games and rows == 2 * len(games)


def test_havoc_names_the_games_a_season_misses(db, standin: StandIn) -> None:
    with db.connect() as conn:
        missing = conn.execute(FBS_GAMES, (SEASON,)).fetchone()[0]
    del standin.games[missing]  # the API has no havoc for it
    result = run_cli(
        "--headless",
        "backfill",
        "havoc",
        "--seasons",
        str(SEASON),
        "--json",
        env=cfbd_env(db, standin),
    )
    assert result.returncode == 1, result.stderr
    (gap,) = json.loads(result.stdout)["havoc_gaps"]
    assert gap["season"] == SEASON and gap["missing_game_ids"] == [missing]
    assert gap["expected_rows"] - gap["rows"] == 2


def test_fractional_havoc_counts_are_stored_in_their_variant_twins(db, standin: StandIn) -> None:
    original = standin.havoc
    changed: list[tuple[int, str]] = []

    def with_a_shared_sack(params):  # a shared sack counts half, as the real API sends it
        rows = original(params)
        rows[0]["defense"].update(totalHavocEvents=4.5, frontSevenHavocEvents=2.5, dbHavocEvents=2)
        rows[0]["offense"].update(dbHavocEvents=1.5)
        changed.append((rows[0]["gameId"], rows[0]["team"]))
        return rows

    standin.havoc = with_a_shared_sack  # type: ignore[method-assign]
    result = run_cli(
        "--headless", "backfill", "havoc", "--seasons", str(SEASON), env=cfbd_env(db, standin)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with db.connect() as conn:
        row = conn.execute(
            "SELECT defense__total_havoc_events, defense__total_havoc_events__v_double,"
            " defense__front_seven_havoc_events, defense__front_seven_havoc_events__v_double,"
            " defense__db_havoc_events, defense__db_havoc_events__v_double,"
            " offense__db_havoc_events, offense__db_havoc_events__v_double"
            " FROM stats.game_havoc WHERE (game_id, team) = (%s, %s)",
            changed[0],
        ).fetchone()
        fractions = conn.execute(
            "SELECT count(*) FROM stats.game_havoc"
            " WHERE defense__total_havoc_events IS NULL"
            "   AND defense__total_havoc_events__v_double <> trunc(defense__total_havoc_events__v_double)"
        ).fetchone()[0]
    # Whole values in the integer columns, fractions in the twins (the integer null there).
    assert row == (None, 4.5, None, 2.5, 2, None, None, 1.5)
    assert fractions > 1  # the stand-in sends other fractions of its own


def test_the_havoc_mart_reads_fractional_counts(db, standin: StandIn) -> None:
    with db.connect() as conn:
        conn.execute("REFRESH MATERIALIZED VIEW marts.defensive_havoc")
        in_the_mart = {
            team
            for (team,) in conn.execute(
                "SELECT team FROM marts.defensive_havoc WHERE season = %s", (SEASON,)
            )
        }
    original = standin.havoc
    served: list[dict] = []

    def with_a_shared_sack(params):
        rows = original(params)
        row = next(r for r in rows if r["team"] in in_the_mart)
        row["defense"]["totalHavocEvents"] = 4.5
        served[:] = [row, *rows]
        return rows

    standin.havoc = with_a_shared_sack  # type: ignore[method-assign]
    backfill = ("--headless", "backfill", "havoc", "--seasons", str(SEASON))
    assert run_cli(*backfill, env=cfbd_env(db, standin)).returncode == 0
    changed, rows = served[0], served[1:]
    team = changed["team"]
    # What the API said of the team's season, summed as the mart must: 4.5 included.
    events = sum(Decimal(str(r["defense"]["totalHavocEvents"])) for r in rows if r["team"] == team)
    with db.connect() as conn:
        conn.execute("REFRESH MATERIALIZED VIEW marts.defensive_havoc")
        (havoc_plays,) = conn.execute(
            "SELECT havoc_plays FROM marts.defensive_havoc WHERE team = %s AND season = %s",
            (team, SEASON),
        ).fetchone()
    assert havoc_plays == int(events.quantize(Decimal(1), ROUND_HALF_UP))
