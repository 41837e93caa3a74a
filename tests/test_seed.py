"""`cfbops seed`: a deterministic demo dataset, loaded only where it replaces nothing foreign."""

from __future__ import annotations

import json

import psycopg
import pytest
from psycopg import sql

from cfbops.demo.generate import CLEARED_WITH_SEED, SEEDED_TABLES
from cfbops.demo.seed import seed_database
from cfbops.errors import UsageError
from tests.conftest import DatabaseUnderTest, run_cli
from tests.picks_world import assert_counters_exact


def table_checksums(conn: psycopg.Connection) -> dict[str, str]:
    """md5 of every seeded table's rows, in a fixed order. updated_at is left out: upstream's
    trigger stamps it with the time of the update (the seed writes final scores)."""
    checksums = {}
    for name in SEEDED_TABLES:
        schema, table = name.split(".")
        row = conn.execute(
            sql.SQL(
                "SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), ''))"
                " FROM (SELECT to_jsonb(t) - 'updated_at' AS r FROM {} t) AS rows"
            ).format(sql.Identifier(schema, table))
        ).fetchone()
        checksums[name] = row[0]
    return checksums


def seed_runs(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("SELECT scale, seed, rows FROM ops.seed_runs ORDER BY id").fetchall()


def load_foreign_data(conn: psycopg.Connection) -> None:
    """The database as a real warehouse would have it: rows no seed made."""
    conn.execute("DELETE FROM ops.seed_runs")
    tables = sql.SQL(", ").join(
        sql.Identifier(*name.split(".")) for name in SEEDED_TABLES + CLEARED_WITH_SEED
    )
    conn.execute(sql.SQL("TRUNCATE {}").format(tables))
    conn.execute(
        "INSERT INTO ref.conferences (id, name, classification, _dlt_load_id, _dlt_id)"
        " VALUES (9001, 'Real League', 'fbs', '1769621234.123456', 'Xt1bLaR3x3ESbQ')"
    )


def test_the_same_scale_and_seed_give_identical_tables(db: DatabaseUnderTest, db_conn) -> None:
    before = table_checksums(db_conn)

    seed_database(db.settings, "tiny")

    assert table_checksums(db_conn) == before


def test_another_seed_gives_other_games_and_the_same_reference_lists(
    db: DatabaseUnderTest, db_conn
) -> None:
    before = table_checksums(db_conn)

    seed_database(db.settings, "tiny", seed=2)

    after = table_checksums(db_conn)
    assert after["ref.conferences"] == before["ref.conferences"]
    assert after["core.plays"] != before["core.plays"]
    assert after["core.games"] != before["core.games"]


def test_reseeding_replaces_the_earlier_seed_and_records_each_run(
    db: DatabaseUnderTest, db_conn
) -> None:
    (first,) = seed_runs(db_conn)

    result = seed_database(db.settings, "tiny")

    assert result.replaced
    runs = seed_runs(db_conn)
    assert len(runs) == 2
    assert runs[1] == ("tiny", 1, result.rows)
    assert result.rows == first[2]
    assert (
        db_conn.execute("SELECT count(*) FROM core.plays").fetchone()[0]
        == result.rows["core.plays"]
    )


def test_every_seeded_table_gets_rows(db_conn) -> None:
    ((_, _, rows),) = seed_runs(db_conn)

    assert set(rows) == set(SEEDED_TABLES)
    assert all(count > 0 for count in rows.values()), rows


def test_seed_refuses_a_database_holding_data_it_did_not_create(
    db: DatabaseUnderTest, db_conn
) -> None:
    load_foreign_data(db_conn)

    result = run_cli("--headless", "--database-url", db.url, "seed", "--scale", "tiny")

    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "did not load" in result.stderr and "--replace" in result.stderr
    assert db_conn.execute("SELECT name FROM ref.conferences").fetchall() == [("Real League",)]
    assert seed_runs(db_conn) == []


def test_replace_replaces_data_the_seed_did_not_create(db: DatabaseUnderTest, db_conn) -> None:
    load_foreign_data(db_conn)

    result = seed_database(db.settings, "tiny", replace=True)

    assert result.replaced
    names = {row[0] for row in db_conn.execute("SELECT name FROM ref.conferences")}
    assert "Real League" not in names and "SEC" in names
    assert len(seed_runs(db_conn)) == 1


def test_seed_requires_a_migrated_database(empty_db: DatabaseUnderTest) -> None:
    result = run_cli("--headless", "--database-url", empty_db.url, "seed", "--scale", "tiny")

    assert result.returncode == 2
    assert "not migrated" in result.stderr and "cfbops --headless migrate" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unknown_scale_is_a_usage_error(db: DatabaseUnderTest) -> None:
    with pytest.raises(UsageError, match="unknown scale 'huge'"):
        seed_database(db.settings, "huge")


def test_a_failing_seed_leaves_the_earlier_data_as_it_was(db: DatabaseUnderTest, db_conn) -> None:
    before = table_checksums(db_conn)
    db_conn.execute(
        "CREATE FUNCTION public.refuse_coaches() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RAISE EXCEPTION 'no coaches today'; END $$"
    )
    db_conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON ref.coaches"
        " FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_coaches()"
    )

    with pytest.raises(psycopg.errors.RaiseException, match="no coaches today"):
        seed_database(db.settings, "tiny", seed=3)

    assert table_checksums(db_conn) == before
    assert len(seed_runs(db_conn)) == 1


