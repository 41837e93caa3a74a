"""The api views against SCHEMA_CONTRACT.md and upstream's published (SPRINT5) columns."""

from __future__ import annotations

import psycopg
import pytest

from cfbops.api_contract import (
    catalog_columns,
    compare,
    describe,
    parse_contract,
    read_contract,
    report_for,
)
from cfbops.config import default_sql_dir
from tests.conftest import REPO, DatabaseUnderTest

# The columns the consuming apps read (cfb-app and cfb-scout, as of upstream's SPRINT5), in order.
V, BI, INT, N, F, T, TS, B = (
    "character varying",
    "bigint",
    "integer",
    "numeric",
    "double precision",
    "text",
    "timestamp with time zone",
    "boolean",
)
SPRINT5: dict[str, list[tuple[str, str]]] = {
    "api.team_detail": [
        ("school", V), ("mascot", V), ("abbreviation", V), ("color", V),
        ("alternate_color", V), ("logo_url", V), ("conference", V), ("classification", V),
        ("current_season", BI), ("games", INT), ("wins", INT), ("losses", INT), ("conf_wins", INT),
        ("conf_losses", INT), ("ppg", N), ("opp_ppg", N), ("avg_margin", N), ("sp_rating", F),
        ("sp_rank", BI), ("sp_offense", F), ("sp_defense", F), ("elo", BI), ("fpi", F),
        ("epa_per_play", N), ("epa_tier", T), ("success_rate", N), ("explosiveness", N),
        ("recruiting_rank", BI), ("recruiting_points", F),
    ],
    "api.team_history": [
        ("team", V), ("season", BI), ("conference", V), ("games", INT), ("wins", INT),
        ("losses", INT), ("conf_wins", INT), ("conf_losses", INT), ("ppg", N), ("opp_ppg", N),
        ("avg_margin", N), ("sp_rating", F), ("sp_rank", BI), ("elo", BI), ("fpi", F),
        ("epa_per_play", N), ("epa_tier", T), ("success_rate", N), ("explosiveness", N),
        ("total_plays", BI), ("recruiting_rank", BI), ("recruiting_points", F),
    ],
    "api.game_detail": [
        ("game_id", BI), ("season", BI), ("week", BI), ("season_type", V), ("start_date", TS),
        ("start_time_tbd", B), ("completed", B), ("neutral_site", B), ("conference_game", B),
        ("home_team", V), ("home_conference", V), ("home_points", BI),
        ("home_pregame_elo", BI), ("home_epa", N), ("home_success_rate", N),
        ("away_team", V), ("away_conference", V), ("away_points", BI),
        ("away_pregame_elo", BI), ("away_epa", N), ("away_success_rate", N), ("winner", V),
        ("point_diff", BI), ("home_spread", F), ("over_under", F), ("line_provider", V),
        ("spread_result", T), ("ou_result", T), ("pregame_home_win_prob", F), ("venue", V),
        ("venue_id", BI), ("attendance", BI), ("excitement_index", F),
    ],
    "api.matchup": [
        ("team1", V), ("team2", V), ("total_games", BI), ("team1_wins", BI),
        ("team2_wins", BI), ("ties", BI), ("first_meeting", BI), ("last_meeting", BI),
        ("recent_results", "jsonb[]"), ("team1_season", BI), ("team1_wins_season", INT),
        ("team1_losses_season", INT), ("team1_sp_rank", BI), ("team1_epa", N),
        ("team1_epa_tier", T), ("team2_season", BI), ("team2_wins_season", INT),
        ("team2_losses_season", INT), ("team2_sp_rank", BI), ("team2_epa", N),
        ("team2_epa_tier", T),
    ],
    "api.leaderboard_teams": [
        ("team", V), ("conference", V), ("season", BI), ("games", INT), ("wins", INT),
        ("losses", INT), ("win_pct", N), ("conf_wins", INT), ("conf_losses", INT), ("ppg", N),
        ("opp_ppg", N), ("avg_margin", N), ("sp_rating", F), ("sp_rank", BI),
        ("sp_offense", F), ("sp_defense", F), ("elo", BI), ("fpi", F), ("epa_per_play", N),
        ("epa_tier", T), ("success_rate", N), ("explosiveness", N), ("total_plays", BI),
        ("recruiting_rank", BI), ("recruiting_points", F), ("wins_rank", BI),
        ("ppg_rank", BI), ("defense_ppg_rank", BI), ("epa_rank", BI),
    ],
    "api.roster_lookup": [
        ("id", V), ("first_name", V), ("last_name", V), ("team", V), ("position", V),
        ("height", BI), ("weight", BI), ("year", BI), ("jersey", BI), ("home_city", V),
        ("home_state", V), ("home_country", V),
    ],
    "api.recruit_lookup": [
        ("id", V), ("athlete_id", V), ("recruit_type", V), ("year", BI), ("ranking", BI),
        ("name", V), ("school", V), ("committed_to", V), ("position", V), ("height", BI),
        ("weight", BI), ("stars", BI), ("rating", F), ("city", V), ("state_province", V),
        ("country", V),
    ],
}  # fmt: skip


