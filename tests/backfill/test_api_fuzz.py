"""Generated API answers, seeded and bounded: wrong JSON shapes, types, sizes, status codes
and headers from the stand-in, each run through the real command line. Whatever comes
back, the command ends with an exit code from the documented set, no `internal error` and
no traceback, a JSON document, and nothing half-applied (no item left running, no call
left open in the ledger)."""

from __future__ import annotations

import dataclasses
import json
import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from cfbops import cli
from cfbops.demo.cfbd_standin import StandIn
from tests.backfill.helpers import SEASON
from tests.cfbd.conftest import FAST, TEST_KEY

SEED = 20261130
CASES = 24
GAMES = 6
DOCUMENTED = {0, 1, 2, 3, 5}
# Waits shrunk for a test's time (the logic is the production one); --max-wait 1 below.
QUICK = dataclasses.replace(FAST, timeout_s=2.0, request_s=3.0, max_answer_bytes=2 * 2**20)
RESET = (
    "DELETE FROM stats.play_stats WHERE season = %(season)s",
    "DELETE FROM stats.game_havoc WHERE season = %(season)s",
    "DELETE FROM ops.backfill_items",
    "DELETE FROM ops.backfill_jobs",
    "DELETE FROM ops.cfbd_calls",
    "DELETE FROM ops.cfbd_reservations",
    "DELETE FROM ops.cfbd_months",
)

STATUSES = [200] * 10 + [204, 301, 400, 401, 403, 404, 418, 429, 429, 500, 502, 503]
NASTY_VALUES: list[Any] = [
    None,
    True,
    "12",
    "",
    "\x00",
    "\ud800",  # a lone surrogate: not valid Unicode
    "x" * 5000,
    -1,
    0.5,
    10**30,
    math.nan,
    math.inf,
    [],
    {},
    [1, 2],
    {"minutes": "a"},
]


def _retry_after(rng: random.Random) -> str:
    now = datetime.now(UTC)
    return rng.choice(
        [
            "1",
            "-5",
            "0",
            "soon",
            "1e9",
            "",
            format_datetime(now + timedelta(seconds=1), usegmt=True),
            format_datetime(now - timedelta(hours=1), usegmt=True),
            "Wed, 31 Feb 2026 99:00:00 GMT",
        ]
    )


def _headers(rng: random.Random) -> dict[str, str]:
    headers: dict[str, str] = {}
    if rng.random() < 0.5:
        headers["Retry-After"] = _retry_after(rng)
    if rng.random() < 0.5:
        headers["X-CallLimit-Remaining"] = rng.choice(["0", "-3", "x", "9" * 30, "500", ""])
    if rng.random() < 0.3:
        headers["Content-Type"] = rng.choice(["text/html", "application/octet-stream"])
    if rng.random() < 0.08:
        headers["Content-Encoding"] = rng.choice(["gzip", "br", "deflate"])  # body is not
    return headers


def _mutated(rng: random.Random, row: dict[str, Any]) -> dict[str, Any]:
    row = json.loads(json.dumps(row))
    for _ in range(rng.randint(1, 3)):
        key = rng.choice(list(row))
        if rng.random() < 0.2:
            del row[key]
        else:
            row[key] = rng.choice(NASTY_VALUES)
    return row


def _body(rng: random.Random, good: Callable[[], Any]) -> bytes:
    """A good answer, a mutated one, or one of the wrong shapes an answer can take."""
    pick = rng.random()
    if pick < 0.35:
        return json.dumps(good()).encode()
    if pick < 0.6:
        rows = good()
        if isinstance(rows, list) and rows:
            rows = [_mutated(rng, r) if rng.random() < 0.3 else r for r in rows]
        elif isinstance(rows, dict):
            rows = _mutated(rng, rows)
        return json.dumps(rows).encode()
    return rng.choice(
        [
            b"",
            b"{}",
            b'{"message": "Monthly call quota exceeded."}',
            b'"a string"',
            b"42",
            b"null",
            b"[[]]",
            b"[1, 2, 3]",
            b"[" * 50_000 + b"]" * 50_000,  # nested past the parser's recursion limit
            b'[{"gameId": 1, "playId": ',  # cut short
            b"\xff\xfe\x00garbage",
            b"<html>maintenance</html>",
            b"[" + b"9" * 5000 + b"]",  # a number of 5,000 digits
            json.dumps([{"gameId": 1}] * 2000).encode(),  # at the row cap, but rows are bad
        ]
    )


def _responder(rng: random.Random, standin: StandIn):
    real = standin  # its answers as the real API's, which the generator then spoils

    def answer(path: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path == "/info":
            good: Callable[[], Any] = real.info
        elif path == "/stats/game/havoc":
            good = lambda: real.havoc(params)  # noqa: E731
        else:
            good = lambda: real.play_stats(params)  # noqa: E731
        return rng.choice(STATUSES), _headers(rng), _body(rng, good)

    return answer


@pytest.fixture
def few_games(db, standin: StandIn) -> StandIn:
    with db.connect() as conn:
        conn.execute(
            "UPDATE core.games SET completed = false WHERE season = %s AND completed AND id NOT IN"
            " (SELECT id FROM core.games WHERE season = %s AND completed ORDER BY id LIMIT %s)",
            (SEASON, SEASON, GAMES),
        )
    return standin


def test_generated_api_answers_end_every_command_cleanly(
    db, few_games: StandIn, monkeypatch, capsys
) -> None:
    monkeypatch.setattr("cfbops.cfbd.client.default_policy", lambda: QUICK)
    monkeypatch.setattr("cfbops.backfill.runner.default_policy", lambda: QUICK)
    monkeypatch.setenv("CFBOPS_CFBD_URL", few_games.url)
    monkeypatch.setenv("CFBD_API_KEY", TEST_KEY)
    commands = [
        ["backfill", "play-stats", "--seasons", str(SEASON), "--concurrency", "2"],
        ["backfill", "havoc", "--seasons", str(SEASON)],
        ["budget"],
    ]
    rng = random.Random(SEED)
    for case in range(CASES):
        with db.connect() as conn:
            for statement in RESET:
                conn.execute(statement, {"season": SEASON})
        few_games.responder = _responder(random.Random(rng.random()), few_games)
        command = commands[case % len(commands)]
        argv = ["-v", "--database-url", db.url, "--headless", *command, "--json"]
        if command[0] == "backfill":
            argv += ["--max-wait", "1"]
        code = cli.main(argv)
        out, err = capsys.readouterr()
        what = f"case {case}: {' '.join(command)} -> {code}\n{err[-2000:]}"
        assert code in DOCUMENTED, what
        assert "internal error" not in err and "Traceback" not in err, what
        document = json.loads(out)
        assert isinstance(document.get("ok"), bool), what
        # Nothing half-applied: no item left running, no call left open in the ledger.
        with db.connect() as conn:
            loose = conn.execute(
                "SELECT (SELECT count(*) FROM ops.backfill_items WHERE state = 'running')"
                " + (SELECT count(*) FROM ops.cfbd_calls WHERE outcome IS NULL)"
            ).fetchone()[0]
        assert loose == 0, what
