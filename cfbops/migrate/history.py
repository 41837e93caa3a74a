"""The migration history in `ops.schema_history`, and drift against the files on disk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from cfbops.db.ops_objects import objects_exist
from cfbops.migrate.files import MigrationFile

APPLIED_SQL = """
SELECT DISTINCT ON (coalesce(version, 'R__' || name))
       version, name, kind, checksum, applied_at, applied_by, duration_ms, success
FROM ops.schema_history
ORDER BY coalesce(version, 'R__' || name), installed_rank DESC
"""

RECORD_SQL = """
INSERT INTO ops.schema_history (version, name, kind, checksum, duration_ms, success, applied_by)
VALUES (%s, %s, %s, %s, %s, %s, coalesce(%s, current_user))
"""


@dataclass(frozen=True, slots=True)
class AppliedMigration:
    """The latest history row for one version (or one repeatable)."""

    version: str | None
    name: str
    kind: str
    checksum: str
    applied_at: datetime
    applied_by: str
    duration_ms: int
    success: bool

    @property
    def key(self) -> str:
        return self.version if self.version is not None else f"R__{self.name}"


def history_exists(conn: psycopg.Connection) -> bool:
    return objects_exist(conn, ("ops.schema_history",))


def applied_migrations(conn: psycopg.Connection) -> dict[str, AppliedMigration]:
    """The latest history row per version / repeatable, keyed like MigrationFile.key."""
    if not history_exists(conn):
        return {}
    rows = conn.execute(APPLIED_SQL).fetchall()
    applied = [AppliedMigration(*row) for row in rows]
    return {m.key: m for m in applied}


def record(
    conn: psycopg.Connection,
    file: MigrationFile,
    *,
    duration_ms: int,
    success: bool,
    applied_by: str | None = None,
) -> None:
    conn.execute(
        RECORD_SQL,
        (file.version, file.name, file.kind.value, file.checksum, duration_ms, success, applied_by),
    )


def record_baseline(conn: psycopg.Connection, files: list[MigrationFile]) -> None:
    """Mark files as applied without running them (adopting an existing database)."""
    for file in files:
        conn.execute(
            RECORD_SQL, (file.version, file.name, "baseline", file.checksum, 0, True, None)
        )


def record_adopted(conn: psycopg.Connection, file: MigrationFile, *, duration_ms: int) -> None:
    """Mark a file applied because its objects were found standing (`migrate --adopt`);
    kind 'adopted' keeps it apart from files cfbops ran itself."""
    conn.execute(
        RECORD_SQL, (file.version, file.name, "adopted", file.checksum, duration_ms, True, None)
    )


def accept_drift(conn: psycopg.Connection, file: MigrationFile, old_checksum: str) -> None:
    """Adopt an edited file's new content as what was applied; keep an audit row."""
    conn.execute(
        "INSERT INTO ops.accepted_drift (version, old_checksum, new_checksum) VALUES (%s, %s, %s)",
        (file.version, old_checksum, file.checksum),
    )
    conn.execute(
        "UPDATE ops.schema_history SET checksum = %s "
        "WHERE version = %s AND success AND kind IN ('versioned', 'baseline', 'adopted')",
        (file.checksum, file.version),
    )
