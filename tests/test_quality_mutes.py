"""Muting a finding and lifting the mute on their own (the console's finding screen): the
mute row is written, and the finding reads muted (then not) at once, before the next run."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cfbops.errors import UsageError
from cfbops.quality.findings import finding_detail
from cfbops.quality.mutes import mute_check, unmute_check
from cfbops.quality.session import check_database
from cfbops.quality.standing import standing_findings
from tests.conftest import DatabaseUnderTest

CHECK = "completed_games_null_scores"  # the demo data holds this known defect


def _standing_muted(db: DatabaseUnderTest) -> bool:
    with db.connect() as conn:
        return next(f.muted for f in standing_findings(conn) if f.check == CHECK)


def test_a_mute_is_stored_and_the_finding_reads_muted_at_once(db: DatabaseUnderTest) -> None:
    check_database(db.settings, [CHECK])
    until = date.today() + timedelta(days=7)
    mute_check(db.settings, CHECK, until, "known: upstream fixes the scores")
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT check_name, until, reason FROM ops.check_mute ORDER BY mute_id"
        ).fetchall()
    assert rows == [(CHECK, until, "known: upstream fixes the scores")]
    detail = finding_detail(db.settings, CHECK)
    assert detail.muted and detail.mute is not None and detail.mute.until == until
    assert _standing_muted(db)


def test_unmuting_lifts_the_mute_and_keeps_both_rows(db: DatabaseUnderTest) -> None:
    check_database(db.settings, [CHECK])
    mute_check(db.settings, CHECK, date.today(), "today only")
    lifted = unmute_check(db.settings, CHECK)
    assert lifted is not None and lifted.reason == "today only"
    assert not finding_detail(db.settings, CHECK).muted
    assert not _standing_muted(db)
    assert unmute_check(db.settings, CHECK) is None  # nothing left to lift
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.check_mute").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("check", "until", "reason", "said"),
    [
        ("no_such_check", date.today(), "why", "no check named"),
        (CHECK, date.today(), "  ", "the reason is empty"),
        (CHECK, date.today() - timedelta(days=1), "why", "is in the past"),
    ],
)
def test_a_bad_mute_is_one_line_and_stores_nothing(
    db: DatabaseUnderTest, check: str, until: date, reason: str, said: str
) -> None:
    with pytest.raises(UsageError, match=said):
        mute_check(db.settings, check, until, reason)
