"""Read the picks app's SQLite file: the backup's shape (v1–v8) or the current one (v20).

Columns are read by name, never by position (the backup has `picks.created_at` before
`game_id`, the current shape the other way round), and every cell goes through the one
decoder in `values`. A file that is not the app's, or is damaged, is refused with one line
(exit 2) before anything changes; a cell that cannot be decoded becomes a finding naming
table, rowid and column.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfbops.errors import UsageError
from cfbops.nfl.fast6.findings import FindingKind, ImportFinding
from cfbops.nfl.fast6.game_ids import looks_like_game_id, looks_like_timestamp
from cfbops.nfl.fast6.values import CannotDecode, Cell, Kind, Storage, decode, jsonable

SQLITE_HEADER = b"SQLite format 3\x00"
# typeof() as the connection hands it out (text as bytes).
_STORAGE = {storage.value.encode(): storage for storage in Storage}
REQUIRED_TABLES = ("users", "weeks", "picks", "results")


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    # NOT NULL in the app: a row without it cannot be imported.
    required: bool = False
    # Added by a later app migration (absent from older files): read as NULL there.
    optional: bool = False


# The app's tables cfbops takes over, with the types the app declared for them.
TABLES: dict[str, tuple[Column, ...]] = {
    "users": (
        Column("id", Kind.ID, required=True),
        Column("name", Kind.TEXT, required=True),
        Column("email", Kind.TEXT),
        Column("group_id", Kind.INTEGER),
        Column("is_admin", Kind.BOOLEAN),
        Column("created_at", Kind.TIMESTAMP),
        Column("base_bet", Kind.REAL, optional=True),  # v20
    ),
    "weeks": (
        Column("id", Kind.ID, required=True),
        Column("season", Kind.INTEGER, required=True),
        Column("week", Kind.INTEGER, required=True),
        Column("started_at", Kind.TIMESTAMP),
        Column("ended_at", Kind.TIMESTAMP),
        Column("created_at", Kind.TIMESTAMP),
    ),
    "games": (
        Column("id", Kind.TEXT, required=True),
        Column("season", Kind.INTEGER, required=True),
        Column("week", Kind.INTEGER, required=True),
        Column("game_date", Kind.DATE),
        Column("home_team", Kind.TEXT, required=True),
        Column("away_team", Kind.TEXT, required=True),
        Column("home_score", Kind.INTEGER),
        Column("away_score", Kind.INTEGER),
        Column("status", Kind.TEXT),
    ),
    "picks": (
        Column("id", Kind.ID, required=True),
        Column("user_id", Kind.ID, required=True),
        Column("week_id", Kind.ID, required=True),
        Column("team", Kind.TEXT, required=True),
        Column("player_name", Kind.TEXT, required=True),
        Column("odds", Kind.REAL),
        Column("theoretical_return", Kind.REAL),
        Column("game_id", Kind.TEXT, optional=True),  # v2
        Column("created_at", Kind.TIMESTAMP),
    ),
    "results": (
        Column("id", Kind.ID, required=True),
        Column("pick_id", Kind.ID, required=True),
        Column("actual_scorer", Kind.TEXT),
        Column("is_correct", Kind.BOOLEAN),
        Column("actual_return", Kind.REAL),
        Column("created_at", Kind.TIMESTAMP),
        Column("any_time_td", Kind.BOOLEAN, optional=True),  # v3
    ),
    "player_stats": (
        Column("id", Kind.ID, required=True),
        Column("player_name", Kind.TEXT, required=True),
        Column("season", Kind.INTEGER, required=True),
        Column("team", Kind.TEXT, required=True),
        Column("position", Kind.TEXT),
        Column("games_played", Kind.INTEGER),
        Column("first_td_count", Kind.INTEGER),
        Column("any_time_td_count", Kind.INTEGER),
        Column("red_zone_targets", Kind.INTEGER),
        Column("red_zone_touches", Kind.INTEGER),
        Column("last_td_week", Kind.INTEGER),
        Column("recent_form", Kind.TEXT),
        Column("updated_at", Kind.TIMESTAMP),
    ),
}


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row: its cells as the file holds them and their decoded values."""

    rowid: int
    cells: dict[str, Cell]
    values: dict[str, Any]
    # The app's v11 swapped picks' game_id and created_at on some rows (v15 swapped back).
    swapped: bool = False

    def __getitem__(self, column: str) -> Any:
        return self.values[column]

    def get(self, column: str, default: Any = None) -> Any:
        return self.values.get(column, default)

    def as_logged(self) -> dict[str, Any]:
        """The row as the file has it, for the findings log."""
        return _logged(self.cells)


