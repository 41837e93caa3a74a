"""Insert stalls while a foreign key is added to a big table: cfbops against a plain ALTER.

A writer connection inserts one row every ~2 ms (autocommit, each timed) into `child` while
the real migration engine adds `child.parent_id → parent.id`, either as cfbops writes it
(`NOT VALID` in one file, `VALIDATE CONSTRAINT` in the next) or as one plain
`ADD FOREIGN KEY`. Prints the longest insert stall of each case, p99, inserts, the DDL's
duration and the ratio plain/cfbops, without and with a blocker (another transaction holding
an uncommitted insert into child for `--blocker-ms` as the migration starts) in one run.
Targets: cfbops stalls the writer ≤ 100 ms in both, and with the blocker the
migration ends within the blocker's time + 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from cfbops.config import DatabaseSource, Settings
from cfbops.db.embedded import EmbeddedServer
from cfbops.migrate.apply import migrate
from cfbops.migrate.lock_attempts import ATTEMPT_LOCK_TIMEOUT
from cfbops.progress import Progress

TARGET_MS = 100.0
FINISH_AFTER_BLOCKER_MS = 1000.0
LEAD_IN_S = 0.5  # writer alone before the migration starts …
TAIL_S = 0.5  # … and after it ends
WRITER_ALONE_S = 3.0
WRITER_LIMIT_S = 600.0  # the writer stops by itself after this, whatever happens
INSERT_TIMEOUT = "120s"
FK_NAME = "child_parent_id_fkey"

CASES: dict[str, dict[str, str]] = {
    "cfbops": {
        "V0001__add_fk_not_valid.sql": (
            f"ALTER TABLE child ADD CONSTRAINT {FK_NAME}\n"
            "    FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID;\n"
        ),
        "V0002__validate_fk.sql": f"ALTER TABLE child VALIDATE CONSTRAINT {FK_NAME};\n",
    },
    "plain": {
        "V0001__add_fk.sql": (
            "ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES parent (id);\n"
        ),
    },
}

BUILD_SQL = (
    "CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL)",
    "INSERT INTO parent SELECT g, 'parent ' || g FROM generate_series(1, %(parents)s) g",
    "CREATE TABLE child (id bigint NOT NULL, parent_id int NOT NULL, payload text NOT NULL)",
    "INSERT INTO child SELECT g, 1 + g %% %(parents)s, md5(g::text)"
    " FROM generate_series(1, %(rows)s) g",
    "ALTER TABLE child ADD PRIMARY KEY (id)",
)

INSERT_SQL = "INSERT INTO child (id, parent_id, payload) VALUES (%s, %s, %s)"

# PostgreSQL 17 moved the checkpoint counters to pg_stat_checkpointer.
CHECKPOINTS_SQL = {
    True: "SELECT num_done FROM pg_stat_checkpointer",
    False: "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter",
}
AUTOVACUUMS_SQL = """
SELECT autovacuum_count + autoanalyze_count FROM pg_stat_user_tables WHERE relid = 'child'::regclass
"""


@dataclass(frozen=True, slots=True)
class Insert:
    started: float  # perf_counter
    latency_s: float


class InsertStream:
    """One small autocommit INSERT per interval on its own connection, each one timed."""

    def __init__(self, url: str, first_id: int, parents: int, interval_s: float) -> None:
        self.url, self.next_id, self.parents, self.interval_s = url, first_id, parents, interval_s
        self.inserts: list[Insert] = []
        self._ready, self._stop = threading.Event(), threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="insert stream", daemon=True)

    def __enter__(self) -> InsertStream:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the writer did not connect within 30 s")
        self._raise_error()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(WRITER_LIMIT_S)
        self._raise_error()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise RuntimeError(f"the writer failed: {self._error}") from self._error

    def _run(self) -> None:
        try:
            with psycopg.connect(
                self.url, autocommit=True, application_name="bench writer"
            ) as conn:
                conn.execute(f"SET statement_timeout = '{INSERT_TIMEOUT}'")
                rng = random.Random(self.next_id)
                self._ready.set()
                give_up = time.perf_counter() + WRITER_LIMIT_S
                due = time.perf_counter()
                while not self._stop.is_set() and time.perf_counter() < give_up:
                    started = time.perf_counter()
                    conn.execute(INSERT_SQL, (self.next_id, rng.randint(1, self.parents), "w"))
                    ended = time.perf_counter()
                    self.inserts.append(Insert(started, ended - started))
                    self.next_id += 1
                    # Keep the pace; after a stall, go on at once but never burst to catch up.
                    due = max(due + self.interval_s, ended)
                    time.sleep(max(0.0, due - time.perf_counter()))
        except BaseException as exc:  # reported by the main thread
            self._error = exc
            self._ready.set()


@dataclass(frozen=True, slots=True)
class Run:
    """One case, once: what the writer saw and what the DDL took."""

    case: str
    max_stall_ms: float
    p50_ms: float
    p99_ms: float
    inserts: int
    worst_during: str
    ddl_ms: tuple[tuple[str, int], ...] = ()
    migrate_ms: float = 0.0
    attempts: int = 0
    blocker_ms: float = 0.0
    checkpoints: int = 0
    autovacuums: int = 0

    def line(self) -> str:
        text = (
            f"{self.case:<7} longest stall {self.max_stall_ms:8.1f} ms ({self.worst_during}), "
            f"p50 {self.p50_ms:4.1f}, p99 {self.p99_ms:5.1f} ms, {self.inserts:,} inserts"
        )
        if self.ddl_ms:
            files = ", ".join(f"{name} {ms:,} ms" for name, ms in self.ddl_ms)
            text += f"; {files}; migrate() {self.migrate_ms:,.0f} ms"
        for what, count in (("checkpoint", self.checkpoints), ("autovacuum", self.autovacuums)):
            if count:
                text += f"; {count} {what}(s) during the run"
        if self.attempts > len(self.ddl_ms):
            text += f"; {self.attempts} lock tries"
        return text


@dataclass(slots=True)
class Phases:
    """When each migration file ended, from the engine's progress steps."""

    started: float = 0.0
    ended: float = 0.0
    file_ends: list[float] = field(default_factory=list)

    def on_progress(self, event: Progress) -> None:
        if "applied" in event.message:
            self.file_ends.append(time.perf_counter())

    def name(self, at: float, files: list[str]) -> str:
        if at < self.started:
            return "before the migration"
        for end, file in zip(self.file_ends, files, strict=False):
            if at < end:
                return f"in {file}"
        return "during the window" if at < self.ended else "after the migration"


