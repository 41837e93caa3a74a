"""Time `cfbops seed` at each scale: seconds and rows per second, per scale and big table.

Each scale is seeded into a fresh, migrated database on a scratch embedded server (or on
the server of --database-url, whose role must be allowed to create databases). tiny,
small and medium by default; --full adds full, whose target is under 5 minutes. With
--refresh, marts.refresh_all() is timed after each seed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from cfbops.config import DatabaseSource, Settings, default_sql_dir
from cfbops.db.embedded import EmbeddedServer
from cfbops.demo.scales import DEFAULT_SEED, SCALES
from cfbops.demo.seed import SeedResult, seed_database
from cfbops.migrate.apply import migrate

# The big tables, and the generator files whose time loads each of them.
BIG_TABLES: dict[str, tuple[str, ...]] = {
    "core.games": ("games",),
    "core.plays": ("simulate", "plays"),
    "core.drives": ("drives",),
    "stats.play_stats": ("play_stats",),
    "core.roster": ("roster",),
    "recruiting.recruits": ("recruits",),
}
FULL_TARGET_S = 300.0


@dataclass(frozen=True, slots=True)
class ScaleRun:
    scale: str
    migrate_s: float
    seed_s: float  # wall time of the seed call, commit included
    refresh_s: float | None
    result: SeedResult


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a server to create the bench databases on")
    parser.add_argument("--full", action="store_true", help="seed the full scale too")
    parser.add_argument(
        "--scales", nargs="*", help="only these scales (default: tiny small medium)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=1, help="runs per scale (median reported)")
    parser.add_argument("--refresh", action="store_true", help="time marts.refresh_all() too")
    args = parser.parse_args()
    scales = args.scales or ["tiny", "small", "medium", *(["full"] if args.full else [])]

    with server(args.database_url) as admin_url:
        print_machine(admin_url)
        runs: dict[str, list[ScaleRun]] = {}
        for scale in scales:
            for attempt in range(args.repeat):
                run = bench_scale(admin_url, scale, args.seed, args.refresh, attempt)
                runs.setdefault(scale, []).append(run)
                print(
                    f"  {scale} run {attempt + 1}: seed {run.seed_s:.1f}s, "
                    f"{run.result.total_rows:,} rows",
                    file=sys.stderr,
                )
    print_scales(runs)
    print_tables(runs)
    if "full" in runs:
        full_s = statistics.median(r.seed_s for r in runs["full"])
        verdict = "met" if full_s < FULL_TARGET_S else "MISSED"
        print(f"\nfull scale: {full_s:.1f}s against a {FULL_TARGET_S:.0f}s target: {verdict}")
        return 0 if full_s < FULL_TARGET_S else 1
    return 0


@contextmanager
def server(database_url: str | None) -> Iterator[str]:
    """An admin URL: the given one, or a scratch embedded server's (stopped afterwards)."""
    if database_url:
        yield database_url
        return
    home = Path(tempfile.mkdtemp(prefix="cfbops-bench-seed-"))
    embedded = EmbeddedServer(home)
    try:
        yield embedded.ensure_running().url("postgres")
    finally:
        embedded.stop()


def bench_scale(admin_url: str, scale: str, seed: int, refresh: bool, attempt: int) -> ScaleRun:
    name = f"cfbops_bench_seed_{scale}_{attempt}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = str(psycopg.conninfo.make_conninfo(admin_url, dbname=name))
    settings = Settings(url, DatabaseSource.FLAG, Path(tempfile.mkdtemp(prefix="cfbops-bench-")))
    try:
        started = time.perf_counter()
        migrated = migrate(settings, sql_dir=default_sql_dir())
        migrate_s = time.perf_counter() - started
        if not migrated.ok:
            raise SystemExit(f"migrations failed: {migrated.failed or migrated.drifted}")
        started = time.perf_counter()
        result = seed_database(settings, scale, seed=seed)
        seed_s = time.perf_counter() - started
        refresh_s = None
        if refresh:
            started = time.perf_counter()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("SELECT * FROM marts.refresh_all()").fetchall()
            refresh_s = time.perf_counter() - started
        return ScaleRun(scale, migrate_s, seed_s, refresh_s, result)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def print_machine(admin_url: str) -> None:
    with psycopg.connect(admin_url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = dict(
            conn.execute(
                "SELECT name, current_setting(name) FROM pg_settings"
                " WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'work_mem',"
                "                'max_wal_size')"
            ).fetchall()
        )
    facts = ", ".join(f"{k}={v}" for k, v in sorted(settings.items()))
    print(f"CPUs: {os.cpu_count()}  PostgreSQL {version}  ({facts})")


def print_scales(runs: dict[str, list[ScaleRun]]) -> None:
    print()
    print(
        f"{'scale':<8}{'runs':>5}{'rows':>12}{'seed s':>9}{'rows/s':>11}{'migrate s':>11}"
        f"{'refresh s':>11}  loads"
    )
    for scale, scale_runs in runs.items():
        seed_s = statistics.median(r.seed_s for r in scale_runs)
        rows = scale_runs[0].result.total_rows
        refresh = [r.refresh_s for r in scale_runs if r.refresh_s is not None]
        refresh_text = f"{statistics.median(refresh):.1f}" if refresh else "-"
        spread = ""
        if len(scale_runs) > 1:
            low, high = min(r.seed_s for r in scale_runs), max(r.seed_s for r in scale_runs)
            spread = f" (min {low:.1f}, max {high:.1f})"
        print(
            f"{scale:<8}{len(scale_runs):>5}{rows:>12,}{seed_s:>9.1f}{rows / seed_s:>11,.0f}"
            f"{statistics.median(r.migrate_s for r in scale_runs):>11.1f}{refresh_text:>11}"
            f"  {SCALES[scale].description}{spread}"
        )


def print_tables(runs: dict[str, list[ScaleRun]]) -> None:
    print()
    print(f"{'table':<22}{'scale':<8}{'rows':>12}{'seconds':>9}{'rows/s':>11}")
    for table, files in BIG_TABLES.items():
        for scale, scale_runs in runs.items():
            rows = scale_runs[0].result.rows.get(table, 0)
            seconds = statistics.median(
                sum(r.result.file_seconds.get(f, 0.0) for f in files) for r in scale_runs
            )
            rate = rows / seconds if seconds > 0 else 0.0
            print(f"{table:<22}{scale:<8}{rows:>12,}{seconds:>9.1f}{rate:>11,.0f}")
    print("(core.plays includes the simulation that produces the play-by-play)")


if __name__ == "__main__":
    sys.exit(main())
