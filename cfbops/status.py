"""One snapshot of everything the console's panes show (`cfbops --headless status`)."""

from __future__ import annotations

from dataclasses import dataclass

from cfbops.config import Settings
from cfbops.db.connect import connect, resolve_target, server_version


@dataclass(frozen=True, slots=True)
class DatabaseIdentity:
    url: str
    server_version: str
    embedded: bool


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """Sections whose issue has not landed yet are None ("not available")."""

    database: DatabaseIdentity
    migrations: object | None = None
    budget: object | None = None
    backfill: object | None = None
    marts: object | None = None
    quality: object | None = None


def database_identity(settings: Settings) -> DatabaseIdentity:
    target = resolve_target(settings)
    with connect(settings, target=target) as conn:
        version = server_version(conn)
    return DatabaseIdentity(target.display_url, version, target.embedded)


def collect_status(settings: Settings) -> StatusSnapshot:
    return StatusSnapshot(database=database_identity(settings))
