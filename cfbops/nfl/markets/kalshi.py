"""Kalshi's trade API: the first-TD and anytime-TD series, read through cursor paging.

Prices come from the `*_dollars` fields, decimal strings of dollars per $1 contract
("0.1300"), i.e. probabilities; the older integer-cent fields are not read.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from cfbops.nfl.markets.http import JsonSource
from cfbops.nfl.markets.models import (
    GameKey,
    MarketQuote,
    MarketResolution,
    MarketType,
    Source,
    SourceListing,
    number_or_none,
    timestamp_or_none,
)
from cfbops.nfl.teams import is_team_code, team_code

SERIES = {"KXNFLFIRSTTD": MarketType.FIRST_TD, "KXNFLANYTD": MarketType.ANYTIME_TD}
PAGE_SIZE = 200
# A runaway cursor (a source handing back the same cursor) must not loop for ever.
MAX_PAGES = 500
MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
# KXNFLFIRSTTD-25SEP07KCLAC: season-year, month, day, then the two teams run together.
EVENT_TICKER = re.compile(r"-(\d{2})([A-Z]{3})(\d{2})([A-Z]{4,6})$")
OPEN_STATUSES = {"open", "active", "initialized", "unopened"}


def fetch(source: JsonSource) -> SourceListing:
    quotes: list[MarketQuote] = []
    resolutions: list[MarketResolution] = []
    passed_over: Counter[str] = Counter()
    pages = 0
    for series, market_type in SERIES.items():
        cursor = ""
        seen: set[str] = set()
        while pages < MAX_PAGES:
            params = {"series_ticker": series, "limit": PAGE_SIZE}
            if cursor:
                params["cursor"] = cursor
            body = source.get("markets", params)
            pages += 1
            if not isinstance(body, dict) or not isinstance(body.get("markets"), list):
                passed_over["page without a markets list"] += 1
                break
            for market in body["markets"]:
                parse_market(market, market_type, quotes, resolutions, passed_over)
            cursor = body.get("cursor") or ""
            if not cursor or cursor in seen:
                break
            seen.add(cursor)
    return SourceListing(Source.KALSHI, tuple(quotes), tuple(resolutions), pages, dict(passed_over))


def parse_market(
    market: Any,
    market_type: MarketType,
    quotes: list[MarketQuote],
    resolutions: list[MarketResolution],
    passed_over: Counter[str],
) -> None:
    if not isinstance(market, dict) or not market.get("ticker"):
        passed_over["market without a ticker"] += 1
        return
    game = game_key(str(market.get("event_ticker") or ""))
    if game is None:
        passed_over["event ticker names no game"] += 1
        return
    player = str(market.get("yes_sub_title") or market.get("subtitle") or "").strip()
    if not player:
        passed_over["market names no player"] += 1
        return
    status = str(market.get("status") or "").lower()
    result = str(market.get("result") or "").lower()
    if result in ("yes", "no", "void"):
        resolutions.append(
            MarketResolution(
                Source.KALSHI,
                market_type,
                str(market["ticker"]),
                game,
                player,
                result,
                timestamp_or_none(market.get("settlement_ts") or market.get("close_time")),
            )
        )
        return
    if status and status not in OPEN_STATUSES:
        passed_over["closed without a result"] += 1
        return
    price = yes_price(market)
    if price is None:
        passed_over["no usable price"] += 1
        return
    quotes.append(
        MarketQuote(
            Source.KALSHI,
            market_type,
            str(market["ticker"]),
            game,
            player,
            price,
            price,
            number_or_none(market.get("volume_fp", market.get("volume"))),
        )
    )


def yes_price(market: dict) -> float | None:
    """The mid of bid and ask when both stand, else the last trade; None without either."""
    bid = number_or_none(market.get("yes_bid_dollars"))
    ask = number_or_none(market.get("yes_ask_dollars"))
    if bid is not None and ask is not None and 0 < bid <= ask <= 1:
        return round((bid + ask) / 2, 4)
    last = number_or_none(market.get("last_price_dollars"))
    if last is not None and 0 < last < 1:
        return last
    return None


def game_key(event_ticker: str) -> GameKey | None:
    match = EVENT_TICKER.search(event_ticker.upper())
    if not match or match.group(2) not in MONTHS:
        return None
    year, month, day, teams = match.groups()
    try:
        day_of_game = date(2000 + int(year), MONTHS[month], int(day))
    except ValueError:
        return None
    pair = split_teams(teams)
    if pair is None:
        return None
    return GameKey(day_of_game, *pair)


def split_teams(run: str) -> tuple[str, str] | None:
    """KCLAC → (KC, LAC). Splits into two of today's codes win over former ones, so
    LACLV is LAC and LV, not LA and CLV (an old Cleveland code)."""
    fallback = None
    for cut in range(2, len(run) - 1):
        left, right = run[:cut], run[cut:]
        if is_team_code(left) and is_team_code(right):
            return left, right
        a, b = team_code(left), team_code(right)
        if fallback is None and a and b and len(left) <= 3 and len(right) <= 3:
            fallback = (a, b)
    return fallback