def test_seed_analyzes_every_table_it_loaded(db: DatabaseUnderTest, db_conn) -> None:
    seed_database(db.settings, "tiny")

    never_analyzed = db_conn.execute(
        "SELECT schemaname || '.' || relname FROM pg_stat_user_tables"
        " WHERE schemaname || '.' || relname = ANY(%s) AND last_analyze IS NULL",
        (list(SEEDED_TABLES),),
    ).fetchall()
    assert never_analyzed == []


def test_seed_refuses_rows_added_by_hand_since_the_last_seed(
    db: DatabaseUnderTest, db_conn
) -> None:
    db_conn.execute(
        "INSERT INTO ref.conferences (id, name, classification, _dlt_load_id, _dlt_id)"
        " VALUES (9001, 'Added By Hand', 'fbs', '1769621234.123456', 'Xt1bLaR3x3ESbQ')"
    )

    result = run_cli("--headless", "--database-url", db.url, "seed", "--scale", "tiny")

    assert result.returncode == 2
    assert "ref.conferences" in result.stderr and "--replace" in result.stderr
    names = {row[0] for row in db_conn.execute("SELECT name FROM ref.conferences")}
    assert "Added By Hand" in names
    assert len(seed_runs(db_conn)) == 1


def test_json_output_names_scale_rows_and_seconds(db: DatabaseUnderTest) -> None:
    result = run_cli("--headless", "--database-url", db.url, "seed", "--scale", "tiny", "--json")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is True
    assert document["scale"] == "tiny"
    assert set(document["rows"]) == set(SEEDED_TABLES)
    assert document["rows"]["core.plays"] > 10_000
    assert document["seconds"] > 0
    assert "seed tiny" in result.stderr  # progress, table by table, on stderr


def test_text_output_is_a_table_of_rows_and_a_refresh_hint(db: DatabaseUnderTest) -> None:
    result = run_cli("--headless", "--database-url", db.url, "seed", "--scale", "tiny")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["table", "rows"]
    assert any(line.startswith("core.plays") for line in lines)
    assert "cfbops --headless refresh" in result.stdout


def test_row_counts_grow_with_the_scale(db: DatabaseUnderTest, db_conn) -> None:
    ((_, _, tiny),) = seed_runs(db_conn)

    small = seed_database(db.settings, "small").rows

    assert all(small[table] >= tiny[table] for table in SEEDED_TABLES)
    assert small["core.games"] > 4 * tiny["core.games"]
    assert small["core.plays"] > 8 * tiny["core.plays"]
    assert small["core.roster"] > 3 * tiny["core.roster"]


def test_about_35_school_names_are_shared_by_several_teams(db_conn) -> None:
    shared = dict(
        db_conn.execute(
            "SELECT school, count(*) FROM ref.teams GROUP BY school HAVING count(*) > 1"
        ).fetchall()
    )

    assert 30 <= len(shared) <= 40
    assert shared["Albany"] == 3
    assert db_conn.execute("SELECT count(*) FROM ref.teams").fetchone()[0] == 1899


def test_a_handful_of_completed_games_have_no_scores(db_conn) -> None:
    (lost,) = db_conn.execute(
        "SELECT count(*) FROM core.games WHERE completed AND home_points IS NULL"
    ).fetchone()

    assert 1 <= lost <= 5


def test_each_season_has_about_1640_games_across_divisions(db_conn) -> None:
    per_season = dict(db_conn.execute("SELECT season, count(*) FROM core.games GROUP BY season"))

    assert set(per_season) == {2024, 2025}
    assert all(1500 <= games <= 1800 for games in per_season.values()), per_season
    divisions = {
        row[0] for row in db_conn.execute("SELECT DISTINCT home_classification FROM core.games")
    }
    assert divisions == {"fbs", "fcs", "ii", "iii"}


def test_play_stats_are_backfilled_for_the_latest_season_only(db_conn) -> None:
    play_seasons = {row[0] for row in db_conn.execute("SELECT DISTINCT season FROM core.plays")}
    stat_seasons = {
        row[0] for row in db_conn.execute("SELECT DISTINCT season FROM stats.play_stats")
    }

    assert play_seasons == {2024, 2025}
    assert stat_seasons == {2025}


def test_play_stats_use_the_stat_types_the_player_marts_read(db_conn) -> None:
    stat_types = {
        row[0] for row in db_conn.execute("SELECT DISTINCT stat_type FROM stats.play_stats")
    }

    assert {
        "Completion",
        "Incompletion",
        "Sack Taken",
        "Interception Thrown",
        "Rush",
        "Reception",
        "Target",
    } <= stat_types


