"""Season ranges and lists as people write them: `2004-2023`, `2024`, `2019,2021`."""

from __future__ import annotations

import re

FIRST_SEASON, LAST_SEASON = 1869, 2100


class SeasonError(ValueError):
    """A season range or list that cannot be read; its text says the accepted form."""


def parse_season_range(text: str) -> tuple[int, int]:
    """`2004-2023` or `2024`: the first and last season."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if not match:
        raise SeasonError(f"{text!r} is not a season range (e.g. 2004-2023 or 2024)")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first > last:
        raise SeasonError(f"{text!r} runs backwards (write {last}-{first})")
    if first < FIRST_SEASON or last > LAST_SEASON:
        raise SeasonError(
            f"{text!r} is outside {FIRST_SEASON}-{LAST_SEASON}, the seasons college football has"
        )
    return first, last


def parse_season_list(text: str) -> list[int]:
    """`2025`, `2019-2022` or `2019,2021`: the seasons named, in order."""
    seasons: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            start = int(first)
            end = int(last) if dash else start
        except ValueError:
            raise SeasonError(
                f"{text!r} is not a season list (e.g. 2025, 2019-2022 or 2019,2021)"
            ) from None
        if end < start:
            raise SeasonError(f"{part!r}: the range runs backwards")
        seasons.extend(range(start, end + 1))
    return seasons
