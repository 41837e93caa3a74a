"""The real warehouse comes under cfbops: a database built as upstream's own SQL leaves it
(tests/fixtures: the snapshot's raw tables, upstream's Sprint 5 keys, a small consistent
dataset, then upstream's marts, api and public views, functions and refresh_all(), all
written from the warehouse's fact sheet, not from sql/), then `migrate --plan --adopt`,
`migrate --adopt` and `refresh`, as an operator would, with no manual step.

Runs on the embedded server, or on the server CFBOPS_TEST_DATABASE_URL names (hosted
databases are PostgreSQL 15-17): the pg_server fixture chooses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import DatabaseUnderTest, run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Upstream's game keys, under upstream's names: after adoption all deferred and validated.
UPSTREAM_GAME_KEYS = {
    "fk_drives_game": "core.drives",
    "fk_lines_game": "betting.lines",
    "fk_game_havoc_game": "stats.game_havoc",
    "fk_play_stats_game": "stats.play_stats",
    "fk_pregame_wp_game": "metrics.pregame_win_probability",
}
# 012's immediate copies beside three of them: reported with their DROP, left standing.
IMMEDIATE_COPIES = {
    "fk_drives_game_id": "core.drives",
    "fk_lines_game_id": "betting.lines",
    "fk_pregame_wp_game_id": "metrics.pregame_win_probability",
}

# Every column of the seven API views at Sprint 5, which the apps read.
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

# Upstream's objects no cfbops file defines, and the functions that read them.
UPSTREAM_ONLY = [
    "marts.player_comparison",
    "marts.conference_head_to_head",
    "marts.team_playcalling_tendencies",
    "marts.team_situational_success",
    "marts.transfer_portal_impact",
    "marts.coaching_tenure",
    "marts.recruiting_roi",
    "marts.conference_comparison",
    "marts.data_freshness",
    "analytics.team_game_counts",
    "analytics.data_quality_dashboard",
    "api.game_line_scores",
    "api.coaching_history",
    "api.conference_comparison",
    "api.recruiting_roi",
    "api.team_playcalling_profile",
    "api.transfer_portal_impact",
    "public.defensive_havoc",
    "public.team_epa_season",
    "public.team_season_epa",
    "public.team_season_trajectory",
    "public.team_style_profile",
    "public.team_tempo_metrics",
]
UPSTREAM_FUNCTIONS = [
    "SELECT * FROM public.get_recruiting_roi('Alpha', 2023)",
    "SELECT * FROM public.get_team_portal_activity('Alpha', 2024)",
    "SELECT * FROM public.get_trajectory_averages('SEC', 2023, 2024)",
]

# What a catalog holds, one fact a row: an object that disappears, or a column that comes
# back in another type family (PostgreSQL's type category), shows as a missing fact.
CATALOG_FACTS_SQL = """
WITH rel AS (
    SELECT c.oid, n.nspname || '.' || c.relname AS name, c.relkind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'
)
SELECT 'relation', rel.name, rel.relkind::text FROM rel
UNION ALL
SELECT 'column', rel.name || '.' || a.attname,
       CASE WHEN t.typcategory = 'A' THEN 'A' || e.typcategory::text ELSE t.typcategory::text END
FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type e ON e.oid = t.typelem
UNION ALL
SELECT 'index', rel.name,
       regexp_replace(pg_get_indexdef(i.indexrelid), '^(CREATE (UNIQUE )?INDEX )\\S+ ON ', '\\1ON ')
FROM rel JOIN pg_index i ON i.indrelid = rel.oid
UNION ALL
SELECT 'constraint', rel.name, co.conname FROM rel JOIN pg_constraint co ON co.conrelid = rel.oid
UNION ALL
SELECT 'trigger', rel.name, tg.tgname FROM rel
JOIN pg_trigger tg ON tg.tgrelid = rel.oid AND NOT tg.tgisinternal
UNION ALL
SELECT 'grant', rel.name, x.privilege_type || ' to ' || coalesce(r.rolname, 'PUBLIC')
FROM rel, aclexplode(
    (SELECT relacl FROM pg_class WHERE oid = rel.oid)) x LEFT JOIN pg_roles r ON r.oid = x.grantee
