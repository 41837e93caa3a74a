"""`grade`: picks of finished games graded from play-by-play read by nflreadpy's own
loading path, fed with fixture parquet files in its filesystem cache."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from nflverse_files import nflreadpy_cache, nflreadpy_env, write_pbp
from picks_world import player_counters

from cfbops.nfl.grading import grade_picks
from cfbops.nfl.playbyplay import current_season
from tests.conftest import DatabaseUnderTest, cli_env, run_cli

SEASON = 2025
KC_AT_BUF = "2025_01_KC_BUF"
LV_AT_LA = "2025_01_LV_LA"
DAL_AT_PHI = "2025_01_DAL_PHI"  # final, but play-by-play does not have it yet
NYG_AT_WAS = "2025_01_NYG_WAS"  # not played yet

ROSTER = [
    ("KC", "Travis Kelce", "TE", "00-0030506"),
    ("KC", "Jalen Williams", "WR", "00-0090001"),  # two Williams on one team
    ("KC", "Jordan Williams", "RB", "00-0090002"),
    ("KC", "Patrick Mahomes", "QB", "00-0033873"),
    ("BUF", "Taron Johnson", "CB", "00-0034000"),
    ("BUF", "Josh Allen", "QB", "00-0034857"),
    ("LA", "Xavier Smith", "WR", "00-0090003"),
    ("LV", "Brock Bowers", "TE", "00-0090004"),
    ("PHI", "Jalen Hurts", "QB", "00-0036389"),
]


def td(game, play_id, posteam, team, player_id, name, desc="touchdown"):
    return {
        "game_id": game,
        "play_id": float(play_id),
        "posteam": posteam,
        "desc": desc,
        "touchdown": 1.0,
        "td_player_id": player_id,
        "td_player_name": name,
        "td_team": team,
    }


def no_td(game, play_id, posteam):
    return {"game_id": game, "play_id": float(play_id), "posteam": posteam, "touchdown": 0.0}


# Play-by-play abbreviates names as nflverse does; the play order is the play_id.
WEEK_1_PLAYS = [
    no_td(KC_AT_BUF, 1, None),
    no_td(KC_AT_BUF, 40, "KC"),
    # The first touchdown is BUF's, on KC's possession: an interception return.
    td(KC_AT_BUF, 50, "KC", "BUF", "00-0034000", "T.Johnson", "INTERCEPTED, returned for TD"),
    td(KC_AT_BUF, 120, "KC", "KC", "00-0090002", "J.Williams"),
    td(KC_AT_BUF, 300, "BUF", "BUF", "00-0034857", "J.Allen"),
    td(KC_AT_BUF, 400, "KC", "KC", "00-0030506", "T.Kelce"),
    # A punt return: LV punts, LA scores.
    td(LV_AT_LA, 80, "LV", "LA", "00-0090003", "X.Smith", "punt returned for TD"),
    td(LV_AT_LA, 200, "LV", "LV", "00-0090004", "B.Bowers"),
    no_td(NYG_AT_WAS, 1, None),
]


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return migrated_db


@pytest.fixture
def pbp_dir(tmp_path):
    cache_dir = tmp_path / "nflreadpy"
    write_pbp(cache_dir, SEASON, WEEK_1_PLAYS)
    return cache_dir


@pytest.fixture
def week(db_conn):
    """Week 1 of 2025: users, rosters, four games, picks. Returns pick ids by label."""
    conn = db_conn
    users = {}
    for name, base_bet in [("ann", None), ("bob", 10), ("cat", None), ("dan", None), ("eve", 2)]:
        users[name] = conn.execute(
            "INSERT INTO nfl.users (name, base_bet) VALUES (%s, %s) RETURNING id", (name, base_bet)
        ).fetchone()[0]
    week_id = conn.execute(
        "INSERT INTO nfl.weeks (season, week) VALUES (%s, 1) RETURNING id", (SEASON,)
    ).fetchone()[0]
    for team, name, position, gsis in ROSTER:
        conn.execute(
            "INSERT INTO nfl.rosters (season, team, player_name, position, gsis_id)"
            " VALUES (%s, %s, %s, %s, %s)",
            (SEASON, team, name, position, gsis),
        )
    for game, status in [
        (KC_AT_BUF, "final"),
        (LV_AT_LA, "final"),
        (DAL_AT_PHI, "final"),
        (NYG_AT_WAS, "scheduled"),
    ]:
        _, _, away, home = game.split("_")
        conn.execute(
            "INSERT INTO nfl.games (id, season, week, home_team, away_team, status)"
            " VALUES (%s, %s, 1, %s, %s, %s)",
            (game, SEASON, home, away, status),
        )
    picks = {}
    for label, user, game, team, player, odds in [
        ("pick_six", "ann", KC_AT_BUF, "BUF", "Taron Johnson", 2500),
        ("bowers", "ann", LV_AT_LA, "LV", "Brock Bowers", 450),
        ("kelce", "bob", KC_AT_BUF, "KC", "Travis Kelce", 600),
        ("punt_return", "bob", LV_AT_LA, "LA", "Xavier Smith", -120),
        ("jalen", "cat", KC_AT_BUF, "KC", "Jalen Williams", 900),
        ("jordan", "dan", KC_AT_BUF, "Unknown", "Jordan Williams", 700),
        ("initial", "eve", KC_AT_BUF, "KC", "J. Williams", 800),
        ("waiting", "eve", DAL_AT_PHI, "PHI", "Jalen Hurts", 400),
        ("unplayed", "eve", NYG_AT_WAS, "WAS", "Terry McLaurin", 500),
    ]:
        picks[label] = conn.execute(
            "INSERT INTO nfl.picks (user_id, week_id, game_id, team, player_name, odds)"
            " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            (users[user], week_id, game, team, player, odds),
        ).fetchone()[0]
    return picks


def results(conn) -> dict[int, tuple]:
    rows = conn.execute(
        "SELECT pick_id, actual_scorer, is_correct, any_time_td, actual_return FROM nfl.results"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def leaderboard(conn) -> list[tuple]:
    return conn.execute(
        "SELECT user_name, points, correct_picks, rank FROM nfl.leaderboard"
        " WHERE season = %s ORDER BY rank, user_name",
        (SEASON,),
    ).fetchall()


def snapshot(conn) -> dict[str, list[tuple]]:
    tables = {
        "results": "SELECT * FROM nfl.results ORDER BY id",
        "player_stats": "SELECT * FROM nfl.player_stats ORDER BY id",
        "totals": "SELECT * FROM nfl.user_season_totals ORDER BY season, user_id",
        "touchdowns": "SELECT * FROM nfl.touchdowns ORDER BY game_id, play_id",
    }
    return {name: conn.execute(query).fetchall() for name, query in tables.items()}


def grade(db: DatabaseUnderTest, pbp_dir, week_no: int | None = 1):
    with nflreadpy_cache(pbp_dir):
        return grade_picks(db.settings, SEASON, week_no)


def test_a_fixture_week_grades_each_pick_of_a_played_game(db, db_conn, week, pbp_dir):
    grade(db, pbp_dir)

    assert results(db_conn) == {
        # The defence's pick-six is the first touchdown, and BUF's, not KC's.
        week["pick_six"]: ("Taron Johnson", True, True, Decimal("25.0000")),
        week["bowers"]: ("Xavier Smith", False, True, Decimal("-1.0000")),
        week["kelce"]: ("Taron Johnson", False, True, Decimal("-10.0000")),
        # A punt return belongs to the returner; -120 wins 100/120 of the stake.
        week["punt_return"]: ("Xavier Smith", True, True, Decimal("8.3333")),
        # "J.Williams" scored: play-by-play's id says which of the two.
        week["jalen"]: ("Taron Johnson", False, False, Decimal("-1.0000")),
        week["jordan"]: ("Taron Johnson", False, True, Decimal("-1.0000")),
    }


def test_an_initial_that_fits_two_teammates_is_reported_not_guessed(db, db_conn, week, pbp_dir):
    result = grade(db, pbp_dir)

    assert [(p.pick_id, p.player_name) for p in result.ungradable] == [
        (week["initial"], "J. Williams")
    ]
    assert "several KC players" in result.ungradable[0].reason
    assert not result.ok


def test_games_not_final_or_not_yet_in_play_by_play_stay_ungraded(db, db_conn, week, pbp_dir):
    result = grade(db, pbp_dir)

    assert result.waiting_games == (DAL_AT_PHI,)
    graded = set(results(db_conn))
    assert week["waiting"] not in graded and week["unplayed"] not in graded


def test_counters_and_the_leaderboard_follow_the_grading(db, db_conn, week, pbp_dir):
    grade(db, pbp_dir)

    assert player_counters(db_conn) == {
        ("Taron Johnson", SEASON, "BUF"): (1, 1),
        ("Xavier Smith", SEASON, "LA"): (1, 1),
        ("Travis Kelce", SEASON, "KC"): (0, 1),
        ("Brock Bowers", SEASON, "LV"): (0, 1),
        ("Jordan Williams", SEASON, "Unknown"): (0, 1),
    }
    # 4 for a correct first-TD pick (3 + the any-time point), 1 for a touchdown.
    assert leaderboard(db_conn) == [
        ("ann", 5, 1, 1),
        ("bob", 5, 1, 1),
        ("dan", 1, 0, 3),
        ("cat", 0, 0, 4),
        ("eve", 0, 0, 4),
    ]


def test_every_touchdown_is_stored_with_the_first_marked(db, db_conn, week, pbp_dir):
    result = grade(db, pbp_dir)

    rows = db_conn.execute(
        "SELECT game_id, play_id, player_name, team, is_first_td FROM nfl.touchdowns"
        " ORDER BY game_id, play_id"
    ).fetchall()
    assert rows == [
        (KC_AT_BUF, 50, "Taron Johnson", "BUF", True),
        (KC_AT_BUF, 120, "Jordan Williams", "KC", False),
        (KC_AT_BUF, 300, "Josh Allen", "BUF", False),
        (KC_AT_BUF, 400, "Travis Kelce", "KC", False),
        (LV_AT_LA, 80, "Xavier Smith", "LA", True),
        (LV_AT_LA, 200, "Brock Bowers", "LV", False),
    ]
    assert (result.picks_graded, result.correct_picks, result.any_time_picks) == (6, 2, 5)


def test_grading_again_changes_nothing(db, db_conn, week, pbp_dir):
    grade(db, pbp_dir)
    before = snapshot(db_conn)

    again = grade(db, pbp_dir)

    assert snapshot(db_conn) == before
    assert again.picks_graded == 0


def test_a_scorer_known_only_by_initial_is_not_matched_without_rosters(db, db_conn, week, pbp_dir):
    db_conn.execute("DELETE FROM nfl.rosters")

    result = grade(db, pbp_dir)

    unsure = {p.pick_id: p.reason for p in result.ungradable}
    assert week["kelce"] in unsure and "sync nfl" in unsure[week["kelce"]]
    assert week["kelce"] not in results(db_conn)


def test_the_cli_grades_and_reports_json(db, db_conn, week, pbp_dir):
    db_conn.execute("DELETE FROM nfl.picks WHERE id = %s", (week["initial"],))
    env = cli_env(**nflreadpy_env(pbp_dir))

    first = run_cli(
        "--headless",
        "grade",
        "--season",
        "2025",
        "--week",
        "1",
        "--json",
        "--database-url",
        db.url,
        "--home",
        str(db.home),
        env=env,
    )
    second = run_cli(
        "--headless",
        "grade",
        "--season",
        "2025",
        "--json",
        "--database-url",
        db.url,
        "--home",
        str(db.home),
        env=env,
    )

    assert first.returncode == 0, first.stderr
    document = json.loads(first.stdout)
    assert document["ok"] is True
    assert (document["picks_graded"], document["correct_picks"]) == (6, 2)
    assert document["waiting_games"] == [DAL_AT_PHI]
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["picks_graded"] == 0


def test_a_season_nflverse_cannot_have_yet_is_one_line_and_exit_2(db, db_conn, week, pbp_dir):
    week_id = db_conn.execute(
        "INSERT INTO nfl.weeks (season, week) VALUES (2999, 1) RETURNING id"
    ).fetchone()[0]
    db_conn.execute(
        "INSERT INTO nfl.games (id, season, week, home_team, away_team, status)"
        " VALUES ('2999_01_KC_BUF', 2999, 1, 'BUF', 'KC', 'final')"
    )
    db_conn.execute(
        "INSERT INTO nfl.picks (user_id, week_id, game_id, team, player_name)"
        " SELECT min(id), %s, '2999_01_KC_BUF', 'KC', 'Travis Kelce' FROM nfl.users",
        (week_id,),
    )

    result = run_cli(
        "--headless",
        "grade",
        "--season",
        "2999",
        "--database-url",
        db.url,
        "--home",
        str(db.home),
        env=cli_env(**nflreadpy_env(pbp_dir)),
    )

    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("cfbops: ")]
    assert errors == [
        f"cfbops: error: --season 2999: Season must be between 1999 and {current_season()}"
        " (nflverse has no such season)"
    ]
    assert db_conn.execute("SELECT count(*) FROM nfl.results").fetchone()[0] == 0


def test_a_touchdown_without_a_scorer_id_is_matched_by_full_name(db, db_conn, week, tmp_path):
    cache_dir = tmp_path / "no-ids"
    plays = [dict(p, td_player_id=None) for p in WEEK_1_PLAYS]
    plays[2] = dict(plays[2], td_player_name="Taron Johnson")
    write_pbp(cache_dir, SEASON, plays)

    grade(db, cache_dir)

    assert results(db_conn)[week["pick_six"]][:3] == ("Taron Johnson", True, True)