@pytest.fixture
def schema_conn(migrated_db: DatabaseUnderTest):
    with migrated_db.connect() as conn:
        yield conn


def test_the_catalog_keeps_every_column_the_contract_publishes(schema_conn) -> None:
    report = compare(read_contract(REPO / "SCHEMA_CONTRACT.md"), catalog_columns(schema_conn))

    assert [describe(c) for c in report.removed + report.retyped] == []
    assert report.missing_views == ()
    assert report.added == ()  # the contract documents every column there is


def test_each_view_starts_with_the_sprint5_columns_in_order(schema_conn) -> None:
    catalog = catalog_columns(schema_conn)

    for view, published in SPRINT5.items():
        assert list(catalog[view][: len(published)]) == published, view


def test_the_contract_file_lists_the_sprint5_columns_first(schema_conn) -> None:
    contract = read_contract(REPO / "SCHEMA_CONTRACT.md")

    assert set(contract) == set(SPRINT5)
    for view, published in SPRINT5.items():
        assert list(contract[view][: len(published)]) == published, view


def test_a_removed_column_or_another_type_family_breaks_the_contract_and_an_added_one_does_not(
    schema_conn,
) -> None:
    contract = read_contract(REPO / "SCHEMA_CONTRACT.md")
    schema_conn.execute("DROP VIEW api.recruit_lookup")
    schema_conn.execute(
        "CREATE VIEW api.recruit_lookup AS SELECT id, athlete_id, recruit_type,"
        " year::integer AS year, ranking::text AS ranking, name, school, committed_to, position,"
        " height, weight, stars, rating, city, state_province, 1 AS shiny_new"
        " FROM recruiting.recruits"
    )

    report = report_for(schema_conn, contract)

    assert report.breaking
    assert [describe(c) for c in report.removed] == [
        "api.recruit_lookup.country (character varying) was removed",
        "api.recruit_lookup.committed_team_id (bigint) was removed",
    ]
    assert [describe(c) for c in report.retyped] == [
        "api.recruit_lookup.ranking changed type from bigint to text"
    ]
    assert [describe(c) for c in report.compatible] == [  # a number still
        "api.recruit_lookup.year changed type from bigint to integer"
    ]
    assert [describe(c) for c in report.added] == [
        "api.recruit_lookup.shiny_new (integer) was added"
    ]


def test_a_view_of_api_the_contract_does_not_record_breaks_it(schema_conn) -> None:
    schema_conn.execute("CREATE VIEW api.extra AS SELECT 1 AS one")

    report = report_for(schema_conn, read_contract(REPO / "SCHEMA_CONTRACT.md"))

    assert report.unrecorded == ("api.extra",) and report.breaking


def test_a_contract_that_records_nothing_breaks_whatever_the_catalog() -> None:
    report = compare(parse_contract((REPO / "README.md").read_text()), {})

    assert report.empty and report.breaking


def test_a_dropped_view_is_reported_missing() -> None:
    contract = parse_contract(
        "## api.matchup\n\n| column | type | d |\n|---|---|---|\n| `team1` | `text` | x |\n"
    )

    report = compare(contract, {})

    assert report.missing_views == ("api.matchup",)
    assert report.breaking


def test_views_are_granted_to_supabase_roles_when_they_exist(schema_conn) -> None:
    for role in ("anon", "authenticated"):
        try:
            schema_conn.execute(f"CREATE ROLE {role} NOLOGIN")
        except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            pass  # it stands (on a shared server, another test may make it at the same time)
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test server's role may not create roles")
    for path in sorted((default_sql_dir() / "repeatable").glob("R__api_*.sql")):
        schema_conn.execute(path.read_text(encoding="utf-8").encode())

    denied = schema_conn.execute(
        "SELECT r.rolname, c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'api'"
        " CROSS JOIN pg_roles r"
        " WHERE r.rolname IN ('anon', 'authenticated') AND c.relkind = 'v'"
        "   AND NOT has_table_privilege(r.oid, c.oid, 'SELECT')"
    ).fetchall()
    granted_views = schema_conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'api' AND c.relkind = 'v'"
    ).fetchone()[0]

    assert denied == []
    assert granted_views == 7
