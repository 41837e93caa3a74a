"""`cfbops demo` prepares its own database: migrated, seeded once per scale, marts refreshed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from cfbops.config import DatabaseSource, Settings
from cfbops.demo.prepare import WARM_UP_CALLS, prepare_demo
from cfbops.status import collect_status
from tests.conftest import ServerUnderTest
from tests.marts.world import flush_statistics
from tests.test_refresh_all import MART_COUNT


@pytest.fixture
def demo_name(pg_server: ServerUnderTest) -> Iterator[str]:
    name = f"cfbops_demo_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(pg_server.admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def settings_for(home: Path) -> Settings:
    return Settings(database_url=None, database_source=DatabaseSource.EMBEDDED, home=home)


def plays_and_mart_rows(settings: Settings) -> tuple[int, int]:
    assert settings.database_url is not None
    with psycopg.connect(settings.database_url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM core.plays), (SELECT count(*) FROM marts.play_epa)"
        ).fetchone()
    return row[0], row[1]


def test_the_demo_database_is_migrated_seeded_and_refreshed(
    pg_server: ServerUnderTest, demo_name: str, tmp_path: Path
) -> None:
    demo = prepare_demo(
        settings_for(tmp_path), "tiny", server_url=pg_server.admin_url, database=demo_name
    )

    assert demo.seeded
    assert demo.marts_refreshed == MART_COUNT
    plays, epa_rows = plays_and_mart_rows(demo.settings)
    assert plays > 0 and epa_rows > 0
    # Every pane of the console has content on first open: checks run, a backfill begun.
    status = collect_status(demo.settings)
    assert status.quality is not None and status.quality.last_run_id is not None
    # The warm-up backfill keeps within its calls (two kept in hand for a truncated game).
    assert status.budget is not None and 0 < status.budget.used <= WARM_UP_CALLS
    assert status.backfill is not None
    (job,) = status.backfill.jobs
    assert 0 < job.done < job.total
    # The backfill ran before the refresh: no mart waits on the play stats it loaded.
    assert status.marts is not None and status.marts.stale == ()


def test_the_console_names_the_demo_database_as_embedded(
    pg_server: ServerUnderTest, demo_name: str, tmp_path: Path
) -> None:
    demo = prepare_demo(
        settings_for(tmp_path), "tiny", server_url=pg_server.admin_url, database=demo_name
    )

    identity = collect_status(demo.settings).database
    assert identity.embedded is True
    assert demo_name in identity.url


def test_a_second_demo_at_the_same_scale_keeps_the_data_and_fresh_starts_over(
    pg_server: ServerUnderTest, demo_name: str, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    prepare_demo(settings, "tiny", server_url=pg_server.admin_url, database=demo_name)

    again = prepare_demo(settings, "tiny", server_url=pg_server.admin_url, database=demo_name)
    fresh = prepare_demo(
        settings, "tiny", fresh=True, server_url=pg_server.admin_url, database=demo_name
    )

    assert not again.seeded
    assert fresh.seeded
    with psycopg.connect(fresh.settings.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM ops.seed_runs").fetchone()[0] == 1


def test_a_warm_start_refreshes_only_stale_marts_through_the_refresh_engine(
    pg_server: ServerUnderTest, demo_name: str, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    first = prepare_demo(settings, "tiny", server_url=pg_server.admin_url, database=demo_name)
    assert first.settings.database_url is not None
    with psycopg.connect(first.settings.database_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE recruiting.recruits SET stars = stars"
            " WHERE id IN (SELECT id FROM recruiting.recruits LIMIT 1)"
        )
        flush_statistics(conn)
        stale = set(collect_status(first.settings).marts.stale)  # type: ignore[union-attr]

    warm = prepare_demo(settings, "tiny", server_url=pg_server.admin_url, database=demo_name)

    assert stale and len(stale) < MART_COUNT
    assert warm.marts_refreshed == len(stale)
    assert warm.marts_fresh == MART_COUNT - len(stale)
    with psycopg.connect(warm.settings.database_url) as conn:
        runs = conn.execute(
            "SELECT r.run_id, r.stale_only, count(*) FILTER (WHERE m.status = 'refreshed')"
            " FROM ops.refresh_run r JOIN ops.mart_refresh m USING (run_id)"
            " GROUP BY r.run_id ORDER BY r.run_id"
        ).fetchall()
        refreshed_now = {
            name
            for (name,) in conn.execute(
                "SELECT mart FROM ops.mart_refresh WHERE status = 'refreshed'"
                " AND run_id = (SELECT max(run_id) FROM ops.refresh_run)"
            )
        }
    assert [(stale_only, n) for _, stale_only, n in runs] == [
        (True, MART_COUNT),
        (True, len(stale)),
    ]
    assert refreshed_now == stale
