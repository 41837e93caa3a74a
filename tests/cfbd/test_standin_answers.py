"""The stand-in answers as the real API does (UPSTREAM surprises 19-21), not as cfbops
expects: the shapes a test against it proves something about."""

from __future__ import annotations

import httpx

from cfbops.demo.cfbd_standin import StandIn
from tests.cfbd.conftest import TEST_KEY

AUTH = {"Authorization": f"Bearer {TEST_KEY}"}


def test_an_unknown_game_is_200_and_an_empty_list(standin: StandIn) -> None:
    answer = httpx.get(f"{standin.url}/plays/stats", params={"gameId": 1}, headers=AUTH)
    assert (answer.status_code, answer.json()) == (200, [])


def test_info_carries_the_real_fields(standin: StandIn) -> None:
    info = httpx.get(f"{standin.url}/info", headers=AUTH).json()
    assert {
        "patronLevel",
        "tierName",
        "monthlyLimit",
        "remainingCalls",
        "usedCalls",
        "resetAt",
        "sharedPool",
        "products",
        "features",
    } <= set(info)
    standin.admin_key = True
    assert httpx.get(f"{standin.url}/info", headers=AUTH).json()["remainingCalls"] is None


def test_some_havoc_counts_are_fractions(standin: StandIn) -> None:
    season = next(iter(standin.games.values())).season
    rows = httpx.get(f"{standin.url}/stats/game/havoc", params={"year": season}, headers=AUTH)
    counts = [row["defense"]["totalHavocEvents"] for row in rows.json()]
    assert any(isinstance(c, float) and not c.is_integer() for c in counts)


def test_a_burst_is_blocked_by_the_cdn_for_minutes_not_metered(standin: StandIn) -> None:
    standin.burst_limit, standin.burst_window_s = 3, 60.0
    with httpx.Client(base_url=standin.url, headers=AUTH) as client:
        statuses = [client.get("/plays/stats", params={"gameId": 1}) for _ in range(5)]
        later = client.get("/info")  # the CDN blocks every path, /info too
    assert [a.status_code for a in statuses] == [200, 200, 200, 429, 429]
    blocked = statuses[-1]
    assert 500 < int(blocked.headers["Retry-After"]) <= 600
    assert "X-CallLimit-Remaining" not in blocked.headers
    assert blocked.headers["Content-Type"].startswith("text/html")
    assert later.status_code == 429 and standin.used == 3
