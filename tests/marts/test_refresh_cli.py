"""`cfbops --headless refresh`: the JSON document, the timing table, progress on stderr, exit codes."""

from __future__ import annotations

import json

from tests.conftest import DatabaseUnderTest, run_cli, ui_modules_after
from tests.marts.world import ALL_MARTS, make_fragile_fail

VIEW_KEYS = {"name", "status", "mode", "duration_ms", "rows", "error"}


def refresh_cli(db: DatabaseUnderTest, *args: str):
    return run_cli("--database-url", db.url, "--headless", "refresh", *args)


def test_json_lists_every_mart_with_status_mode_duration_rows_error(
    world: DatabaseUnderTest,
) -> None:
    result = refresh_cli(world, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is True
    assert isinstance(document["wall_ms"], (int, float)) and document["wall_ms"] > 0
    views = document["views"]
    assert {v["name"] for v in views} == ALL_MARTS
    for view in views:
        assert set(view) >= VIEW_KEYS
        assert view["status"] == "refreshed"
        assert view["mode"] in ("concurrent", "plain")
        assert view["duration_ms"] > 0
        assert view["error"] is None
    rows = {v["name"]: v["rows"] for v in views}
    assert rows["marts.game_totals"] == 3 and rows["marts.season_report"] == 2


def test_a_failed_mart_exits_1_with_ok_false(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        make_fragile_fail(conn)
    result = refresh_cli(world, "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    statuses = {v["name"]: v["status"] for v in document["views"]}
    assert statuses["marts.fragile"] == "failed"
    assert statuses["marts.fragile_child"] == "skipped"
    assert statuses["marts.team_names"] == "refreshed"


def test_stale_json_reports_fresh_marts_with_no_mode(world: DatabaseUnderTest) -> None:
    assert refresh_cli(world).returncode == 0
    document = json.loads(refresh_cli(world, "--stale", "--json").stdout)
    assert {v["status"] for v in document["views"]} == {"fresh"}
    assert {v["mode"] for v in document["views"]} == {None}


def test_text_output_is_a_timing_table_and_stderr_has_a_line_per_mart(
    world: DatabaseUnderTest,
) -> None:
    result = refresh_cli(world, "--select", "game_summary+", "--workers", "2")
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header == ["mart", "status", "mode", "seconds", "rows", "note"]
    assert "marts.season_report" in result.stdout
    assert "2 refreshed in" in result.stdout
    progress = [line for line in result.stderr.splitlines() if line.startswith("refresh [")]
    assert len(progress) == 2
    assert "marts.game_summary refreshed" in progress[0]


def test_select_accepts_several_names_with_and_without_schema(world: DatabaseUnderTest) -> None:
    result = refresh_cli(world, "--select", "team_names", "marts.game_totals", "--json")
    names = {v["name"] for v in json.loads(result.stdout)["views"]}
    assert names == {"marts.team_names", "marts.game_totals"}


def test_an_unknown_mart_exits_2_with_one_line(world: DatabaseUnderTest) -> None:
    result = refresh_cli(world, "--select", "team_nmaes")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "cfbops: error: no materialized view named 'team_nmaes'; did you mean marts.team_names?"
    ]


def test_bad_flag_values_exit_2(world: DatabaseUnderTest) -> None:
    assert refresh_cli(world, "--workers", "0").returncode == 2
    assert refresh_cli(world, "--mode", "fast").returncode == 2
    assert refresh_cli(world, "--wait", "-1").returncode == 2
    assert refresh_cli(world, "--wait", "5", "--no-wait").returncode == 2


def test_read_only_refuses_to_refresh_with_exit_2(world: DatabaseUnderTest) -> None:
    result = run_cli("--read-only", "--database-url", world.url, "--headless", "refresh")
    assert result.returncode == 2
    assert "--read-only" in result.stderr


def test_plan_shows_what_would_happen_and_changes_nothing(world: DatabaseUnderTest) -> None:
    result = refresh_cli(world, "--plan", "--stale", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)["plan"]
    assert {p["name"] for p in plan if p["refresh"]} == ALL_MARTS
    with world.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.mart_refresh").fetchone() == (0,)


def test_empty_database_has_nothing_to_refresh(empty_db: DatabaseUnderTest) -> None:
    result = refresh_cli(empty_db, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["views"] == []


def test_headless_refresh_never_imports_textual_or_rich(world: DatabaseUnderTest) -> None:
    code, loaded = ui_modules_after("--database-url", world.url, "--headless", "refresh", "--json")
    assert code == 0
    assert loaded == []


def test_status_shows_the_last_run_and_what_is_stale(world: DatabaseUnderTest) -> None:
    assert refresh_cli(world, "--select", "team_names").returncode == 0
    result = run_cli("--database-url", world.url, "--headless", "status", "--json")
    assert result.returncode == 0, result.stderr
    marts = json.loads(result.stdout)["marts"]
    assert [(v["name"], v["status"]) for v in marts["views"]] == [("marts.team_names", "refreshed")]
    assert set(marts["stale"]) == ALL_MARTS - {"marts.team_names"}
    text = run_cli("--database-url", world.url, "--headless", "status").stdout
    assert "9 marts, 8 stale; last run" in text
