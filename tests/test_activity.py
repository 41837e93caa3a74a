"""The activity history: what ran lately, read from the ops tables every run leaves, so the
console's activity screen shows the last outcomes after a restart."""

from __future__ import annotations

from pathlib import Path

from cfbops.activity import recent_activity
from cfbops.marts.runner import refresh_marts
from cfbops.migrate.apply import migrate
from cfbops.quality.session import check_database
from tests.conftest import DatabaseUnderTest
from tests.migrate_helpers import write_migrations


def test_the_history_lists_refreshes_checks_and_migrations_newest_first(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    refresh_marts(db.settings, ["marts.team_season_summary"])
    check_database(db.settings, ["completed_games_null_scores"])
    sql_dir = write_migrations(
        tmp_path / "sql", {"migrations/V9001__broken.sql": "SELECT 1 FROM no_such_table;"}
    )
    failing = migrate(db.settings, sql_dir=sql_dir)
    assert not failing.ok
    entries = recent_activity(db.settings)
    kinds = [e.kind for e in entries]
    assert kinds[:3] == ["migrate", "check", "refresh"]
    migration, check, refresh = entries[:3]
    assert migration.summary.startswith("V9001__broken failed") and not migration.ok
    assert check.summary.startswith("run 1") and "errors" in check.summary
    assert refresh.summary.startswith("run 1 succeeded") and "1 refreshed" in refresh.summary
    assert refresh.ok
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)


def test_a_database_without_history_has_no_activity(empty_db: DatabaseUnderTest) -> None:
    assert recent_activity(empty_db.settings) == ()
