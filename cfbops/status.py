"""One snapshot of everything the console's panes show (`cfbops --headless status`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from cfbops.config import Settings
from cfbops.db.connect import connect, resolve_target, server_version
from cfbops.marts.overview import MartsOverview, marts_overview
from cfbops.migrate.files import default_sql_dir, load_migrations
from cfbops.migrate.state import migration_state


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

    def __str__(self) -> str:
        text = f"{self.applied} applied, {self.pending} pending, {self.drifted} drifted"
        if self.drifted_versions:
            text += " (" + ", ".join(f"V{v}" for v in self.drifted_versions) + ")"
        return text


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """Sections whose issue has not landed yet are None ("not available")."""

    database: DatabaseIdentity
    migrations: MigrationSummary | None = None
    budget: object | None = None
    backfill: object | None = None
    marts: MartsOverview | None = None
    quality: object | None = None


def migration_summary(conn: psycopg.Connection, sql_dir: Path) -> MigrationSummary:
    versioned, repeatable = load_migrations(sql_dir)
    state = migration_state(conn, versioned, repeatable)
    return MigrationSummary(
        applied=len(state.applied),
        pending=len(state.pending),
        drifted=len(state.drifted),
        drifted_versions=tuple(f.version for f in state.drifted if f.version),
    )


def collect_status(settings: Settings, sql_dir: Path | None = None) -> StatusSnapshot:
    """Read-only: every section the console shows, from one connection."""
    target = resolve_target(settings)
    with connect(settings, target=target, application_name="cfbops status") as conn:
        database = DatabaseIdentity(target.display_url, server_version(conn), target.embedded)
        migrations = migration_summary(conn, sql_dir or default_sql_dir())
        marts = marts_overview(conn)
    return StatusSnapshot(database=database, migrations=migrations, marts=marts)
