"""Mart refresh side by side: marts.refresh_all() against cfbops refresh (1 and 2 workers),
and cfbops refresh --stale after a play_stats-only change (issue 22's targets below).

Migrates and seeds the database given by --database-url (default: a scratch embedded
server) at --scale (default medium), then runs --rounds interleaved rounds. Each round:

  1. a play_stats-only change (the stats of some games leave, or come back, as a backfill
     batch would), then `cfbops refresh --stale`;
  2. `SELECT * FROM marts.refresh_all()`, `cfbops refresh --workers 1` and `--workers 2`,
     in an order rotated each round, on the same (unchanged) data.

cfbops runs as a subprocess (`python -m cfbops --headless refresh --json`), timed whole.
Targets against refresh_all(): cfbops --workers 1 <= 0.90, --workers 2 <= 0.55, --stale <=
0.15 refreshing exactly the marts downstream of stats.play_stats. Also printed: each mart's
median seconds in refresh_all() (its duration_ms) and in cfbops --workers 1 (its JSON's),
and how many cores each contender kept busy (the machine's CPU time over the wall time,
from /proc/stat, so other work on the machine counts too): refresh_all() already runs
parallel plans, so workers can only add the cores it leaves idle. With the same work, the
best any number of workers can reach is its busy cores over the machine's. Each round ends
with `refresh_all()` once more without parallel plans (`max_parallel_workers_per_gather =
0`): the same SQL's work on one core, so its time over the machine's cores is the least any
number of workers can take without doing less work (no parallel query's overhead, perfect
packing), and its ratio the floor for `--workers 2`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from scratch import scratch_database

from cfbops.config import DatabaseSource, Settings, default_sql_dir
from cfbops.marts.catalog import read_catalog
from cfbops.marts.graph import MartGraph
from cfbops.migrate.apply import migrate

REPO = Path(__file__).resolve().parent.parent
REFRESH_ALL = "SELECT * FROM marts.refresh_all()"
STALE_INPUT = "stats.play_stats"
Sample = TypeVar("Sample", bound=tuple[Any, ...])
GAMES_PER_CHANGE = 25

# A backfill batch in reverse and forward: the play stats of the last games leave …
TAKE_PLAY_STATS = """
WITH moved AS (
    DELETE FROM stats.play_stats
    WHERE game_id IN (SELECT DISTINCT game_id FROM stats.play_stats
                      ORDER BY game_id DESC LIMIT %s)
    RETURNING *
)
INSERT INTO bench_held_play_stats SELECT * FROM moved
"""
# … and come back in the next round.
GIVE_BACK_PLAY_STATS = """
WITH moved AS (DELETE FROM bench_held_play_stats RETURNING *)
INSERT INTO stats.play_stats SELECT * FROM moved
"""


def busy_cpu_s() -> float | None:
    """Seconds of CPU the whole machine has spent busy (not idle or waiting), or None."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class Contender:
    label: str
    samples_ms: list[float] = field(default_factory=list)
    busy_cores: list[float] = field(default_factory=list)
    inner_ms: list[float] = field(default_factory=list)
    refreshed: list[int] = field(default_factory=list)
    per_mart_ms: dict[str, list[float]] = field(default_factory=dict)
    marts_refreshed: list[frozenset[str]] = field(default_factory=list)

    def note_marts(self, durations: dict[str, float]) -> None:
        for name, ms in durations.items():
            self.per_mart_ms.setdefault(name, []).append(ms)
        self.marts_refreshed.append(frozenset(durations))

    def timed(self, run: Callable[[], Sample]) -> Sample:
        """Run one sample (its wall ms first), noting its cores busy; returns what `run` does."""
        cpu_before = busy_cpu_s()
        outcome = run()
        cpu_after = busy_cpu_s()
        if cpu_before is not None and cpu_after is not None and outcome[0] > 0:
            self.busy_cores.append((cpu_after - cpu_before) / (outcome[0] / 1000))
        return outcome

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def median_cores(self) -> float | None:
        return statistics.median(self.busy_cores) if self.busy_cores else None

    def row(self) -> str:
        low, high = min(self.samples_ms), max(self.samples_ms)
        inner = f"{statistics.median(self.inner_ms) / 1000:8.2f}" if self.inner_ms else "       -"
        marts = f"{statistics.median(self.refreshed):5.0f}" if self.refreshed else "    -"
        cores = "    -" if self.median_cores is None else f"{self.median_cores:5.2f}"
        return (
            f"{self.label:<34} {self.median_ms / 1000:8.2f} {low / 1000:8.2f} "
            f"{high / 1000:8.2f} {inner} {marts} {cores}"
        )


