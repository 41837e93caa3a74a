"""The demo's database: its own database on the embedded server, migrated, seeded, refreshed.

The demo never touches a configured warehouse: it works in `cfbops_demo` on the embedded
server under the cfbops home (or on the server `server_url` names, for tests).
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass

import psycopg
from psycopg import sql

from cfbops.backfill.control import suggested_seasons
from cfbops.backfill.queue import Kind
from cfbops.backfill.runner import run_backfill
from cfbops.config import DatabaseSource, Settings, default_sql_dir
from cfbops.db.connect import connect
from cfbops.db.embedded import EmbeddedServer
from cfbops.demo.cfbd_standin import running_standin
from cfbops.demo.seed import latest_seed, seed_database
from cfbops.errors import OperationFailed
from cfbops.marts.models import MartStatus, RefreshMode
from cfbops.marts.runner import refresh_marts
from cfbops.migrate.apply import migrate
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress
from cfbops.quality.session import check_database

DEMO_DATABASE = "cfbops_demo"
# The warm-up backfill's calls: a few, so the job stays part-done as one mid-way looks.
WARM_UP_CALLS = 25


@dataclass(frozen=True, slots=True)
class DemoDatabase:
    """Where the demo's data is, and what preparing it did."""

    settings: Settings
    scale: str
    seeded: bool
    marts_refreshed: int
    # Marts the warm start left alone: their inputs had not changed since their last refresh.
    marts_fresh: int = 0
    # The database's name on its server (headless commands reach it with --database NAME).
    database: str = DEMO_DATABASE


def prepare_demo(
    settings: Settings,
    scale: str,
    *,
    fresh: bool = False,
    server_url: str | None = None,
    database: str = DEMO_DATABASE,
    progress: ProgressCallback = ignore_progress,
) -> DemoDatabase:
    """Create (or with `fresh`, recreate) the demo database, then migrate, seed, refresh."""
    address = None if server_url else EmbeddedServer(settings.home).ensure_running()
    admin_url = server_url or address.url("postgres")
    task = TaskProgress(progress, "demo", 4)
    created = _create_database(admin_url, database, drop_first=fresh)
    task.step(f"database {database} {'created' if created else 'found'}")
    demo = dataclasses.replace(
        settings,
        database_url=(
            address.url(database)
            if address
            else str(psycopg.conninfo.make_conninfo(admin_url, dbname=database))
        ),
        database_source=DatabaseSource.EMBEDDED,
        database_name=None,  # the URL names the demo's database already
        read_only=False,
    )
    result = migrate(demo, sql_dir=default_sql_dir(), progress=progress)
    if not result.ok:
        failure = result.failed.error if result.failed else "applied files were edited (drift)"
        raise OperationFailed(f"the demo database does not migrate: {failure}")
    task.step(f"{len(result.applied)} migration(s) applied")
    with connect(demo, application_name="cfbops demo") as conn:
        previous = latest_seed(conn)
    seeded = previous is None or previous.scale != scale
    if seeded:
        # Its own database: rows a backfill or a grade added go with the old scale.
        seed_database(demo, scale, replace=True, progress=progress)
        task.step(f"seeded at scale {scale}")
    else:
        task.step(f"already seeded at scale {scale} (--fresh starts over)")
    # The warm-up backfill first, so the refresh after it leaves no mart stale.
    warm_up_backfill(demo, progress)
    refreshed, fresh_marts = _refresh_stale_marts(demo, progress)
    task.step(f"{refreshed} marts refreshed, {fresh_marts} already fresh")
    warm_up_checks(demo, progress)
    return DemoDatabase(demo, scale, seeded, refreshed, fresh_marts, database=database)


def warm_up_backfill(settings: Settings, progress: ProgressCallback = ignore_progress) -> None:
    """So the budget pane has something on first open (its meter, calls a day and a job
    part-done): a short play-stats backfill against the local CFBD stand-in. Done once: a
    warm start finds the job stored and does not run it again."""
    with connect(settings, application_name="cfbops demo") as conn:
        (backfilled,) = conn.execute("SELECT EXISTS (SELECT 1 FROM ops.backfill_jobs)").fetchone()
    seasons = None if backfilled else suggested_seasons(settings)
    if seasons is None:
        return
    key = secrets.token_urlsafe(16)  # this warm-up's only: never shown, never stored
    assert settings.database_url is not None
    with running_standin(settings.database_url, api_key=key) as standin:
        cfbd = dataclasses.replace(settings, cfbd_url=standin.url, cfbd_api_key=key)
        run_backfill(cfbd, Kind.PLAY_STATS, *seasons, max_calls=WARM_UP_CALLS, progress=progress)


def warm_up_checks(settings: Settings, progress: ProgressCallback = ignore_progress) -> None:
    """So the quality pane has findings on first open: the checks run once, on the refreshed
    marts. A warm start finds a run stored and does not run them again."""
    with connect(settings, application_name="cfbops demo") as conn:
        (checked,) = conn.execute(
            "SELECT to_regclass('ops.check_run') IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM ops.check_run)"
        ).fetchone()
    if not checked:
        check_database(settings, progress=progress)


def _create_database(admin_url: str, database: str, *, drop_first: bool) -> bool:
    name = sql.Identifier(database)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if drop_first:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        if exists.fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        return True


# Nobody reads the demo's marts before its console opens: a plain refresh skips the
# duplicate-row sort CONCURRENTLY needs (play_epa: seconds against a quarter of a minute at
# small), and two workers use both cores of a small machine.
WARM_UP_MODE = RefreshMode.PLAIN
WARM_UP_WORKERS = 2


def _refresh_stale_marts(settings: Settings, progress: ProgressCallback) -> tuple[int, int]:
    """Through the refresh engine, as `refresh --stale` does: a warm start refreshes only what
    changed, and every run lands in the refresh history the console's marts pane reads."""
    run = refresh_marts(
        settings,
        stale_only=True,
        mode=WARM_UP_MODE,
        workers=WARM_UP_WORKERS,
        progress=progress,
    )
    broken = [f"{v.name}: {v.error}" for v in run.views if v.status is MartStatus.FAILED]
    if broken:
        raise OperationFailed("demo marts failed to refresh: " + "; ".join(broken))
    return run.count(MartStatus.REFRESHED), run.count(MartStatus.FRESH)
