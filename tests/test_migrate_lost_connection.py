"""A migration whose session dies is exit 3 (database lost), not a failed file (exit 1)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import DatabaseUnderTest, cli_env
from tests.migrate_helpers import write_migrations
from tests.waits import DEADLINE_S, wait_for_query

SLOW_FILE = {
    "migrations/V0001__slow.sql": """
        CREATE TABLE public.made_before_the_loss (id int);
        SELECT pg_sleep(120);
    """,
}


def test_a_terminated_session_mid_file_is_exit_3_and_nothing_of_the_file_stays(
    empty_db: DatabaseUnderTest, tmp_path: Path
) -> None:
    db = empty_db
    sql_dir = write_migrations(tmp_path / "sql", SLOW_FILE)
    process = subprocess.Popen(
        [sys.executable, "-m", "cfbops", "--database-url", db.url, "--headless", "migrate",
         "--sql-dir", str(sql_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(),
    )  # fmt: skip
    with db.connect() as conn:
        try:
            wait_for_query(conn, "%pg_sleep(120)%")
        except AssertionError:
            process.kill()
            raise AssertionError(process.communicate()[1]) from None
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()"
        )
        _, err = process.communicate(timeout=DEADLINE_S)
        assert process.returncode == 3, err
        assert "lost the database connection" in err
        assert len(err.strip().splitlines()) == 1, err
        assert "Traceback" not in err and "internal error" not in err
        made = conn.execute("SELECT to_regclass('public.made_before_the_loss')").fetchone()[0]
        assert made is None