def test_play_stats_athletes_of_fbs_and_fcs_teams_are_on_their_rosters(db_conn) -> None:
    credited, missing = db_conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS ("
        "           SELECT FROM core.roster r"
        "           WHERE r.id = ps.athlete_id AND r.year = ps.season AND r.team = ps.team))"
        " FROM stats.play_stats ps JOIN core.games g ON g.id = ps.game_id"
        " WHERE g.home_classification IN ('fbs', 'fcs') AND g.away_classification IN ('fbs', 'fcs')"
    ).fetchone()

    assert credited > 10_000
    assert missing == 0


def test_plays_are_plausible(db_conn) -> None:
    row = db_conn.execute(
        "SELECT count(*) / count(DISTINCT game_id), avg(ppa),"
        "       avg(yards_gained) FILTER (WHERE play_type = 'Rush'),"
        "       bool_and(down BETWEEN 1 AND 4) FILTER (WHERE play_type IN ('Rush', 'Pass Reception')),"
        "       bool_and(yards_to_goal BETWEEN 1 AND 99) FILTER (WHERE play_type = 'Rush'),"
        "       count(*) FILTER (WHERE play_type = 'Pass Incompletion' AND play_text ILIKE '%broken up%')"
        " FROM core.plays"
    ).fetchone()
    plays_per_game, mean_epa, yards_per_rush, downs_ok, field_ok, breakups = row

    assert 150 <= plays_per_game <= 230
    assert -0.2 <= mean_epa <= 0.3
    assert 3 <= yards_per_rush <= 7
    assert downs_ok and field_ok
    assert breakups > 0


def test_final_scores_agree_with_the_drives_box_scores_and_line_scores(db_conn) -> None:
    # box scores and line scores are dlt child tables, reached through the parent's _dlt_id
    (disagreeing,) = db_conn.execute(
        "SELECT count(*) FROM core.games g"
        " JOIN (SELECT game_id,"
        "              max(CASE WHEN is_home_offense THEN end_offense_score"
        "                       ELSE end_defense_score END) AS home,"
        "              max(CASE WHEN is_home_offense THEN end_defense_score"
        "                       ELSE end_offense_score END) AS away"
        "         FROM core.drives GROUP BY game_id) d ON d.game_id = g.id"
        " LEFT JOIN (SELECT p.id AS game_id, t.points"
        "              FROM core.game_team_stats p"
        "              JOIN core.game_team_stats__teams t"
        "                ON t._dlt_parent_id = p._dlt_id AND t.home_away = 'home') h"
        "   ON h.game_id = g.id"
        " LEFT JOIN (SELECT _dlt_parent_id, sum(value) AS points"
        "              FROM core.games__home_line_scores GROUP BY _dlt_parent_id) hl"
        "   ON hl._dlt_parent_id = g._dlt_id"
        " LEFT JOIN (SELECT _dlt_parent_id, sum(value) AS points"
        "              FROM core.games__away_line_scores GROUP BY _dlt_parent_id) al"
        "   ON al._dlt_parent_id = g._dlt_id"
        " WHERE (g.home_points, g.away_points) IS DISTINCT FROM (d.home, d.away)"
        "    OR (h.points IS NOT NULL AND h.points <> g.home_points)"
        "    OR (hl.points, al.points) IS DISTINCT FROM (g.home_points, g.away_points)"
    ).fetchone()

    assert disagreeing == 0


def test_about_a_quarter_of_picks_have_no_usable_position(db_conn) -> None:
    (share,) = db_conn.execute(
        "SELECT avg((position IS NULL OR btrim(position) = '' OR position = 'Unknown')::integer)"
        " FROM nfl.picks"
    ).fetchone()

    assert 0.15 <= share <= 0.35


def test_the_picks_game_counters_match_its_graded_results(db_conn) -> None:
    assert db_conn.execute("SELECT count(*) FROM nfl.results").fetchone()[0] > 0
    assert_counters_exact(db_conn)


def test_schedule_game_ids_follow_nflverse(db_conn) -> None:
    rows = db_conn.execute(
        "SELECT id, season, week, away_team, home_team FROM nfl.games"
    ).fetchall()

    assert len(rows) == 272
    assert all(g == f"{s}_{w:02d}_{a}_{h}" for g, s, w, a, h in rows)


def test_some_recruits_committed_to_names_no_team_has(db_conn) -> None:
    unknown, total = db_conn.execute(
        "SELECT count(*) FILTER (WHERE committed_to IS NOT NULL AND NOT EXISTS"
        "                        (SELECT FROM ref.teams t WHERE t.school = r.committed_to)),"
        "       count(*)"
        " FROM recruiting.recruits r"
    ).fetchone()

    assert 0 < unknown < 0.03 * total
