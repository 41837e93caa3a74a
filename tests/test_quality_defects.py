"""On the tiny dataset, one injected defect of each kind is reported by
`check --json` as exactly that finding, with its count and sample rows; the fix resolves it
in the next run; a clean database has no error finding."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from cfbops.cli import main
from tests.conftest import DatabaseUnderTest


class Checker:
    """Runs `cfbops --headless check --json` in-process and keeps each run's document."""

    def __init__(self, db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self.capsys = capsys

    def run(self, *extra: str) -> tuple[int, dict[str, Any]]:
        self.capsys.readouterr()
        code = main(["--headless", "--database-url", self.db.url, "check", "--json", *extra])
        return code, json.loads(self.capsys.readouterr().out)


def by_check(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["check"]: f for f in document["findings"]}


def standing(document: dict[str, Any]) -> dict[str, int]:
    """Each failing check and its count (resolved ones left out)."""
    return {f["check"]: f["count"] for f in document["findings"] if f["state"] != "resolved"}


@pytest.fixture
def checker(db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]) -> Checker:
    return Checker(db, capsys)


def assert_exactly_new(before: dict[str, Any], after: dict[str, Any], *checks: str) -> None:
    """The injected defect is the only change: its checks are new, every other finding
    stands as it did with the same count."""
    new = {f["check"] for f in after["findings"] if f["state"] == "new"}
    assert new == set(checks)
    rest_after = {k: v for k, v in standing(after).items() if k not in checks}
    assert rest_after == standing(before)


def assert_resolved(document: dict[str, Any], *checks: str) -> None:
    findings = by_check(document)
    for check in checks:
        assert findings[check]["state"] == "resolved"
        assert findings[check]["count"] == 0
    assert not {f["check"] for f in document["findings"] if f["state"] == "new"}


def test_a_clean_database_has_no_error_finding(checker: Checker) -> None:
    code, document = checker.run()
    assert code == 0
    assert document["ok"] is True
    assert document["errors"] == 0
    assert [f["check"] for f in document["findings"] if f["severity"] == "error"] == []
    # Everything registered ran, the budget forecast included (its tables are migrated).
    assert document["not_run"] == []
    assert document["passed"] == document["checks"] - len(standing(document))
    assert "budget_forecast" not in by_check(document)


def test_an_orphan_loaded_with_triggers_off_is_found_and_resolved(
    checker: Checker, db_conn: psycopg.Connection
) -> None:
    _, before = checker.run()
    db_conn.execute("SET session_replication_role = replica")
    db_conn.execute(
        "INSERT INTO core.drives (id, game_id, season, _dlt_load_id, _dlt_id)"
        " VALUES ('orphan-drive-1', 987654321, 2024, '1', 'orphan-drive-1')"
    )
    db_conn.execute("RESET session_replication_role")

    code, after = checker.run()

    assert code == 1 and after["ok"] is False
    assert_exactly_new(before, after, "orphan_drives")
    finding = by_check(after)["orphan_drives"]
    assert finding["severity"] == "error"
    assert finding["count"] == 1
    assert finding["sample"] == [
        {"drive_id": "orphan-drive-1", "game_id": 987654321, "season": 2024}
    ]
    assert "VALIDATE CONSTRAINT fk_drives_game will fail: 1 orphans" in finding["action"]

    db_conn.execute("DELETE FROM core.drives WHERE id = 'orphan-drive-1'")
    code, fixed = checker.run()
    assert code == 0
    assert_resolved(fixed, "orphan_drives")


def test_a_completed_game_with_a_null_score_is_found_and_resolved(
    checker: Checker, db_conn: psycopg.Connection
) -> None:
    # The demo reproduces this known defect already: give those games scores first.
    db_conn.execute(
        "UPDATE core.games SET home_points = coalesce(home_points, 21),"
        " away_points = coalesce(away_points, 14)"
        " WHERE completed AND (home_points IS NULL OR away_points IS NULL)"
    )
    _, before = checker.run()
    assert "completed_games_null_scores" not in standing(before)
    game_id, home_points = db_conn.execute(
        "SELECT id, home_points FROM core.games WHERE completed ORDER BY id LIMIT 1"
    ).fetchone()
    db_conn.execute("UPDATE core.games SET home_points = NULL WHERE id = %s", (game_id,))

    _, after = checker.run()

    assert_exactly_new(before, after, "completed_games_null_scores")
    finding = by_check(after)["completed_games_null_scores"]
    assert finding["count"] == 1
    assert [row["game_id"] for row in finding["sample"]] == [game_id]
    assert finding["sample"][0]["home_points"] is None

    db_conn.execute("UPDATE core.games SET home_points = %s WHERE id = %s", (home_points, game_id))
    _, fixed = checker.run()
    assert_resolved(fixed, "completed_games_null_scores")


