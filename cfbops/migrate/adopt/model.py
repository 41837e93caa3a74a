"""What adoption finds, object by object, and what it decides per file."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cfbops.migrate.files import MigrationFile


class ObjectState(Enum):
    PRESENT = "present"  # stands as the file writes it
    EQUIVALENT = "equivalent"  # stands under another name, same meaning
    MISSING = "missing"  # absent: it will be created
    ALTERED = "altered"  # stands, differing only in what an ALTER fixes in place (deferrability)
    DIFFERENT = "different"  # stands, but not as the file says: blocks adoption
    NOTE = "note"  # worth knowing, changes nothing (extra column, an immediate duplicate key)
    UNCHECKED = "unchecked"  # cfbops cannot compare it (DO block, data change)
    EXTRA = "extra"  # a table no cfbops file knows


BLOCKING = frozenset({ObjectState.DIFFERENT})


class FileAction(Enum):
    ADOPT = "adopt"  # everything stands: recorded, nothing runs
    COMPLETE = "complete"  # part stands: the rest runs, recorded as adopted
    APPLY = "apply"  # nothing stands: the file runs as in a plain migrate
    BLOCKED = "blocked"  # a difference: nothing runs until it is resolved


@dataclass(frozen=True, slots=True)
class ObjectReport:
    """One object of one file (or of the database) and what adoption found."""

    line: int | None
    kind: str
    name: str
    outcome: ObjectState
    detail: str = ""
    fix: str = ""  # SQL that resolves what the report names, when someone must run it

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "kind": self.kind,
            "object": self.name,
            "outcome": self.outcome.value,
            "detail": self.detail,
            "fix": self.fix or None,
        }


@dataclass(frozen=True, slots=True)
class Runnable:
    """SQL the adoption runs for a missing object, placed at its line in the file."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class FileAdoption:
    file: MigrationFile
    action: FileAction
    objects: tuple[ObjectReport, ...]
    runs: tuple[Runnable, ...]

    @property
    def differences(self) -> tuple[ObjectReport, ...]:
        return tuple(o for o in self.objects if o.outcome in BLOCKING)


@dataclass(slots=True)
class Verdict:
    """One statement: its objects, and what to run when its file is completed."""

    reports: list[ObjectReport]
    state: str  # present | missing | partial | rerun | unchecked
    runs: list[Runnable]
