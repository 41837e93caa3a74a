"""Migration files on disk: versioned `V0001__name.sql` and repeatable `R__name.sql`."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cfbops.errors import UsageError

if TYPE_CHECKING:
    from cfbops.migrate.statements import FileDirectives, Statement

VERSIONED = re.compile(r"^V(?P<version>\d+(?:[._]\d+)*)__(?P<name>[A-Za-z0-9_]+)\.sql$")
REPEATABLE = re.compile(r"^R__(?P<name>[A-Za-z0-9_]+)\.sql$")


class MigrationKind(Enum):
    VERSIONED = "versioned"
    REPEATABLE = "repeatable"


@dataclass(frozen=True)
class MigrationFile:
    """One migration file; its checksum is SHA-256 of its exact bytes."""

    kind: MigrationKind
    version: str | None
    name: str
    path: Path
    content: str

    @cached_property
    def checksum(self) -> str:
        return hashlib.sha256(self.content.encode()).hexdigest()

    # The parser is imported on first use: it brings pglast, a tenth of the console's
    # start-up budget, and the console's polls need only the files' checksums.
    @cached_property
    def statements(self) -> list[Statement]:
        from cfbops.migrate.statements import split_statements

        return split_statements(self.content, self.display_path)

    @cached_property
    def directives(self) -> FileDirectives:
        from cfbops.migrate.statements import file_directives

        return file_directives(self.content)

    @property
    def display_path(self) -> str:
        parts = self.path.parts
        return str(Path(*parts[-3:])) if len(parts) >= 3 else str(self.path)

    @property
    def key(self) -> str:
        """What history calls this file: its version, or `R__name` for a repeatable."""
        return self.version if self.version is not None else f"R__{self.name}"

    @property
    def sort_key(self) -> tuple[int, ...]:
        return version_key(self.version or "0")


VERSION_FORM = "digits, optionally dotted, as in a file's name: 0105, 0105.1 or V0105"
_VERSION = re.compile(r"^[Vv]?(?P<version>\d+(?:[._]\d+)*)$")


def parse_version(text: str) -> str | None:
    """`V0105` or `0105` as the version `0105`; None when `text` is not a version."""
    match = _VERSION.match(text.strip())
    return match["version"] if match else None


def version_key(version: str) -> tuple[int, ...]:
    """`0001` < `0002` < `0002.1` < `0010`, compared as numbers."""
    return tuple(int(part) for part in re.split(r"[._]", version))


def load_migrations(sql_dir: Path) -> tuple[list[MigrationFile], list[MigrationFile]]:
    """Versioned files in version order and repeatable files by name, from `sql_dir`."""
    if not sql_dir.is_dir():
        raise UsageError(f"migration directory {sql_dir} does not exist")
    versioned: dict[tuple[int, ...], MigrationFile] = {}
    repeatable: list[MigrationFile] = []
    for path in sorted(sql_dir.rglob("*.sql")):
        if match := VERSIONED.match(path.name):
            file = MigrationFile(
                MigrationKind.VERSIONED, match["version"], match["name"], path, _read(path)
            )
            clash = versioned.get(file.sort_key)
            if clash is not None:
                raise UsageError(
                    f"two migration files share version {file.version}: "
                    f"{clash.display_path} and {file.display_path}"
                )
            versioned[file.sort_key] = file
        elif match := REPEATABLE.match(path.name):
            repeatable.append(
                MigrationFile(MigrationKind.REPEATABLE, None, match["name"], path, _read(path))
            )
    ordered = [versioned[key] for key in sorted(versioned)]
    return ordered, sorted(repeatable, key=lambda f: f.name)


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read migration file {path}: {exc.strerror}") from None
    return decode_sql(data, str(path))


def decode_sql(data: bytes, name: str) -> str:
    """A SQL file's text: UTF-8 without its BOM; NUL or undecodable bytes are refused.

    PostgreSQL's parser stops at a NUL, so a file holding one would silently lose the rest.
    """
    data = data.removeprefix(codecs.BOM_UTF8)
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise UsageError(
            f"{name}:{line}: the file holds a NUL byte, which would cut the SQL short; "
            "remove it (is this a binary file, or saved as UTF-16?)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UsageError(
            f"{name}:{line}: byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8"
        ) from None
