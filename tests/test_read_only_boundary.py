"""`--read-only`: every writing command refuses before it connects; reading ones write
nothing; and the read-only role docs/security.md describes is a real boundary (issue 26 §11)."""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from cfbops.cli import main
from tests.conftest import REPO, DatabaseUnderTest, cli_env, run_cli

# Nothing listens there: a command that tried to connect would exit 3, not 2.
UNREACHABLE = "postgresql://ops@127.0.0.1:1/warehouse"
WRITING_COMMANDS = {
    "migrate": ["migrate"],
    "migrate --adopt": ["migrate", "--adopt"],
    "refresh": ["refresh"],
    "check --mute": [
        "check", "--mute", "play_stats_coverage", "--until", "2099-01-01", "--reason", "known",
    ],
    "backfill play-stats": ["backfill", "play-stats", "--seasons", "2020"],
    "backfill havoc": ["backfill", "havoc", "--seasons", "2020"],
    "backfill pause": ["backfill", "pause"],
    "sync nfl": ["sync", "nfl", "--seasons", "2024"],
    "sync markets": ["sync", "markets"],
    "grade": ["grade", "--season", "2024"],
    "import fast6": ["import", "fast6", "FAST6"],
    "seed": ["seed"],
    "nightly": ["nightly", "--season", "2024"],
}  # fmt: skip


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith(("PG", "CFBOPS_", "DATABASE_URL", "CFBD_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CFBOPS_MARKETS", "1")
    monkeypatch.setenv("CFBD_API_KEY", "a-key")
    monkeypatch.chdir(tmp_path)
    sqlite3.connect(tmp_path / "fast6.db").close()
    return tmp_path


@pytest.mark.parametrize("command", sorted(WRITING_COMMANDS))
def test_a_writing_command_refuses_under_read_only_before_connecting(
    command: str, environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    words = [
        str(environment / "fast6.db") if w == "FAST6" else w for w in WRITING_COMMANDS[command]
    ]

    code = main(["--read-only", "--database-url", UNREACHABLE, "--headless", *words])

    err = capsys.readouterr().err
    assert code == 2, err
    assert "without --read-only" in err
    assert len(err.strip().splitlines()) == 1


READING_COMMANDS = (
    ["status"],
    ["check"],
    ["migrate", "--plan"],
    ["migrate", "--adopt", "--plan"],
    ["backfill", "status"],
    ["contract", "--check"],
)


def test_reading_commands_under_read_only_change_nothing(
    migrated_db: DatabaseUnderTest, environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _row_counts(migrated_db)
    for words in READING_COMMANDS:
        code = main(["--read-only", "--database-url", migrated_db.url, "--headless", *words])
        err = capsys.readouterr().err
        assert code in (0, 1), f"{words}: {err}"
        assert "internal error" not in err and "read-only transaction" not in err, err
    assert _row_counts(migrated_db) == before


def _row_counts(db: DatabaseUnderTest) -> dict[str, int]:
    with db.connect() as conn:
        tables = conn.execute(
            "SELECT schemaname, relname FROM pg_stat_user_tables"
            " WHERE schemaname IN ('ops', 'nfl') ORDER BY 1, 2"
        ).fetchall()
        count = sql.SQL("SELECT count(*) FROM {}")
        return {
            f"{schema}.{table}": conn.execute(
                count.format(sql.Identifier(schema, table))
            ).fetchone()[0]
            for schema, table in tables
        }


def documented_role_sql() -> str:
    """The first SQL block of docs/security.md's 'A read-only role' section."""
    text = (REPO / "docs" / "security.md").read_text()
    section = text.split("## A read-only role", 1)[1]
    return re.search(r"```sql\n(.*?)```", section, re.DOTALL).group(1)


@pytest.fixture
def documented_reader(migrated_db: DatabaseUnderTest) -> Iterator[str]:
    """The role docs/security.md tells people to create, under a name of this test's own."""
    name = f"reader_{uuid.uuid4().hex[:8]}"
    statements = documented_role_sql().replace("cfbops_reader", name)
    with migrated_db.connect() as conn:
        conn.execute(statements.encode())
    try:
        params = conninfo_to_dict(migrated_db.url)
        yield (
            f"postgresql://{name}:choose-one@{params['host']}:{params['port']}/{params['dbname']}"
        )
    finally:
        with migrated_db.connect() as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_the_documented_read_only_role_cannot_write_even_through_begin_read_write(
    documented_reader: str,
) -> None:
    done = run_cli(
        "--read-only", "--database-url", documented_reader, "psql", "-v", "ON_ERROR_STOP=1",
        "-c", "BEGIN READ WRITE; UPDATE nfl.weeks SET week = week; COMMIT;",
        env=cli_env(),
    )  # fmt: skip

    assert done.returncode != 0
    assert "permission denied for table weeks" in done.stderr


def test_the_documented_read_only_role_reads_and_runs_status(
    documented_reader: str, environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--read-only", "--database-url", documented_reader, "--headless", "status"])

    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert "internal error" not in err


def test_help_says_read_only_psql_is_a_guard_and_where_the_boundary_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    shown = " ".join(capsys.readouterr().out.split())

    assert "a guard, not a boundary (BEGIN READ WRITE lifts it)" in shown
    assert "docs/security.md" in shown