def settings_for(url: str) -> Settings:
    home = Path(tempfile.mkdtemp(prefix="cfbops-bench-home-"))
    return Settings(url, DatabaseSource.FLAG, home)


def prepare(url: str, scale: str, say: Callable[[str], None]) -> None:
    result = migrate(settings_for(url), sql_dir=default_sql_dir())
    if not result.ok:
        raise SystemExit(f"migrations failed: {result.failed or result.drifted}")
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT EXISTS (SELECT 1 FROM core.plays)").fetchone()
    if row and row[0]:
        say("  the database already holds plays: not seeding")
        return
    started = time.perf_counter()
    seeded = subprocess.run(
        [
            sys.executable,
            "-m",
            "cfbops",
            "--database-url",
            url,
            "--headless",
            "seed",
            "--scale",
            scale,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if seeded.returncode != 0:
        raise SystemExit(
            f"cfbops seed --scale {scale} failed (exit {seeded.returncode}): "
            f"{seeded.stderr.strip()[-400:]}"
        )
    say(f"  seed --scale {scale}: {time.perf_counter() - started:.1f} s")


def run_refresh_all(url: str, *, serial: bool = False) -> tuple[float, dict[str, float]]:
    with psycopg.connect(url, autocommit=True) as conn:
        if serial:
            conn.execute("SET max_parallel_workers_per_gather = 0")
        started = time.perf_counter()
        rows = conn.execute(REFRESH_ALL).fetchall()
        elapsed = (time.perf_counter() - started) * 1000
    failed = [r for r in rows if not r[2].startswith("OK")]  # (view_name, duration_ms, status)
    if failed:
        raise SystemExit(f"refresh_all() did not refresh everything: {failed[:3]}")
    # refresh_all() names a mart of schema marts bare, as upstream's does
    return elapsed, {name if "." in name else f"marts.{name}": float(ms) for name, ms, _ in rows}


def run_cfbops(url: str, *flags: str) -> tuple[float, float, dict[str, float]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "CFBOPS_"))}
    command = [
        sys.executable,
        "-m",
        "cfbops",
        "--database-url",
        url,
        "--headless",
        "refresh",
        "--json",
        *flags,
    ]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(
            f"cfbops refresh {' '.join(flags)} exited {done.returncode}: "
            f"{done.stderr.strip()[-400:]}"
        )
    document = json.loads(done.stdout)
    durations = {
        v["name"]: float(v["duration_ms"]) for v in document["views"] if v["status"] == "refreshed"
    }
    return elapsed, float(document["wall_ms"]), durations


def downstream_of(url: str, table: str) -> frozenset[str]:
    """The marts that read `table` and every mart downstream of them (the catalog's)."""
    with psycopg.connect(url, autocommit=True) as conn:
        catalog = read_catalog(conn)
    graph = MartGraph.from_catalog(catalog)
    readers = {name for name, found in catalog.inputs.items() if table in {i.name for i in found}}
    return frozenset(readers.union(*(graph.descendants(name) for name in readers)))


def change_play_stats(conn: psycopg.Connection, round_no: int) -> int:
    statement = GIVE_BACK_PLAY_STATS if round_no % 2 else TAKE_PLAY_STATS
    params = () if round_no % 2 else (GAMES_PER_CHANGE,)
    changed = conn.execute(statement, params).rowcount
    if conn.info.server_version >= 150000:
        conn.execute("SELECT pg_stat_force_next_flush()")
    else:
        time.sleep(1.0)
    return changed


