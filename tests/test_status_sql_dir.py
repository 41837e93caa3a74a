"""The SQL directory lives in Settings, so status, the commands and the console agree; status
shows failed migrations."""

from __future__ import annotations

import json
from pathlib import Path

from cfbops.config import load_settings
from cfbops.status import collect_status
from tests.conftest import DatabaseUnderTest, cli_env, run_cli
from tests.migrate_helpers import write_migrations

TWO_FILES = {
    "migrations/V0001__a.sql": "CREATE TABLE public.a (id int);",
    "migrations/V0002__b.sql": "CREATE TABLE public.b (id int);",
}


def status_json(*args: str, env: dict[str, str] | None = None) -> dict:
    result = run_cli("--headless", "status", "--json", *args, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["migrations"]


def test_status_counts_the_files_of_sql_dir(empty_db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", TWO_FILES)

    migrations = status_json("--database-url", empty_db.url, "--sql-dir", str(sql_dir))

    assert (migrations["applied"], migrations["pending"]) == (0, 2)


def test_status_honours_cfbops_sql_dir(empty_db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", TWO_FILES)

    migrations = status_json(env=cli_env(DATABASE_URL=empty_db.url, CFBOPS_SQL_DIR=str(sql_dir)))

    assert migrations["pending"] == 2


def test_migrate_and_status_read_the_same_directory(
    empty_db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", TWO_FILES)
    env = cli_env(DATABASE_URL=empty_db.url, CFBOPS_SQL_DIR=str(sql_dir))

    assert run_cli("--headless", "migrate", env=env).returncode == 0
    migrations = status_json(env=env)

    assert (migrations["applied"], migrations["pending"]) == (2, 0)


def test_sql_dir_in_the_config_file_is_relative_to_it(tmp_path: Path) -> None:
    write_migrations(tmp_path / "project" / "schema", TWO_FILES)
    (tmp_path / "project" / "cfbops.toml").write_text('sql_dir = "schema"\n')

    settings = load_settings(env={}, cwd=tmp_path / "project")

    assert settings.sql_dir == (tmp_path / "project" / "schema").resolve()


def test_the_console_snapshot_uses_the_settings_directory(
    empty_db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", TWO_FILES)
    settings = load_settings(
        env={"DATABASE_URL": empty_db.url, "CFBOPS_SQL_DIR": str(sql_dir)}, cwd=tmp_path
    )

    snapshot = collect_status(settings)

    assert snapshot.migrations is not None and snapshot.migrations.pending == 2


def test_status_shows_a_failed_migration(empty_db: DatabaseUnderTest, tmp_path: Path) -> None:
    # A no-transaction file leaves a failed history row (a transactional one rolls back
    # without a trace, by the engine's design).
    failing = "-- cfbops: no-transaction\nCREATE TABLE public.b (id int);\nSELECT 1/0;\n"
    sql_dir = write_migrations(tmp_path / "sql", {**TWO_FILES, "migrations/V0002__b.sql": failing})
    env = cli_env(DATABASE_URL=empty_db.url, CFBOPS_SQL_DIR=str(sql_dir))
    assert run_cli("--headless", "migrate", env=env).returncode == 1

    migrations = status_json(env=env)
    text = run_cli("--headless", "status", env=env).stdout

    assert migrations["failed"] == 1 and migrations["failed_files"] == ["V0002"]
    assert "1 failed (V0002)" in text
