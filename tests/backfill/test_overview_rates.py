"""A backfill job's rate as status and the console show it: a stopped job keeps the rate it
ended with (not one that decays while it sits), and shows no ETA."""

from __future__ import annotations

import pytest

from cfbops.backfill.overview import backfill_overview
from tests.conftest import DatabaseUnderTest


def _job_finished_minutes_ago(db: DatabaseUnderTest, first: int, last: int) -> None:
    """Ten items done one a minute, from `first` to `last` minutes ago; ten still pending."""
    with db.connect() as conn:
        job = conn.execute(
            "INSERT INTO ops.backfill_jobs (kind, first_season, last_season)"
            " VALUES ('play-stats', 2023, 2023) RETURNING id"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO ops.backfill_items (job_id, kind, item_key, season, state, finished_at)"
            " SELECT %s, 'play-stats', g, 2023, CASE WHEN g <= 10 THEN 'done' ELSE 'pending' END,"
            " CASE WHEN g <= 10 THEN now() - (%s - (g - 1) * %s) * interval '1 minute' END"
            " FROM generate_series(1, 20) AS g",
            (job, first, (first - last) / 9),
        )


@pytest.mark.parametrize("ended_minutes_ago", [11, 40])
def test_a_stopped_job_keeps_the_rate_it_ended_with(
    db: DatabaseUnderTest, ended_minutes_ago: int
) -> None:
    _job_finished_minutes_ago(db, ended_minutes_ago + 9, ended_minutes_ago)
    with db.connect() as conn:
        (job,) = backfill_overview(conn).jobs
    assert job.state == "pending" and job.eta_s is None
    # Ten items over nine minutes: 10/540 a second, however long ago the run stopped.
    assert job.items_per_s == pytest.approx(10 / 540, rel=0.02)
