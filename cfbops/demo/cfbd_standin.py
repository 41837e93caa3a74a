"""A local CFBD stand-in: the demo database's games served in the API's shapes, with its
metering, headers, a configurable latency and injectable faults. Listens on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg

from cfbops.cfbd.months import month_of, resets_at

ROW_CAP = 2000
STAT_TYPES = ("Rush", "Completion", "Reception", "Target", "Incompletion", "Tackle")
# Fault kinds a test can inject (`StandIn.inject`).
FAULT_KINDS = frozenset(
    {"burst429", "quota429", "503", "500", "400", "timeout", "malformed", "missing-field"}
)
METERED = ("/plays/stats", "/games", "/stats/game/havoc")


@dataclass(slots=True)
class Fault:
    """The next `times` requests to `path` (for `game_id`, if given) fail as `kind`."""

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
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
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
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self.server.daemon_threads = True
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

    def take_fault(self, path: str, params: dict[str, str]) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                wanted = fault.game_id is None or str(fault.game_id) == params.get("gameId")
                if fault.path == path and wanted and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def play_stats(self, params: dict[str, str]) -> list[dict[str, Any]] | None:
        game = self.games.get(_int(params.get("gameId")))
        if game is None:
            return None
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
        with self.lock:
            used = self.used
        now = datetime.now(UTC)
        return {
            "patronLevel": 3,
            "tierName": "Tier 3",
            "monthlyLimit": self.limit,
            "remainingCalls": max(self.limit - used, 0),
            "usedCalls": used,
            "resetAt": resets_at(month_of(now)).isoformat(),
        }


def _havoc_row(game: Game, *, home: bool) -> dict[str, Any]:
    def side(seed: int) -> dict[str, Any]:
        plays = 55 + seed % 30
        front, db = seed % 7, seed % 5
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


def _handler_for(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real API
        # The body follows the headers without waiting: with Nagle's algorithm it waited
        # for the client's delayed ACK of the headers, 40 ms a call that the benchmark
        # counted against the backfill (the real API answers in one go).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            del format, args  # quiet: tests and the demo read the ledger, not a log

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status = self._answer(parts.path, params)
            with standin.lock:
                standin.served.append((parts.path, params, status))

        def _answer(self, path: str, params: dict[str, str]) -> int:
            if self.headers.get("Authorization") != f"Bearer {standin.api_key}":
                return self._send(401, {"message": "Unauthorized"})
            if path == "/info":
                return self._send(200, standin.info())
            if path not in METERED:
                return self._send(404, {"message": "Not found"})
            standin._enter()
            try:
                return self._metered(path, params)
            finally:
                with standin.lock:
                    standin.in_flight -= 1

        def _metered(self, path: str, params: dict[str, str]) -> int:
            if standin.latency_s:
                time.sleep(standin.latency_s)
            # Metering: each authenticated request reserves a call; non-2xx are refunded.
            with standin.lock:
                if standin.used >= standin.limit:
                    quota = True
                else:
                    quota = False
                    standin.used += 1
            if quota:
                return self._send(429, {"message": "Monthly call quota exceeded."})
            status = self._serve(path, params)
            if status != 200:
                with standin.lock:
                    standin.used -= 1
            return status

        def _serve(self, path: str, params: dict[str, str]) -> int:
            fault = standin.take_fault(path, params)
            kind = fault.kind if fault else None
            if kind == "burst429":
                extra = {"Retry-After": fault.retry_after} if fault and fault.retry_after else {}
                return self._send(429, {"message": "Too many requests"}, extra)
            if kind == "quota429":
                return self._send(429, {"message": "Monthly call quota exceeded."})
            if kind in ("503", "500"):
                return self._send(int(kind), {"message": "Service unavailable"})
            if kind == "400":
                return self._send(400, {"message": "Bad request", "details": "invalid gameId"})
            if kind == "timeout":
                time.sleep(standin.hang_s)
            if path == "/plays/stats":
                body: Any = standin.play_stats(params)
                if body is None:
                    return self._send(400, {"message": "Bad request", "details": "no such game"})
            elif path == "/stats/game/havoc":
                body = standin.havoc(params)
            else:
                body = standin.games_answer(params)
            if kind == "missing-field" and body:
                body = [{k: v for k, v in row.items() if k != "gameId"} for row in body]
            if kind == "malformed":
                return self._send_raw(200, b'[{"gameId": 1, "playId": ')
            return self._send(200, body)

        def _send(self, status: int, body: Any, extra: dict[str, str] | None = None) -> int:
            return self._send_raw(status, json.dumps(body).encode(), extra)

        def _send_raw(self, status: int, data: bytes, extra: dict[str, str] | None = None) -> int:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            with standin.lock:
                remaining = max(standin.limit - standin.used, 0)
            self.send_header("X-CallLimit-Remaining", str(remaining))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            # A client that gave up (a timeout) is gone: the call was still metered.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)
            return status

    return Handler


@contextlib.contextmanager
def running_standin(conninfo: str, **options: Any) -> Iterator[StandIn]:
    """Start a stand-in on the database's games; stop it when the caller is done."""
    standin = StandIn.from_database(conninfo, **options).start()
    try:
        yield standin
    finally:
        standin.stop()
