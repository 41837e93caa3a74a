"""`cfbops --headless status`: one snapshot of everything the console shows."""

from __future__ import annotations

import argparse

from cfbops.commands.base import Command, Outcome
from cfbops.commands.migrate import add_sql_dir_argument
from cfbops.config import Settings
from cfbops.db.ops_objects import NOT_AVAILABLE, NOT_AVAILABLE_DOCUMENT
from cfbops.headless import jsonable
from cfbops.progress import ProgressCallback
from cfbops.status import StatusSnapshot, collect_status

SECTIONS = ("migrations", "budget", "backfill", "marts", "quality")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_sql_dir_argument(parser)


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    snapshot = collect_status(settings)
    return Outcome(document=status_document(snapshot), text=status_text(snapshot))


def status_document(snapshot: StatusSnapshot) -> dict:
    document: dict = {"database": jsonable(snapshot.database)}
    for section in SECTIONS:
        value = getattr(snapshot, section)
        document[section] = jsonable(value) if value is not None else NOT_AVAILABLE_DOCUMENT
    return document


def status_text(snapshot: StatusSnapshot) -> str:
    db = snapshot.database
    kind = "embedded" if db.embedded else "external"
    lines = [f"database    {db.url}  (PostgreSQL {db.server_version}, {kind})"]
    for section in SECTIONS:
        value = getattr(snapshot, section)
        lines.append(f"{section:<11} {NOT_AVAILABLE if value is None else value}")
    return "\n".join(lines)


COMMAND = Command("status", "one snapshot of everything the console shows", add_arguments, run)
