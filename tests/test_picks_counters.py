"""nfl.player_stats touchdown counters and nfl.user_season_totals follow the results."""

from __future__ import annotations

import random
import threading

import psycopg
import pytest
from picks_world import (
    add_pick,
    assert_counters_exact,
    build_world,
    grade,
    player_counters,
    season_totals,
)

from tests.conftest import DatabaseUnderTest
from tests.waits import DEADLINE_S, wait_until


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """The picks game's arithmetic is checked on an empty, migrated database."""
    return migrated_db


KELCE = ("Travis Kelce", 2025, "KC")
RICE = ("Rashee Rice", 2025, "KC")


@pytest.fixture
def world(db_conn):
    return build_world(db_conn)


def test_a_correct_result_counts_a_first_td_and_an_any_time_td(db_conn, world):
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), is_correct=True)

    assert player_counters(db_conn) == {KELCE: (1, 1)}


def test_an_any_time_td_alone_counts_only_any_time(db_conn, world):
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), False, any_time_td=True)

    assert player_counters(db_conn) == {KELCE: (0, 1)}


def test_several_users_picking_the_scorer_of_one_game_count_one_game(db_conn, world):
    for user in range(3):
        grade(db_conn, add_pick(db_conn, world, user, 2025, 1, "Travis Kelce"), True)

    assert player_counters(db_conn) == {KELCE: (1, 1)}


def test_first_tds_in_two_games_count_two(db_conn, world):
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True)
    grade(db_conn, add_pick(db_conn, world, 1, 2025, 2, "Travis Kelce"), True)

    assert player_counters(db_conn) == {KELCE: (2, 2)}


def test_a_graded_player_gets_a_player_stats_row_with_the_picks_position(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce", position="TE")
    grade(db_conn, pick, True)

    row = db_conn.execute(
        "SELECT position, games_played FROM nfl.player_stats"
        " WHERE player_name = 'Travis Kelce' AND season = 2025 AND team = 'KC'"
    ).fetchone()
    assert row == ("TE", 0)


def test_correct_to_incorrect_and_back(db_conn, world):
    result = grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True)

    db_conn.execute("UPDATE nfl.results SET is_correct = false WHERE id = %s", (result,))
    assert player_counters(db_conn) == {KELCE: (0, 1)}

    db_conn.execute("UPDATE nfl.results SET any_time_td = false WHERE id = %s", (result,))
    assert player_counters(db_conn) == {}

    db_conn.execute(
        "UPDATE nfl.results SET is_correct = true, any_time_td = true WHERE id = %s", (result,)
    )
    assert player_counters(db_conn) == {KELCE: (1, 1)}
    assert_counters_exact(db_conn)


def test_one_of_two_correct_picks_turning_incorrect_keeps_the_game_counted(db_conn, world):
    first = grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True)
    grade(db_conn, add_pick(db_conn, world, 1, 2025, 1, "Travis Kelce"), True)

    db_conn.execute("UPDATE nfl.results SET is_correct = false WHERE id = %s", (first,))

    assert player_counters(db_conn) == {KELCE: (1, 1)}


def test_a_result_moved_to_another_pick_moves_its_counts(db_conn, world):
    kelce_pick = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    rice_pick = add_pick(db_conn, world, 0, 2025, 2, "Rashee Rice")
    result = grade(db_conn, kelce_pick, True)

    db_conn.execute("UPDATE nfl.results SET pick_id = %s WHERE id = %s", (rice_pick, result))

    assert player_counters(db_conn) == {RICE: (1, 1)}
    assert_counters_exact(db_conn)


def test_a_result_moved_to_another_users_pick_moves_the_points(db_conn, world):
    mine = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    theirs = add_pick(db_conn, world, 1, 2025, 1, "Rashee Rice")
    result = grade(db_conn, mine, True)

    db_conn.execute("UPDATE nfl.results SET pick_id = %s WHERE id = %s", (theirs, result))

    totals = season_totals(db_conn)
    assert totals[2025, world.users[0]] == (1, 0, 0, 0, 0)
    assert totals[2025, world.users[1]] == (1, 1, 1, 1, 4)


