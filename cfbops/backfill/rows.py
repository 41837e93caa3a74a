"""CFBD rows validated and mapped from camelCase to the warehouse's columns; fields the API
adds later are ignored, a missing or mistyped required field fails the item."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from cfbops.cfbd.errors import ItemFailed

# (column, path in the JSON row, type, required)
Field = tuple[str, tuple[str, ...], type, bool]

PLAY_STAT_FIELDS: tuple[Field, ...] = (
    ("game_id", ("gameId",), int, True),
    ("season", ("season",), int, False),
    ("week", ("week",), int, False),
    ("team", ("team",), str, True),
    ("conference", ("conference",), str, False),
    ("opponent", ("opponent",), str, False),
    ("team_score", ("teamScore",), int, False),
    ("opponent_score", ("opponentScore",), int, False),
    ("drive_id", ("driveId",), str, False),
    ("play_id", ("playId",), str, True),
    ("period", ("period",), int, False),
    ("clock__minutes", ("clock", "minutes"), int, False),
    ("clock__seconds", ("clock", "seconds"), int, False),
    ("yards_to_goal", ("yardsToGoal",), int, False),
    ("down", ("down",), int, False),
    ("distance", ("distance",), int, False),
    ("athlete_id", ("athleteId",), str, False),
    ("athlete_name", ("athleteName",), str, False),
    ("stat_type", ("statType",), str, True),
    ("stat", ("stat",), int, False),
)
PLAY_STAT_KEY = ("game_id", "play_id", "athlete_id", "stat_type")

_SIDE = (
    ("total_plays", "totalPlays", int),
    ("total_havoc_events", "totalHavocEvents", int),
    ("front_seven_havoc_events", "frontSevenHavocEvents", int),
    ("db_havoc_events", "dbHavocEvents", int),
    ("havoc_rate", "havocRate", float),
    ("front_seven_havoc_rate", "frontSevenHavocRate", float),
    ("db_havoc_rate", "dbHavocRate", float),
)
HAVOC_FIELDS: tuple[Field, ...] = (
    ("game_id", ("gameId",), int, True),
    ("season", ("season",), int, False),
    ("season_type", ("seasonType",), str, False),
    ("week", ("week",), int, False),
    ("team", ("team",), str, True),
    ("conference", ("conference",), str, False),
    ("opponent", ("opponent",), str, False),
    ("opponent_conference", ("opponentConference",), str, False),
    *(
        (f"{side}__{column}", (side, name), kind, False)
        for side in ("offense", "defense")
        for column, name, kind in _SIDE
    ),
)
HAVOC_KEY = ("game_id", "team")
LINEAGE = ("_dlt_load_id", "_dlt_id")


def columns(fields: Sequence[Field]) -> tuple[str, ...]:
    return (*(f[0] for f in fields), *LINEAGE)


def _value(row: dict[str, Any], field: Field, index: int) -> Any:
    _, path, kind, required = field
    value: Any = row
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    if value is None:
        if required:
            raise ItemFailed(f"row {index}: missing required field {'.'.join(path)}")
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ItemFailed(f"row {index}: {'.'.join(path)} is not a {kind.__name__}: {value!r}")
    return value


def mapper(
    fields: Sequence[Field], key: Sequence[str], load_id: str
) -> Callable[[Sequence[Any]], list[tuple[Any, ...]]]:
    """A function turning a JSON answer into column tuples, lineage columns filled."""
    key_at = [i for i, f in enumerate(fields) if f[0] in key]

    def map_rows(body: Sequence[Any]) -> list[tuple[Any, ...]]:
        if not isinstance(body, list):
            raise ItemFailed(f"expected a list of rows, got {type(body).__name__}")
        mapped = []
        for index, row in enumerate(body):
            if not isinstance(row, dict):
                raise ItemFailed(f"row {index} is not an object")
            values = [_value(row, f, index) for f in fields]
            # A stable _dlt_id from the merge key: a re-run writes the same one.
            ident = "\x1f".join(str(values[i]) for i in key_at)
            dlt_id = hashlib.blake2b(ident.encode(), digest_size=7).hexdigest()
            mapped.append((*values, load_id, dlt_id))
        return mapped

    return map_rows
