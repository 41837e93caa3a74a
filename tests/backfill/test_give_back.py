"""A stopping run gives back what its workers hold, even a claim one of them has in hand
as it stops: the worker's session is ended first, so that claim cannot commit after."""

from __future__ import annotations

import psycopg
import pytest

from cfbops.backfill.queue import Kind, give_back_sessions
from tests.conftest import DatabaseUnderTest


def test_a_claim_in_hand_as_the_run_stops_is_given_back(db: DatabaseUnderTest) -> None:
    with db.connect() as conn:
        (job,) = conn.execute(
            "INSERT INTO ops.backfill_jobs (kind, first_season, last_season)"
            " VALUES ('play-stats', 2023, 2023) RETURNING id"
        ).fetchone()
        conn.execute(
            "INSERT INTO ops.backfill_items (job_id, kind, item_key, season)"
            " VALUES (%s, 'play-stats', 401, 2023)",
            (job,),
        )
    # A worker's claim, its statement done but not yet committed, as the run stops.
    worker = db.connect(autocommit=False)
    worker_pid = worker.info.backend_pid
    worker.execute(
        "UPDATE ops.backfill_items SET state = 'running', backend_pid = pg_backend_pid()"
        " WHERE item_key = 401"
    )
    with db.connect() as control:
        give_back_sessions(control, Kind.PLAY_STATS, [worker_pid], reservation=0)
    with pytest.raises(psycopg.OperationalError):
        worker.commit()  # its session was ended: the claim never lands
    worker.close()
    with db.connect() as conn:
        states = conn.execute("SELECT state, backend_pid FROM ops.backfill_items").fetchall()
    assert states == [("pending", None)]
