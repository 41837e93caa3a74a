"""A local CFBD stand-in: the demo database's games served in the API's shapes, with its
metering, headers, a configurable latency and injectable faults. Listens on 127.0.0.1 only.

It answers as the real API does (UPSTREAM surprises 19-21), not as cfbops expects: an unknown
game is 200 `[]`, `/info` carries the real fields, some havoc counts are fractions, and a
burst of requests is blocked by the CDN in front of the API for minutes, with 429s that are
not the quota's. The HTTP side is in cfbd_standin_http."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from typing import Any

import psycopg

from cfbops.cfbd.months import month_of, resets_at
from cfbops.demo.cfbd_standin_http import METERED, QuietServer, handler_for

ROW_CAP = 2000
STAT_TYPES = ("Rush", "Completion", "Reception", "Target", "Incompletion", "Tackle")
# Fault kinds a test can inject (`StandIn.inject`): answers (a CDN burst 429, the quota's
# 429, 5xx, 400), and ways an answer breaks (held past the client's timeout, malformed JSON,
# a row missing gameId, cut off mid-answer by a reset, dribbled a byte at a time, endless).
FAULT_KINDS = frozenset(
    {
        "burst429",
        "quota429",
        "503",
        "500",
        "400",
        "timeout",
        "malformed",
        "missing-field",
        "reset",
        "dribble",
        "huge",
    }
)
ANY_PATH = "*"
# The real CDN blocks a burst for about ten minutes.
CDN_BLOCK_S = 600.0


@dataclass(slots=True)
class Fault:
    """The next `times` requests to `path` (any path, /info too, for ANY_PATH; for `game_id`,
    if given) fail as `kind`."""

    kind: str
    path: str = "/plays/stats"
    times: int = 1
    game_id: int | None = None
    retry_after: str | None = None


@dataclass(frozen=True, slots=True)
class Game:
    id: int
    season: int
    week: int
    season_type: str
    completed: bool
    home_id: int
    home_team: str
    home_conference: str | None
    home_classification: str | None
    home_points: int | None
    away_id: int
    away_team: str
    away_conference: str | None
    away_classification: str | None
    away_points: int | None


GAMES_SQL = """
SELECT id, season, week, coalesce(season_type, 'regular'), coalesce(completed, false),
       home_id, home_team, home_conference, home_classification, home_points,
       away_id, away_team, away_conference, away_classification, away_points
