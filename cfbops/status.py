"""One snapshot of everything the console's panes show (`cfbops --headless status`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg

from cfbops.backfill.overview import BackfillOverview, backfill_overview
from cfbops.cfbd.meter import BudgetMeter, budget_meter
from cfbops.config import Settings
from cfbops.db.connect import DatabaseTarget, connect, resolve_target, server_version
from cfbops.db.ops_objects import BACKFILL_OBJECTS, BUDGET_OBJECTS, objects_exist
from cfbops.marts.overview import MartsOverview, marts_overview
from cfbops.migrate.files import load_migrations
from cfbops.migrate.history import AppliedMigration, applied_migrations
from cfbops.migrate.state import MigrationState, migration_state
from cfbops.quality.overview import QualityOverview, quality_overview


@dataclass(frozen=True, slots=True)
class DatabaseIdentity:
    url: str
    server_version: str
    embedded: bool


@dataclass(frozen=True, slots=True)
class MigrationSummary:
    applied: int
    pending: int
    drifted: int
    drifted_versions: tuple[str, ...] = ()
    failed: int = 0
    # Files whose last attempt failed: "V0012", or "R__name" for a repeatable.
    failed_files: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.applied} applied, {self.pending} pending, {self.drifted} drifted"
        if self.drifted_versions:
            text += " (" + ", ".join(f"V{v}" for v in self.drifted_versions) + ")"
        text += f", {self.failed} failed"
        if self.failed_files:
            text += " (" + ", ".join(self.failed_files) + ")"
        return text


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """A section is None when this database lacks its tables (an older schema): "not
    available — arrives with `cfbops --headless migrate`"."""

    database: DatabaseIdentity
    migrations: MigrationSummary | None = None
    budget: BudgetMeter | None = None
    backfill: BackfillOverview | None = None
    marts: MartsOverview | None = None
    quality: QualityOverview | None = None


def migration_summary(conn: psycopg.Connection, sql_dir: Path) -> MigrationSummary:
    versioned, repeatable = load_migrations(sql_dir)
    state = migration_state(conn, versioned, repeatable)
    return summarize_migrations(state, applied_migrations(conn))


def summarize_migrations(
    state: MigrationState, history: Mapping[str, AppliedMigration]
) -> MigrationSummary:
    """The counts from a state and history already read (the console reads them once)."""
    failed = [
        f"V{row.version}" if row.version is not None else row.key
        for row in history.values()
        if not row.success
    ]
    return MigrationSummary(
        applied=len(state.applied),
        pending=len(state.pending),
        drifted=len(state.drifted),
        drifted_versions=tuple(f.version for f in state.drifted if f.version),
        failed=len(failed),
        failed_files=tuple(failed),
    )


def collect_status(settings: Settings, sql_dir: Path | None = None) -> StatusSnapshot:
    """Every section the console shows, from one read-only session (reading never writes)."""
    target = resolve_target(settings)
    with connect(settings, target=target, application_name="cfbops status", read_only=True) as conn:
        return status_on(conn, target, sql_dir or settings.sql_dir)


def status_on(
    conn: psycopg.Connection,
    target: DatabaseTarget,
    sql_dir: Path,
    *,
    migrations: MigrationSummary | None = None,
) -> StatusSnapshot:
    """The snapshot on a connection the caller owns (the console's polling connection, which
    may pass the migrations section it has read already)."""
    database = DatabaseIdentity(target.display_url, server_version(conn), target.embedded)
    migrations = migrations or migration_summary(conn, sql_dir)
    marts = marts_overview(conn)
    quality = quality_overview(conn)
    budget, backfill = _budget_sections(conn)
    return StatusSnapshot(
        database=database,
        migrations=migrations,
        budget=budget,
        backfill=backfill,
        marts=marts,
        quality=quality,
    )


def _budget_sections(
    conn: psycopg.Connection,
) -> tuple[BudgetMeter | None, BackfillOverview | None]:
    """The ledger's meter (status never spends a request, not even /info) and the backfill
    jobs; None on a database whose migrations have not made their tables yet."""
    if not objects_exist(conn, (*BUDGET_OBJECTS, *BACKFILL_OBJECTS)):
        return None, None
    return budget_meter(conn), backfill_overview(conn)
