"""The play-stats backfill against the CFBD stand-in (targets: efficiency >= 0.8 at
concurrency 8, the write path >= 0.7 of a plain COPY).

Migrates and seeds `--scale` (default tiny: 2024 has ~1,600 completed games without play
stats) on the database given by --database-url (default: a scratch embedded server), starts
the stand-in on 127.0.0.1 with --latency-ms per call (default 150), then:

  1. games/s at concurrency 1, 4 and 8 (each run is capped with --max-calls at
     `--games-per-worker` × K, and loads two games fewer: a run keeps two calls in hand
     for a game over 2,000 rows), timed from the reservation to the last game, efficiency
     against the ideal K ÷ latency; calls per game; the run's one-off setup (planning the
     job's items, /info, the reservation) beside it.
     Target: efficiency >= 0.8 at 8; calls per game 1.00.
  2. the write path: the same games' rows written the backfill's way (`merge_rows`: COPY
     into the session's staging table, then one statement moving them into the table: a
     plain INSERT, or INSERT … ON CONFLICT when a key is stored already) against a plain
     COPY of the same rows straight into the table, both as an autocommit COPY and inside
     BEGIN … COMMIT; one game at a time, the three interleaved. Target: >= 0.7 of plain
     COPY. Beside them, without a target: each game written once more while all its rows
     are stored (the ON CONFLICT merge, every row updated), as a re-run after another
     loader would.
Medians of --rounds runs, min/max beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import psycopg
from scratch import scratch_database

from cfbops.backfill.load import merge_rows
from cfbops.backfill.queue import Kind
from cfbops.backfill.rows import PLAY_STAT_FIELDS, PLAY_STAT_KEY, columns
from cfbops.backfill.runner import run_backfill
from cfbops.config import DatabaseSource, Settings, default_sql_dir
from cfbops.demo.cfbd_standin import running_standin
from cfbops.demo.seed import seed_database
from cfbops.migrate.apply import migrate
from cfbops.progress import Progress

SEASON = 2024
KEY = "bench-key"
RESET = (
    "DELETE FROM stats.play_stats WHERE season = %(season)s",
    "DELETE FROM ops.backfill_items",
    "DELETE FROM ops.backfill_jobs",
    "DELETE FROM ops.cfbd_calls",
    "DELETE FROM ops.cfbd_reservations",
    "DELETE FROM ops.cfbd_months",
)


@contextlib.contextmanager
def standin_process(url: str, latency_s: float) -> Iterator[str]:
    """The stand-in in a process of its own, as the API is: serving its answers (JSON for
    every row) must not wait on the backfill's interpreter lock, nor the backfill on it."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=_serve, args=(url, latency_s, theirs), daemon=True)
    server.start()
    try:
        yield ours.recv()
    finally:
        ours.send("stop")
        server.join(timeout=30)


def _serve(url: str, latency_s: float, pipe: Connection) -> None:
    with running_standin(url, api_key=KEY, latency_s=latency_s) as standin:
        pipe.send(standin.url)
        pipe.recv()


