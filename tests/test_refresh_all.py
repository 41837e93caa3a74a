"""marts.refresh_all() keeps upstream's signature and statuses; marts.refresh_all_report()
beside it tells more. Both refresh every mart, in an order the catalog allows, failures
isolated."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from cfbops.db.embedded import find_binaries
from cfbops.marts.history import last_refreshes
from cfbops.marts.models import RefreshPlan
from cfbops.marts.runner import preview_refresh, refresh_marts
from cfbops.marts.scheduler import critical_path
from tests.conftest import REPO, DatabaseUnderTest
from tests.marts.world import flush_statistics

MART_COUNT = 23
# The marts only other marts read: refreshed plainly inside the run that refreshes them.
ONLY_MARTS_READ = {
    "marts.play_epa",
    "marts.play_credits",
    "marts.athlete_game_epa",
    "marts.athlete_season_epa",
    "marts.player_game_epa",
    "marts.team_style_profile",
}

# What each mart reads, straight from the catalog (pg_rewrite + pg_depend), following
# plain views: written here independently of marts.refresh_plan, to check it.
CATALOG_DEPENDENCIES_SQL = """
WITH RECURSIVE
marts AS (
    SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind = 'm' AND n.nspname IN ('marts', 'scouting')
),
reads AS (
    SELECT DISTINCT r.ev_class AS reader, d.refobjid AS read
    FROM pg_rewrite AS r
    JOIN pg_depend AS d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                       AND d.refclassid = 'pg_class'::regclass
    WHERE d.refobjid <> r.ev_class
),
reached (mart, rel) AS (
    SELECT m.oid, rd.read FROM marts AS m JOIN reads AS rd ON rd.reader = m.oid
    UNION
    SELECT re.mart, rd.read
    FROM reached AS re
    JOIN pg_class AS c ON c.oid = re.rel AND c.relkind = 'v'
    JOIN reads AS rd ON rd.reader = re.rel
)
SELECT m.name, array_remove(array_agg(DISTINCT up.name), NULL)
FROM marts AS m
LEFT JOIN reached AS re ON re.mart = m.oid
LEFT JOIN marts AS up ON up.oid = re.rel AND up.oid <> m.oid
GROUP BY m.name
"""


def catalog_dependencies(conn: psycopg.Connection) -> dict[str, set[str]]:
    return {name: set(ups) for name, ups in conn.execute(CATALOG_DEPENDENCIES_SQL)}


def dependents_of(mart: str, dependencies: dict[str, set[str]]) -> set[str]:
    """Every mart that reads `mart`, directly or through other marts."""
    found: set[str] = set()
    frontier = {mart}
    while frontier:
        frontier = {m for m, ups in dependencies.items() if ups & frontier} - found
        found |= frontier
    return found


def refresh_all(conn: psycopg.Connection) -> list[tuple]:
    """(view_name, status, refresh_mode, refreshed_at, error) in the order refreshed."""
    return conn.execute(
        "SELECT view_name, status, refresh_mode, refreshed_at, error"
        " FROM marts.refresh_all_report()"
    ).fetchall()


def upstream_name(qualified: str) -> str:
    """The view_name upstream's refresh_all() gives: bare for a mart of schema marts."""
    return qualified.removeprefix("marts.")


def test_refresh_all_returns_upstreams_three_columns(db_conn) -> None:
    result = db_conn.execute(
        "SELECT pg_get_function_result('marts.refresh_all()'::regprocedure)"
    ).fetchone()[0]
    cursor = db_conn.execute("SELECT * FROM marts.refresh_all()")
    rows = cursor.fetchall()

    assert result == "TABLE(view_name text, duration_ms bigint, status text)"
    assert [c.name for c in cursor.description] == ["view_name", "duration_ms", "status"]
    assert len(rows) == MART_COUNT
    names = {row[0] for row in rows}
    assert {"play_epa", "_game_epa_calc", "scouting.player_mart"} <= names
    assert all(isinstance(row[1], int) and row[1] >= 0 for row in rows)


def test_refresh_all_names_marts_and_statuses_as_the_report_does(db_conn) -> None:
    upstream = db_conn.execute("SELECT view_name, status FROM marts.refresh_all()").fetchall()
    report = [(row[0], row[1]) for row in refresh_all(db_conn)]

    # (the first call recorded durations, which may reorder the second)
    assert sorted(upstream) == sorted((upstream_name(name), status) for name, status in report)


