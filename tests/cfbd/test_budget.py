"""The budget meter and its reservations: what `budget` says, and that grants never
overrun the month."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cfbops.cfbd.ledger import month_figures, release, reserve
from cfbops.cfbd.months import month_of
from cfbops.errors import BudgetExhausted
from tests.cfbd.conftest import TEST_KEY, cfbd_env
from tests.conftest import cli_env, run_cli


def _next_month_start() -> str:
    now = datetime.now(UTC)
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return datetime(year, month, 1, tzinfo=UTC).isoformat()


def test_budget_shows_the_apis_figures_and_never_the_key(db, standin) -> None:
    standin.limit, standin.used = 1000, 120
    result = run_cli("--headless", "budget", "--json", env=cfbd_env(db, standin))
    assert result.returncode == 0, result.stderr
    meter = json.loads(result.stdout)
    assert (meter["limit"], meter["used"], meter["remaining"]) == (1000, 120, 880)
    assert meter["source"] == "api"
    assert meter["resets_at"] == _next_month_start()
    assert meter["burn_per_day"] > 0
    assert TEST_KEY not in result.stdout + result.stderr


def test_budget_without_a_key_shows_the_ledger_and_says_so(db) -> None:
    result = run_cli("--headless", "budget", "--json", env=cli_env(DATABASE_URL=db.url))
    assert result.returncode == 0, result.stderr
    meter = json.loads(result.stdout)
    assert meter["source"] == "ledger" and meter["used"] == 0 and meter["limit"] == 75_000
    assert "CFBD_API_KEY" in meter["note"]


def test_budget_text_names_reset_and_source(db, standin) -> None:
    result = run_cli("--headless", "budget", env=cfbd_env(db, standin))
    assert result.returncode == 0, result.stderr
    assert "resets" in result.stdout and "source       api" in result.stdout


def test_budget_with_a_wrong_key_is_one_line_exit_2(db, standin) -> None:
    env = cfbd_env(db, standin)
    env["CFBD_API_KEY"] = "a-wrong-secret"
    result = run_cli("--headless", "budget", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "a-wrong-secret" not in result.stderr


def test_grants_never_exceed_the_month(db) -> None:
    with db.connect() as conn, db.connect() as other:
        conn.execute(
            "INSERT INTO ops.cfbd_months (month, monthly_limit) VALUES (%s, 100)",
            (month_of(datetime.now(UTC)),),
        )
        first = reserve(conn, "first", 70)
        second = reserve(other, "second", 70)
        assert (first.granted, second.granted) == (70, 30)
        with pytest.raises(BudgetExhausted, match="resets at"):
            reserve(other, "third", 1)


def test_an_unused_reservation_is_released(db) -> None:
    with db.connect() as conn:
        conn.execute(
            "INSERT INTO ops.cfbd_months (month, monthly_limit) VALUES (%s, 10)",
            (month_of(datetime.now(UTC)),),
        )
        block = reserve(conn, "run", 10)
        conn.execute("UPDATE ops.cfbd_reservations SET spent = 3 WHERE id = %s", (block.id,))
        release(conn, block)
        figures = month_figures(conn, block.month)
    assert (figures.ledger_used, figures.held, figures.available) == (3, 0, 7)


def test_a_dead_sessions_reservation_is_released_but_its_spent_calls_stay(db) -> None:
    month = month_of(datetime.now(UTC))
    with db.connect() as conn:
        conn.execute("INSERT INTO ops.cfbd_months (month, monthly_limit) VALUES (%s, 10)", (month,))
    doomed = db.connect()
    block = reserve(doomed, "killed run", 10)
    doomed.execute("UPDATE ops.cfbd_reservations SET spent = 2 WHERE id = %s", (block.id,))
    doomed.close()  # the session ends without releasing, as under kill -9
    with db.connect() as conn:
        granted = reserve(conn, "next run", 10)
        assert granted.granted == 8
        assert month_figures(conn, month).ledger_used == 2


def test_budget_under_read_only_asks_the_api_and_writes_nothing(db, standin) -> None:
    standin.limit, standin.used = 1000, 120
    result = run_cli("--read-only", "--headless", "budget", "--json", env=cfbd_env(db, standin))
    assert result.returncode == 0, result.stderr
    meter = json.loads(result.stdout)
    assert (meter["used"], meter["remaining"], meter["source"]) == (120, 880, "api")
    assert "--read-only" in meter["note"]
    with db.connect() as conn:
        written = conn.execute(
            "SELECT (SELECT count(*) FROM ops.cfbd_calls) + (SELECT count(*) FROM ops.cfbd_months)"
        ).fetchone()[0]
    assert written == 0


def test_an_admin_keys_info_without_remaining_calls_still_gives_the_figure(db, standin) -> None:
    standin.limit, standin.used, standin.admin_key = 1000, 300, True
    result = run_cli("--headless", "budget", "--json", env=cfbd_env(db, standin))
    assert result.returncode == 0, result.stderr
    meter = json.loads(result.stdout)
    assert (meter["used"], meter["remaining"], meter["source"]) == (300, 700, "api")