def test_deleting_a_result_uncounts_it(db_conn, world):
    result = grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True)

    db_conn.execute("DELETE FROM nfl.results WHERE id = %s", (result,))

    assert player_counters(db_conn) == {}
    assert season_totals(db_conn) == {(2025, world.users[0]): (1, 0, 0, 0, 0)}


def test_deleting_a_pick_takes_its_result_and_counts_with_it(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    grade(db_conn, pick, True)

    db_conn.execute("DELETE FROM nfl.picks WHERE id = %s", (pick,))

    assert player_counters(db_conn) == {}
    assert season_totals(db_conn) == {}


def test_deleting_a_user_uncounts_their_graded_picks(db_conn, world):
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True)
    grade(db_conn, add_pick(db_conn, world, 1, 2025, 2, "Travis Kelce"), True)

    db_conn.execute("DELETE FROM nfl.users WHERE id = %s", (world.users[0],))

    assert player_counters(db_conn) == {KELCE: (1, 1)}
    assert_counters_exact(db_conn)


def test_changing_a_picks_player_moves_its_counts(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    grade(db_conn, pick, True)

    db_conn.execute("UPDATE nfl.picks SET player_name = 'Rashee Rice' WHERE id = %s", (pick,))

    assert player_counters(db_conn) == {RICE: (1, 1)}


def test_changing_a_picks_week_to_another_season_moves_its_totals(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    grade(db_conn, pick, True)

    db_conn.execute(
        "UPDATE nfl.picks SET week_id = %s, game_id = %s WHERE id = %s",
        (world.weeks[2024, 1], world.games[2024, 1], pick),
    )

    assert season_totals(db_conn) == {(2024, world.users[0]): (1, 1, 1, 1, 4)}
    assert player_counters(db_conn) == {("Travis Kelce", 2024, "KC"): (1, 1)}


def test_multi_row_statements_keep_counters_exact(db_conn, world):
    players = ["Travis Kelce", "Rashee Rice", "Xavier Worthy"]
    for user in range(4):
        for season in (2024, 2025):
            for week in (1, 2):
                for player in players:
                    add_pick(db_conn, world, user, season, week, player)

    # Everyone's picks graded at once; per game, Kelce scores first, Rice later.
    db_conn.execute(
        "INSERT INTO nfl.results (pick_id, is_correct, any_time_td)"
        " SELECT id, player_name = 'Travis Kelce', player_name IN ('Travis Kelce', 'Rashee Rice')"
        "   FROM nfl.picks"
    )
    assert_counters_exact(db_conn)
    assert player_counters(db_conn)[KELCE] == (2, 2)

    # A regrade of one season in one statement: Rice scored first, Kelce not at all.
    db_conn.execute(
        "UPDATE nfl.results r SET is_correct = p.player_name = 'Rashee Rice',"
        "       any_time_td = p.player_name = 'Rashee Rice'"
        "  FROM nfl.picks p JOIN nfl.weeks w ON w.id = p.week_id"
        " WHERE p.id = r.pick_id AND w.season = 2025"
    )
    assert_counters_exact(db_conn)
    assert KELCE not in player_counters(db_conn)
    assert player_counters(db_conn)[RICE] == (2, 2)

    # Results swap picks within one statement: each user's Rice result moves onto
    # their Worthy pick of the same week, and back.
    swap = (
        "UPDATE nfl.results r SET pick_id = q.id"
        "  FROM nfl.picks p, nfl.picks q"
        " WHERE p.id = r.pick_id AND p.player_name = %s"
        "   AND q.user_id = p.user_id AND q.week_id = p.week_id AND q.player_name = %s"
    )
    db_conn.execute(
        "DELETE FROM nfl.results r USING nfl.picks p"
        " WHERE p.id = r.pick_id AND p.player_name = 'Xavier Worthy'"
    )
    db_conn.execute(swap, ("Rashee Rice", "Xavier Worthy"))
    assert_counters_exact(db_conn)
    assert RICE not in player_counters(db_conn)

    db_conn.execute(
        "DELETE FROM nfl.results r USING nfl.picks p WHERE p.id = r.pick_id AND p.user_id = %s",
        (world.users[1],),
    )
    assert_counters_exact(db_conn)

    db_conn.execute("DELETE FROM nfl.picks WHERE user_id = %s", (world.users[2],))
    assert_counters_exact(db_conn)


def test_truncating_results_zeroes_every_counter(db_conn, world):
    grade(db_conn, add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"), True)

    db_conn.execute("TRUNCATE nfl.results")

    assert player_counters(db_conn) == {}
    assert season_totals(db_conn) == {(2025, world.users[0]): (1, 0, 0, 0, 0)}


def test_a_random_sequence_of_statements_keeps_counters_exact(db_conn, world):
    rng = random.Random(20250907)
    players = ["Travis Kelce", "Rashee Rice", "Xavier Worthy", "Isiah Pacheco"]
    for user in range(4):
        for season, week in world.weeks:
            for player in rng.sample(players, 3):
                add_pick(db_conn, world, user, season, week, player)
    db_conn.execute(
        "INSERT INTO nfl.results (pick_id, is_correct, any_time_td)"
        " SELECT id, random() < 0.3, random() < 0.5 FROM nfl.picks WHERE random() < 0.7"
    )
    db_conn.execute("SELECT setseed(0.42)")
    statements = [
        "UPDATE nfl.results SET is_correct = NOT is_correct WHERE random() < 0.3",
        "UPDATE nfl.results SET any_time_td = random() < 0.5 WHERE random() < 0.3",
        "DELETE FROM nfl.results WHERE random() < 0.15",
        "INSERT INTO nfl.results (pick_id, is_correct, any_time_td)"
        " SELECT id, random() < 0.3, random() < 0.5 FROM nfl.picks p"
        "  WHERE NOT EXISTS (SELECT FROM nfl.results r WHERE r.pick_id = p.id)"
        "    AND random() < 0.5",
        "UPDATE nfl.results r SET pick_id = p.id FROM (SELECT id FROM nfl.picks q"
        "  WHERE NOT EXISTS (SELECT FROM nfl.results x WHERE x.pick_id = q.id)"
        "  ORDER BY random() LIMIT 1) p"
        " WHERE r.id = (SELECT id FROM nfl.results ORDER BY random() LIMIT 1)",
        "UPDATE nfl.picks SET team = CASE team WHEN 'KC' THEN 'BUF' ELSE 'KC' END"
        " WHERE random() < 0.1",
        "DELETE FROM nfl.picks WHERE random() < 0.05",
    ]
    for _ in range(40):
        db_conn.execute(rng.choice(statements))
        assert_counters_exact(db_conn)


def test_concurrent_gradings_of_one_player_and_user_both_count(db_conn, world):
    # Counter rows exist already, so neither grading has a row to create and wait on.
    grade(db_conn, add_pick(db_conn, world, 1, 2025, 1, "Travis Kelce"), False, False)
    picks = [
        add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce"),
        add_pick(db_conn, world, 0, 2025, 2, "Travis Kelce"),
    ]
    url = db_conn.info.dsn
    first = psycopg.connect(url, password=db_conn.info.password)
    second = psycopg.connect(url, password=db_conn.info.password)
    try:
        grade(first, picks[0], True)  # holds the counters' row locks until commit
        errors: list[BaseException] = []

        def grade_second() -> None:
            try:
                grade(second, picks[1], True)
                second.commit()
            except BaseException as error:  # surfaced below
                errors.append(error)

        waiter = threading.Thread(target=grade_second)
        waiter.start()
        # The second grading blocks on the first's row locks (seen in pg_stat_activity).
        waiting_pid = second.info.backend_pid
        wait_until(
            lambda: (
                db_conn.execute(
                    "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                    (waiting_pid,),
                ).fetchone()
                == (True,)
            ),
            "the second grading to wait for the first's row locks",
        )
        assert waiter.is_alive() and not errors
        first.commit()
        waiter.join(timeout=DEADLINE_S)
        assert not waiter.is_alive() and not errors
    finally:
        first.close()
        second.close()

    assert player_counters(db_conn) == {KELCE: (2, 2)}
    assert season_totals(db_conn)[2025, world.users[0]] == (2, 2, 2, 2, 8)
