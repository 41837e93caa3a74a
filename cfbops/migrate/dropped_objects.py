"""Objects that are gone: repeatables whose views a CASCADE dropped (what a CASCADE would
drop is cascade.py's)."""

from __future__ import annotations

from collections.abc import Iterable

import psycopg

from cfbops.migrate.files import MigrationFile
from cfbops.migrate.repeatables import ObjectsOf, parsed_objects

EXISTING_SQL = """
SELECT n.nspname || '.' || c.relname FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname || '.' || c.relname = ANY(%(names)s)
UNION
SELECT n.nspname || '.' || p.proname FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname || '.' || p.proname = ANY(%(names)s)
"""


def existing_objects(conn: psycopg.Connection, names: Iterable[str]) -> set[str]:
    """Which of these schema-qualified relation or function names exist."""
    wanted = sorted(set(names))
    if not wanted:
        return set()
    return {row[0] for row in conn.execute(EXISTING_SQL, {"names": wanted}).fetchall()}


def repeatables_missing_objects(
    conn: psycopg.Connection,
    files: Iterable[MigrationFile],
    objects: ObjectsOf = parsed_objects,
) -> list[MigrationFile]:
    """Repeatables some of whose objects no longer exist (a CASCADE took them)."""
    files = list(files)
    defined = {file.key: objects(file).defined for file in files}
    present = existing_objects(conn, (name for names in defined.values() for name in names))
    return [file for file in files if defined[file.key] - present]
