"""What an import says about the file's rows, and how many of each table it changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FindingKind(StrEnum):
    # Rows (or values) the import could not take over: the run exits 1.
    UNDECODABLE = "undecodable_value"
    UNPLACED_PICK = "unplaced_pick"
    ORPHAN_RESULT = "orphan_result"
    WEEK_OUT_OF_RANGE = "week_out_of_range"
    # How a row was taken over.
    VALUE_DECODED = "value_decoded"
    DUPLICATE_USER = "duplicate_user"
    DUPLICATE_WEEK = "duplicate_week"
    DUPLICATE_PICK = "duplicate_pick"
    DUPLICATE_RESULT = "duplicate_result"
    TEAM_MAPPED = "team_mapped"
    TEAM_UNMAPPED = "team_unmapped"
    GAME_PARSED = "game_parsed"
    GAME_FOUND = "game_found"
    GAME_STATUS_UNKNOWN = "game_status_unknown"
    SWAPPED_COLUMNS = "swapped_game_id_created_at"
    UNGRADED_RESULT = "ungraded_result"
    PLAYER_STATS_MERGED = "player_stats_merged"
    COUNTER_RECOUNTED = "counter_recounted"


NOT_IMPORTED = frozenset(
    {
        FindingKind.UNDECODABLE,
        FindingKind.UNPLACED_PICK,
        FindingKind.ORPHAN_RESULT,
        FindingKind.WEEK_OUT_OF_RANGE,
    }
)


@dataclass(frozen=True, slots=True)
class ImportFinding:
    kind: FindingKind
    source_table: str
    # The row's id in the file (its rowid, which the app's ids are).
    source_id: int
    detail: str
    row: dict[str, Any] = field(repr=False)
    source_column: str | None = None


@dataclass(frozen=True, slots=True)
class TableChange:
    table: str
    source_rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def not_taken_over(self) -> int:
        """Source rows merged away (duplicates) or not placed: see the findings."""
        return self.source_rows - self.inserted - self.updated - self.unchanged
