"""Polymarket's Gamma API: NFL events and their touchdown-scorer markets, offset paging.

Gamma sends `outcomes`, `outcomePrices` and `clobTokenIds` as JSON-encoded strings
('["Yes", "No"]', '["0.12", "0.88"]'), not arrays: they are decoded here, and a market
whose strings do not decode is passed over rather than guessed at.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from typing import Any

from cfbops.nfl.markets.http import JsonSource, PageLimitReached
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
from cfbops.nfl.teams import team_code

PAGE_SIZE = 100
# nfl-dal-phi-2025-09-04 (and prop events that extend it, …-first-touchdown).
EVENT_SLUG = re.compile(r"^nfl-([a-z]{2,4})-([a-z]{2,4})-(\d{4}-\d{2}-\d{2})")
QUESTION_PLAYER = re.compile(r"^will (.+?) score", re.IGNORECASE)


def fetch(source: JsonSource) -> SourceListing:
    quotes: list[MarketQuote] = []
    resolutions: list[MarketResolution] = []
    passed_over: Counter[str] = Counter()
    pages = 0
    offset = 0
    while True:
        if pages == source.limits.max_pages:
            raise PageLimitReached(
                f"Polymarket lists more than {pages} pages of {PAGE_SIZE} NFL events; "
                "nothing was stored. Check polymarket_url"
            )
        body = source.get(
            "events", {"tag_slug": "nfl", "closed": "false", "limit": PAGE_SIZE, "offset": offset}
        )
        pages += 1
        if not isinstance(body, list):
            passed_over["page that is not a list of events"] += 1
            break
        for event in body:
            parse_event(event, quotes, resolutions, passed_over)
        if len(body) < PAGE_SIZE:
            break
        offset += len(body)
    return SourceListing(
        Source.POLYMARKET, tuple(quotes), tuple(resolutions), pages, dict(passed_over)
    )


def parse_event(
    event: Any,
    quotes: list[MarketQuote],
    resolutions: list[MarketResolution],
    passed_over: Counter[str],
) -> None:
    if not isinstance(event, dict):
        passed_over["event that is not an object"] += 1
        return
    markets = [m for m in event.get("markets") or [] if isinstance(m, dict)]
    wanted = [(m, market_type_of(m)) for m in markets]
    wanted = [(m, t) for m, t in wanted if t is not None]
    if not wanted:
        return  # game lines, totals and other props: not ours
    game = game_key(str(event.get("slug") or ""))
    if game is None:
        passed_over["event slug names no game"] += len(wanted)
        return
    for market, market_type in wanted:
        parse_market(market, market_type, game, quotes, resolutions, passed_over)


def market_type_of(market: dict) -> MarketType | None:
    kind = str(market.get("sportsMarketType") or "").lower()
    if "touchdown" not in kind:
        return None
    if "first" in kind:
        return MarketType.FIRST_TD
    if "anytime" in kind:
        return MarketType.ANYTIME_TD
    return None


def parse_market(
    market: dict,
    market_type: MarketType,
    game: GameKey,
    quotes: list[MarketQuote],
    resolutions: list[MarketResolution],
    passed_over: Counter[str],
) -> None:
    market_id = str(market.get("id") or market.get("conditionId") or "")
    player = str(market.get("groupItemTitle") or "").strip()
    if not player:
        found = QUESTION_PLAYER.match(str(market.get("question") or ""))
        player = found.group(1).strip() if found else ""
    if not market_id or not player:
        passed_over["market names no player"] += 1
        return
    outcomes = decoded_list(market.get("outcomes"))
    prices = decoded_list(market.get("outcomePrices"))
    if outcomes is None or prices is None or len(outcomes) != len(prices):
        passed_over["outcomes or prices do not decode"] += 1
        return
    try:
        yes = [str(o).strip().lower() for o in outcomes].index("yes")
        price = float(prices[yes])
    except (ValueError, TypeError):
        passed_over["no usable price"] += 1
        return
    if market.get("closed") is True:
        closed_at = timestamp_or_none(market.get("closedTime") or market.get("endDate"))
        if price in (0.0, 1.0):
            resolutions.append(
                MarketResolution(
                    Source.POLYMARKET,
                    market_type,
                    market_id,
                    game,
                    player,
                    "yes" if price == 1.0 else "no",
                    closed_at,
                )
            )
        else:
            passed_over["closed without a result"] += 1
        return
    if not 0 < price < 1:
        passed_over["no usable price"] += 1
        return
    quotes.append(
        MarketQuote(
            Source.POLYMARKET,
            market_type,
            market_id,
            game,
            player,
            price,
            price,
            number_or_none(market.get("volumeNum", market.get("volume"))),
        )
    )


def decoded_list(value: Any) -> list | None:
    """A JSON-encoded list (as Gamma sends it) or a list; None for anything else."""
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        return None
    try:
        decoded = json.loads(value)
    except ValueError:
        return None
    return decoded if isinstance(decoded, list) else None


def game_key(slug: str) -> GameKey | None:
    match = EVENT_SLUG.match(slug.lower())
    if not match:
        return None
    first, second, day = match.groups()
    a, b = team_code(first), team_code(second)
    if a is None or b is None:
        return None
    try:
        return GameKey(date.fromisoformat(day), a, b)
    except ValueError:
        return None
