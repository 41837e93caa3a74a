"""nfl.leaderboard: points, correct picks and ranks per season."""

from __future__ import annotations

import pytest
from picks_world import add_pick, build_world, expected_counters, grade

from tests.conftest import DatabaseUnderTest


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """The picks game's arithmetic is checked on an empty, migrated database."""
    return migrated_db


@pytest.fixture
def world(db_conn):
    return build_world(db_conn, users=5)


def leaderboard(db_conn, season: int) -> list[tuple]:
    return db_conn.execute(
        "SELECT user_name, points, correct_picks, rank FROM nfl.leaderboard"
        " WHERE season = %s ORDER BY rank, user_name",
        (season,),
    ).fetchall()


def test_a_correct_first_td_pick_is_3_points_plus_the_any_time_point(db_conn, world):
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True, any_time_td=True)

    assert leaderboard(db_conn, 2025) == [("user 1", 4, 1, 1)]


def test_a_correct_pick_without_the_any_time_mark_is_3_points(db_conn, world):
    # Old app data holds such results (any_time_td came later, default NULL).
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True, any_time_td=False)

    assert leaderboard(db_conn, 2025) == [("user 1", 3, 1, 1)]


def test_an_any_time_td_pick_is_1_point_and_a_miss_0(db_conn, world):
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), False, any_time_td=True)
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Rashee Rice"), False, any_time_td=False)

    assert leaderboard(db_conn, 2025) == [("user 1", 1, 0, 1)]


def test_ranks_by_points_then_correct_picks_and_ties_share_a_rank(db_conn, world):
    # user 1: 4 + 4 = 8; user 2: 4 + 1 + 1 + 1 + 1 = 8 with one correct; user 3 as
    # user 2; user 4: 1; user 5: picked, nothing graded.
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True)
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 2, "Travis Kelce"), True)
    for user in (1, 2):
        grade(db_conn, add_pick(db_conn, world, user, 2025, 1, "Travis Kelce"), True)
        grade(db_conn, add_pick(db_conn, world, user, 2025, 1, "Rashee Rice"), False, True)
        grade(db_conn, add_pick(db_conn, world, user, 2025, 2, "Rashee Rice"), False, True)
        grade(db_conn, add_pick(db_conn, world, user, 2025, 2, "Xavier Worthy"), False, True)
        grade(db_conn, add_pick(db_conn, world, user, 2025, 1, "Isiah Pacheco"), False, True)
    grade(db_conn, add_pick(db_conn, world, 3, 2025, 1, "Rashee Rice"), False, True)
    add_pick(db_conn, world, 4, 2025, 2, "Isiah Pacheco")

    assert leaderboard(db_conn, 2025) == [
        ("user 1", 8, 2, 1),
        ("user 2", 8, 1, 2),
        ("user 3", 8, 1, 2),
        ("user 4", 1, 0, 4),
        ("user 5", 0, 0, 5),
    ]


def test_seasons_are_ranked_apart(db_conn, world):
    grade(db_conn, add_pick(db_conn, world, 0, 2024, 1, "Travis Kelce"), True)
    grade(db_conn, add_pick(db_conn, world, 1, 2025, 1, "Travis Kelce"), True)

    assert leaderboard(db_conn, 2024) == [("user 1", 4, 1, 1)]
    assert leaderboard(db_conn, 2025) == [("user 2", 4, 1, 1)]


def test_users_without_picks_in_the_season_are_not_listed(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    add_pick(db_conn, world, 1, 2025, 1, "Travis Kelce")

    db_conn.execute("DELETE FROM nfl.picks WHERE id = %s", (pick,))

    assert leaderboard(db_conn, 2025) == [("user 2", 0, 0, 1)]


def test_regrading_reorders_the_leaderboard(db_conn, world):
    first = grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True)
    grade(db_conn, add_pick(db_conn, world, 1, 2025, 1, "Rashee Rice"), False, True)

    db_conn.execute(
        "UPDATE nfl.results SET is_correct = false, any_time_td = false WHERE id = %s", (first,)
    )
    db_conn.execute("UPDATE nfl.results SET is_correct = true WHERE id <> %s", (first,))

    assert leaderboard(db_conn, 2025) == [("user 2", 4, 1, 1), ("user 1", 0, 0, 2)]


def test_the_leaderboard_agrees_with_aggregating_every_pick(db_conn, world):
    db_conn.execute("SELECT setseed(0.7)")
    for user in range(5):
        for season, week in world.weeks:
            for player in ("Travis Kelce", "Rashee Rice", "Xavier Worthy"):
                add_pick(db_conn, world, user, season, week, player)
    db_conn.execute(
        "INSERT INTO nfl.results (pick_id, is_correct, any_time_td)"
        " SELECT id, random() < 0.3, random() < 0.4 FROM nfl.picks WHERE random() < 0.8"
    )

    _, totals = expected_counters(db_conn)
    rows = db_conn.execute(
        "SELECT season, user_id, points, correct_picks, graded_picks, picks FROM nfl.leaderboard"
    ).fetchall()
    assert {(r[0], r[1]): (r[2], r[3], r[4], r[5]) for r in rows} == {
        key: (t[4], t[2], t[1], t[0]) for key, t in totals.items()
    }