@dataclass(frozen=True, slots=True)
class Fast6File:
    """The app's tables, each a list of decoded rows in rowid order."""

    path: Path
    sha256: str
    shape: str
    schema_version: int | None
    rows: dict[str, list[SourceRow]]
    # Tables cfbops does not take over (team_ratings, market_odds, …): name → row count.
    other_tables: dict[str, int]
    # Cells read only by decoding them, and cells that cannot be read.
    value_findings: tuple[ImportFinding, ...] = field(default=())

    @property
    def readable(self) -> bool:
        return not any(f.kind is FindingKind.UNDECODABLE for f in self.value_findings)


def read_fast6(path: Path) -> Fast6File:
    """Every row of the tables cfbops imports; a file it cannot take fails with one line
    (exit 2), before anything changes."""
    digest = _sha256(path)
    try:
        # Read-only: the app's file is never changed by an import.
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise UsageError(f"{path}: cannot open it as SQLite ({error})") from None
    try:
        # Text as bytes: text that is not UTF-8 is the decoder's to report, per cell.
        source.text_factory = bytes
        return _read(path, source, digest)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
        # A damaged schema can make SQLite's own message undecodable: sqlite3 raises that.
        reason = "its schema is not readable text" if isinstance(error, ValueError) else error
        raise UsageError(
            f"{path}: cannot read it as SQLite ({reason}); give the picks app's data/fast6.db "
            "or an intact backup of it"
        ) from None
    finally:
        source.close()


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as file:
            if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise UsageError(
                    f"{path}: not a SQLite database; give the picks app's data/fast6.db or a backup"
                )
            file.seek(0)
            return hashlib.file_digest(file, "sha256").hexdigest()
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such file; give the path of the picks app's SQLite file"
        ) from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read it ({error.strerror or error})") from None