def test_refresh_all_refreshes_an_upstream_only_mart_after_what_it_reads(db_conn) -> None:
    # upstream's coaching_tenure reads coach_record; cfbops has no file for it
    db_conn.execute(
        "CREATE MATERIALIZED VIEW marts.coaching_tenure AS"
        " SELECT team, count(*) AS coaches FROM marts.coach_record GROUP BY team WITH NO DATA"
    )

    rows = db_conn.execute("SELECT view_name, status FROM marts.refresh_all()").fetchall()
    position = {name: n for n, (name, _) in enumerate(rows)}
    statuses = dict(rows)

    assert statuses["coach_record"] == "OK (layer 1)"
    assert statuses["coaching_tenure"] == "OK (layer 2)"
    assert position["coaching_tenure"] > position["coach_record"]
    populated = "SELECT relispopulated FROM pg_class WHERE oid = 'marts.coaching_tenure'::regclass"
    assert db_conn.execute(populated).fetchone()[0] is True
    assert db_conn.execute("SELECT count(*) FROM marts.coaching_tenure").fetchone()[0] > 0


def outcome(status: str) -> str:
    """refreshed, failed or skipped, read off upstream's status text."""
    if status.startswith("OK (layer "):
        return "refreshed"
    if re.match(r"ERROR \(layer \d+\): skipped: ", status):
        return "skipped"
    assert status.startswith("ERROR (layer "), status
    return "failed"


def by_status(run: list[tuple], status: str) -> set[str]:
    return {row[0] for row in run if outcome(row[1]) == status}


def test_refresh_all_lists_every_mart_once(db_conn) -> None:
    run = refresh_all(db_conn)
    names = [row[0] for row in run]

    assert len(names) == len(set(names)) == MART_COUNT
    assert set(names) == set(catalog_dependencies(db_conn))
    assert "scouting.player_mart" in names


def test_each_mart_is_refreshed_after_everything_it_reads(db_conn) -> None:
    dependencies = catalog_dependencies(db_conn)
    position = {row[0]: n for n, row in enumerate(refresh_all(db_conn))}

    late = [
        (mart, upstream)
        for mart, ups in dependencies.items()
        for upstream in ups
        if position[upstream] > position[mart]
    ]
    assert late == []
    assert dependencies["scouting.player_mart"] == {"marts.athlete_season_epa"}
    assert dependencies["marts.team_season_trajectory"] == {
        "marts.team_epa_season",
        "marts.team_season_summary",
    }


def test_marts_only_marts_read_refresh_plainly_and_the_others_concurrently(db_conn) -> None:
    run = refresh_all(db_conn)

    assert by_status(run, "refreshed") == {row[0] for row in run}
    assert {row[0] for row in run if row[2] == "plain"} == ONLY_MARTS_READ
    assert all(row[3] is not None and row[4] is None for row in run)


def test_refresh_all_takes_the_order_and_the_modes_cfbops_takes(db: DatabaseUnderTest) -> None:
    refresh_marts(db.settings)  # records each mart's duration, which orders both
    plan = preview_refresh(db.settings)
    with db.connect() as conn:
        weights = {
            name: last.median_ms or last.duration_ms for name, last in last_refreshes(conn).items()
        }
        run = refresh_all(conn)
    priority = critical_path({p.name: p for p in plan.to_refresh}, weights)

    assert [row[0] for row in run] == one_at_a_time(plan, priority)
    assert {row[0]: row[2] for row in run} == {p.name: p.mode.value for p in plan.to_refresh}
    assert len(set(priority.values())) > MART_COUNT // 2  # the order is the durations', not names'


def one_at_a_time(plan: RefreshPlan, priority: dict[str, float]) -> list[str]:
    """cfbops's scheduler with one worker: of the marts whose inputs are done, the one
    heading the longest chain first, ties by name."""
    order: list[str] = []
    waiting = {p.name: set(p.waits_for) for p in plan.to_refresh}
    while waiting:
        ready = [name for name, inputs in waiting.items() if inputs <= set(order)]
        chosen = min(ready, key=lambda name: (-priority[name], name))
        order.append(chosen)
        del waiting[chosen]
    return order


def test_statuses_read_ok_with_the_layer_as_upstreams_do(db_conn) -> None:
    depth = dict(db_conn.execute("SELECT view_name, depth FROM marts.refresh_plan").fetchall())

    statuses = dict(db_conn.execute("SELECT view_name, status FROM marts.refresh_all()"))

    assert statuses == {upstream_name(name): f"OK (layer {depth[name] + 1})" for name in depth}
    assert statuses["_game_epa_calc"] == "OK (layer 1)"
    assert statuses["scouting.player_mart"] == "OK (layer 5)"


