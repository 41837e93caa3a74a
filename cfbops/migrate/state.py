"""Where a database stands against the files: applied, pending, drifted."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from cfbops.migrate import history
from cfbops.migrate.dropped_objects import repeatables_missing_objects
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.repeatables import (
    ObjectsOf,
    parsed_objects,
    repeatable_order,
    with_dependents,
)


@dataclass(frozen=True, slots=True)
class MigrationState:
    applied: tuple[history.AppliedMigration, ...]
    pending_versioned: tuple[MigrationFile, ...]
    pending_repeatable: tuple[MigrationFile, ...]
    drifted: tuple[MigrationFile, ...]
    missing: tuple[history.AppliedMigration, ...]

    @property
    def pending(self) -> tuple[MigrationFile, ...]:
        return self.pending_versioned + self.pending_repeatable


def migration_state(
    conn: psycopg.Connection,
    versioned: list[MigrationFile],
    repeatable: list[MigrationFile],
    objects: ObjectsOf = parsed_objects,
) -> MigrationState:
    """Compare history with the files: every drifted file at once, not the first only.
    `objects` says what each repeatable creates and reads (the console remembers it)."""
    applied = history.applied_migrations(conn)
    pending, drifted = [], []
    for file in versioned:
        row = applied.get(file.key)
        if row is None or not row.success:
            pending.append(file)
        elif row.checksum != file.checksum:
            drifted.append(file)
    changed = [
        file
        for file in repeatable
        if (row := applied.get(file.key)) is None or row.checksum != file.checksum
    ]
    # Applied and unchanged, but a DROP … CASCADE may have taken its objects since.
    unchanged = [f for f in repeatable if f not in changed]
    changed += repeatables_missing_objects(conn, unchanged, objects)
    rerun = with_dependents(changed, repeatable, objects)
    pending_repeatable = [f for f in repeatable_order(repeatable, objects) if f.key in rerun]
    on_disk = {file.key for file in versioned + repeatable}
    missing = [row for key, row in applied.items() if key not in on_disk and row.success]
    return MigrationState(
        applied=tuple(row for row in applied.values() if row.success),
        pending_versioned=tuple(pending),
        pending_repeatable=tuple(pending_repeatable),
        drifted=tuple(drifted),
        missing=tuple(missing),
    )