FROM core.games ORDER BY id
"""


@dataclass
class StandIn:
    """The server's state; tests change `latency_s`, `limit`, `big_games` and faults."""

    games: dict[int, Game]
    api_key: str = "demo-key"
    limit: int = 75_000
    used: int = 0
    latency_s: float = 0.0
    hang_s: float = 5.0  # how long a "timeout" fault holds its answer
    big_games: set[int] = field(default_factory=set)  # games with more than 2,000 stat rows
    faults: list[Fault] = field(default_factory=list)
    served: list[tuple[str, dict[str, str], int]] = field(default_factory=list)
    in_flight: int = 0  # metered requests being answered now
    most_in_flight: int = 0  # the most answered at once
    # Tests of concurrency: hold each metered request until this many are in flight at once
    # (a condition, not a latency to outlast), for at most hold_s from the first one.
    hold_until_in_flight: int = 0
    hold_s: float = 30.0
    # Tests of pausing: metered requests after the first `gate_after` wait until `gate` is
    # set (at most hold_s), so a test acts while the run is certainly mid-way.
    gate_after: int | None = None
    gate: threading.Event = field(default_factory=threading.Event)
    metered_started: int = 0
    # The CDN in front of the API: more than `burst_limit` requests within `burst_window_s`
    # block every request for `block_s` (429 with Retry-After, never reaching the API).
    burst_limit: int | None = None
    burst_window_s: float = 1.0
    block_s: float = CDN_BLOCK_S
    blocked_until: float = 0.0
    dribble_s: float = 1.0  # a "dribble" fault's pause between two bytes
    huge_mb: int = 80  # a "huge" fault's answer, sent without a Content-Length
    admin_key: bool = False  # /info's remainingCalls is null for admin keys
    # Answers every request itself (a test's generated answers): (status, headers, body).
    responder: Callable[[str, dict[str, str]], tuple[int, dict[str, str], bytes]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    _recent: list[float] = field(default_factory=list, init=False, repr=False)
    _arrived: threading.Condition = field(init=False, repr=False)
    _hold_ends: float | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._arrived = threading.Condition(self.lock)

    def _enter(self) -> None:
        with self._arrived:
            self.metered_started += 1
            gated = self.gate_after is not None and self.metered_started > self.gate_after
        if gated:
            self.gate.wait(timeout=self.hold_s)
        with self._arrived:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self._arrived.notify_all()
            if not self.hold_until_in_flight:
                return
            if self._hold_ends is None:
                self._hold_ends = time.monotonic() + self.hold_s
            self._arrived.wait_for(
                lambda: self.most_in_flight >= self.hold_until_in_flight,
                timeout=max(0.0, self._hold_ends - time.monotonic()),
            )

    @classmethod
    def from_database(cls, conninfo: str, **options: Any) -> StandIn:
        with psycopg.connect(conninfo) as conn:
            games = {row[0]: Game(*row) for row in conn.execute(GAMES_SQL)}
        return cls(games=games, **options)

    @property
    def url(self) -> str:
        assert self.server is not None, "start() the stand-in first"
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self, port: int = 0) -> StandIn:
        self.server = QuietServer(("127.0.0.1", port), handler_for(self))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def inject(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {fault.kind!r} (one of {sorted(FAULT_KINDS)})")
        with self.lock:
            self.faults.append(fault)

    def metered_calls(self, path: str | None = None) -> int:
        with self.lock:
            return sum(
                1
                for p, _, status in self.served
                if status == 200 and (path in (None, p)) and p in METERED
            )

    # --- what the API answers ---------------------------------------------------------

    def block(self, seconds: float | None = None) -> None:
        """The CDN blocks every request for `seconds` (default `block_s`) from now."""
        with self.lock:
            self.blocked_until = time.monotonic() + (self.block_s if seconds is None else seconds)

    def cdn_block_left(self) -> float:
        """Seconds this request is blocked for by the CDN (0: it passes), counting it
        against the burst limit."""
        with self.lock:
            now = time.monotonic()
            if self.burst_limit is not None:
                self._recent = [t for t in self._recent if now - t < self.burst_window_s]
                self._recent.append(now)
                if len(self._recent) > self.burst_limit and self.blocked_until <= now:
                    self.blocked_until = now + self.block_s
            return max(self.blocked_until - now, 0.0)

    def take_fault(self, path: str, params: dict[str, str]) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                wanted = fault.game_id is None or str(fault.game_id) == params.get("gameId")
                if fault.path in (path, ANY_PATH) and wanted and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def play_stats(self, params: dict[str, str]) -> list[dict[str, Any]]:
        game = self.games.get(_int(params.get("gameId")))
        if game is None:
            return []  # the real API: 200 and an empty list for a game it does not know
        count = 2600 if game.id in self.big_games else 30 + game.id % 40
        rows = [self._play_stat(game, i) for i in range(count)]
        if "team" in params:
            rows = [r for r in rows if r["team"] == params["team"]]
        return rows[:ROW_CAP]

    @staticmethod
    def _play_stat(game: Game, i: int) -> dict[str, Any]:
        home = i % 2 == 0
        team, opponent = (
            (game.home_team, game.away_team) if home else (game.away_team, game.home_team)
        )
        team_id = game.home_id if home else game.away_id
        return {
            "gameId": game.id,
            "season": game.season,
            "week": game.week,
            "team": team,
            "conference": game.home_conference if home else game.away_conference,
            "opponent": opponent,
            "teamScore": game.home_points if home else game.away_points,
            "opponentScore": game.away_points if home else game.home_points,
            "driveId": f"{game.id}{i // 12:03d}",
            "playId": f"{game.id}{i:05d}",
            "period": 1 + i * 4 // 2600 if i < 2600 else 4,
            "clock": {"minutes": 14 - i % 15, "seconds": (i * 7) % 60},
            "yardsToGoal": 1 + (i * 13) % 99,
            "down": 1 + i % 4,
            "distance": 1 + i % 10,
            "athleteId": f"{team_id}{i % 23:02d}",
            "athleteName": f"Player {team_id}-{i % 23}",
            "statType": STAT_TYPES[i % len(STAT_TYPES)],
            "stat": (i * 3) % 17,
            "newFieldTheApiAdded": "ignored",
        }

    def havoc(self, params: dict[str, str]) -> list[dict[str, Any]]:
        year = _int(params.get("year"))
        rows = []
        for game in self.games.values():
            fbs = "fbs" in (game.home_classification, game.away_classification)
            if game.season == year and game.completed and fbs:
                rows.append(_havoc_row(game, home=True))
                rows.append(_havoc_row(game, home=False))
        return rows

    def games_answer(self, params: dict[str, str]) -> list[dict[str, Any]]:
        year, gid = _int(params.get("year")), _int(params.get("id"))
        return [
            {
                "id": g.id,
                "season": g.season,
                "week": g.week,
                "seasonType": g.season_type,
                "completed": g.completed,
                "homeId": g.home_id,
                "homeTeam": g.home_team,
                "homePoints": g.home_points,
                "awayId": g.away_id,
                "awayTeam": g.away_team,
                "awayPoints": g.away_points,
            }
            for g in self.games.values()
            if (year is None or g.season == year) and (gid is None or g.id == gid)
        ]

    def info(self) -> dict[str, Any]:
        """The fields the real /info returns (surprise 20); remainingCalls is null for an
        admin key. The pool is shared with the basketball API."""
        with self.lock:
            used = self.used
        now = datetime.now(UTC)
        return {
            "patronLevel": 3,
            "tierName": "Tier 3",
            "monthlyLimit": self.limit,
            "remainingCalls": None if self.admin_key else max(self.limit - used, 0),
            "usedCalls": used,
            "resetAt": resets_at(month_of(now)).isoformat().replace("+00:00", "Z"),
            "sharedPool": True,
            "products": ["cfb", "cbb"],
            "features": ["graphql", "websockets"],
        }


def _havoc_row(game: Game, *, home: bool) -> dict[str, Any]:
    def side(seed: int) -> dict[str, Any]:
        plays = 55 + seed % 30
        front: float = seed % 7
        db = seed % 5
        if seed % 3 == 0:
            front += 0.5  # a shared sack counts half: the real API sends fractions
        return {
            "totalPlays": plays,
            "totalHavocEvents": front + db,
            "frontSevenHavocEvents": front,
            "dbHavocEvents": db,
            "havocRate": (front + db) / plays,
            "frontSevenHavocRate": front / plays,
            "dbHavocRate": db / plays,
        }

    seed = game.id * 2 + (0 if home else 1)
    return {
        "gameId": game.id,
        "season": game.season,
        "seasonType": game.season_type,
        "week": game.week,
        "team": game.home_team if home else game.away_team,
        "conference": game.home_conference if home else game.away_conference,
        "opponent": game.away_team if home else game.home_team,
        "opponentConference": game.away_conference if home else game.home_conference,
        "offense": side(seed),
        "defense": side(seed + 11),
    }


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


@contextlib.contextmanager
def running_standin(conninfo: str, **options: Any) -> Iterator[StandIn]:
    """Start a stand-in on the database's games; stop it when the caller is done."""
    standin = StandIn.from_database(conninfo, **options).start()
    try:
        yield standin
    finally:
        standin.stop()