def test_an_unpopulated_mart_refreshes_plainly(db_conn) -> None:
    db_conn.execute("REFRESH MATERIALIZED VIEW marts.coach_record WITH NO DATA")

    modes = {row[0]: row[2] for row in refresh_all(db_conn)}

    assert modes["marts.coach_record"] == "plain"
    assert db_conn.execute("SELECT count(*) FROM marts.coach_record").fetchone()[0] > 0


def test_a_mart_read_through_a_plain_view_is_ordered_after_what_the_view_reads(db_conn) -> None:
    db_conn.execute("CREATE VIEW marts.tmp_passthrough AS SELECT * FROM marts.team_epa_season")
    db_conn.execute(
        "CREATE MATERIALIZED VIEW marts.tmp_through_view AS"
        " SELECT team_id, season FROM marts.tmp_passthrough"
    )

    run = refresh_all(db_conn)
    position = {row[0]: n for n, row in enumerate(run)}
    modes = {row[0]: row[2] for row in run}

    assert position["marts.tmp_through_view"] > position["marts.team_epa_season"]
    assert modes["marts.tmp_through_view"] == "plain"  # no unique index: not concurrently


def test_a_broken_helper_fails_its_callers_and_skips_exactly_their_dependents(db_conn) -> None:
    dependencies = catalog_dependencies(db_conn)
    db_conn.execute(
        "CREATE OR REPLACE FUNCTION marts.is_passing_down(down bigint, distance bigint)"
        " RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'broken on purpose'; END $$"
    )

    run = refresh_all(db_conn)

    failed = by_status(run, "failed")
    assert failed == {"marts.play_epa", "marts.team_situation_splits"}
    expected_skipped = set().union(*(dependents_of(mart, dependencies) for mart in failed))
    assert (
        by_status(run, "skipped")
        == expected_skipped
        == {
            "marts.athlete_game_epa",
            "marts.athlete_season_epa",
            "marts.matchup_edges",
            "marts.play_credits",
            "marts.player_game_epa",
            "marts.player_season_epa",
            "marts.team_style_profile",
            "scouting.player_mart",
        }
    )
    assert by_status(run, "refreshed") == set(dependencies) - failed - expected_skipped
    assert all("broken on purpose" in row[4] for row in run if outcome(row[1]) == "failed")
    # what a cron job grepping the status for ERROR sees: the layer and the message
    assert all(
        re.fullmatch(r"ERROR \(layer [12]\): broken on purpose", row[1])
        for row in run
        if outcome(row[1]) == "failed"
    )
    assert all("depends on" in row[4] for row in run if outcome(row[1]) == "skipped")
    assert all(row[3] is None for row in run if outcome(row[1]) != "refreshed")


def test_a_mart_its_owner_cannot_read_fails_alone_and_skips_its_three_dependents(
    db_conn,
) -> None:
    dependencies = catalog_dependencies(db_conn)
    role = "cfbops_test_no_access_" + db_conn.info.dbname[-12:]
    try:
        db_conn.execute(f"CREATE ROLE {role} NOLOGIN")
    except psycopg.errors.InsufficientPrivilege:
        pytest.skip("the test server's role may not create roles")
    try:
        db_conn.execute(f"ALTER MATERIALIZED VIEW marts.team_epa_season OWNER TO {role}")

        run = refresh_all(db_conn)

        assert by_status(run, "failed") == {"marts.team_epa_season"}
        assert next(row[4] for row in run if outcome(row[1]) == "failed").startswith("42501:")
        assert by_status(run, "skipped") == dependents_of("marts.team_epa_season", dependencies)
        assert by_status(run, "skipped") == {
            "marts.conference_era_summary",
            "marts.team_season_trajectory",
            "marts.team_tempo_metrics",
        }
        assert len(by_status(run, "refreshed")) == MART_COUNT - 4
    finally:
        db_conn.execute("ALTER MATERIALIZED VIEW marts.team_epa_season OWNER TO CURRENT_USER")
        db_conn.execute(f"DROP ROLE {role}")