def facts(url: str, scale: str, rounds: int) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM core.plays), (SELECT count(*) FROM stats.play_stats),"
            " (SELECT count(*) FROM core.games),"
            " (SELECT count(*) FROM pg_matviews WHERE schemaname IN ('marts', 'scouting'))"
        ).fetchone()
    plays, play_stats, games, marts = counts
    return (
        f"cpus {os.cpu_count()}  PostgreSQL {version}  scale {scale}  rounds {rounds}\n"
        f"games {games:,}  plays {plays:,}  play_stats {play_stats:,}  marts {marts}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database to migrate and seed (default: scratch)")
    parser.add_argument("--scale", default="medium", choices=("tiny", "small", "medium", "full"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    with scratch_database(args.database_url) as url:
        say("preparing: migrate, seed")
        prepare(url, args.scale, say)
        say("warm-up: refresh_all(), then one cfbops run to record every mart's inputs")
        run_refresh_all(url)
        run_cfbops(url, "--workers", "2")
        say(f"load average before the rounds: {os.getloadavg()}")
        full_all = Contender("SELECT * FROM marts.refresh_all()")
        full_1 = Contender("cfbops refresh --workers 1")
        full_2 = Contender("cfbops refresh --workers 2")
        stale = Contender("cfbops refresh --stale")
        serial = Contender("refresh_all(), no parallel plans")
        fulls = [full_all, full_1, full_2]
        with psycopg.connect(url, autocommit=True) as writer:
            writer.execute(
                "CREATE TEMP TABLE bench_held_play_stats (LIKE stats.play_stats INCLUDING DEFAULTS)"
            )
            for round_no in range(args.rounds):
                changed = change_play_stats(writer, round_no)
                wall, inner, durations = stale.timed(lambda: run_cfbops(url, "--stale"))
                stale.samples_ms.append(wall)
                stale.inner_ms.append(inner)
                stale.refreshed.append(len(durations))
                stale.note_marts(durations)
                say(
                    f"round {round_no + 1}: {changed:,} play_stats rows changed; "
                    f"--stale {wall / 1000:.2f} s ({len(durations)} marts)"
                )
                shift = round_no % len(fulls)
                for contender in fulls[shift:] + fulls[:shift]:
                    if contender is full_all:
                        wall, durations = full_all.timed(lambda: run_refresh_all(url))
                    else:
                        workers = "1" if contender is full_1 else "2"
                        wall, inner, durations = contender.timed(
                            lambda w=workers: run_cfbops(url, "--workers", w)
                        )
                        contender.inner_ms.append(inner)
                    contender.samples_ms.append(wall)
                    contender.refreshed.append(len(durations))
                    contender.note_marts(durations)
                    say(f"  {contender.label}: {wall / 1000:.2f} s")
                wall, _ = serial.timed(lambda: run_refresh_all(url, serial=True))
                serial.samples_ms.append(wall)
                say(f"  {serial.label}: {wall / 1000:.2f} s")
            if args.rounds % 2:  # put the held play stats back
                change_play_stats(writer, 1)
        print(facts(url, args.scale, args.rounds))
        print(f"load average after the rounds: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print()
        print(
            f"{'contender':<34} {'median s':>8} {'min s':>8} {'max s':>8} {'inner s':>8} "
            f"{'marts':>5} {'cores':>5}"
        )
        for contender in (*fulls, stale, serial):
            print(contender.row())
        print()
        base = full_all.median_ms
        ratios = [
            ("cfbops --workers 1 / refresh_all()", full_1.median_ms / base, 0.90),
            ("cfbops --workers 2 / refresh_all()", full_2.median_ms / base, 0.55),
            ("cfbops --stale / refresh_all()", stale.median_ms / base, 0.15),
        ]
        for label, ratio, target in ratios:
            verdict = "ok" if ratio <= target else "MISSED"
            print(f"{label:<38} {ratio:6.3f}   target <= {target:.2f}  {verdict}")
        expected = downstream_of(url, STALE_INPUT)
        exact = all(found == expected for found in stale.marts_refreshed)
        print(
            f"--stale refreshed exactly the {len(expected)} marts downstream of {STALE_INPUT}: "
            f"{'yes' if exact else 'NO: ' + str(sorted(set().union(*stale.marts_refreshed)))}"
        )
        cores = full_all.median_cores
        if cores is not None:
            cpus = os.cpu_count() or 1
            print(
                f"refresh_all() kept {cores:.2f} of {cpus} cores busy: with the same work, "
                f"no number of workers gets below {cores / cpus:.2f} of its time"
            )
        floor = serial.median_ms / (os.cpu_count() or 1) / base
        print(
            f"the same SQL on one core takes {serial.median_ms / 1000:.2f} s: without doing "
            f"less work, no number of workers gets below {floor:.2f} of refresh_all()'s time"
        )
        print(
            "\n(inner s: cfbops' own wall_ms, without process start-up; cores: the machine's"
            " busy CPU seconds over wall seconds; medians throughout)"
        )
        print(f"\n{'mart (median s)':<32} {'refresh_all()':>13} {'cfbops -w 1':>12} {'-w 2':>8}")
        for name in sorted(
            full_all.per_mart_ms, key=lambda n: -statistics.median(full_all.per_mart_ms[n])
        ):
            cells = [
                statistics.median(c.per_mart_ms[name]) / 1000
                if name in c.per_mart_ms
                else float("nan")
                for c in (full_all, full_1, full_2)
            ]
            print(f"{name:<32} {cells[0]:13.2f} {cells[1]:12.2f} {cells[2]:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
