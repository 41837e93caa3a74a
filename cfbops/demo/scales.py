"""The scales of the demo dataset: which seasons get games, play-by-play, player stats."""

from __future__ import annotations

from dataclasses import dataclass

from cfbops.errors import UsageError

LAST_SEASON = 2025
DEFAULT_SEED = 1


@dataclass(frozen=True, slots=True)
class Scale:
    """How much of the warehouse a scale fills; every range ends with LAST_SEASON."""

    name: str
    description: str
    first_season: int  # games (and teams, coaches, ratings) from this season
    play_first: int  # drives and plays from this season
    stats_first: int  # play_stats from this season: older ones are "not backfilled yet"
    havoc_first: int
    lines_first: int
    roster_first: int
    recruit_first: int
    nfl_users: int
    # Only games of these teams get play-by-play (None: every game with an FBS team).
    play_focus: tuple[str, ...] | None = None
    last_season: int = LAST_SEASON


SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale(
            "tiny",
            "two seasons of games, play-by-play of four teams' games (the tests' data)",
            first_season=2024,
            play_first=2024,
            stats_first=2025,
            havoc_first=2025,
            lines_first=2024,
            roster_first=2024,
            recruit_first=2023,
            nfl_users=12,
            play_focus=("Alabama", "Georgia", "Ohio State", "Albany"),
        ),
        Scale(
            "small",
            "eleven seasons of games, two of full play-by-play",
            first_season=2015,
            play_first=2024,
            stats_first=2025,
            havoc_first=2024,
            lines_first=2022,
            roster_first=2024,
            recruit_first=2020,
            nfl_users=60,
        ),
        Scale(
            "medium",
            "26 seasons of games, five of full play-by-play (marts take seconds to refresh)",
            first_season=2000,
            play_first=2021,
            stats_first=2023,
            havoc_first=2021,
            lines_first=2019,
            roster_first=2021,
            recruit_first=2016,
            nfl_users=200,
        ),
        Scale(
            "full",
            "the real warehouse's size, games since 1869 and play-by-play since 2004",
            first_season=1869,
            play_first=2004,
            stats_first=2016,
            havoc_first=2019,
            lines_first=2013,
            roster_first=2014,
            recruit_first=2000,
            nfl_users=485,
        ),
    )
}


def scale_named(name: str) -> Scale:
    """The scale called `name`, or a usage error naming the ones that exist."""
    try:
        return SCALES[name]
    except KeyError:
        known = ", ".join(SCALES)
        raise UsageError(f"unknown scale {name!r} (choose one of: {known})") from None
