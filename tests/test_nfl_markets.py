"""`sync markets`: Kalshi and Polymarket stand-ins on 127.0.0.1, a real database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from market_standins import (
    KALSHI_UNLISTED,
    Fault,
    StandIn,
    kalshi_key,
    kalshi_market,
    polymarket_event,
    polymarket_key,
    polymarket_market,
    serve,
)

from cfbops.errors import ExitCode, UsageError
from cfbops.nfl.markets.http import MarketSourceFailed
from cfbops.nfl.markets.sync import sync_markets
from tests.conftest import DatabaseUnderTest, cli_env, run_cli

SNAPSHOT = datetime(2025, 9, 5, 18, 0, tzinfo=UTC)
# Kansas City at the Chargers, Friday 5 September 2025 (US time).
EVENT = "KXNFLFIRSTTD-25SEP05KCLAC"
ANY_EVENT = "KXNFLANYTD-25SEP05KCLAC"


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    with migrated_db.connect() as conn:
        conn.execute(
            "INSERT INTO nfl.games (id, season, week, game_date, home_team, away_team)"
            " VALUES ('2025_01_KC_LAC', 2025, 1, '2025-09-05', 'LAC', 'KC')"
        )
        conn.execute(
            "INSERT INTO nfl.rosters (season, team, player_name, position, gsis_id) VALUES"
            " (2025, 'KC', 'Travis Kelce', 'TE', '00-0030506'),"
            " (2025, 'KC', 'Xavier Worthy', 'WR', '00-0039894'),"
            " (2025, 'LAC', 'Ladd McConkey', 'WR', '00-0039915')"
        )
    return migrated_db


@pytest.fixture
def kalshi():
    stand_in = StandIn(missing=KALSHI_UNLISTED)
    stand_in.pages["/markets", "KXNFLFIRSTTD|"] = {
        "markets": [
            kalshi_market(EVENT, "Travis Kelce", "0.1200", "0.1400"),
            kalshi_market(EVENT, "Xavier Worthy", "0.0000", "0.0000", last="0.0900"),
        ],
        "cursor": "page-2",
    }
    stand_in.pages["/markets", "KXNFLFIRSTTD|page-2"] = {
        "markets": [
            kalshi_market(EVENT, "Ladd McConkey", "0.1000", "0.1100"),
            # No bid, no ask, no trade: nothing to price it by.
            kalshi_market(EVENT, "Quentin Johnston", "0.0000", "0.0000"),
        ],
        "cursor": "",
    }
    stand_in.pages["/markets", "KXNFLANYTD|"] = {
        "markets": [kalshi_market(ANY_EVENT, "Travis Kelce", "0.4000", "0.4200")],
        "cursor": None,
    }
    with serve(stand_in, "/trade-api/v2", kalshi_key) as running:
        yield running


def filler_events(count: int) -> list[dict]:
    """Events of other kinds (game lines): listed, not ours."""
    return [
        polymarket_event(
            f"nfl-kc-lac-2025-09-05-spread-{n}",
            [
                {
                    "id": str(9000 + n),
                    "question": "Spread",
                    "sportsMarketType": "spreads",
                    "outcomes": '["KC", "LAC"]',
                    "outcomePrices": '["0.5", "0.5"]',
                }
            ],
        )
        for n in range(count)
    ]


@pytest.fixture
def polymarket():
    stand_in = StandIn()
    first_page = [
        *filler_events(99),
        polymarket_event(
            "nfl-kc-lac-2025-09-05",
            [
                polymarket_market("501", "Travis Kelce", "0.2", "first_touchdown_scorer"),
                polymarket_market("502", "Ladd McConkey", "0.105", "first_touchdown_scorer"),
            ],
        ),
    ]
    stand_in.pages["/events", "0"] = first_page
    bad = polymarket_market("504", "Hollywood Brown", "0.1", "anytime_touchdowns")
    bad["outcomePrices"] = '["0.1", "0.9"'  # cut off: does not decode
    stand_in.pages["/events", "100"] = [
        polymarket_event(
            "nfl-kc-lac-2025-09-05-anytime",
            [
                polymarket_market("503", "Travis Kelce", "0.43", "anytime_touchdowns"),
                bad,
            ],
        )
    ]
    with serve(stand_in, "", polymarket_key) as running:
        yield running


@pytest.fixture
def settings(db, kalshi, polymarket):
    return replace(db.settings, markets=True, kalshi_url=kalshi.url, polymarket_url=polymarket.url)


def stored_odds(conn) -> list[tuple]:
    return conn.execute(
        "SELECT source, market_type, player_name, team, implied_probability::float8,"
        " american_odds FROM nfl.market_odds ORDER BY source, market_type, player_name"
    ).fetchall()


def market_tables(conn) -> dict[str, list]:
    return {
        t: conn.execute(f"SELECT * FROM nfl.{t} ORDER BY id").fetchall()
        for t in ("market_odds", "market_outcomes")
    }


def test_both_payload_shapes_parse_into_one_snapshot(settings, db_conn):
    result = sync_markets(settings, now=SNAPSHOT, sleep=lambda s: None)

    assert stored_odds(db_conn) == [
        ("kalshi", "anytime_td", "Travis Kelce", "KC", 0.41, 144),
        ("kalshi", "first_td", "Ladd McConkey", "LAC", 0.105, 852),
        ("kalshi", "first_td", "Travis Kelce", "KC", 0.13, 669),
        ("kalshi", "first_td", "Xavier Worthy", "KC", 0.09, 1011),
        ("polymarket", "anytime_td", "Travis Kelce", "KC", 0.43, 133),
        ("polymarket", "first_td", "Ladd McConkey", "LAC", 0.105, 852),
        ("polymarket", "first_td", "Travis Kelce", "KC", 0.2, 400),
    ]
    by_source = {s.source: s for s in result.sources}
    assert by_source["kalshi"].pages == 4  # KXNFLTD, not listed then, answered one page
    assert by_source["kalshi"].passed_over == {"no usable price": 1}
    assert by_source["polymarket"].pages == 2
    assert by_source["polymarket"].passed_over == {"outcomes or prices do not decode": 1}
    snapshots = db_conn.execute("SELECT DISTINCT snapshot_time FROM nfl.market_odds").fetchall()
    assert snapshots == [(SNAPSHOT,)]


def test_value_picks_are_the_players_priced_5_points_apart(settings, db_conn):
    sync_markets(settings, now=SNAPSHOT, sleep=lambda s: None)

    rows = db_conn.execute(
        "SELECT player_name, market_type, difference_points::float8, cheaper_source"
        " FROM nfl.market_value_picks ORDER BY player_name"
    ).fetchall()
    # Kelce first TD: 13% on Kalshi, 20% on Polymarket. McConkey (10.5 both) and Kelce
    # anytime (41 vs 43) are within 5 points.
    assert rows == [("Travis Kelce", "first_td", 7.0, "kalshi")]


def test_a_rate_limit_is_waited_out_as_retry_after_asks(settings, kalshi, db_conn):
    kalshi.faults["/markets", "KXNFLFIRSTTD|page-2"] = [Fault(429, headers={"Retry-After": "7"})]
    waits: list[float] = []

    sync_markets(settings, now=SNAPSHOT, sleep=waits.append)

    assert waits == [7.0]
    assert len(stored_odds(db_conn)) == 7


def test_a_failure_in_the_middle_leaves_the_tables_as_they_were(settings, kalshi, db_conn):
    sync_markets(settings, now=SNAPSHOT, sleep=lambda s: None)
    before = market_tables(db_conn)
    # The second page of Kalshi's first-TD series keeps failing past every retry.
    kalshi.faults["/markets", "KXNFLFIRSTTD|page-2"] = [Fault(503)] * 4

    with pytest.raises(MarketSourceFailed, match="Kalshi failed 4 times"):
        sync_markets(settings, now=SNAPSHOT.replace(hour=19), sleep=lambda s: None)

    assert market_tables(db_conn) == before


def test_a_polymarket_failure_after_kalshi_read_stores_nothing(settings, polymarket, db_conn):
    polymarket.faults["/events", "100"] = [Fault(200, body=b"<html>maintenance</html>")]

    with pytest.raises(MarketSourceFailed, match="Polymarket sent a response that is not JSON"):
        sync_markets(settings, now=SNAPSHOT, sleep=lambda s: None)

    assert market_tables(db_conn) == {"market_odds": [], "market_outcomes": []}


def test_settled_markets_are_stored_as_outcomes_once(settings, kalshi, db_conn):
    kalshi.pages["/markets", "KXNFLANYTD|"]["markets"].append(
        kalshi_market(ANY_EVENT, "Xavier Worthy", "0", "0", status="finalized", result="yes")
    )

    sync_markets(settings, now=SNAPSHOT, sleep=lambda s: None)
    sync_markets(settings, now=SNAPSHOT.replace(hour=19), sleep=lambda s: None)

    outcomes = db_conn.execute(
        "SELECT source, market_type, player_name, resolved_outcome FROM nfl.market_outcomes"
    ).fetchall()
    assert outcomes == [("kalshi", "anytime_td", "Xavier Worthy", "yes")]
    snapshots = db_conn.execute(
        "SELECT count(DISTINCT snapshot_time) FROM nfl.market_odds"
    ).fetchone()[0]
    assert snapshots == 2


def test_switched_off_it_refuses_with_the_setting_to_change(db):
    with pytest.raises(UsageError, match="markets = true"):
        sync_markets(db.settings)


def test_the_command_stores_prices_and_reports_per_source(db, kalshi, polymarket, db_conn):
    env = cli_env(
        CFBOPS_MARKETS="1",
        CFBOPS_KALSHI_URL=kalshi.url,
        CFBOPS_POLYMARKET_URL=polymarket.url,
    )
    done = run_cli("--headless", "sync", "markets", "--json", "--database-url", db.url, env=env)

    assert done.returncode == 0, done.stderr
    assert '"stored_odds": 4' in done.stdout and '"stored_odds": 3' in done.stdout
    off = run_cli("--headless", "sync", "markets", "--database-url", db.url)
    assert off.returncode == ExitCode.USAGE
    assert "markets = true" in off.stderr


def test_markets_switch_on_in_the_config_file_and_off_in_the_environment(tmp_path):
    from cfbops.config import load_settings

    (tmp_path / "cfbops.toml").write_text('markets = true\nkalshi_url = "http://127.0.0.1:9/k"\n')
    on = load_settings(env={}, cwd=tmp_path)
    off = load_settings(env={"CFBOPS_MARKETS": "0"}, cwd=tmp_path)

    assert (on.markets, on.kalshi_url) == (True, "http://127.0.0.1:9/k")
    assert off.markets is False
    assert on.polymarket_url == "https://gamma-api.polymarket.com"