UNION ALL
SELECT 'function', n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid)
       || ')', pg_get_function_result(p.oid)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'
"""


def _facts(database: DatabaseUnderTest) -> set[tuple[str, str, str]]:
    with database.connect() as conn:
        return set(conn.execute(CATALOG_FACTS_SQL).fetchall())


@pytest.fixture(scope="module")
def upstream_warehouse(pg_server, tmp_path_factory):
    """The upstream-built warehouse, rehearsed, adopted and refreshed once for this module."""
    from tests.conftest import _database_copy

    home = tmp_path_factory.mktemp("upstream")
    with _database_copy(pg_server, "template0", "upstream", home) as database:
        with database.connect() as conn:
            for part in ("upstream_warehouse", "upstream_data", "upstream_objects"):
                conn.execute((FIXTURES / f"{part}.sql").read_text())
        before = _facts(database)
        base = ("--database-url", database.url, "--headless")
        planned = run_cli(*base, "migrate", "--plan", "--adopt", "--json", timeout=600)
        adopted = run_cli(*base, "migrate", "--adopt", "--json", timeout=600)
        after = _facts(database)
        refreshed = run_cli(*base, "refresh", "--json", timeout=600)
        yield {
            "database": database,
            "planned": planned,
            "adopted": adopted,
            "refreshed": refreshed,
            "before": before,
            "after": after,
        }


def _adopted(world) -> dict:
    adopted = world["adopted"]
    assert adopted.returncode == 0, adopted.stdout[-6000:] + adopted.stderr[-2000:]
    return json.loads(adopted.stdout)


def test_plan_adopt_rehearses_the_whole_adoption_and_exits_0(upstream_warehouse) -> None:
    planned = upstream_warehouse["planned"]
    assert planned.returncode == 0, planned.stdout[-6000:] + planned.stderr[-2000:]
    document = json.loads(planned.stdout)
    assert document["rehearsed"] and not document["executed"] and "failed" not in document


def test_adopt_exits_0_and_records_adopted_files(upstream_warehouse) -> None:
    document = _adopted(upstream_warehouse)
    assert document["ok"] and document["adopted"]
    with upstream_warehouse["database"].connect() as conn:
        kinds = dict(
            conn.execute(
                "SELECT kind, count(*) FROM ops.schema_history WHERE success GROUP BY kind"
            ).fetchall()
        )
    assert kinds.get("adopted", 0) >= 1 and kinds.get("repeatable", 0) >= 1


def test_the_catalog_after_adoption_holds_everything_it_held_before(upstream_warehouse) -> None:
    _adopted(upstream_warehouse)
    lost = sorted(upstream_warehouse["before"] - upstream_warehouse["after"])
    assert lost == [], "\n".join(" ".join(fact) for fact in lost[:60])


def test_every_upstream_only_view_and_mart_still_answers(upstream_warehouse) -> None:
    _adopted(upstream_warehouse)
    with upstream_warehouse["database"].connect() as conn:
        empty = [
            name
            for name in UPSTREAM_ONLY
            if conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == 0
        ]
    # cfbops's team_tempo_metrics, as upstream's, keeps team-seasons of 5 games or more:
    # the fixture's teams play 3 or 4.
    assert empty == ["public.team_tempo_metrics"]


@pytest.mark.parametrize("query", UPSTREAM_FUNCTIONS)
def test_upstream_functions_reading_replaced_objects_still_answer(
    upstream_warehouse, query
) -> None:
    _adopted(upstream_warehouse)
    with upstream_warehouse["database"].connect() as conn:
        assert conn.execute(query).fetchall()


def test_refresh_all_keeps_its_three_columns_and_refreshes_upstream_only_marts(
    upstream_warehouse,
) -> None:
    _adopted(upstream_warehouse)
    with upstream_warehouse["database"].connect() as conn:
        cursor = conn.execute("SELECT * FROM marts.refresh_all()")
        rows = cursor.fetchall()
        columns = [c.name for c in cursor.description]
    assert columns == ["view_name", "duration_ms", "status"]
    statuses = {name: status for name, _, status in rows}
    upstream_marts = [n.split(".")[1] for n in UPSTREAM_ONLY if n.startswith("marts.")]
    assert {name: statuses.get(name, "absent")[:2] for name in upstream_marts} == dict.fromkeys(
        upstream_marts, "OK"
    )


def test_upstream_named_game_keys_are_deferred_and_validated(upstream_warehouse) -> None:
    _adopted(upstream_warehouse)
    with upstream_warehouse["database"].connect() as conn:
        rows = conn.execute(
            "SELECT conname, conrelid::regclass::text, confrelid::regclass::text, "
            "condeferrable, condeferred, convalidated FROM pg_constraint "
            "WHERE contype = 'f' AND confrelid = 'core.games'::regclass AND conparentid = 0 "
            "ORDER BY conname"
        ).fetchall()
    by_name = {r[0]: r[1:] for r in rows}
    for name, table in UPSTREAM_GAME_KEYS.items():
        assert by_name.get(name) == (table, "core.games", True, True, True), name


def test_immediate_copies_are_reported_with_their_drop_and_left_standing(
    upstream_warehouse,
) -> None:
    document = _adopted(upstream_warehouse)
    notes = {
        o["object"]: o["fix"]
        for f in document["files"]
        for o in f["objects"]
        if o["outcome"] == "note" and o["fix"]
    }
    for name, table in IMMEDIATE_COPIES.items():
        schema, relation = table.split(".")
        assert notes[name] == f'ALTER TABLE "{schema}"."{relation}" DROP CONSTRAINT "{name}"'
    with upstream_warehouse["database"].connect() as conn:
        standing = conn.execute(
            "SELECT conname FROM pg_constraint WHERE conname = ANY(%s)", (list(IMMEDIATE_COPIES),)
        ).fetchall()
    assert len(standing) == len(IMMEDIATE_COPIES)


def test_the_quality_check_finds_the_immediate_copies(upstream_warehouse) -> None:
    database = upstream_warehouse["database"]
    result = run_cli(
        "--database-url", database.url, "--headless", "check", "--json",
        "--select", "immediate_duplicate_foreign_keys",
    )  # fmt: skip
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["count"] == len(IMMEDIATE_COPIES)
    assert {row["immediate_key"] for row in finding["sample"]} == set(IMMEDIATE_COPIES)


def test_games_keeps_its_two_unique_keys_and_gets_no_third(upstream_warehouse) -> None:
    _adopted(upstream_warehouse)
    with upstream_warehouse["database"].connect() as conn:
        unique = conn.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'core.games'::regclass "
            "AND contype IN ('p', 'u') ORDER BY conname"
        ).fetchall()
    assert [r[0] for r in unique] == ["games_id_unique", "uq_games_id"]


def test_refresh_refreshes_every_mart(upstream_warehouse) -> None:
    _adopted(upstream_warehouse)
    refreshed = upstream_warehouse["refreshed"]
    document = json.loads(refreshed.stdout or "{}")
    failed = [
        (v["name"], v["error"]) for v in document.get("views", []) if v["status"] != "refreshed"
    ]
    assert refreshed.returncode == 0 and not failed, failed or refreshed.stderr[-2000:]


@pytest.mark.parametrize("view", sorted(SPRINT5_COLUMNS))
def test_api_view_returns_rows_with_every_sprint5_column(upstream_warehouse, view) -> None:
    _adopted(upstream_warehouse)
    schema, name = view.split(".")
    with upstream_warehouse["database"].connect() as conn:
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


def test_contract_write_records_every_api_view_and_check_then_passes(
    upstream_warehouse, tmp_path: Path
) -> None:
    database = upstream_warehouse["database"]
    path = tmp_path / "SCHEMA_CONTRACT.md"
    base = ("--database-url", database.url, "--headless", "contract", "--contract", str(path))
    written = run_cli(*base, "--write")
    assert written.returncode == 0, written.stderr
    with database.connect() as conn:
        views = {
            f"api.{r[0]}"
            for r in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'api' AND c.relkind IN ('v', 'm')"
            ).fetchall()
        }
    recorded = set(re.findall(r"^## (api\.\w+)$", path.read_text(), flags=re.MULTILINE))
    assert recorded == views and len(views) >= 12
    checked = run_cli(*base, "--check")
    assert checked.returncode == 0, checked.stdout
