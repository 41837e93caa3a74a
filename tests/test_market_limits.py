"""`sync markets` bounds what it reads (issue 26 §8) and reads Kalshi as it answers today
(issue 23 §5): prices as strings, the real statuses and results, a configured list of
series with the 2026 series' 1+ leg counted as anytime."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from market_standins import (
    KALSHI_UNLISTED,
    Fault,
    StandIn,
    kalshi_key,
    kalshi_market,
    polymarket_key,
    serve,
)

from cfbops.errors import ExitCode
from cfbops.nfl.markets.http import MarketSourceFailed, PageLimitReached, SourceLimits
from cfbops.nfl.markets.sync import sync_markets
from tests.conftest import DatabaseUnderTest, cli_env, run_cli

SNAPSHOT = datetime(2025, 9, 5, 18, 0, tzinfo=UTC)
FIRST = "KXNFLFIRSTTD-25SEP05KCLAC"
ANYTIME_2026 = "KXNFLTD-25SEP05KCLAC"


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    with migrated_db.connect() as conn:
        conn.execute(
            "INSERT INTO nfl.games (id, season, week, game_date, home_team, away_team)"
            " VALUES ('2025_01_KC_LAC', 2025, 1, '2025-09-05', 'LAC', 'KC')"
        )
    return migrated_db


@pytest.fixture
def kalshi():
    stand_in = StandIn(missing=KALSHI_UNLISTED)
    stand_in.pages["/markets", "KXNFLFIRSTTD|"] = {
        "markets": [kalshi_market(FIRST, "Travis Kelce", "0.1200", "0.1400")],
        "cursor": "",
    }
    with serve(stand_in, "/trade-api/v2", kalshi_key) as running:
        yield running


@pytest.fixture
def polymarket():
    stand_in = StandIn()
    stand_in.pages["/events", "0"] = []
    with serve(stand_in, "", polymarket_key) as running:
        yield running


@pytest.fixture
def settings(db, kalshi, polymarket):
    return replace(db.settings, markets=True, kalshi_url=kalshi.url, polymarket_url=polymarket.url)


def stored(db: DatabaseUnderTest) -> list[tuple]:
    with db.connect() as conn:
        return conn.execute(
            "SELECT source, market_type, player_name FROM nfl.market_odds"
            " UNION ALL SELECT source, market_type, player_name FROM nfl.market_outcomes"
            " ORDER BY 1, 2, 3"
        ).fetchall()


def big_page(markets: int) -> dict:
    return {
        "markets": [
            kalshi_market(FIRST, f"Player Number{n}", "0.0100", "0.0200") for n in range(markets)
        ],
        "cursor": "",
    }


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "streamed"])
def test_an_answer_past_the_size_cap_is_refused_and_nothing_is_stored(
    settings, kalshi, db, declared: bool
) -> None:
    body = json.dumps(big_page(60)).encode()  # about 40 kB
    kalshi.faults["/markets", "KXNFLFIRSTTD|"] = [Fault(200, body, declare_length=declared)]

    with pytest.raises(MarketSourceFailed, match=r"larger than 16,384 bytes") as failure:
        sync_markets(settings, now=SNAPSHOT, limits=SourceLimits(max_bytes=16_384))

    assert failure.value.exit_code == ExitCode.FAILED
    assert stored(db) == []


def test_a_server_dribbling_its_answer_is_cut_at_the_request_deadline(settings, kalshi, db) -> None:
    page = json.dumps(big_page(1)).encode()
    kalshi.faults["/markets", "KXNFLFIRSTTD|"] = [Fault(200, page, dribble_s=0.2)]

    started = time.monotonic()
    with pytest.raises(MarketSourceFailed, match="did not finish answering within 1 s"):
        sync_markets(settings, now=SNAPSHOT, limits=SourceLimits(total_s=1.0))

    # The read timeout (20 s) never fires on a byte every 0.2 s: the deadline did it.
    assert time.monotonic() - started < 10
    assert stored(db) == []


def test_a_page_limit_that_cuts_a_series_says_so_and_stores_nothing(settings, kalshi, db) -> None:
    kalshi.pages["/markets", "KXNFLFIRSTTD|"]["cursor"] = "p2"
    kalshi.pages["/markets", "KXNFLFIRSTTD|p2"] = {"markets": [], "cursor": "p3"}
    kalshi.pages["/markets", "KXNFLFIRSTTD|p3"] = {"markets": [], "cursor": ""}

    with pytest.raises(PageLimitReached, match="KXNFLFIRSTTD has more than 2 pages") as cut:
        sync_markets(settings, now=SNAPSHOT, limits=SourceLimits(max_pages=2))

    assert cut.value.exit_code == ExitCode.FAILED
    assert stored(db) == []


def test_a_cursor_that_comes_back_is_a_failure_not_a_silent_stop(settings, kalshi, db) -> None:
    kalshi.pages["/markets", "KXNFLFIRSTTD|"]["cursor"] = "again"
    kalshi.pages["/markets", "KXNFLFIRSTTD|again"] = {"markets": [], "cursor": "again"}

    with pytest.raises(PageLimitReached, match="handed back a cursor it gave before"):
        sync_markets(settings, now=SNAPSHOT)

    assert stored(db) == []


def test_the_2026_series_counts_its_1_plus_leg_as_anytime_and_passes_over_the_others(
    settings, kalshi, db
) -> None:
    kalshi.pages["/markets", "KXNFLTD|"] = {
        "markets": [
            kalshi_market(ANYTIME_2026, "Travis Kelce", "0.4000", "0.4200", leg=1),
            kalshi_market(ANYTIME_2026, "Travis Kelce", "0.1000", "0.1200", leg=2),
            kalshi_market(ANYTIME_2026, "Travis Kelce", "0.0200", "0.0300", leg=3),
        ],
        "cursor": "",
    }

    result = sync_markets(settings, now=SNAPSHOT)

    assert stored(db) == [
        ("kalshi", "anytime_td", "Travis Kelce"),
        ("kalshi", "first_td", "Travis Kelce"),
    ]
    kalshi_summary = next(s for s in result.sources if s.source == "kalshi")
    assert kalshi_summary.passed_over == {"2+ touchdowns leg": 1, "3+ touchdowns leg": 1}
    with db.connect() as conn:
        probability = conn.execute(
            "SELECT implied_probability::float8 FROM nfl.market_odds"
            " WHERE market_type = 'anytime_td'"
        ).fetchone()[0]
    assert probability == 0.41


@pytest.mark.parametrize(
    ("status", "result", "outcome"),
    [
        ("determined", "yes", "stored"),
        ("finalized", "no", "stored"),
        ("amended", "yes", "stored"),
        ("disputed", "yes", "not trading (disputed)"),
        ("finalized", "scalar", "finalized without a yes or no result"),
        ("closed", "", "not trading (closed)"),
        ("initialized", "", "not trading (initialized)"),
        ("inactive", "", "not trading (inactive)"),
    ],
)
def test_kalshi_statuses_and_results_as_the_api_gives_them(
    settings, kalshi, db, status: str, result: str, outcome: str
) -> None:
    kalshi.pages["/markets", "KXNFLFIRSTTD|"]["markets"] = [
        kalshi_market(FIRST, "Travis Kelce", "0.1200", "0.1400", status=status, result=result)
    ]

    summary = sync_markets(settings, now=SNAPSHOT).sources[0]

    if outcome == "stored":
        with db.connect() as conn:
            outcomes = conn.execute("SELECT resolved_outcome FROM nfl.market_outcomes").fetchall()
        assert outcomes == [(result,)]
    else:
        assert summary.passed_over == {outcome: 1}
        assert stored(db) == []


def test_sync_markets_says_which_series_answered(db, kalshi, polymarket) -> None:
    env = cli_env(
        CFBOPS_MARKETS="1", CFBOPS_KALSHI_URL=kalshi.url, CFBOPS_POLYMARKET_URL=polymarket.url
    )
    done = run_cli("--database-url", db.url, "--headless", "sync", "markets", env=env)

    assert done.returncode == 0, done.stderr
    assert "kalshi series: KXNFLFIRSTTD 1 markets, KXNFLANYTD none, KXNFLTD none" in done.stdout


def test_only_the_configured_series_are_read(settings, kalshi, db) -> None:
    result = sync_markets(replace(settings, kalshi_series=("KXNFLTD",)), now=SNAPSHOT)

    asked = {r.split("series_ticker=")[1].split("&")[0] for r in kalshi.requests}
    assert asked == {"KXNFLTD"}
    assert [a.series for a in result.sources[0].series] == ["KXNFLTD"]
