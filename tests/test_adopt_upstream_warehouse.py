"""The real warehouse comes under cfbops: a database built from the live warehouse's column lists
(tests/fixtures/upstream_warehouse.sql, written from that sheet, not from sql/) with a
small consistent dataset, then `migrate --adopt` and `refresh`, as an operator would.

Runs on the embedded server, or on the server CFBOPS_TEST_DATABASE_URL names (hosted
databases are PostgreSQL 15-17): the pg_server fixture chooses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DatabaseUnderTest, run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The game keys, under upstream's names, as its migration 035 left them.
UPSTREAM_GAME_KEYS = {
    "fk_drives_game": "core.drives",
    "fk_lines_game": "betting.lines",
    "fk_game_havoc_game": "stats.game_havoc",
    "fk_play_stats_game": "stats.play_stats",
    "fk_pregame_wp_game": "metrics.pregame_win_probability",
}

# Every column of the seven API views at upstream's SPRINT5, which the apps read.
SPRINT5_COLUMNS = {
    "api.team_detail": """school mascot abbreviation color alternate_color logo_url conference
        classification current_season games wins losses conf_wins conf_losses ppg opp_ppg
        avg_margin sp_rating sp_rank sp_offense sp_defense elo fpi epa_per_play epa_tier
        success_rate explosiveness recruiting_rank recruiting_points""",
    "api.team_history": """team season conference games wins losses conf_wins conf_losses ppg
        opp_ppg avg_margin sp_rating sp_rank elo fpi epa_per_play epa_tier success_rate
        explosiveness total_plays recruiting_rank recruiting_points""",
    "api.game_detail": """game_id season week season_type start_date start_time_tbd completed
        neutral_site conference_game home_team home_conference home_points home_pregame_elo
        home_epa home_success_rate away_team away_conference away_points away_pregame_elo
        away_epa away_success_rate winner point_diff home_spread over_under line_provider
        spread_result ou_result pregame_home_win_prob venue venue_id attendance
        excitement_index""",
    "api.matchup": """team1 team2 total_games team1_wins team2_wins ties first_meeting
        last_meeting recent_results team1_season team1_wins_season team1_losses_season
        team1_sp_rank team1_epa team1_epa_tier team2_season team2_wins_season
        team2_losses_season team2_sp_rank team2_epa team2_epa_tier""",
    "api.leaderboard_teams": """team conference season games wins losses win_pct conf_wins
        conf_losses ppg opp_ppg avg_margin sp_rating sp_rank sp_offense sp_defense elo fpi
        epa_per_play epa_tier success_rate explosiveness total_plays recruiting_rank
        recruiting_points wins_rank ppg_rank defense_ppg_rank epa_rank""",
    "api.roster_lookup": """id first_name last_name team position height weight year jersey
        home_city home_state home_country""",
    "api.recruit_lookup": """id athlete_id recruit_type year ranking name school committed_to
        position height weight stars rating city state_province country""",
}


@pytest.fixture(scope="module")
def upstream_warehouse(pg_server, tmp_path_factory) -> DatabaseUnderTest:
    """The upstream-shaped warehouse, adopted and refreshed once for this module's tests."""
    from tests.conftest import _database_copy

    home = tmp_path_factory.mktemp("upstream")
    with _database_copy(pg_server, "template0", "upstream", home) as database:
        with database.connect() as conn:
            conn.execute((FIXTURES / "upstream_warehouse.sql").read_text())
            conn.execute((FIXTURES / "upstream_data.sql").read_text())
        base = ("--database-url", database.url, "--headless")
        adopted = run_cli(*base, "migrate", "--adopt", "--json", timeout=600)
        refreshed = run_cli(*base, "refresh", "--json", timeout=600)
        yield database, adopted, refreshed


def test_adopt_succeeds_and_records_adopted_files(upstream_warehouse) -> None:
    database, adopted, _ = upstream_warehouse
    document = json.loads(adopted.stdout or "{}")
    assert adopted.returncode == 0, adopted.stdout[-4000:] + adopted.stderr[-2000:]
    assert document["ok"] and document["adopted"]
    with database.connect() as conn:
        kinds = dict(
            conn.execute(
                "SELECT kind, count(*) FROM ops.schema_history WHERE success GROUP BY kind"
            ).fetchall()
        )
    assert kinds.get("adopted", 0) >= 1 and kinds.get("repeatable", 0) >= 1


def test_upstream_named_game_keys_are_deferred_and_validated(upstream_warehouse) -> None:
    database, adopted, _ = upstream_warehouse
    assert adopted.returncode == 0, adopted.stdout[-4000:]
    with database.connect() as conn:
        rows = conn.execute(
            "SELECT conname, conrelid::regclass::text, confrelid::regclass::text, "
            "condeferrable, condeferred, convalidated FROM pg_constraint "
            "WHERE contype = 'f' AND confrelid = 'core.games'::regclass AND conparentid = 0 "
            "ORDER BY conname"
        ).fetchall()
    by_name = {r[0]: r[1:] for r in rows}
    for name, table in UPSTREAM_GAME_KEYS.items():
        assert by_name.get(name) == (table, "core.games", True, True, True), name
    per_table = [r[1] for r in rows]
    assert len(per_table) == len(set(per_table))  # one key per child table: none added twice


def test_games_keeps_its_two_unique_keys_and_gets_no_third(upstream_warehouse) -> None:
    database, adopted, _ = upstream_warehouse
    assert adopted.returncode == 0, adopted.stdout[-4000:]
    with database.connect() as conn:
        unique = conn.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'core.games'::regclass "
            "AND contype IN ('p', 'u') ORDER BY conname"
        ).fetchall()
    assert [r[0] for r in unique] == ["games_id_unique", "uq_games_id"]


def test_refresh_refreshes_every_mart(upstream_warehouse) -> None:
    _, adopted, refreshed = upstream_warehouse
    assert adopted.returncode == 0, adopted.stdout[-4000:]
    document = json.loads(refreshed.stdout or "{}")
    failed = [
        (v["name"], v["error"]) for v in document.get("views", []) if v["status"] != "refreshed"
    ]
    assert refreshed.returncode == 0 and not failed, failed or refreshed.stderr[-2000:]


@pytest.mark.parametrize("view", sorted(SPRINT5_COLUMNS))
def test_api_view_returns_rows_with_every_sprint5_column(upstream_warehouse, view) -> None:
    database, adopted, _ = upstream_warehouse
    assert adopted.returncode == 0, adopted.stdout[-4000:]
    schema, name = view.split(".")
    with database.connect() as conn:
        columns = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s",
                (schema, name),
            ).fetchall()
        }
        missing = [c for c in SPRINT5_COLUMNS[view].split() if c not in columns]
        assert not missing, f"{view} lacks SPRINT5 columns {missing}"
        rows = conn.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
    assert rows > 0
