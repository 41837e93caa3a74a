"""Time `import fast6` of a 10,000-pick file: into a fresh database, and after a dry run.

Builds a picks app file in the 2026-02-03 backup's shape (no games table: games come from
the picks' ids; some picks without a game_id, some duplicates, half of them graded, team
names as the app spelled them) and a migrated template database with a season's rosters.
Each round copies the template twice and, in alternating order, times the import on one
copy and a dry run then the import on the other, then a second import of the file on it
(everything unchanged). Prints medians and min–max of the rounds. Target: the import
≤ 30 s on 2 cores, with and without a dry run before.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql
from scratch import scratch_database

from cfbops.config import DatabaseSource, Settings, default_sql_dir
from cfbops.migrate.apply import migrate
from cfbops.nfl.fast6.importer import Fast6ImportResult, import_fast6

# fmt: off
TEAMS = (
    "ARI", "ATL", "BAL", "BUF", "CAR", "CHI", "CIN", "CLE", "DAL", "DEN", "DET", "GB",
    "HOU", "IND", "JAX", "KC", "LA", "LAC", "LV", "MIA", "MIN", "NE", "NO", "NYG",
    "NYJ", "PHI", "PIT", "SEA", "SF", "TB", "TEN", "WAS",
)
# fmt: on
# How the app spelled some teams: full names and its short forms.
SPELLED = {"KC": "Kansas City Chiefs", "LA": "LA Rams", "WAS": "Washington", "NYG": "NY Giants"}
PLAYERS_PER_TEAM = 12
POSITIONS = ("QB", "RB", "RB", "WR", "WR", "WR", "TE", "TE", "WR", "RB", "WR", "TE")

BACKUP_DDL = """
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
    email TEXT UNIQUE, group_id INTEGER DEFAULT 1, is_admin BOOLEAN DEFAULT 0,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE weeks (id INTEGER PRIMARY KEY AUTOINCREMENT, season INTEGER NOT NULL,
    week INTEGER NOT NULL, started_at TIMESTAMP, ended_at TIMESTAMP,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE (season, week));
