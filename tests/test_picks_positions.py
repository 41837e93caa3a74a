"""A new pick without a position takes the roster's; names match normalised."""

from __future__ import annotations

import pytest
from picks_world import add_pick, build_world

from tests.conftest import DatabaseUnderTest


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """The picks game's arithmetic is checked on an empty, migrated database."""
    return migrated_db


@pytest.fixture
def world(db_conn):
    world = build_world(db_conn)
    roster = [
        (2025, "KC", "Patrick Mahomes II", "QB", "00-0033873"),
        (2025, "KC", "Travis Kelce", "TE", "00-0030506"),
        (2025, "KC", "Jason Kelce", "C", "00-0027696"),
        (2025, "KC", "Jaylen Smith", "WR", "00-0040001"),
        (2025, "KC", "Jordan Smith", "RB", "00-0040002"),
        (2025, "KC", "Amon-Ra St. Brown", "WR", "00-0036963"),
        (2025, "KC", "Odell Beckham Jr.", "WR", "00-0031235"),
        (2025, "KC", "Mystery Man", "Unknown", "00-0049999"),
        (2025, "BUF", "Josh Allen", "QB", "00-0034857"),
        (2025, "BUF", "Dalton Kincaid", "TE", "00-0039000"),
        (2024, "KC", "Travis Kelce", "WR", "00-0030506"),
    ]
    with db_conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO nfl.rosters (season, team, player_name, position, gsis_id)"
            " VALUES (%s, %s, %s, %s, %s)",
            roster,
        )
    return world


def position_of(db_conn, pick_id: int) -> str | None:
    return db_conn.execute("SELECT position FROM nfl.picks WHERE id = %s", (pick_id,)).fetchone()[0]


def test_a_pick_without_a_position_gets_the_rosters(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce", position=None)

    assert position_of(db_conn, pick) == "TE"


@pytest.mark.parametrize("given", ["Unknown", "UNKNOWN", "", "  "])
def test_an_unknown_or_blank_position_is_replaced(db_conn, world, given):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce", position=given)

    assert position_of(db_conn, pick) == "TE"


def test_a_given_position_is_kept(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Travis Kelce", position="WR")

    assert position_of(db_conn, pick) == "WR"


def test_a_name_without_its_suffix_matches_the_rostered_name_with_it(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Patrick Mahomes", position=None)

    assert position_of(db_conn, pick) == "QB"


def test_case_punctuation_and_whitespace_do_not_matter(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "  amon ra  ST BROWN ", position=None)

    assert position_of(db_conn, pick) == "WR"


def test_a_suffix_on_the_pick_matches_the_roster_without_it(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Odell Beckham", position=None)

    assert position_of(db_conn, pick) == "WR"


def test_an_initial_matches_the_one_player_it_can_be(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "P.Mahomes", position=None)
    second = add_pick(db_conn, world, 1, 2025, 1, "A.St. Brown", position=None)

    assert position_of(db_conn, pick) == "QB"
    assert position_of(db_conn, second) == "WR"


def test_a_shared_last_name_never_matches_the_wrong_player(db_conn, world):
    jason = add_pick(db_conn, world, 0, 2025, 1, "Jason Kelce", position=None)
    travis = add_pick(db_conn, world, 1, 2025, 1, "T. Kelce", position=None)
    last_name_only = add_pick(db_conn, world, 2, 2025, 1, "Kelce", position=None)

    assert position_of(db_conn, jason) == "C"
    assert position_of(db_conn, travis) == "TE"
    assert position_of(db_conn, last_name_only) is None


def test_an_initial_shared_by_two_players_matches_neither(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "J. Smith", position="Unknown")

    assert position_of(db_conn, pick) == "Unknown"


def test_an_unrostered_player_keeps_no_position(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Somebody Else", position=None)

    assert position_of(db_conn, pick) is None


def test_an_unknown_roster_position_is_not_copied(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Mystery Man", position=None)

    assert position_of(db_conn, pick) is None


def test_season_narrows_the_match(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2024, 1, "Travis Kelce", position=None)

    assert position_of(db_conn, pick) == "WR"


def test_team_narrows_the_match_then_the_games_two_sides(db_conn, world):
    on_team = add_pick(db_conn, world, 0, 2025, 1, "Josh Allen", team="BUF", position=None)
    team_misspelt = add_pick(
        db_conn, world, 1, 2025, 1, "Dalton Kincaid", team="BUFF", position=None
    )
    wrong_team = add_pick(db_conn, world, 2, 2025, 1, "Josh Allen", team="KC", position=None)

    assert position_of(db_conn, on_team) == "QB"
    assert position_of(db_conn, team_misspelt) == "TE"
    # KC's roster has no Josh Allen, the game's sides do: BUF's is the only one.
    assert position_of(db_conn, wrong_team) == "QB"


def test_renaming_a_pick_with_unknown_position_looks_it_up(db_conn, world):
    pick = add_pick(db_conn, world, 0, 2025, 1, "Somebody Else", position=None)

    db_conn.execute("UPDATE nfl.picks SET player_name = 'Travis Kelce' WHERE id = %s", (pick,))

    assert position_of(db_conn, pick) == "TE"


def test_many_picks_in_one_statement_each_get_their_position(db_conn, world):
    db_conn.execute(
        "INSERT INTO nfl.picks (user_id, week_id, game_id, team, player_name)"
        " SELECT u.id, %s, %s, 'KC', n.name FROM nfl.users u,"
        "  (VALUES ('Travis Kelce'), ('Jason Kelce'), ('Patrick Mahomes')) AS n (name)",
        (world.weeks[2025, 1], world.games[2025, 1]),
    )

    rows = db_conn.execute(
        "SELECT player_name, array_agg(DISTINCT position) FROM nfl.picks GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert rows == [("Jason Kelce", ["C"]), ("Patrick Mahomes", ["QB"]), ("Travis Kelce", ["TE"])]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Patrick Mahomes II", "patrick mahomes"),
        ("Odell Beckham Jr.", "odell beckham"),
        ("Michael Pittman, Jr.", "michael pittman"),
        ("Kenneth Walker III", "kenneth walker"),
        ("Marvin Harrison Sr", "marvin harrison"),
        ("Ja'Marr Chase", "jamarr chase"),
        ("Amon-Ra St. Brown", "amon ra st brown"),
        ("A.J. Brown", "aj brown"),
        ("A. J. Brown", "aj brown"),
        ("AJ Brown", "aj brown"),
        ("P.Mahomes", "p mahomes"),
        ("  Travis    KELCE ", "travis kelce"),
        ("José Núñez", "jose nunez"),
        ("", None),
    ],
)
def test_normalize_player_name(db_conn, name, key):
    assert db_conn.execute("SELECT nfl.normalize_player_name(%s)", (name,)).fetchone()[0] == key
