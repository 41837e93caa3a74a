"""CFBD rows validated and mapped from camelCase to the warehouse's columns; fields the API
adds later are ignored, a missing or mistyped required field fails the item.

Every value is checked here, where the answer enters: a value PostgreSQL would refuse (a
NUL in text, a number past bigint, NaN) fails the item with its row and field named,
never the run. A count the API may send as a fraction (a shared sack counts half) is
stored as dlt stores it: a whole value in the integer column, a fraction in the column's
`__v_double` twin with the integer column null for that row (UPSTREAM surprise 19)."""

from __future__ import annotations

import enum
import hashlib
import math
from collections.abc import Callable, Sequence
from typing import Any

from cfbops.cfbd.errors import ItemFailed

BIGINT_MAX = 2**63 - 1
VARIANT_SUFFIX = "__v_double"


class Value(enum.Enum):
    INT = "a whole number"
    FLOAT = "a number"
    TEXT = "a string"
    COUNT = "a count"  # whole → the integer column; a fraction → its __v_double twin


# (column, path in the JSON row, kind of value, required)
Field = tuple[str, tuple[str, ...], Value, bool]

INT, FLOAT, TEXT, COUNT = Value.INT, Value.FLOAT, Value.TEXT, Value.COUNT

PLAY_STAT_FIELDS: tuple[Field, ...] = (
    ("game_id", ("gameId",), INT, True),
    ("season", ("season",), INT, False),
    ("week", ("week",), INT, False),
    ("team", ("team",), TEXT, True),
    ("conference", ("conference",), TEXT, False),
    ("opponent", ("opponent",), TEXT, False),
    ("team_score", ("teamScore",), INT, False),
    ("opponent_score", ("opponentScore",), INT, False),
    ("drive_id", ("driveId",), TEXT, False),
    ("play_id", ("playId",), TEXT, True),
    ("period", ("period",), INT, False),
    ("clock__minutes", ("clock", "minutes"), INT, False),
    ("clock__seconds", ("clock", "seconds"), INT, False),
    ("yards_to_goal", ("yardsToGoal",), INT, False),
    ("down", ("down",), INT, False),
    ("distance", ("distance",), INT, False),
    ("athlete_id", ("athleteId",), TEXT, False),
    ("athlete_name", ("athleteName",), TEXT, False),
    ("stat_type", ("statType",), TEXT, True),
    ("stat", ("stat",), COUNT, False),  # a half sack is 0.5
)
PLAY_STAT_KEY = ("game_id", "play_id", "athlete_id", "stat_type")

_SIDE = (
    ("total_plays", "totalPlays", INT),
    ("total_havoc_events", "totalHavocEvents", COUNT),
    ("front_seven_havoc_events", "frontSevenHavocEvents", COUNT),
    ("db_havoc_events", "dbHavocEvents", COUNT),
    ("havoc_rate", "havocRate", FLOAT),
    ("front_seven_havoc_rate", "frontSevenHavocRate", FLOAT),
    ("db_havoc_rate", "dbHavocRate", FLOAT),
)
HAVOC_FIELDS: tuple[Field, ...] = (
    ("game_id", ("gameId",), INT, True),
    ("season", ("season",), INT, False),
    ("season_type", ("seasonType",), TEXT, False),
    ("week", ("week",), INT, False),
    ("team", ("team",), TEXT, True),
    ("conference", ("conference",), TEXT, False),
    ("opponent", ("opponent",), TEXT, False),
    ("opponent_conference", ("opponentConference",), TEXT, False),
    *(
        (f"{side}__{column}", (side, name), kind, False)
        for side in ("offense", "defense")
        for column, name, kind in _SIDE
    ),
)
HAVOC_KEY = ("game_id", "team")
LINEAGE = ("_dlt_load_id", "_dlt_id")


def columns(fields: Sequence[Field]) -> tuple[str, ...]:
    """The columns a mapped row fills, in its order: a count's twin right after it."""
    names: list[str] = []
    for name, _, kind, _ in fields:
        names.append(name)
        if kind is COUNT:
            names.append(name + VARIANT_SUFFIX)
    return (*names, *LINEAGE)


class _Bad(Exception):
    """A value that cannot be stored; its text says what it is instead."""


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f"is not {INT.value}: {_shown(value)}")
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise _Bad(f"is not {INT.value}: {_shown(value)}")
        value = int(value)
    if abs(value) > BIGINT_MAX:
        raise _Bad("is a number too large to store")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f"is not {FLOAT.value}: {_shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise _Bad("is a number too large to store") from None
    if not math.isfinite(number):
        raise _Bad(f"is not a finite number: {_shown(value)}")
    return number


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"is not {TEXT.value}: {_shown(value)}")
    if "\x00" in value:
        raise _Bad("holds a NUL character, which PostgreSQL text cannot store")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _Bad("holds a character that is not valid Unicode (a lone surrogate)") from None
    return value


def _count(value: Any) -> tuple[int | None, float | None]:
    number = _number(value)
    if number.is_integer():
        return _whole(value), None
    return None, number


_CHECKS: dict[Value, Callable[[Any], Any]] = {INT: _whole, FLOAT: _number, TEXT: _text}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _values(row: dict[str, Any], fields: Sequence[Field], index: int) -> list[Any]:
    values: list[Any] = []
    for _, path, kind, required in fields:
        value: Any = row
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            if required:
                raise ItemFailed(f"row {index}: missing required field {'.'.join(path)}")
            values.extend((None, None) if kind is COUNT else (None,))
            continue
        try:
            if kind is COUNT:
                values.extend(_count(value))
            else:
                values.append(_CHECKS[kind](value))
        except _Bad as bad:
            raise ItemFailed(f"row {index}: {'.'.join(path)} {bad}") from None
    return values


def mapper(
    fields: Sequence[Field], key: Sequence[str], load_id: str
) -> Callable[[Sequence[Any]], list[tuple[Any, ...]]]:
    """A function turning a JSON answer into column tuples, lineage columns filled."""
    names = columns(fields)
    key_at = [names.index(k) for k in key]

    def map_rows(body: Sequence[Any]) -> list[tuple[Any, ...]]:
        if not isinstance(body, list):
            raise ItemFailed(f"expected a list of rows, got {type(body).__name__}")
        mapped = []
        for index, row in enumerate(body):
            if not isinstance(row, dict):
                raise ItemFailed(f"row {index} is not an object")
            values = _values(row, fields, index)
            # A stable _dlt_id from the merge key: a re-run writes the same one.
            ident = "\x1f".join(str(values[i]) for i in key_at)
            dlt_id = hashlib.blake2b(ident.encode(), digest_size=7).hexdigest()
            mapped.append((*values, load_id, dlt_id))
        return mapped

    return map_rows
