"""What a graded pick returns on its stake, with American odds."""

from __future__ import annotations

from decimal import Decimal

DEFAULT_STAKE = Decimal(1)  # the app's analytics.roi_stake, for users without a base_bet
_PLACES = Decimal("0.0001")


def profit(stake: Decimal, odds: Decimal) -> Decimal:
    """Profit of a winning bet: +650 wins 6.5 stakes, -150 wins 1/1.5 of a stake.

    The app computed `stake * odds / 100` for negative odds too, which turns a winning
    favourite into a loss (-150 → -1.5 stakes); this is the correct arithmetic.
    """
    if odds > 0:
        return stake * odds / 100
    return stake * 100 / abs(odds)


def actual_return(stake: Decimal | None, odds: Decimal | None, is_correct: bool) -> Decimal:
    """The app's rule with correct odds: a loss costs the stake, a win with no odds
    (or odds of 0) counts as 0."""
    stake = DEFAULT_STAKE if stake is None else stake
    if not is_correct:
        return (-stake).quantize(_PLACES)
    if odds is None or odds == 0:
        return Decimal(0).quantize(_PLACES)
    return profit(stake, odds).quantize(_PLACES)
