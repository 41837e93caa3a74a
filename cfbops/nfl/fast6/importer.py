"""`cfbops import fast6`: the picks app's SQLite data into `nfl.*`, in one transaction.

The file is read and decoded whole first (`source`), compared with what the database holds
(`state`, `plan`: nothing written yet), then written set-based (`apply`). What the import
does not take over as it is (duplicates, decoded values, mapped or unmapped teams, parsed
games, unplaceable picks) is logged with the source row in `ops.fast6_import_findings`.
A file with a value that cannot be decoded is not imported at all. A dry run only reads,
so it works under --read-only and leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors, require_writable
from cfbops.db.locks import DEFAULT_WAIT_S, LockHolder, advisory_lock
from cfbops.errors import ExitCode, UsageError
from cfbops.nfl.fast6.apply import IMPORT_TABLES, analyze, apply_plan, log_findings, log_import
from cfbops.nfl.fast6.findings import NOT_IMPORTED, FindingKind, ImportFinding, TableChange
from cfbops.nfl.fast6.plan import ImportPlan, plan_import, stats_keys_of
from cfbops.nfl.fast6.source import Fast6File, read_fast6
from cfbops.nfl.fast6.state import read_state
from cfbops.nfl.fast6.statements import sql
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

# One import at a time, whatever the file: two at once would each find a user missing and
# both add it.
IMPORT_LOCK = "cfbops.nfl.import_fast6"
TASK = "import fast6"


@dataclass(frozen=True, slots=True)
class Fast6ImportResult:
    file: Path
    sha256: str
    shape: str
    dry_run: bool
    tables: tuple[TableChange, ...]
    findings: tuple[ImportFinding, ...]
    other_tables: dict[str, int]
    unknown_positions: int
    imported_picks: int
    # A value could not be decoded: nothing was imported.
    refused: bool = False

    @property
    def ok(self) -> bool:
        return not any(f.kind in NOT_IMPORTED for f in self.findings)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.ok else ExitCode.FAILED

    @property
    def changed_rows(self) -> int:
        return sum(t.inserted + t.updated for t in self.tables)

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)

    def summary(self) -> str:
        """One line: what the run did, or why it imported nothing."""
        if self.refused:
            unreadable = self.count(FindingKind.UNDECODABLE)
            return f"nothing imported: {unreadable} values in the file cannot be read"
        would = "would change" if self.dry_run else "changed"
        not_imported = sum(1 for f in self.findings if f.kind in NOT_IMPORTED)
        tail = f", {not_imported} rows not imported" if not_imported else ""
        return f"{self.imported_picks} picks: {self.changed_rows} rows {would}{tail}"


def import_fast6(
    settings: Settings,
    path: Path,
    *,
    dry_run: bool = False,
    wait_s: float | None = DEFAULT_WAIT_S,
    progress: ProgressCallback = ignore_progress,
) -> Fast6ImportResult:
    """Import the app's file; with `dry_run`, work out what would change and write nothing."""
    if not dry_run:
        require_writable(settings, "import fast6")
    task = TaskProgress(progress, TASK, total=2 if dry_run else len(IMPORT_TABLES) + 2)
    source = read_fast6(path)
    task.step(f"read {path.name} ({source.shape})")
    with (
        one_line_database_errors("import fast6 changed nothing"),
        connect(settings, application_name="cfbops import fast6") as conn,
    ):
        if dry_run:
            return import_with(conn, source, dry_run=True, task=task)

        def waiting(holder: LockHolder | None, left: float) -> None:
            who = holder.describe() if holder else "another session"
            task.note(f"waiting for another import ({who}), {left:.0f}s left")

        with advisory_lock(conn, IMPORT_LOCK, wait_s=wait_s, on_wait=waiting):
            return import_with(conn, source, task=task)


def import_with(
    conn: psycopg.Connection,
    source: Fast6File,
    *,
    dry_run: bool = False,
    task: TaskProgress | None = None,
) -> Fast6ImportResult:
    """The import on `conn` (autocommit, holding the import lock unless a dry run)."""
    step: Callable[[str], None] = task.step if task else (lambda _: None)
    if not conn.execute(sql("schema_ready")).fetchone()[0]:
        raise UsageError(
            "the database lacks the picks game's tables as this cfbops version makes them; "
            "run 'cfbops --headless migrate' first, then import"
        )
    if not source.readable:
        return _refused(conn, source, dry_run=dry_run)
    with conn.transaction(force_rollback=dry_run):
        if dry_run:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        else:
            analyze(conn, IMPORT_TABLES)
        names = [row["name"] for row in source.rows["users"]]
        state = read_state(conn, names, stats_keys_of(source))
        plan = plan_import(source, state)
        step(f"planned: {plan.changed_rows} rows to write")
        if dry_run:
            unknown = _predicted_unknown_positions(conn, plan)
        else:
            apply_plan(conn, plan, step)
            unknown = _unknown_positions(conn, plan)
        result = Fast6ImportResult(
            file=source.path,
            sha256=source.sha256,
            shape=source.shape,
            dry_run=dry_run,
            tables=plan.changes,
            findings=plan.findings,
            other_tables=source.other_tables,
            unknown_positions=unknown,
            imported_picks=len(plan.picks),
        )
        if not dry_run:
            log_import(
                conn,
                file_name=_printable(source.path),
                sha256=source.sha256,
                shape=source.shape,
                changed_rows={
                    t.table: {"inserted": t.inserted, "updated": t.updated} for t in plan.changes
                },
                findings=plan.findings,
            )
    return result


def _refused(conn: psycopg.Connection, source: Fast6File, *, dry_run: bool) -> Fast6ImportResult:
    """Nothing is imported from a file with unreadable values; the findings are logged."""
    if not dry_run:
        with conn.transaction():
            log_findings(conn, source.sha256, source.value_findings)
    return Fast6ImportResult(
        file=source.path,
        sha256=source.sha256,
        shape=source.shape,
        dry_run=dry_run,
        tables=(),
        findings=source.value_findings,
        other_tables=source.other_tables,
        unknown_positions=0,
        imported_picks=0,
        refused=True,
    )


def _pick_columns(plan: ImportPlan, *names: str) -> dict[str, list]:
    return {name: [p.values[name] for p in plan.picks] for name in names}


def _unknown_positions(conn: psycopg.Connection, plan: ImportPlan) -> int:
    columns = _pick_columns(plan, "name_key", "season", "week", "player_name")
    return conn.execute(sql("unknown_positions"), columns).fetchone()[0]


def _predicted_unknown_positions(conn: psycopg.Connection, plan: ImportPlan) -> int:
    """What `_unknown_positions` will count once the plan is written (the roster trigger
    fills a position when a pick without one is inserted or changed)."""
    columns = _pick_columns(plan, "season", "team", "player_name")
    games = [plan.games.get(p.game_id) for p in plan.picks]
    columns["home_team"] = [g[2] if g else None for g in games]
    columns["away_team"] = [g[3] if g else None for g in games]
    columns["position"] = [p.stored_position for p in plan.picks]
    columns["written"] = [p.outcome is not None for p in plan.picks]
    return conn.execute(sql("predicted_unknown_positions"), columns).fetchone()[0]


def _printable(path: Path) -> str:
    # A file name that is not UTF-8 (surrogate escapes) cannot go into a text column as is.
    return str(path).encode("utf-8", errors="replace").decode("utf-8")
