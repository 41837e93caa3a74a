"""What the market sources say, parsed: one price or one resolution per player market."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any


class Source(Enum):
    KALSHI = "kalshi"
    POLYMARKET = "polymarket"


class MarketType(Enum):
    FIRST_TD = "first_td"
    ANYTIME_TD = "anytime_td"


@dataclass(frozen=True, slots=True)
class GameKey:
    """A game as a market names it: a day and two teams (today's nflverse codes).

    Sources disagree on which side is home and date games in UTC or local time, so a
    key matches a game with the same two teams within a day either way.
    """

    day: date
    team_a: str
    team_b: str


@dataclass(frozen=True, slots=True)
class MarketQuote:
    source: Source
    market_type: MarketType
    market_id: str
    game: GameKey
    player_name: str
    probability: float
    raw_price: float
    volume: float | None


@dataclass(frozen=True, slots=True)
class MarketResolution:
    source: Source
    market_type: MarketType
    market_id: str
    game: GameKey
    player_name: str
    outcome: str  # yes | no | void
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class SeriesAnswer:
    """What one Kalshi series answered: a series no longer listed answers no markets."""

    series: str
    pages: int
    markets: int


@dataclass(frozen=True, slots=True)
class SourceListing:
    """Everything read from one source; `passed_over` counts markets not usable, by why."""

    source: Source
    quotes: tuple[MarketQuote, ...]
    resolutions: tuple[MarketResolution, ...]
    pages: int
    passed_over: dict[str, int]
    series: tuple[SeriesAnswer, ...] = ()


def american_odds(probability: float) -> int | None:
    """American odds of a probability: +650 for 0.133, -150 for 0.6; None at 0 or 1."""
    if not 0 < probability < 1:
        return None
    if probability >= 0.5:
        return -round(100 * probability / (1 - probability))
    return round(100 * (1 - probability) / probability)


def number_or_none(value: Any) -> float | None:
    """A number from a JSON number or decimal string; None for anything else."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def timestamp_or_none(value: Any) -> datetime | None:
    """An ISO 8601 time (a trailing Z allowed); None for anything else."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
