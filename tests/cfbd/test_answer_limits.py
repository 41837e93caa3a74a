"""Answers are read as a stream and bounded: refused past a size, given up past a total
time however slowly the bytes come, and booked as metered only when they may have cost."""

from __future__ import annotations

import dataclasses
import time

import pytest

from cfbops.cfbd.client import CfbdClient
from cfbops.cfbd.errors import ApiUnreachable, ItemFailed
from cfbops.cfbd.ledger import LedgerRecorder, reserve
from cfbops.demo.cfbd_standin import Fault, StandIn
from tests.cfbd.conftest import FAST


def _game(db) -> int:
    with db.connect() as conn:
        return conn.execute("SELECT min(id) FROM core.games WHERE completed").fetchone()[0]


def _get(settings, conn, game_id: int, policy):
    recorder = LedgerRecorder(conn, reserve(conn, "test", 10))
    with CfbdClient(settings, policy=policy) as client:
        return client.get("/plays/stats", {"gameId": game_id}, recorder)


def _ledger(conn) -> list[tuple]:
    return conn.execute(
        "SELECT status, outcome, metered FROM ops.cfbd_calls ORDER BY id"
    ).fetchall()


def test_an_answer_past_the_size_limit_is_refused_while_streaming(
    db, cfbd_settings, standin: StandIn
) -> None:
    standin.huge_mb = 8  # chunked: no Content-Length to refuse it by
    standin.inject(Fault("huge"))
    small = dataclasses.replace(FAST, max_answer_bytes=1024 * 1024)
    with db.connect() as conn:
        with pytest.raises(ItemFailed, match="an answer over 1 MB"):
            _get(cfbd_settings, conn, _game(db), small)
        assert _ledger(conn) == [(200, "too large", True)]  # it was answered: metered


def test_a_request_is_given_up_after_its_total_time_however_the_bytes_dribble(
    db, cfbd_settings, standin: StandIn
) -> None:
    standin.dribble_s = 0.1  # each read quick, the whole answer minutes long
    standin.inject(Fault("dribble", times=10))
    brief = dataclasses.replace(FAST, request_s=1.0)
    started = time.monotonic()
    with db.connect() as conn:
        # Each may have cost a call: two in a row stop a one-worker run.
        with pytest.raises(ApiUnreachable, match="no whole answer within 1 s"):
            _get(cfbd_settings, conn, _game(db), brief)
        assert _ledger(conn) == [(200, "too slow", True)] * 2
    assert time.monotonic() - started < 10


def test_a_reset_mid_answer_is_metered_and_retried(db, cfbd_settings, standin) -> None:
    standin.inject(Fault("reset"))
    with db.connect() as conn:
        assert _get(cfbd_settings, conn, _game(db), FAST)
        (first_status, first_outcome, first_metered), ok = _ledger(conn)
    assert (first_status, first_metered) == (200, True) and first_outcome == "network"
    assert ok == (200, "ok", True)


def test_a_refused_connection_is_booked_unmetered(db, cfbd_settings) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = dataclasses.replace(cfbd_settings, cfbd_url=f"http://127.0.0.1:{port}")
    with db.connect() as conn:
        with pytest.raises(ItemFailed, match="refused"):
            _get(closed, conn, _game(db), FAST)
        assert _ledger(conn) == [(None, "network", False)] * FAST.max_attempts
        spent = conn.execute("SELECT sum(spent) FROM ops.cfbd_reservations").fetchone()[0]
    assert spent == 0  # never reached the API: nothing taken from the budget