CREATE TABLE picks (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,
    week_id INTEGER NOT NULL, team TEXT NOT NULL, player_name TEXT NOT NULL, odds REAL,
    theoretical_return REAL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
ALTER TABLE picks ADD COLUMN game_id TEXT;
CREATE TABLE results (id INTEGER PRIMARY KEY AUTOINCREMENT, pick_id INTEGER NOT NULL,
    actual_scorer TEXT, is_correct BOOLEAN DEFAULT NULL, actual_return REAL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
ALTER TABLE results ADD COLUMN any_time_td BOOLEAN DEFAULT NULL;
CREATE TABLE schema_version (version INTEGER PRIMARY KEY,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, description TEXT);
"""


def player(team: str, slot: int) -> str:
    return f"{team} Player {slot}"


def schedule(season: int, weeks: int, rng: random.Random) -> dict[int, list[tuple[str, str]]]:
    """(away, home) pairs per week: the 32 teams shuffled into 16 games."""
    games = {}
    for week in range(1, weeks + 1):
        teams = list(TEAMS)
        rng.shuffle(teams)
        games[week] = [(teams[i], teams[i + 1]) for i in range(0, len(teams), 2)]
    return games


def build_file(path: Path, season: int, users: int, weeks: int, per_week: int, seed: int) -> Path:
    rng = random.Random(seed)
    games = schedule(season, weeks, rng)
    conn = sqlite3.connect(path)
    conn.executescript(BACKUP_DDL)
    conn.executemany("INSERT INTO schema_version (version) VALUES (?)", [(v,) for v in range(1, 9)])
    conn.executemany(
        "INSERT INTO users (id, name, email, created_at) VALUES (?, ?, ?, ?)",
        [
            (u, f"user {u}", f"user{u}@example.test", "2025-08-01 10:00:00")
            for u in range(1, users + 1)
        ],
    )
    conn.executemany(
        "INSERT INTO weeks (id, season, week, created_at) VALUES (?, ?, ?, ?)",
        [(w, season, w, "2025-08-20 00:00:00") for w in range(1, weeks + 1)],
    )
    picks, results = [], []
    for week in range(1, weeks + 1):
        for user in range(1, users + 1):
            for _ in range(per_week):
                away, home = rng.choice(games[week])
                team = rng.choice((away, home))
                name = player(team, rng.randrange(PLAYERS_PER_TEAM))
                game_id = None if rng.random() < 0.2 else f"{season}_{week:02d}_{away}_{home}"
                odds = rng.choice((250, 400, 650, 900, 1200))
                pick_id = len(picks) + 1
                picks.append(
                    (
                        pick_id,
                        user,
                        week,
                        SPELLED.get(team, team),
                        name,
                        odds,
                        odds / 100,
                        f"2025-09-{1 + week % 28:02d} 12:00:00",
                        game_id,
                    )
                )
                if rng.random() < 0.5:
                    correct = rng.random() < 0.1
                    results.append(
                        (
                            len(results) + 1,
                            pick_id,
                            name if correct else "someone",
                            int(correct),
                            odds / 100 if correct else -1.0,
                            int(correct or rng.random() < 0.3),
                        )
                    )
    conn.executemany(
        "INSERT INTO picks (id, user_id, week_id, team, player_name, odds, theoretical_return,"
        " created_at, game_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        picks,
    )
    conn.executemany(
        "INSERT INTO results (id, pick_id, actual_scorer, is_correct, actual_return,"
        " any_time_td) VALUES (?, ?, ?, ?, ?, ?)",
        results,
    )
    conn.commit()
    conn.close()
    return path


def build_template(url: str, name: str, season: int, home: Path) -> str:
    """A migrated database holding the season's rosters; returns its URL."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    template_url = database_url(url, name)
    result = migrate(Settings(template_url, DatabaseSource.FLAG, home), sql_dir=default_sql_dir())
    if not result.ok:
        raise SystemExit(f"migrations failed: {result.failed or result.drifted}")
    with psycopg.connect(template_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO nfl.rosters (season, team, player_name, position, gsis_id)"
            " SELECT %s, t, t || ' Player ' || s, (%s::text[])[s + 1],"
            "        'G-' || t || '-' || s"
            "   FROM unnest(%s::text[]) t, generate_series(0, %s - 1) s",
            (season, list(POSITIONS), list(TEAMS), PLAYERS_PER_TEAM),
        )
        conn.execute("VACUUM ANALYZE")
    return template_url


def database_url(url: str, name: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(url)
    params["dbname"] = name
    return psycopg.conninfo.make_conninfo(**params)


def copy_of(url: str, template: str, name: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return database_url(url, name)


def drop(url: str, name: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def timed(run: Callable[[], Fast6ImportResult]) -> tuple[float, Fast6ImportResult]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def plain(url: str, path: Path, home: Path, times: dict[str, list[float]], n: int) -> None:
    settings = Settings(url, DatabaseSource.FLAG, home)
    seconds, result = timed(lambda: import_fast6(settings, path))
    times["import"].append(seconds)
    print(f"  round {n + 1}: import {seconds:.2f} s ({result.summary()})", flush=True)


def after_dry_run(url: str, path: Path, home: Path, times: dict[str, list[float]], n: int) -> None:
    settings = Settings(url, DatabaseSource.FLAG, home)
    seconds, _ = timed(lambda: import_fast6(settings, path, dry_run=True))
    times["dry run"].append(seconds)
    after, result = timed(lambda: import_fast6(settings, path))
    times["import after dry run"].append(after)
    again, second = timed(lambda: import_fast6(settings, path))
    times["second import"].append(again)
    print(
        f"  round {n + 1}: dry run {seconds:.2f} s, then import {after:.2f} s "
        f"({result.summary()}), again {again:.2f} s ({second.summary()})",
        flush=True,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a server to work on (default: a scratch one)")
    parser.add_argument("--season", type=int, default=2025)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--weeks", type=int, default=20)
    parser.add_argument("--picks-per-week", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=26)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="cfbops-bench-import-"))
    home = work / "home"
    path = build_file(
        work / "fast6.db", args.season, args.users, args.weeks, args.picks_per_week, args.seed
    )
    picks = args.users * args.weeks * args.picks_per_week
    times: dict[str, list[float]] = {"import": [], "dry run": [], "import after dry run": []}
    times["second import"] = []
    with scratch_database(args.database_url) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            version = conn.info.server_version // 10000
        print(
            f"PostgreSQL {version}; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}; "
            f"file: {picks:,} picks ({args.users} users x {args.weeks} weeks x "
            f"{args.picks_per_week}), {path.stat().st_size / 1e6:.1f} MB",
            flush=True,
        )
        template = f"bench_import_{os.getpid()}"
        build_template(url, template, args.season, home)
        for round_no in range(args.rounds):
            fresh, dry = f"{template}_fresh_{round_no}", f"{template}_dry_{round_no}"
            fresh_url, dry_url = copy_of(url, template, fresh), copy_of(url, template, dry)

            runs = [(plain, fresh_url), (after_dry_run, dry_url)]
            for run, on in runs if round_no % 2 == 0 else reversed(runs):
                run(on, path, home, times, round_no)
            drop(url, fresh)
            drop(url, dry)
        drop(url, template)
    print(f"\n{'':24}{'median s':>10}{'min s':>8}{'max s':>8}   load {os.getloadavg()[0]:.1f}")
    for label, values in times.items():
        print(f"{label:24}{statistics.median(values):10.2f}{min(values):8.2f}{max(values):8.2f}")
    worst = max(max(times["import"]), max(times["import after dry run"]))
    print(f"\ntarget: the import <= 30 s with and without a dry run before: worst {worst:.2f} s")
    return 0 if worst <= 30 else 1


if __name__ == "__main__":
    sys.exit(main())
