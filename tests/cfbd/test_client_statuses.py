"""Each kind of CFBD answer, through the stand-in over loopback, booked in the ledger."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest

from cfbops.cfbd.client import CfbdClient
from cfbops.cfbd.errors import ItemFailed, KeyRejected, QuotaSpent, RateLimitBlocked
from cfbops.cfbd.ledger import LedgerRecorder, Reservation, reserve
from cfbops.config import Settings
from cfbops.demo.cfbd_standin import Fault, StandIn
from cfbops.errors import ExitCode
from tests.cfbd.conftest import FAST
from tests.conftest import DatabaseUnderTest


def _game(db: DatabaseUnderTest) -> int:
    with db.connect() as conn:
        return conn.execute("SELECT min(id) FROM core.games WHERE completed").fetchone()[0]


def _fetch(settings: Settings, conn: psycopg.Connection, game_id: int, calls: int = 10):
    reservation: Reservation = reserve(conn, "test", calls)
    recorder = LedgerRecorder(conn, reservation)
    with CfbdClient(settings, policy=FAST) as client:
        return client.get("/plays/stats", {"gameId": game_id}, recorder)


def _ledger(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT status, outcome, metered FROM ops.cfbd_calls ORDER BY id"
    ).fetchall()


def test_a_good_answer_is_metered_once(db, cfbd_settings, standin: StandIn) -> None:
    with db.connect() as conn:
        rows = _fetch(cfbd_settings, conn, _game(db))
        assert rows and all("playId" in r for r in rows)
        assert _ledger(conn) == [(200, "ok", True)]
        spent = conn.execute("SELECT sum(spent) FROM ops.cfbd_reservations").fetchone()[0]
    assert spent == 1 == standin.used


def test_a_wrong_key_stops_with_one_line_and_no_key_in_it(db, cfbd_settings) -> None:
    wrong = dataclasses.replace(cfbd_settings, cfbd_api_key="wrong-secret-key")
    with db.connect() as conn, pytest.raises(KeyRejected) as caught:
        _fetch(wrong, conn, _game(db))
    assert caught.value.exit_code == ExitCode.USAGE
    assert "wrong-secret-key" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_spent_quota_stops_the_run_with_exit_5(db, cfbd_settings, standin: StandIn) -> None:
    standin.used = standin.limit
    with db.connect() as conn:
        with pytest.raises(QuotaSpent) as caught:
            _fetch(cfbd_settings, conn, _game(db))
        assert _ledger(conn) == [(429, "http 429", False)]
    assert caught.value.exit_code == ExitCode.BUDGET
    assert str(caught.value).startswith("the CFBD monthly quota is spent; it resets ")


@pytest.mark.parametrize("retry_after", ["1", None])
def test_a_burst_429_is_waited_out_and_refunded(
    db, cfbd_settings, standin: StandIn, retry_after: str | None
) -> None:
    game = _game(db)
    standin.inject(Fault("burst429", times=2, retry_after=retry_after))
    with db.connect() as conn:
        assert _fetch(cfbd_settings, conn, game)
        assert _ledger(conn) == [(429, "http 429", False)] * 2 + [(200, "ok", True)]
        spent = conn.execute("SELECT sum(spent) FROM ops.cfbd_reservations").fetchone()[0]
    assert spent == 1 == standin.used


def test_429s_past_the_runs_longest_pause_stop_it_with_exit_5(db, cfbd_settings, standin) -> None:
    standin.inject(Fault("burst429", times=1000))
    with db.connect() as conn, pytest.raises(RateLimitBlocked) as caught:
        _fetch(cfbd_settings, conn, _game(db))
    assert caught.value.exit_code == ExitCode.BUDGET
    assert "not the quota" in str(caught.value) and "try again after" in str(caught.value)


@pytest.mark.parametrize("kind", ["503", "500"])
def test_a_server_error_is_retried_and_refunded(db, cfbd_settings, standin, kind) -> None:
    standin.inject(Fault(kind, times=FAST.max_attempts - 1))
    with db.connect() as conn:
        assert _fetch(cfbd_settings, conn, _game(db))
        status = int(kind)
        expected = [(status, f"http {status}", False)] * (FAST.max_attempts - 1)
        assert _ledger(conn) == [*expected, (200, "ok", True)]


def test_a_server_error_on_every_attempt_fails_the_item(db, cfbd_settings, standin) -> None:
    standin.inject(Fault("503", times=FAST.max_attempts))
    with db.connect() as conn, pytest.raises(ItemFailed, match="503"):
        _fetch(cfbd_settings, conn, _game(db))


def test_a_timeout_is_retried_and_counted_as_spent(db, cfbd_settings, standin) -> None:
    standin.inject(Fault("timeout", times=1))
    with db.connect() as conn:
        assert _fetch(cfbd_settings, conn, _game(db))
        assert _ledger(conn) == [(None, "timeout", True), (200, "ok", True)]
        spent = conn.execute("SELECT sum(spent) FROM ops.cfbd_reservations").fetchone()[0]
    assert spent == 2


def test_a_400_fails_the_item_without_retrying(db, cfbd_settings, standin) -> None:
    standin.inject(Fault("400"))
    with db.connect() as conn:
        with pytest.raises(ItemFailed, match=r"400.*invalid gameId"):
            _fetch(cfbd_settings, conn, _game(db))
        assert _ledger(conn) == [(400, "http 400", False)]


def test_a_malformed_body_fails_the_item_and_is_metered(db, cfbd_settings, standin) -> None:
    standin.inject(Fault("malformed"))
    with db.connect() as conn:
        with pytest.raises(ItemFailed, match="malformed"):
            _fetch(cfbd_settings, conn, _game(db))
        assert _ledger(conn) == [(200, "malformed", True)]