def test_counter_drift_is_found_and_resolved(checker: Checker, db_conn: psycopg.Connection) -> None:
    _, before = checker.run()
    player, season, team, count = db_conn.execute(
        "SELECT player_name, season, team, first_td_count FROM nfl.player_stats"
        " WHERE first_td_count > 0 ORDER BY player_name, season, team LIMIT 1"
    ).fetchone()
    db_conn.execute(
        "UPDATE nfl.player_stats SET first_td_count = first_td_count + 2"
        " WHERE player_name = %s AND season = %s AND team = %s",
        (player, season, team),
    )

    code, after = checker.run()

    assert code == 1
    assert_exactly_new(before, after, "td_counter_drift")
    finding = by_check(after)["td_counter_drift"]
    assert finding["count"] == 1
    [row] = finding["sample"]
    assert (row["player_name"], row["season"], row["team"]) == (player, season, team)
    assert (row["first_td_count"], row["graded_first_td"]) == (count + 2, count)

    db_conn.execute(
        "UPDATE nfl.player_stats SET first_td_count = %s"
        " WHERE player_name = %s AND season = %s AND team = %s",
        (count, player, season, team),
    )
    code, fixed = checker.run()
    assert code == 0
    assert_resolved(fixed, "td_counter_drift")


def test_a_renamed_api_column_breaks_the_contract_and_is_resolved(
    checker: Checker, db_conn: psycopg.Connection
) -> None:
    _, before = checker.run()
    db_conn.execute("ALTER VIEW api.team_detail RENAME COLUMN mascot TO mascot_name")

    code, after = checker.run()

    assert code == 1
    # A rename is a removal (an error: consumers break) and an addition (info).
    assert_exactly_new(before, after, "api_contract_breaks", "api_contract_additions")
    breaks = by_check(after)["api_contract_breaks"]
    assert breaks["severity"] == "error"
    assert breaks["count"] == 1
    assert breaks["sample"] == [
        {
            "view": "api.team_detail",
            "column": "mascot",
            "change": "removed",
            "contract_type": "character varying",
            "catalog_type": None,
        }
    ]
    additions = by_check(after)["api_contract_additions"]
    assert additions["severity"] == "info"
    assert additions["sample"] == [
        {"view": "api.team_detail", "column": "mascot_name", "catalog_type": "character varying"}
    ]

    db_conn.execute("ALTER VIEW api.team_detail RENAME COLUMN mascot_name TO mascot")
    code, fixed = checker.run()
    assert code == 0
    assert_resolved(fixed, "api_contract_breaks", "api_contract_additions")


def test_a_not_valid_constraint_is_found_and_resolved_by_validating_it(
    checker: Checker, db_conn: psycopg.Connection
) -> None:
    _, before = checker.run()
    db_conn.execute(
        "ALTER TABLE core.games ADD CONSTRAINT games_points_not_negative"
        " CHECK (home_points >= 0) NOT VALID"
    )

    _, after = checker.run()

    assert_exactly_new(before, after, "not_valid_constraints")
    finding = by_check(after)["not_valid_constraints"]
    assert finding["count"] == 1
    assert finding["sample"] == [
        {
            "table_name": "core.games",
            "constraint_name": "games_points_not_negative",
            "kind": "check",
        }
    ]
    assert (
        "ALTER TABLE core.games VALIDATE CONSTRAINT games_points_not_negative"
        in (finding["action"])
    )

    db_conn.execute("ALTER TABLE core.games VALIDATE CONSTRAINT games_points_not_negative")
    _, fixed = checker.run()
    assert_resolved(fixed, "not_valid_constraints")


def test_rows_a_not_valid_foreign_key_lets_through_are_orphans(
    checker: Checker, db_conn: psycopg.Connection
) -> None:
    _, before = checker.run()
    db_conn.execute("ALTER TABLE betting.lines DROP CONSTRAINT fk_lines_game")
    db_conn.execute(
        "INSERT INTO betting.lines (game_id, season, provider, _dlt_load_id, _dlt_id)"
        " VALUES (987654321, 2024, 'consensus', '1', 'orphan-line-1')"
    )
    db_conn.execute(
        "ALTER TABLE betting.lines ADD CONSTRAINT fk_lines_game FOREIGN KEY (game_id)"
        " REFERENCES core.games (id) NOT VALID"
    )

    _, after = checker.run()

    assert_exactly_new(before, after, "orphan_lines", "not_valid_constraints")
    orphans = by_check(after)["orphan_lines"]
    assert orphans["count"] == 1
    assert orphans["sample"] == [{"game_id": 987654321, "provider": "consensus", "season": 2024}]
    assert "VALIDATE CONSTRAINT fk_lines_game will fail: 1 orphans" in orphans["action"]

    db_conn.execute("DELETE FROM betting.lines WHERE _dlt_id = 'orphan-line-1'")
    db_conn.execute("ALTER TABLE betting.lines VALIDATE CONSTRAINT fk_lines_game")
    _, fixed = checker.run()
    assert_resolved(fixed, "orphan_lines", "not_valid_constraints")