def nearest_rank(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


def counters(conn: psycopg.Connection) -> tuple[int, int]:
    new_stats = conn.info.server_version >= 170000
    checkpoints = conn.execute(CHECKPOINTS_SQL[new_stats]).fetchone()
    autovacuums = conn.execute(AUTOVACUUMS_SQL).fetchone()
    return int(checkpoints[0] if checkpoints else 0), int(autovacuums[0] if autovacuums else 0)


def reset(conn: psycopg.Connection, rows: int) -> None:
    """Back to the built table: no constraint, no writer rows, no history, clean and flushed."""
    conn.execute(f"ALTER TABLE child DROP CONSTRAINT IF EXISTS {FK_NAME}")
    conn.execute("DELETE FROM child WHERE id > %s", (rows,))
    conn.execute("DROP SCHEMA IF EXISTS ops CASCADE")
    conn.execute("VACUUM (ANALYZE) child")
    # On a server we do not own, the run starts with whatever checkpoint is due.
    with suppress(psycopg.errors.InsufficientPrivilege):
        done = counters(conn)[0]
        conn.execute("CHECKPOINT")
        # The counter shows a checkpoint a few hundred ms after it ends; wait, or the run
        # would be blamed for this one.
        give_up = time.perf_counter() + 2.0
        while counters(conn)[0] == done and time.perf_counter() < give_up:
            time.sleep(0.05)


@contextmanager
def held_row_lock(url: str, rows: int, hold_s: float) -> Iterator[None]:
    """Another transaction that has inserted into child and commits `hold_s` later."""
    conn = psycopg.connect(url, application_name="bench blocker")
    conn.execute(INSERT_SQL, (rows + 10_000_000, 1, "blocker"))  # opens the transaction
    timer = threading.Timer(hold_s, conn.commit)
    timer.start()
    try:
        yield
    finally:
        timer.join()
        conn.close()


def run_case(
    case: str, args: argparse.Namespace, url: str, home: Path, rows: int, blocker_ms: float
) -> Run:
    with psycopg.connect(url, autocommit=True) as admin:
        reset(admin, rows)
        before = counters(admin)
    settings = Settings(
        database_url=url,
        database_source=DatabaseSource.FLAG,
        home=home,
    )
    sql_dir = home / f"sql-{case}-{uuid.uuid4().hex[:8]}" / "migrations"
    sql_dir.mkdir(parents=True)
    for name, text in CASES.get(case, {}).items():
        (sql_dir / name).write_text(text)
    files = sorted(CASES.get(case, {}))
    phases = Phases()
    result = None
    with InsertStream(url, rows + 1, args.parents, args.interval_ms / 1000) as writer:
        time.sleep(LEAD_IN_S)
        phases.started = time.perf_counter()
        if case == "alone":
            time.sleep(WRITER_ALONE_S)
        else:
            blocker = held_row_lock(url, rows, blocker_ms / 1000) if blocker_ms else None
            with blocker or nullcontext():
                result = migrate(
                    settings,
                    sql_dir=sql_dir.parent,
                    wait_s=10,
                    attempt_lock_timeout=args.lock_timeout,
                    progress=phases.on_progress,
                )
        phases.ended = time.perf_counter()
        time.sleep(TAIL_S)
    if result is not None and not result.ok:
        raise RuntimeError(f"{case}: migrate failed: {result.failed and result.failed.error}")
    with psycopg.connect(url, autocommit=True) as admin:
        after = counters(admin)
    worst = max(writer.inserts, key=lambda insert: insert.latency_s)
    latencies_ms = [insert.latency_s * 1000 for insert in writer.inserts]
    return Run(
        case=case,
        max_stall_ms=worst.latency_s * 1000,
        p50_ms=nearest_rank(latencies_ms, 0.50),
        p99_ms=nearest_rank(latencies_ms, 0.99),
        inserts=len(writer.inserts),
        worst_during=phases.name(worst.started, [f.removesuffix(".sql") for f in files]),
        ddl_ms=tuple((a.name, a.duration_ms) for a in result.applied) if result else (),
        migrate_ms=(phases.ended - phases.started) * 1000,
        attempts=sum(a.attempts for a in result.applied) if result else 0,
        blocker_ms=blocker_ms,
        checkpoints=after[0] - before[0],
        autovacuums=after[1] - before[1],
    )


SIZE_SQL = "SELECT count(*), pg_size_pretty(pg_total_relation_size('child')) FROM child"


def build(url: str, rows: int, parents: int) -> str:
    """Create and fill parent and child, set-based, then vacuum and analyze; says what it made."""
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            for statement in BUILD_SQL:
                conn.execute(statement, {"rows": rows, "parents": parents})
        conn.execute("VACUUM (ANALYZE) parent")
        conn.execute("VACUUM (ANALYZE) child")
        facts = conn.execute(SIZE_SQL).fetchone()
    took = time.perf_counter() - started
    return f"{facts[0]:,} rows in child ({facts[1]} with its primary key), built in {took:.0f} s"


def median_of(runs: list[Run], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def summarise(runs: list[Run], blocker_ms: float) -> None:
    print(
        f"\n  {'case':<7} {'longest stall ms: median [min–max]':>36} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'inserts':>8}  DDL (median)"
    )
    by_case: dict[str, list[Run]] = {}
    for run in runs:
        by_case.setdefault(run.case, []).append(run)
    for case, case_runs in by_case.items():
        stalls = [run.max_stall_ms for run in case_runs]
        ddl = ""
        if case_runs[0].ddl_ms:
            names = [name for name, _ in case_runs[0].ddl_ms]
            parts = [
                f"{name} {statistics.median(dict(r.ddl_ms)[name] for r in case_runs):,.0f} ms"
                for name in names
            ]
            ddl = ", ".join(parts) + f"; migrate() {median_of(case_runs, 'migrate_ms'):,.0f} ms"
        spread = f"{statistics.median(stalls):9.1f} [{min(stalls):.1f}–{max(stalls):.1f}]"
        print(
            f"  {case:<7} {spread:>36} {median_of(case_runs, 'p50_ms'):7.1f} "
            f"{median_of(case_runs, 'p99_ms'):7.1f} "
            f"{median_of(case_runs, 'inserts'):8,.0f}  {ddl}"
        )
    cfbops = statistics.median(r.max_stall_ms for r in by_case["cfbops"])
    plain = statistics.median(r.max_stall_ms for r in by_case["plain"])
    verdict = "met" if cfbops <= TARGET_MS else "NOT met"
    worst = max(r.max_stall_ms for r in by_case["cfbops"])
    print(
        f"  longest stall, plain / cfbops (medians): {plain / cfbops:,.0f}× — "
        f"target cfbops ≤ {TARGET_MS:.0f} ms: {verdict} (median {cfbops:.1f} ms, "
        f"worst run {worst:.1f} ms)"
    )
    if blocker_ms:
        # The blocker holds up the first file only; the VALIDATE scan after it takes as long
        # as it does without a blocker, so "done" is when the blocked file is.
        after = [dict(r.ddl_ms)[r.ddl_ms[0][0]] - blocker_ms for r in by_case["cfbops"]]
        whole = max(r.migrate_ms for r in by_case["cfbops"])
        verdict = "met" if max(after) <= FINISH_AFTER_BLOCKER_MS else "NOT met"
        print(
            f"  cfbops' blocked file ended {max(after):+,.0f} ms after the blocker committed "
            f"(slowest run; target ≤ {FINISH_AFTER_BLOCKER_MS:,.0f} ms: {verdict}); whole "
            f"migrate() incl. the VALIDATE scan: slowest {whole:,.0f} ms"
        )


def bench_size(args: argparse.Namespace, server_url: str, home: Path, rows: int) -> None:
    database = f"bench_migrate_locks_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    url = str(psycopg.conninfo.make_conninfo(server_url, dbname=database))
    try:
        print(f"\n--rows {rows:,}, {args.parents:,} parents", flush=True)
        print(f"  {build(url, rows, args.parents)}", flush=True)
        for blocker_ms in args.blocker_ms:
            what = f"a {blocker_ms:g} ms blocker" if blocker_ms else "no blocker"
            print(f"\n  -- {what}", flush=True)
            runs: list[Run] = []
            for repeat in range(args.repeat):
                order = ["cfbops", "plain"] if repeat % 2 == 0 else ["plain", "cfbops"]
                for case in ["alone", *order]:
                    runs.append(run_case(case, args, url, home, rows, blocker_ms))
                    print(f"  run {repeat + 1} {runs[-1].line()}", flush=True)
            summarise(runs, blocker_ms)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a server to use (a scratch database is made)")
    parser.add_argument(
        "--rows", type=int, nargs="+", default=[3_000_000], help="child sizes (default 3,000,000)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (default 3)")
    parser.add_argument("--parents", type=int, default=10_000)
    parser.add_argument("--interval-ms", type=float, default=2.0, help="writer pace (2 ms)")
    parser.add_argument(
        "--lock-timeout",
        default=ATTEMPT_LOCK_TIMEOUT,
        help=f"the engine's lock_timeout per try (cfbops default {ATTEMPT_LOCK_TIMEOUT})",
    )
    parser.add_argument(
        "--blocker-ms",
        type=float,
        nargs="+",
        default=[0, 5000],
        help=(
            "hold an uncommitted insert into child this long as each migration starts; "
            "one set of runs per value, 0 for none (default: 0 5000)"
        ),
    )
    args = parser.parse_args()
    if min(args.rows) < 1 or args.repeat < 1 or args.parents < 1 or args.interval_ms <= 0:
        parser.error("--rows, --repeat, --parents and --interval-ms must be positive")
    if min(args.blocker_ms) < 0:
        parser.error("--blocker-ms must not be negative")
    return args


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="cfbops-bench-") as temp:
        home = Path(temp)
        server = None if args.database_url else EmbeddedServer(home / "server")
        try:
            server_url = args.database_url or server.ensure_running().url("postgres")
            with psycopg.connect(server_url, autocommit=True) as conn:
                version = conn.execute("SHOW server_version").fetchone()[0]
                durability = [
                    f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}"
                    for name in ("fsync", "synchronous_commit", "autovacuum")
                ]
            print("migrate_locks: insert stalls while child.parent_id → parent.id is added")
            print(
                f"machine: {os.cpu_count()} CPUs; PostgreSQL {version.split()[0]} "
                f"({'embedded' if server else 'given server'}; {', '.join(durability)})"
            )
            print(
                f"writer: one INSERT per {args.interval_ms:g} ms, autocommit, own connection; "
                f"engine lock_timeout {args.lock_timeout} per try; {args.repeat} run(s) per "
                "case, interleaved; 'alone' = the writer with no DDL; blocker = an "
                "uncommitted insert into child held from each migration's start"
            )
            for rows in args.rows:
                bench_size(args, server_url, home, rows)
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