def reset(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in RESET:
            conn.execute(statement, {"season": SEASON})


def games_per_second(settings: Settings, url: str, concurrency: int, games: int):
    reset(url)
    marks: list[float] = []

    def mark(_: Progress) -> None:
        marks.append(time.perf_counter())

    result = run_backfill(
        settings,
        Kind.PLAY_STATS,
        SEASON,
        SEASON,
        max_calls=games,
        concurrency=concurrency,
        progress=mark,
    )
    # The drain: from the estimate (printed once the calls are reserved) to the last game.
    # Planning, /info and the reservation happen once per run, not per game: see `setup`.
    drain_s = marks[-1] - marks[0]
    setup_s = result.wall_s - drain_s
    return result.done / drain_s, result.calls_used / max(result.done, 1), setup_s


def write_path(url: str, games: int) -> tuple[float, float, float, float]:
    """Rows/s written the backfill's way, and by plain COPY in two forms, over the same
    games' rows, one game at a time, the three interleaved game by game so that a busy
    machine's swings fall on all of them alike; and the backfill's way again over the
    stored rows (the ON CONFLICT merge)."""
    cols = columns(PLAY_STAT_FIELDS)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")  # as the backfill's workers run
        per_game: dict[int, list[tuple]] = {}
        query = psycopg.sql.SQL("SELECT {} FROM stats.play_stats WHERE season = %s").format(
            psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, cols))
        )
        for row in conn.execute(query, (SEASON,)):
            per_game.setdefault(row[0], []).append(row)
        chosen = dict(list(per_game.items())[:games])
        total = sum(len(rows) for rows in chosen.values())
        copy_sql = psycopg.sql.SQL("COPY stats.play_stats ({}) FROM STDIN").format(
            psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, cols))
        )

        def clear(game_ids: list[int]) -> None:
            conn.execute("DELETE FROM stats.play_stats WHERE game_id = ANY(%s)", (game_ids,))

        def plain_copy(rows: list[tuple]) -> None:
            with conn.cursor() as cur, cur.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)

        spent = {"merge": 0.0, "copy": 0.0, "copy_tx": 0.0, "again": 0.0}
        clear(list(chosen))
        for game_id, rows in chosen.items():
            started = time.perf_counter()
            merge_rows(conn, ("stats", "play_stats"), cols, PLAY_STAT_KEY, rows)
            spent["merge"] += time.perf_counter() - started
            clear([game_id])
            started = time.perf_counter()
            plain_copy(rows)  # autocommit: the COPY is its own transaction
            spent["copy"] += time.perf_counter() - started
            clear([game_id])
            started = time.perf_counter()
            with conn.transaction():
                plain_copy(rows)
            spent["copy_tx"] += time.perf_counter() - started
        # Apart, after the three: every row it writes is an update, which leaves the table
        # with dead rows the three should not meet.
        for rows in chosen.values():
            started = time.perf_counter()
            merge_rows(conn, ("stats", "play_stats"), cols, PLAY_STAT_KEY, rows)
            spent["again"] += time.perf_counter() - started
    return tuple(total / spent[way] for way in ("merge", "copy", "copy_tx", "again"))


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):8.2f}  ({min(values):.2f}–{max(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--scale", default="tiny")
    parser.add_argument("--latency-ms", type=float, default=150)
    parser.add_argument("--games-per-worker", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write-games", type=int, default=300)
    args = parser.parse_args()
    with scratch_database(args.database_url) as url:
        settings = Settings(
            database_url=url, database_source=DatabaseSource.FLAG, home=Path("/nonexistent")
        )
        result = migrate(settings, sql_dir=default_sql_dir())
        if not result.ok:
            print("migration failed", file=sys.stderr)
            return 1
        with psycopg.connect(url) as conn:
            seeded = conn.execute("SELECT count(*) FROM ops.seed_runs").fetchone()[0]
        if not seeded:
            seed_database(settings, args.scale)
        with psycopg.connect(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        print(
            f"cpus {os.cpu_count()}, PostgreSQL {version}, scale {args.scale}, "
            f"stand-in latency {args.latency_ms:.0f} ms, {args.rounds} rounds"
        )
        latency = args.latency_ms / 1000
        with standin_process(url, latency) as standin_url:
            cfbd = dataclasses.replace(settings, cfbd_url=standin_url, cfbd_api_key=KEY)
            print(
                "\nconcurrency  games   games/s (min–max)      ideal  efficiency  calls/game"
                "  setup s"
            )
            for concurrency in (1, 4, 8):
                games = args.games_per_worker * concurrency
                rates, per_game, setups = [], [], []
                for _ in range(args.rounds):
                    rate, calls, setup = games_per_second(cfbd, url, concurrency, games)
                    rates.append(rate)
                    per_game.append(calls)
                    setups.append(setup)
                ideal = concurrency / latency
                efficiency = statistics.median(rates) / ideal
                print(
                    f"{concurrency:>11}  {games:>5}  {spread(rates)}  {ideal:>9.2f}"
                    f"  {efficiency:>10.2f}  {statistics.median(per_game):>10.2f}"
                    f"  {statistics.median(setups):>7.2f}"
                )
            # Load the write path's games once, then time the writes.
            reset(url)
            run_backfill(
                cfbd, Kind.PLAY_STATS, SEASON, SEASON, max_calls=args.write_games, concurrency=8
            )
        merged, plain, plain_tx, again = [], [], [], []
        for _ in range(args.rounds):
            m, p, t, a = write_path(url, args.write_games)
            merged.append(m)
            plain.append(p)
            plain_tx.append(t)
            again.append(a)
        print(f"\nwrite path over {args.write_games} games, one game at a time:")
        print(f"  COPY to staging + one statement moving   rows/s {spread(merged)}")
        print(f"  plain COPY, autocommit                   rows/s {spread(plain)}")
        print(f"  plain COPY in BEGIN … COMMIT             rows/s {spread(plain_tx)}")
        for name, base in (("autocommit", plain), ("BEGIN … COMMIT", plain_tx)):
            ratio = statistics.median(merged) / statistics.median(base)
            print(f"  ratio merge / plain COPY {name:<15} {ratio:.2f}   (target >= 0.70)")
        ratio = statistics.median(again) / statistics.median(plain)
        print(f"  stored game written again (ON CONFLICT)  rows/s {spread(again)}")
        print(f"  ratio to plain COPY autocommit           {ratio:.2f}   (no target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