def test_a_failed_run_keeps_the_failed_marts_data(db_conn) -> None:
    before = db_conn.execute("SELECT count(*) FROM marts.play_epa").fetchone()[0]
    db_conn.execute(
        "CREATE OR REPLACE FUNCTION marts.is_passing_down(down bigint, distance bigint)"
        " RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'broken on purpose'; END $$"
    )

    refresh_all(db_conn)

    assert db_conn.execute("SELECT count(*) FROM marts.play_epa").fetchone()[0] == before > 0


def _psql() -> str | None:
    bin_dir = find_binaries()
    if bin_dir is not None and (bin_dir / "psql").exists():
        return str(bin_dir / "psql")
    return shutil.which("psql")


@pytest.mark.skipif(_psql() is None, reason="no psql client on this machine")
def test_the_psql_script_prints_every_mart_and_its_timings(db: DatabaseUnderTest) -> None:
    script = Path(REPO) / "scripts" / "refresh_marts.sql"
    result = subprocess.run(
        [_psql(), db.url, "-X", "-f", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    listed = [line for line in result.stdout.splitlines() if "| OK (layer " in line]
    assert len(listed) == MART_COUNT
    assert "marts.play_epa" in result.stdout and "scouting.player_mart" in result.stdout


def test_refresh_all_is_kept_in_cfbops_history_so_stale_refreshes_nothing_after_it(
    db: DatabaseUnderTest,
) -> None:
    with db.connect() as conn:
        conn.execute("SELECT * FROM marts.refresh_all()").fetchall()
        flush_statistics(conn)
        run = conn.execute(
            "SELECT status, client FROM ops.refresh_run ORDER BY run_id DESC LIMIT 1"
        ).fetchone()
        recorded = conn.execute(
            "SELECT count(*) FILTER (WHERE inputs IS NOT NULL) FROM ops.mart_refresh"
            " WHERE run_id = (SELECT max(run_id) FROM ops.refresh_run) AND status = 'refreshed'"
        ).fetchone()[0]

    plan = preview_refresh(db.settings, stale_only=True)

    assert run == ("succeeded", "marts.refresh_all()")
    assert recorded == MART_COUNT
    assert plan.to_refresh == ()


LAST_RUN_ANALYZED_SQL = """
SELECT mart, rows, analyze_ms IS NOT NULL FROM ops.mart_refresh
WHERE run_id = (SELECT max(run_id) FROM ops.refresh_run) AND status = 'refreshed'
"""


def _last_run(conn: psycopg.Connection) -> tuple[set[str], dict[str, int | None]]:
    """The marts refresh_all()'s last run analyzed, and every mart's rows as it recorded them."""
    rows = conn.execute(LAST_RUN_ANALYZED_SQL).fetchall()
    return {mart for mart, _, analyzed in rows if analyzed}, {mart: n for mart, n, _ in rows}


def test_refresh_all_analyzes_exactly_the_marts_whose_contents_changed(
    db: DatabaseUnderTest,
) -> None:
    """As cfbops's refresh does: statistics for what changed, rows for every mart, so that
    cfbops's next refresh analyzes nothing again."""
    with db.connect() as conn:
        conn.execute("SELECT * FROM marts.refresh_all()").fetchall()  # no history: all
        first_analyzed, first_rows = _last_run(conn)
        flush_statistics(conn)
        conn.execute("SELECT * FROM marts.refresh_all()").fetchall()  # nothing changed
        unchanged_analyzed, unchanged_rows = _last_run(conn)
        conn.execute(
            "DELETE FROM stats.play_stats WHERE game_id ="
            " (SELECT max(game_id) FROM stats.play_stats)"
        )
        flush_statistics(conn)
        stale = {p.name for p in preview_refresh(db.settings, stale_only=True).to_refresh}
        conn.execute("SELECT * FROM marts.refresh_all()").fetchall()
        changed_analyzed, changed_rows = _last_run(conn)
        credits = conn.execute("SELECT count(*) FROM marts.play_credits").fetchone()[0]
        flush_statistics(conn)

    after = refresh_marts(db.settings, workers=2)

    assert len(first_analyzed) == MART_COUNT
    assert unchanged_analyzed == set() and unchanged_rows == first_rows
    assert None not in first_rows.values()
    assert "marts.play_credits" in stale and "marts.play_epa" not in stale
    assert changed_analyzed == stale
    assert changed_rows["marts.play_credits"] == credits < first_rows["marts.play_credits"]
    assert [v.name for v in after.views if v.analyze_ms is not None] == []
    assert {v.name: v.rows for v in after.views} == changed_rows