def _read(path: Path, source: sqlite3.Connection, digest: str) -> Fast6File:
    problems = [_text(row[0]) for row in source.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise UsageError(
            f"{path}: the file is damaged (SQLite's check: {'; '.join(problems)}); "
            "give an intact copy of the picks app's database"
        )
    tables = {
        _text(row[0]).lower(): _text(row[0])
        for row in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise UsageError(
            f"{path}: not a picks app database (no {', '.join(missing)} table); "
            "give the app's data/fast6.db or a backup of it"
        )
    version = _schema_version(path, source, tables)
    findings: list[ImportFinding] = []
    rows = {
        table: _rows(path, source, table, tables[table], columns, findings)
        for table, columns in TABLES.items()
        if table in tables
    }
    others = {
        name: source.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0]
        for key, name in sorted(tables.items())
        if key not in TABLES and key != "schema_version"
    }
    return Fast6File(path, digest, _shape(version, tables), version, rows, others, tuple(findings))


def _schema_version(path: Path, source: sqlite3.Connection, tables: dict[str, str]) -> int | None:
    if "schema_version" not in tables:
        return None
    name = _quoted(tables["schema_version"])
    versions = []
    try:
        query = f"SELECT typeof(version), version FROM {name}"
        for storage, raw in source.execute(query):
            versions.append(decode(Kind.ID, Cell(Storage(_text(storage)), raw)).value)
    except CannotDecode as error:
        raise UsageError(
            f"{path}: schema_version holds a version that is not a number ({error}); "
            "the picks app writes whole numbers there: give its own file"
        ) from None
    except sqlite3.OperationalError:
        raise UsageError(
            f"{path}: schema_version has no version column; give the picks app's own file"
        ) from None
    return max((v for v in versions if v is not None), default=None)


def _rows(
    path: Path,
    source: sqlite3.Connection,
    table: str,
    name: str,
    columns: tuple[Column, ...],
    findings: list[ImportFinding],
) -> list[SourceRow]:
    present = {
        _text(row[1]).lower(): _text(row[1])
        for row in source.execute(f"PRAGMA table_info({_quoted(name)})")
    }
    lacking = [c.name for c in columns if c.name not in present and not c.optional]
    if lacking:
        raise UsageError(
            f"{path}: table {table} has no column {', '.join(lacking)}; that is no shape of the "
            "picks app's database cfbops knows (v1–v20): give the app's own file"
        )
    read = [c for c in columns if c.name in present]
    selected = ", ".join(
        f"typeof({_quoted(present[c.name])}), {_quoted(present[c.name])}" for c in read
    )
    rows: list[SourceRow] = []
    seen_ids: dict[Any, int] = {}
    query = f"SELECT _rowid_, {selected} FROM {_quoted(name)} ORDER BY _rowid_"
    for record in source.execute(query):
        rowid = int(record[0])
        cells = {
            c.name: Cell(_STORAGE[record[1 + 2 * i]], record[2 + 2 * i]) for i, c in enumerate(read)
        }
        for column in columns:
            cells.setdefault(column.name, Cell(Storage.NULL, None))
        repaired = _swapped_back(cells) if table == "picks" else None
        row = _decoded(table, rowid, columns, cells, repaired, findings)
        if row is None:
            continue
        earlier = seen_ids.setdefault(row["id"], rowid)
        if earlier != rowid:
            findings.append(
                ImportFinding(
                    FindingKind.UNDECODABLE,
                    table,
                    rowid,
                    f"{table} rowid {rowid}, column id: id {row['id']!r} is rowid {earlier}'s "
                    "too; the app's ids are unique",
                    row.as_logged(),
                    "id",
                )
            )
            continue
        rows.append(row)
    return rows


def _decoded(
    table: str,
    rowid: int,
    columns: tuple[Column, ...],
    cells: dict[str, Cell],
    repaired: dict[str, Cell] | None,
    findings: list[ImportFinding],
) -> SourceRow | None:
    """The row decoded (from `repaired` cells if given), its notes added to `findings`;
    None when a cell cannot be read."""
    values: dict[str, Any] = {}
    readable = True
    for column in columns:
        cell = (repaired or cells)[column.name]
        where = f"{table} rowid {rowid}, column {column.name}"
        try:
            decoded = decode(column.kind, cell)
            if decoded.value is None and column.required:
                raise CannotDecode("it is empty (NULL), and the app requires a value")
        except CannotDecode as error:
            findings.append(
                ImportFinding(
                    FindingKind.UNDECODABLE,
                    table,
                    rowid,
                    f"{where}: {error}; fix it in the file, then import again",
                    _logged(cells),
                    column.name,
                )
            )
            readable = False
            continue
        if decoded.note:
            findings.append(
                ImportFinding(
                    FindingKind.VALUE_DECODED,
                    table,
                    rowid,
                    f"{where}: {decoded.note}",
                    _logged(cells),
                    column.name,
                )
            )
        values[column.name] = decoded.value
    return SourceRow(rowid, cells, values, repaired is not None) if readable else None


def _logged(cells: dict[str, Cell]) -> dict[str, Any]:
    return {name: jsonable(cell) for name, cell in cells.items()}


def _swapped_back(cells: dict[str, Cell]) -> dict[str, Cell] | None:
    """A pick's cells with game_id and created_at swapped back, if v11 swapped them."""
    game_id, created_at = cells["game_id"], cells["created_at"]
    if not (game_id.storage is Storage.TEXT and created_at.storage is Storage.TEXT):
        return None
    if looks_like_timestamp(_text(game_id.raw)) and looks_like_game_id(_text(created_at.raw)):
        return {**cells, "game_id": created_at, "created_at": game_id}
    return None


def _text(raw: Any) -> str:
    return raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _shape(version: int | None, tables: dict[str, str]) -> str:
    if version is None:
        return "unversioned"
    if "games" not in tables:
        return f"backup (v{version}, no games table)"
    return f"v{version}"
