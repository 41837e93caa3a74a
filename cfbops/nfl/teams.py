"""NFL team codes as nflverse writes them today, from any era's code or any spelling.

nflverse's current codes: the Rams are `LA` (not LAR), Washington is `WAS` (not WSH),
and relocated franchises take their current code (OAK→LV, SD→LAC, STL→LA), which is
also how the picks app wrote them.
"""

from __future__ import annotations

import re

# fmt: off
TEAM_CODES: frozenset[str] = frozenset({
    "ARI", "ATL", "BAL", "BUF", "CAR", "CHI", "CIN", "CLE", "DAL", "DEN", "DET", "GB",
    "HOU", "IND", "JAX", "KC", "LA", "LAC", "LV", "MIA", "MIN", "NE", "NO", "NYG",
    "NYJ", "PHI", "PIT", "SEA", "SF", "TB", "TEN", "WAS",
})
# fmt: on

# Codes of earlier eras and of other sources (PFR, ESPN, the old app) → current code.
FORMER_CODES: dict[str, str] = {
    "OAK": "LV",
    "LVR": "LV",
    "SD": "LAC",
    "SDG": "LAC",
    "STL": "LA",
    "SL": "LA",
    "LAR": "LA",
    "RAM": "LA",
    "WSH": "WAS",
    "JAC": "JAX",
    "ARZ": "ARI",
    "PHO": "ARI",
    "BLT": "BAL",
    "CLV": "CLE",
    "HST": "HOU",
    "GNB": "GB",
    "KAN": "KC",
    "NWE": "NE",
    "NOR": "NO",
    "SFO": "SF",
    "TAM": "TB",
}

# Full names (current and former), nicknames and the app's short forms. City names
# shared by two teams ("Los Angeles", "New York") are left out on purpose: they name
# neither team.
# fmt: off
_NAMES: dict[str, str] = {
    "arizona cardinals": "ARI",
    "cardinals": "ARI",
    "arizona": "ARI",
    "phoenix cardinals": "ARI",
    "st louis cardinals": "ARI",
    "atlanta falcons": "ATL",
    "falcons": "ATL",
    "atlanta": "ATL",
    "baltimore ravens": "BAL",
    "ravens": "BAL",
    "baltimore": "BAL",
    "buffalo bills": "BUF",
    "bills": "BUF",
    "buffalo": "BUF",
    "carolina panthers": "CAR",
    "panthers": "CAR",
    "carolina": "CAR",
    "chicago bears": "CHI",
    "bears": "CHI",
    "chicago": "CHI",
    "cincinnati bengals": "CIN",
    "bengals": "CIN",
    "cincinnati": "CIN",
    "cleveland browns": "CLE",
    "browns": "CLE",
    "cleveland": "CLE",
    "dallas cowboys": "DAL",
    "cowboys": "DAL",
    "dallas": "DAL",
    "denver broncos": "DEN",
    "broncos": "DEN",
    "denver": "DEN",
    "detroit lions": "DET",
    "lions": "DET",
    "detroit": "DET",
    "green bay packers": "GB",
    "packers": "GB",
    "green bay": "GB",
    "houston texans": "HOU",
    "texans": "HOU",
    "houston": "HOU",
    "indianapolis colts": "IND",
    "colts": "IND",
    "indianapolis": "IND",
    "jacksonville jaguars": "JAX",
    "jaguars": "JAX",
    "jacksonville": "JAX",
    "kansas city chiefs": "KC",
    "chiefs": "KC",
    "kansas city": "KC",
    "los angeles rams": "LA",
    "la rams": "LA",
    "rams": "LA",
    "st louis rams": "LA",
    "los angeles chargers": "LAC",
    "la chargers": "LAC",
    "chargers": "LAC",
    "san diego chargers": "LAC",
    "san diego": "LAC",
    "las vegas raiders": "LV",
    "raiders": "LV",
    "las vegas": "LV",
    "oakland raiders": "LV",
    "oakland": "LV",
    "los angeles raiders": "LV",
    "miami dolphins": "MIA",
    "dolphins": "MIA",
    "miami": "MIA",
    "minnesota vikings": "MIN",
    "vikings": "MIN",
    "minnesota": "MIN",
    "new england patriots": "NE",
    "patriots": "NE",
    "new england": "NE",
    "new orleans saints": "NO",
    "saints": "NO",
    "new orleans": "NO",
    "new york giants": "NYG",
    "ny giants": "NYG",
    "giants": "NYG",
    "new york jets": "NYJ",
    "ny jets": "NYJ",
    "jets": "NYJ",
    "philadelphia eagles": "PHI",
    "eagles": "PHI",
    "philadelphia": "PHI",
    "pittsburgh steelers": "PIT",
    "steelers": "PIT",
    "pittsburgh": "PIT",
    "seattle seahawks": "SEA",
    "seahawks": "SEA",
    "seattle": "SEA",
    "san francisco 49ers": "SF",
    "49ers": "SF",
    "niners": "SF",
    "san francisco": "SF",
    "tampa bay buccaneers": "TB",
    "buccaneers": "TB",
    "bucs": "TB",
    "tampa bay": "TB",
    "tennessee titans": "TEN",
    "titans": "TEN",
    "tennessee": "TEN",
    "houston oilers": "TEN",
    "tennessee oilers": "TEN",
    "washington commanders": "WAS",
    "commanders": "WAS",
    "washington": "WAS",
    "washington football team": "WAS",
    "washington redskins": "WAS",
    "redskins": "WAS",
}
# fmt: on


def _key(text: str) -> str:
    # "St. Louis Rams" / "st louis  rams" / "N.Y. Giants" → one spelling.
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace(".", "")).split())


_BY_KEY: dict[str, str] = {
    **{_key(name): code for name, code in _NAMES.items()},
    **{_key(code): code for code in TEAM_CODES},
    **{_key(code): current for code, current in FORMER_CODES.items()},
}


def team_code(text: str | None) -> str | None:
    """The current nflverse code for a code of any era or a team's name; None if unknown."""
    if text is None:
        return None
    return _BY_KEY.get(_key(text))


def is_team_code(text: str | None) -> bool:
    """Whether `text` is already a current nflverse team code, spelled as nflverse does."""
    return text in TEAM_CODES
