"""`cfbops --headless lint`: violations with file, line and fix; error severity exits 1."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.migrate_helpers import write_migrations


def test_lint_reports_violations_as_json_and_exits_1(tmp_path: Path) -> None:
    write_migrations(
        tmp_path,
        {
            "V0002__index.sql": """
            -- an index on a big table
            CREATE INDEX games_season ON core.games (season);
        """,
        },
    )
    result = run_cli("--headless", "lint", "--json", str(tmp_path / "V0002__index.sql"))
    assert result.returncode == 1
    (violation,) = json.loads(result.stdout)["violations"]
    assert violation["rule"] == "require-concurrent-index-creation"
    assert violation["line"] == 2
    assert violation["severity"] == "error"
    assert "CONCURRENTLY" in violation["fix"]
    assert violation["file"].endswith("V0002__index.sql")


def test_lint_passes_safe_files(tmp_path: Path) -> None:
    write_migrations(
        tmp_path,
        {
            "V0002__index.sql": """
            -- cfbops: no-transaction
            CREATE INDEX CONCURRENTLY IF NOT EXISTS games_season ON core.games (season);
        """,
        },
    )
    result = run_cli("--headless", "lint", str(tmp_path))
    assert result.returncode == 0, result.stdout
    assert "No lint violations" in result.stdout


def test_lint_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("--headless", "lint", str(tmp_path / "nope.sql"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
