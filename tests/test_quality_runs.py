"""The check runner and its history: exit codes, mutes, checks that cannot run, timeouts,
read-only sessions, samples without secrets, the stored history and the status section."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest

from cfbops.cli import main
from cfbops.db.connect import connect
from cfbops.quality.models import Check, CheckContext, CheckOutcome, Severity
from cfbops.quality.registry import all_checks
from cfbops.quality.runner import run_checks, run_one
from tests.conftest import DatabaseUnderTest, ui_modules_after


def cli(db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str], *args: str):
    capsys.readouterr()
    code = main(["--headless", "--database-url", db.url, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_json(db: DatabaseUnderTest, capsys, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = cli(db, capsys, "check", "--json", *args)
    return code, json.loads(out)


def inject_orphan_play_stat(conn: psycopg.Connection) -> None:
    conn.execute("SET session_replication_role = replica")
    conn.execute(
        "INSERT INTO stats.play_stats (game_id, play_id, athlete_id, stat_type, _dlt_load_id,"
        " _dlt_id) VALUES (987654321, 'p1', 'a1', 'Rush', '1', 'orphan-stat-1')"
    )
    conn.execute("RESET session_replication_role")


def finding(document: dict[str, Any], check: str) -> dict[str, Any]:
    return next(f for f in document["findings"] if f["check"] == check)


def test_a_muted_error_finding_no_longer_fails_the_run_until_the_mute_expires(
    db: DatabaseUnderTest, db_conn: psycopg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    inject_orphan_play_stat(db_conn)
    code, document = check_json(db, capsys, "--select", "relationships")
    assert code == 1

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    code, document = check_json(
        db,
        capsys,
        "--select",
        "relationships",
        "--mute",
        "orphan_play_stats",
        "--until",
        tomorrow,
        "--reason",
        "games load on Monday",
    )
    assert code == 0 and document["ok"] is True
    muted = finding(document, "orphan_play_stats")
    assert muted["muted"] is True and muted["count"] == 1
    assert "games load on Monday" in muted["message"]

    # The newest mute wins: one that ended yesterday mutes nothing.
    db_conn.execute(
        "INSERT INTO ops.check_mute (check_name, until, reason)"
        " VALUES ('orphan_play_stats', current_date - 1, 'expired')"
    )
    code, document = check_json(db, capsys, "--select", "relationships")
    assert code == 1
    assert finding(document, "orphan_play_stats")["muted"] is False


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--mute", "orphan_drives", "--until", "2001-01-01", "--reason", "x"], "in the past"),
        (["--mute", "orphan_drives", "--until", "soon", "--reason", "x"], "YYYY-MM-DD"),
        (["--mute", "no_such_check", "--until", "2999-01-01", "--reason", "x"], "no check named"),
        (["--mute", "orphan_drives", "--until", "2999-01-01"], "all three together"),
        (["--select", "no_such_family"], "no check or family named no_such_family"),
    ],
)
def test_bad_check_input_is_one_line_and_exit_2_with_nothing_stored(
    db: DatabaseUnderTest,
    db_conn: psycopg.Connection,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: str,
) -> None:
    code, _, err = cli(db, capsys, "check", *args)
    assert code == 2
    assert words in err and err.strip().count("\n") == 0
    assert db_conn.execute(
        "SELECT to_regclass('ops.check_mute') IS NULL OR NOT EXISTS (SELECT FROM ops.check_mute)"
    ).fetchone()[0]


def test_a_check_that_cannot_run_is_reported_and_the_others_go_on(
    db: DatabaseUnderTest, db_conn: psycopg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    db_conn.execute("ALTER TABLE stats.game_havoc RENAME TO game_havoc_elsewhere")
    code, document = check_json(db, capsys)
    not_run = {r["check"]: r["error"] for r in document["not_run"]}
    assert {"orphan_game_havoc", "game_havoc_coverage", "season_holes"} <= set(not_run)
    assert 'relation "stats.game_havoc" does not exist' in not_run["orphan_game_havoc"]
    assert document["passed"] + len(document["findings"]) + len(not_run) == len(all_checks())
    assert code == 0  # nothing that ran found an error


def test_a_check_past_its_statement_timeout_is_cancelled_and_reported(
    db: DatabaseUnderTest,
) -> None:
    slow = Check(
        "slow", "test", Severity.WARN, "{count} slow rows", query="SELECT 1 AS n FROM pg_sleep(30)"
    )
    quick = Check("quick", "test", Severity.WARN, "{count} rows", query="SELECT 1 AS n")
    started = time.monotonic()
    with connect(db.settings) as conn:
        results = run_checks(conn, [slow, quick], CheckContext(), statement_timeout="200ms")
    assert time.monotonic() - started < 20
    assert results[0].outcome is CheckOutcome.NOT_RUN
    assert "timed out" in (results[0].error or "")
    assert results[1].outcome is CheckOutcome.FAILED and results[1].count == 1


def test_checks_run_on_a_read_only_session(db: DatabaseUnderTest) -> None:
    writer = Check(
        "writes",
        "test",
        Severity.ERROR,
        "{count}",
        query="SELECT nextval(pg_get_serial_sequence('nfl.users', 'id')) AS id",
    )
    read_only = dataclasses.replace(db.settings, read_only=True)
    with connect(read_only) as conn:
        result = run_one(conn, writer, CheckContext(), "10s")
    assert result.outcome is CheckOutcome.NOT_RUN
    assert "read-only transaction" in (result.error or "")


def test_sample_rows_never_carry_secrets(db: DatabaseUnderTest) -> None:
    leaky = Check(
        "leaky",
        "test",
        Severity.WARN,
        "{count}",
        query="SELECT 7 AS user_id, 'hunter2' AS password, 'a@b.example' AS email,"
        " 'k-123' AS api_key",
    )
    with connect(db.settings) as conn:
        result = run_one(conn, leaky, CheckContext(), "10s")
    assert result.sample == ({"user_id": 7},)


def test_runs_and_findings_are_kept_not_replaced(
    db: DatabaseUnderTest, db_conn: psycopg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    check_json(db, capsys)
    inject_orphan_play_stat(db_conn)
    check_json(db, capsys)
    db_conn.execute("DELETE FROM stats.play_stats WHERE _dlt_id = 'orphan-stat-1'")
    check_json(db, capsys)
    history = db_conn.execute(
        "SELECT run_id, outcome, state, count, sample FROM ops.check_result"
        " WHERE check_name = 'orphan_play_stats' ORDER BY run_id"
    ).fetchall()
    assert [(o, s, c) for _, o, s, c, _ in history] == [
        ("passed", None, 0),
        ("failed", "new", 1),
        ("passed", "resolved", 0),
    ]
    assert history[1][4] == [
        {"game_id": 987654321, "play_id": "p1", "athlete_id": "a1", "stat_type": "Rush"}
    ]
    runs = db_conn.execute("SELECT count(*) FROM ops.check_run").fetchone()[0]
    assert runs == 3


def test_read_only_runs_the_checks_and_stores_nothing(
    db: DatabaseUnderTest, db_conn: psycopg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = check_json(db, capsys, "--read-only")
    assert code == 0 and document["run_id"] is None
    assert document["checks"] == len(all_checks())
    assert db_conn.execute("SELECT count(*) FROM ops.check_run").fetchone()[0] == 0


def test_status_shows_the_last_run_its_errors_and_the_newest_finding(
    db: DatabaseUnderTest, db_conn: psycopg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = cli(db, capsys, "status", "--json")
    assert json.loads(out)["quality"]["last_run_at"] is None

    check_json(db, capsys)
    inject_orphan_play_stat(db_conn)
    _, document = check_json(db, capsys)

    _, out, _ = cli(db, capsys, "status", "--json")
    quality = json.loads(out)["quality"]
    assert quality["last_run_at"] is not None
    assert quality["errors"] == 1
    assert quality["warnings"] == document["warnings"]
    assert quality["newest_finding"]["check"] == "orphan_play_stats"
    _, text, _ = cli(db, capsys, "status")
    assert "1 errors" in text and "orphan_play_stats" in text


def test_headless_check_and_contract_never_import_textual_or_rich(db: DatabaseUnderTest) -> None:
    for command in ("check", "contract"):
        code, loaded = ui_modules_after("--database-url", db.url, "--headless", command, "--json")
        assert code == 0, command
        assert loaded == [], command