def test_a_duplicate_pick_loaded_past_the_constraint_is_found_and_resolved(
    checker: Checker, db_conn: psycopg.Connection
) -> None:
    _, before = checker.run()
    db_conn.execute("ALTER TABLE nfl.picks DROP CONSTRAINT picks_user_week_player_key")
    original, user_id, week_id, player = db_conn.execute(
        "SELECT id, user_id, week_id, player_name FROM nfl.picks ORDER BY id LIMIT 1"
    ).fetchone()
    duplicate = db_conn.execute(
        "INSERT INTO nfl.picks (user_id, week_id, game_id, team, player_name, position)"
        " SELECT user_id, week_id, game_id, team, player_name, position FROM nfl.picks"
        " WHERE id = %s RETURNING id",
        (original,),
    ).fetchone()[0]

    code, after = checker.run()

    assert code == 1
    assert_exactly_new(before, after, "duplicate_picks")
    finding = by_check(after)["duplicate_picks"]
    assert finding["count"] == 1
    assert finding["sample"] == [
        {
            "user_id": user_id,
            "week_id": week_id,
            "player_name": player,
            "pick_ids": [original, duplicate],
        }
    ]

    db_conn.execute("DELETE FROM nfl.picks WHERE id = %s", (duplicate,))
    db_conn.execute(
        "ALTER TABLE nfl.picks ADD CONSTRAINT picks_user_week_player_key"
        " UNIQUE (user_id, week_id, player_name)"
    )
    code, fixed = checker.run()
    assert code == 0
    assert_resolved(fixed, "duplicate_picks")


def test_a_finding_that_stays_is_open_in_the_next_run(
    checker: Checker, db_conn: psycopg.Connection
) -> None:
    db_conn.execute("SET session_replication_role = replica")
    db_conn.execute("DELETE FROM nfl.users WHERE id = (SELECT min(user_id) FROM nfl.picks)")
    db_conn.execute("RESET session_replication_role")
    _, first = checker.run()
    _, second = checker.run()
    assert by_check(first)["picks_without_user"]["state"] == "new"
    assert by_check(second)["picks_without_user"]["state"] == "open"
    assert (
        by_check(second)["picks_without_user"]["count"]
        == (by_check(first)["picks_without_user"]["count"])
    )


def test_a_budget_burning_out_before_its_reset_is_found_and_resolved(
    checker: Checker, db_conn: psycopg.Connection
) -> None:
    _, before = checker.run()
    # A month's heavy burn, as the ledger holds it: one backfill's block, its calls spread
    # from the 1st (00:00 UTC) until now, leaving 5 of 75,000 calls.
    month_start = db_conn.execute(
        "SELECT date_trunc('month', now() AT TIME ZONE 'UTC')"
    ).fetchone()[0]
    db_conn.execute(
        "INSERT INTO ops.cfbd_months (month, monthly_limit) VALUES (%s, 75000)", (month_start,)
    )
    (block,) = db_conn.execute(
        "INSERT INTO ops.cfbd_reservations (month, holder, granted, spent, backend_pid,"
        " backend_start, created_at, released_at)"
        " VALUES (%s, 'play-stats 2004-2023', 74995, 74995, 1, now(), %s, now()) RETURNING id",
        (month_start, month_start),
    ).fetchone()
    db_conn.execute(
        """
        INSERT INTO ops.cfbd_calls (reservation_id, called_at, ended_at, endpoint, params,
                                    status, outcome, rows, duration_ms, metered)
        SELECT %(block)s, at, at + interval '180 ms', '/plays/stats',
               jsonb_build_object('gameId', 400000000 + i), 200, 'ok', 60, 180, true
        FROM generate_series(1, 74995) AS i,
             LATERAL (SELECT (%(start)s::date AT TIME ZONE 'UTC')
                             + (now() - (%(start)s::date AT TIME ZONE 'UTC')) * i / 74995.0
                      AS at) AS t
        """,
        {"block": block, "start": month_start},
    )

    code, after = checker.run()

    assert code == 0  # a warning: the reservations already stop backfills at the limit
    assert_exactly_new(before, after, "budget_forecast")
    finding = by_check(after)["budget_forecast"]
    assert finding["severity"] == "warn" and finding["count"] == 1
    (sample,) = finding["sample"]
    assert (sample["used"], sample["remaining"], sample["limit"]) == (74995, 5, 75000)
    forecast = datetime.fromisoformat(sample["forecast_exhausted_on"])
    resets = datetime.fromisoformat(sample["resets_at"])
    assert datetime.now(UTC) - timedelta(minutes=1) <= forecast < resets
    assert f"runs out on {forecast:%Y-%m-%d %H:%M} UTC, before its reset" in finding["message"]
    assert "cfbops --headless budget" in finding["action"]

    # /info reports a higher tier's limit: at the same burn the month now lasts.
    db_conn.execute("UPDATE ops.cfbd_months SET monthly_limit = 1000000")
    code, fixed = checker.run()
    assert code == 0
    assert_resolved(fixed, "budget_forecast")


def test_the_budget_forecast_is_not_run_only_without_the_budget_tables(
    checker: Checker, db_conn: psycopg.Connection
) -> None:
    db_conn.execute("DROP TABLE ops.cfbd_calls, ops.cfbd_reservations, ops.cfbd_months")

    code, document = checker.run()

    assert code == 0
    (not_run,) = document["not_run"]
    assert not_run["check"] == "budget_forecast" and "cfbd_months" in not_run["error"]
