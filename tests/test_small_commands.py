"""The small ones: `check --unmute`, `grade` refusing a week its season lacks, `cfbops psql`
to a server that is not there, and `--database` reaching another database of the server."""

from __future__ import annotations

import json
from datetime import date, timedelta

import psycopg
import pytest

from cfbops.cli import main
from tests.conftest import DatabaseUnderTest, run_cli
from tests.test_quality_runs import finding, inject_orphan_play_stat


def cli(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--headless", "--database-url", url, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_unmute_ends_a_mute_and_keeps_its_history(
    db: DatabaseUnderTest, db_conn: psycopg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    inject_orphan_play_stat(db_conn)
    until = (date.today() + timedelta(days=30)).isoformat()
    muted = ("--mute", "orphan_play_stats", "--until", until, "--reason", "loads Monday")
    assert cli(db.url, capsys, "check", "--select", "relationships", *muted)[0] == 0

    code, out, err = cli(
        db.url, capsys, "check", "--select", "relationships", "--unmute", "orphan_play_stats"
    )

    assert code == 1, err
    assert "unmuted orphan_play_stats (was muted until" in out
    document = json.loads(cli(db.url, capsys, "check", "--select", "relationships", "--json")[1])
    assert finding(document, "orphan_play_stats")["muted"] is False
    mutes = db_conn.execute("SELECT reason FROM ops.check_mute ORDER BY mute_id").fetchall()
    assert mutes[0] == ("loads Monday",) and "unmuted" in mutes[1][0]


def test_unmute_of_a_check_that_is_not_muted_is_one_line(
    db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(db.url, capsys, "check", "--select", "picks", "--unmute", "orphan_drives")

    assert code == 2
    assert err.strip().splitlines() == [
        "cfbops: error: orphan_drives is not muted: nothing to unmute"
    ]


def test_unmute_of_no_such_check_is_refused_before_anything_runs(
    db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(db.url, capsys, "check", "--unmute", "no_such_check")
    assert code == 2 and "no check named 'no_such_check'" in err


@pytest.mark.parametrize(("season", "week"), [("2025", "30"), ("2025", "23"), ("2020", "22")])
def test_grade_refuses_a_week_its_season_does_not_have(
    db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str], season: str, week: str
) -> None:
    code, _, err = cli(db.url, capsys, "grade", "--season", season, "--week", week)

    assert code == 2
    (line,) = err.strip().splitlines()
    assert f"--week {week} is not a week of the {season} season" in line


def test_psql_to_a_server_that_is_not_there_exits_3(db: DatabaseUnderTest) -> None:
    gone = "postgresql://ops:s3cret-pw@127.0.0.1:1/cfb"

    result = run_cli("--database-url", gone, "psql", "-c", "SELECT 1")

    assert result.returncode == 3
    (line,) = result.stderr.strip().splitlines()
    assert "cannot connect to postgresql://ops:****@127.0.0.1:1/cfb" in line
    assert "s3cret-pw" not in result.stderr + result.stdout


def test_database_reaches_another_database_of_the_same_server(
    db: DatabaseUnderTest, migrated_db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(db.url, capsys, "--database", migrated_db.name, "status", "--json")

    assert code == 0, err
    document = json.loads(out)
    assert f"dbname={migrated_db.name} " in document["database"]["url"]
    assert document["backfill"]["jobs"] == []
