"""One pick per (user, week, player): old duplicates resolved, then the constraint."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from picks_world import add_pick, assert_counters_exact, build_world, grade

from cfbops.config import default_sql_dir
from cfbops.migrate.apply import migrate
from tests.conftest import DatabaseUnderTest


@pytest.fixture
def old_db(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """A database migrated only up to the picks game as the old app had it."""
    result = migrate(empty_db.settings, sql_dir=default_sql_dir(), to_version="0104")
    assert result.ok, result.failed
    return empty_db


@pytest.fixture
def db_conn(old_db: DatabaseUnderTest) -> Iterator[psycopg.Connection]:
    with old_db.connect() as conn:
        yield conn


def resolve_with_the_engine(db: DatabaseUnderTest) -> None:
    """The remaining migrations, duplicate resolution among them, through `migrate`."""
    result = migrate(db.settings, sql_dir=default_sql_dir())
    assert result.ok, result.failed


@pytest.fixture
def old_data(db_conn):
    """The database as the old app left it: duplicate picks, some graded."""
    world = build_world(db_conn)
    picks = {}
    # Three picks of Kelce by user 0: the kept (latest) one is ungraded.
    picks["a1"] = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    picks["a2"] = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    picks["a3"] = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    # Two by user 1: the kept one is graded already.
    picks["b1"] = add_pick(db_conn, world, 1, 2025, 1, "Travis Kelce")
    picks["b2"] = add_pick(db_conn, world, 1, 2025, 1, "Travis Kelce")
    # Two ungraded by user 2, and picks that are no duplicates.
    picks["c1"] = add_pick(db_conn, world, 2, 2025, 1, "Rashee Rice")
    picks["c2"] = add_pick(db_conn, world, 2, 2025, 1, "Rashee Rice")
    picks["other_player"] = add_pick(db_conn, world, 0, 2025, 1, "Rashee Rice")
    picks["other_week"] = add_pick(db_conn, world, 0, 2025, 2, "Travis Kelce")
    results = {
        "a1": grade(db_conn, picks["a1"], True),
        "a2": grade(db_conn, picks["a2"], True),
        "b1": grade(db_conn, picks["b1"], True),
        "b2": grade(db_conn, picks["b2"], False, any_time_td=True),
        "other_week": grade(db_conn, picks["other_week"], True),
    }
    return world, picks, results


def removed_rows(conn: psycopg.Connection) -> dict[int, tuple]:
    rows = conn.execute(
        "SELECT pick_id, kept_pick_id, pick ->> 'player_name', (result ->> 'id')::bigint,"
        "       result_action, removed_at IS NOT NULL"
        "  FROM ops.removed_duplicate_picks"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_the_latest_pick_of_each_duplicate_group_is_kept(db_conn, old_db, old_data):
    _, picks, _ = old_data

    resolve_with_the_engine(old_db)

    kept = {row[0] for row in db_conn.execute("SELECT id FROM nfl.picks").fetchall()}
    assert kept == {picks[k] for k in ("a3", "b2", "c2", "other_player", "other_week")}


def test_each_removed_pick_is_recorded_with_its_result_and_what_became_of_it(
    db_conn, old_db, old_data
):
    _, picks, results = old_data

    resolve_with_the_engine(old_db)

    assert removed_rows(db_conn) == {
        picks["a1"]: (picks["a3"], "Travis Kelce", results["a1"], "deleted", True),
        picks["a2"]: (picks["a3"], "Travis Kelce", results["a2"], "moved", True),
        picks["b1"]: (picks["b2"], "Travis Kelce", results["b1"], "deleted", True),
        picks["c1"]: (picks["c2"], "Rashee Rice", None, None, True),
    }


def test_an_ungraded_kept_pick_takes_the_latest_removed_result(db_conn, old_db, old_data):
    _, picks, results = old_data

    resolve_with_the_engine(old_db)

    graded = dict(db_conn.execute("SELECT pick_id, id FROM nfl.results").fetchall())
    assert graded == {
        picks["a3"]: results["a2"],
        picks["b2"]: results["b2"],
        picks["other_week"]: results["other_week"],
    }


def test_counters_are_exact_after_resolving(db_conn, old_db, old_data):
    resolve_with_the_engine(old_db)

    assert_counters_exact(db_conn)


def test_resolving_again_finds_nothing(db_conn, old_db, old_data):
    resolve_with_the_engine(old_db)

    assert db_conn.execute("SELECT nfl.resolve_duplicate_picks()").fetchone()[0] == 0


def test_the_unique_constraint_stands_on_a_valid_index(db_conn, old_db, old_data):
    resolve_with_the_engine(old_db)

    row = db_conn.execute(
        "SELECT c.contype, i.indisvalid, pg_get_indexdef(i.indexrelid)"
        "  FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid"
        " WHERE c.conname = 'picks_user_week_player_key'"
    ).fetchone()
    assert row[0] == "u"
    assert row[1] is True
    assert "(user_id, week_id, player_name)" in row[2]


def test_a_second_pick_of_the_same_player_in_a_week_is_refused(db_conn, old_db):
    resolve_with_the_engine(old_db)
    world = build_world(db_conn)
    add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")

    with pytest.raises(psycopg.errors.UniqueViolation):
        add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")


def test_the_same_player_in_another_week_or_by_another_user_is_allowed(db_conn, old_db):
    resolve_with_the_engine(old_db)
    world = build_world(db_conn)
    add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce")
    add_pick(db_conn, world, 0, 2025, 2, "Travis Kelce")
    add_pick(db_conn, world, 1, 2025, 1, "Travis Kelce")

    assert db_conn.execute("SELECT count(*) FROM nfl.picks").fetchone()[0] == 3
