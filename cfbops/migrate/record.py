"""One migration's record: every attempt the history kept (when, by whom, how long, whether it
went in), the checksum it ran with, and its SQL as the file holds it now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors
from cfbops.errors import UsageError
from cfbops.migrate.files import MigrationFile, load_migrations, parse_version
from cfbops.migrate.history import history_exists
from cfbops.queries import package_sql


@dataclass(frozen=True, slots=True)
class Attempt:
    """One row of ops.schema_history for the file."""

    applied_at: datetime
    applied_by: str
    duration_ms: int
    success: bool
    checksum: str
    kind: str


@dataclass(frozen=True, slots=True)
class MigrationRecord:
    key: str  # V0105, or R__name
    file_name: str
    attempts: tuple[Attempt, ...]  # newest first
    sql: str | None  # None when the file is no longer on disk
    checksum_on_disk: str | None

    @property
    def latest(self) -> Attempt | None:
        return self.attempts[0] if self.attempts else None

    @property
    def drifted(self) -> bool:
        """Applied, but the file on disk was edited since."""
        latest = self.latest
        return bool(
            latest and latest.success and self.checksum_on_disk not in (None, latest.checksum)
        )

    def lines(self) -> list[str]:
        """The record as `migrate` would print it: the latest attempt first."""
        latest = self.latest
        if latest is None:
            return [f"{self.key} {self.file_name}: never run"]
        state = "applied" if latest.success else "failed"
        lines = [
            f"{self.key} {self.file_name}: {state} {latest.applied_at:%Y-%m-%d %H:%M:%S %Z}"
            f" by {latest.applied_by} in {latest.duration_ms} ms ({latest.kind})",
            f"checksum {latest.checksum}"
            + (f" (the file on disk now: {self.checksum_on_disk})" if self.drifted else ""),
        ]
        if len(self.attempts) > 1:
            earlier = ", ".join(
                f"{a.applied_at:%Y-%m-%d %H:%M} {'applied' if a.success else 'failed'}"
                for a in self.attempts[1:]
            )
            lines.append(f"earlier attempts: {earlier}")
        if self.sql is None:
            lines.append("the file is no longer on disk")
        return lines


def migration_record(settings: Settings, file_or_key: str) -> MigrationRecord:
    """The record of a migration named by its file name (V0105__x.sql), version (V0105,
    0105) or repeatable key (R__name). UsageError when no file or history row has it."""
    versioned, repeatable = load_migrations(settings.sql_dir)
    file = _find(versioned + repeatable, file_or_key)
    version, name = (file.version, file.name) if file else _parse_key(file_or_key)
    with (
        one_line_database_errors("cannot read the migration history"),
        connect(settings, application_name="cfbops migrate record") as conn,
    ):
        rows = []
        if history_exists(conn):
            query = package_sql("cfbops.migrate", "migration_attempts")
            rows = conn.execute(query, {"version": version, "name": name}).fetchall()
    if file is None and not rows:
        raise UsageError(
            f"no migration {file_or_key!r}: name a file of {settings.sql_dir}/migrations, "
            "a version such as V0105, or R__name"
        )
    key = file.key if file else (version or f"R__{name}")
    return MigrationRecord(
        key=f"V{key}" if key[0].isdigit() else key,
        file_name=file.path.name if file else name,
        attempts=tuple(Attempt(*row) for row in rows),
        sql=file.content if file else None,
        checksum_on_disk=file.checksum if file else None,
    )


def _find(files: list[MigrationFile], wanted: str) -> MigrationFile | None:
    version = parse_version(wanted)
    for file in files:
        if Path(wanted).name == file.path.name or wanted in (file.key, f"R__{file.name}"):
            return file
        if version is not None and file.version == version:
            return file
    return None


def _parse_key(wanted: str) -> tuple[str | None, str]:
    version = parse_version(wanted)
    if version is not None:
        return version, ""
    return None, wanted.removeprefix("R__").removesuffix(".sql")
