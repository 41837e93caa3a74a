"""Values of the app's SQLite rows as PostgreSQL wants them, and the game ids they name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cfbops.nfl.teams import team_code

# nflverse's game id: {season}_{week:02d}_{away}_{home}, e.g. 2025_01_KC_LAC.
GAME_ID = re.compile(r"^(\d{4})_(\d{2})_([A-Z]{2,3})_([A-Z]{2,3})$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


@dataclass(frozen=True, slots=True)
class ParsedGame:
    id: str
    season: int
    week: int
    game_type: str
    home_team: str
    away_team: str


def parse_game_id(game_id: str) -> ParsedGame | None:
    """The game an nflverse id names, teams in today's codes; None if it is no such id."""
    found = GAME_ID.match(game_id)
    if not found:
        return None
    season, week = int(found[1]), int(found[2])
    away, home = team_code(found[3]), team_code(found[4])
    if away is None or home is None or not 1 <= week <= 23:
        return None
    return ParsedGame(game_id, season, week, game_type(season, week), home, away)


def game_type(season: int, week: int) -> str:
    """REG, WC, DIV, CON or SB: 17 regular weeks until 2020, 18 since 2021."""
    regular = 18 if season >= 2021 else 17
    if week <= regular:
        return "REG"
    return ("WC", "DIV", "CON", "SB")[min(week - regular, 4) - 1]


def looks_like_game_id(value: Any) -> bool:
    return isinstance(value, str) and GAME_ID.match(value) is not None


def looks_like_timestamp(value: Any) -> bool:
    return isinstance(value, str) and _TIMESTAMP.match(value) is not None


def timestamp(value: Any) -> datetime | None:
    """SQLite's CURRENT_TIMESTAMP text (UTC) as an aware datetime; None if unreadable."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def number(value: Any) -> Decimal | None:
    """A REAL as the decimal it was typed as (650.0, not 650.00000000001)."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def flag(value: Any) -> bool | None:
    """SQLite BOOLEAN: 0/1, or text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "t", "yes")
    return bool(value)


def integer(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def jsonable_row(row: dict[str, Any]) -> dict[str, Any]:
    """A source row as JSON for the import log (bytes as hex)."""
    return {k: v.hex() if isinstance(v, bytes) else v for k, v in row.items()}
