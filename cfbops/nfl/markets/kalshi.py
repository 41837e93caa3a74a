"""Kalshi's trade API: the configured touchdown series, read through cursor paging.

Prices come from the `*_dollars` fields, decimal strings of dollars per $1 contract
("0.1300"), i.e. probabilities; the integer-cent fields are gone from the API. Market
statuses are initialized, inactive, active, closed, determined, disputed, amended and
finalized; results are "yes", "no", "scalar" or "" (UPSTREAM surprise 22).

Which series to read is configuration (`kalshi_series`): first-TD `KXNFLFIRSTTD`,
anytime-TD `KXNFLANYTD` (until 2026-02-08) and `KXNFLTD` (since), whose markets come in
1+, 2+ and 3+ touchdown legs: the 1+ leg is the anytime one, the others are passed over.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from cfbops.nfl.markets.http import JsonSource, PageLimitReached
from cfbops.nfl.markets.models import (
    GameKey,
    MarketQuote,
    MarketResolution,
    MarketType,
    SeriesAnswer,
    Source,
    SourceListing,
    number_or_none,
    timestamp_or_none,
)
from cfbops.nfl.teams import is_team_code, team_code

PAGE_SIZE = 200
MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
# KXNFLFIRSTTD-25SEP07KCLAC: season-year, month, day, then the two teams run together.
EVENT_TICKER = re.compile(r"-(\d{2})([A-Z]{3})(\d{2})([A-Z]{4,6})$")
TRADING = "active"
# Settled: the result stands (amended is a corrected result, standing too).
SETTLED = frozenset({"determined", "amended", "finalized"})
# A leg at the end of a subtitle ("Travis Kelce: 1+", "Travis Kelce 2+ TDs") or anywhere in
# a title ("Will Travis Kelce score 3+ touchdowns?").
LEG_AT_END = re.compile(r"[\s:(\-]*(\d+)\s*\+\s*(?:touchdowns?|tds?)?\)?\s*$", re.IGNORECASE)
LEG_IN_TITLE = re.compile(r"\b(\d+)\s*\+", re.IGNORECASE)


def market_type_of(series: str) -> MarketType:
    """A series' market type from its ticker: first-TD series say FIRST, the rest are
    anytime touchdowns (KXNFLANYTD, KXNFLTD)."""
    return MarketType.FIRST_TD if "FIRST" in series.upper() else MarketType.ANYTIME_TD


@dataclass(slots=True)
class _Reading:
    quotes: list[MarketQuote]
    resolutions: list[MarketResolution]
    passed_over: Counter[str]


def fetch(source: JsonSource, series_list: tuple[str, ...]) -> SourceListing:
    reading = _Reading([], [], Counter())
    pages = 0
    answers: list[SeriesAnswer] = []
    for series in series_list:
        market_type = market_type_of(series)
        cursor = ""
        seen: set[str] = set()
        markets = 0
        series_pages = 0
        while True:
            if series_pages == source.limits.max_pages:
                raise PageLimitReached(
                    f"Kalshi series {series} has more than {series_pages} pages of {PAGE_SIZE} "
                    "markets (a runaway cursor?); nothing was stored. Check kalshi_series and "
                    "kalshi_url"
                )
            params: dict[str, Any] = {"series_ticker": series, "limit": PAGE_SIZE}
            if cursor:
                params["cursor"] = cursor
            body = source.get("markets", params)
            pages += 1
            series_pages += 1
            if not isinstance(body, dict) or not isinstance(body.get("markets"), list):
                reading.passed_over["page without a markets list"] += 1
                break
            markets += len(body["markets"])
            for market in body["markets"]:
                parse_market(market, market_type, reading)
            cursor = str(body.get("cursor") or "")
            if not cursor:
                break
            if cursor in seen:
                raise PageLimitReached(
                    f"Kalshi series {series} handed back a cursor it gave before, after "
                    f"{series_pages} pages; nothing was stored. Try again later"
                )
            seen.add(cursor)
        answers.append(SeriesAnswer(series, series_pages, markets))
    return SourceListing(
        Source.KALSHI,
        tuple(reading.quotes),
        tuple(reading.resolutions),
        pages,
        dict(reading.passed_over),
        tuple(answers),
    )


def parse_market(market: Any, market_type: MarketType, reading: _Reading) -> None:
    passed_over = reading.passed_over
    if not isinstance(market, dict) or not market.get("ticker"):
        passed_over["market without a ticker"] += 1
        return
    game = game_key(str(market.get("event_ticker") or ""))
    if game is None:
        passed_over["event ticker names no game"] += 1
        return
    player, leg = player_and_leg(market)
    if not player:
        passed_over["market names no player"] += 1
        return
    if leg is not None and leg != 1:
        passed_over[f"{leg}+ touchdowns leg"] += 1
        return
    status = str(market.get("status") or "").lower()
    result = str(market.get("result") or "").lower()
    if status in SETTLED:
        if result in ("yes", "no"):
            _add_resolution(market, market_type, game, player, result, reading)
        else:
            passed_over[f"{status} without a yes or no result"] += 1
        return
    if status != TRADING:
        passed_over[f"not trading ({status or 'no status'})"] += 1
        return
    price = yes_price(market)
    if price is None:
        passed_over["no usable price"] += 1
        return
    reading.quotes.append(
        MarketQuote(
            Source.KALSHI,
            market_type,
            str(market["ticker"]),
            game,
            player,
            price,
            price,
            number_or_none(market.get("volume_fp")),
        )
    )


def _add_resolution(
    market: dict,
    market_type: MarketType,
    game: GameKey,
    player: str,
    result: str,
    reading: _Reading,
) -> None:
    reading.resolutions.append(
        MarketResolution(
            Source.KALSHI,
            market_type,
            str(market["ticker"]),
            game,
            player,
            result,
            timestamp_or_none(
                market.get("settlement_ts")
                or market.get("expiration_time")
                or market.get("close_time")
            ),
        )
    )


def player_and_leg(market: dict) -> tuple[str, int | None]:
    """The player a market is about, and its touchdown leg (1 for 1+) when it names one."""
    text = str(market.get("yes_sub_title") or market.get("subtitle") or "").strip()
    at_end = LEG_AT_END.search(text)
    if at_end:
        return text[: at_end.start()].strip(), int(at_end.group(1))
    in_title = LEG_IN_TITLE.search(str(market.get("title") or ""))
    return text, int(in_title.group(1)) if in_title else None


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
