"""Returns of graded picks: American odds, the user's stake, the app's rules for a loss
and for a win without odds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cfbops.nfl.returns import actual_return


@pytest.mark.parametrize(
    ("stake", "odds", "expected"),
    [
        (Decimal(1), Decimal(650), Decimal("6.5")),
        (Decimal(10), Decimal(-150), Decimal("6.6667")),  # the app said -15
        (Decimal(5), Decimal(-100), Decimal("5")),
        (None, Decimal(250), Decimal("2.5")),  # no base bet: a stake of 1
    ],
)
def test_a_win_pays_the_profit_of_american_odds(stake, odds, expected):
    assert actual_return(stake, odds, True) == expected


def test_a_loss_costs_the_stake_whatever_the_odds():
    assert actual_return(Decimal(10), Decimal(-150), False) == Decimal(-10)
    assert actual_return(None, Decimal(900), False) == Decimal(-1)


@pytest.mark.parametrize("odds", [None, Decimal(0)])
def test_a_win_without_odds_returns_nothing(odds):
    assert actual_return(Decimal(3), odds, True) == 0
