"""The games the app's nflverse-style game ids name: {season}_{week:02d}_{away}_{home}."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
