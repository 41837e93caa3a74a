"""--mode auto refreshes a mart CONCURRENTLY where a reader may wait on it and plainly where
only marts the same run refreshes after it read it; a plain refresh never keeps a reader
outside the run waiting longer than --lock-wait."""

from __future__ import annotations

import threading
import time

from cfbops.config import default_sql_dir
from cfbops.marts.models import AppliedMode, MartStatus, RefreshMode, RefreshRun
from cfbops.marts.runner import preview_refresh, refresh_marts
from tests.conftest import DatabaseUnderTest
from tests.marts.world import flush_statistics
from tests.waits import DEADLINE_S, wait_for_event, wait_until

READ_BY_APPS_MIGRATION = "V0310__mart_setting_read_by_apps.sql"

# A mart whose refresh holds it as long as raw.pace.held says, and a view apps read it
# through. The refresh's statement polls the flag: no lock of the test's holds it up.
PACED_SQL = """
CREATE TABLE raw.pace (held boolean NOT NULL);
INSERT INTO raw.pace VALUES (false);
CREATE FUNCTION raw.paced_value() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    WHILE (SELECT held FROM raw.pace) LOOP
        PERFORM pg_sleep(0.02);
    END LOOP;
    RETURN 1;
END $$;
CREATE MATERIALIZED VIEW marts.paced AS SELECT raw.paced_value() AS n;
CREATE UNIQUE INDEX ON marts.paced (n);
CREATE VIEW api.paced_view AS SELECT n FROM marts.paced;
"""
# Another session holds marts.paced in this lock mode (REFRESH: AccessExclusiveLock;
# REFRESH CONCURRENTLY: ExclusiveLock).
HELD_SQL = """
SELECT count(*) > 0 FROM pg_locks
WHERE relation = 'marts.paced'::regclass AND granted AND mode = %s AND pid <> pg_backend_pid()
"""


def held_in(conn, mode: str) -> bool:
    return bool(conn.execute(HELD_SQL, (mode,)).fetchone()[0])


def modes(run: RefreshRun) -> dict[str, tuple[AppliedMode | None, str]]:
    return {v.name: (v.mode, v.mode_reason) for v in run.views}


def test_a_mart_only_marts_read_is_refreshed_plainly_and_says_why(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)  # populated, so CONCURRENTLY is possible everywhere

    run = modes(refresh_marts(world.settings))

    assert run["marts.player_yards"] == (
        AppliedMode.PLAIN,
        "only marts this run refreshes after it read it (marts.player_season)",
    )
    assert run["marts.player_season"][0] is AppliedMode.PLAIN
    assert run["marts.game_summary"][0] is AppliedMode.PLAIN


def test_a_mart_a_view_outside_marts_reads_is_refreshed_concurrently(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)

    run = modes(refresh_marts(world.settings))

    assert run["marts.game_totals"] == (AppliedMode.CONCURRENT, "read by api.game_view")
    assert run["marts.play_yards"] == (AppliedMode.CONCURRENT, "read by api.game_view")


def test_a_mart_nothing_reads_is_refreshed_concurrently_unless_no_app_reads_it(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)
    with world.connect() as conn:
        conn.execute(default_sql_dir().joinpath("migrations", READ_BY_APPS_MIGRATION).read_text())
        conn.execute(
            "INSERT INTO ops.mart_setting (mart, read_by_apps)"
            " VALUES ('marts.team_names', false), ('marts.player_yards', true)"
        )

    run = modes(refresh_marts(world.settings))

    assert run["marts.season_report"] == (
        AppliedMode.CONCURRENT,
        "no view or mart reads it: apps may query it",
    )
    assert run["marts.team_names"][0] is AppliedMode.PLAIN
    assert run["marts.player_yards"] == (AppliedMode.CONCURRENT, "apps read it (ops.mart_setting)")


def test_a_mart_whose_readers_this_run_leaves_alone_is_refreshed_concurrently(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)

    run = modes(refresh_marts(world.settings, ["player_yards"]))

    assert run["marts.player_yards"] == (
        AppliedMode.CONCURRENT,
        "read by marts.player_season, which this run does not refresh",
    )


def test_the_plan_says_each_mode_and_why(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)

    plan = {m.name: (m.mode, m.mode_reason) for m in preview_refresh(world.settings).marts}

    assert plan == {name: mode for name, mode in modes(refresh_marts(world.settings)).items()}


def test_a_plain_refreshed_marts_readers_inside_the_run_see_the_new_contents(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)
    with world.connect() as conn:
        conn.execute("INSERT INTO raw.plays VALUES (5, 2023, 3, 40)")
        conn.execute("INSERT INTO raw.play_stats VALUES (5, 2023, 10, 'rush')")
        flush_statistics(conn)

    run = refresh_marts(world.settings, workers=2)

    assert modes(run)["marts.player_yards"][0] is AppliedMode.PLAIN
    assert run.ok
    with world.connect() as conn:
        seasons = conn.execute(
            "SELECT season, yards FROM marts.player_season WHERE athlete_id = 10 ORDER BY season"
        ).fetchall()
        players = conn.execute(
            "SELECT players FROM marts.season_report WHERE season = 2023"
        ).fetchone()
    assert seasons == [(2022, 5), (2023, 52)]
    assert players == (1,)


def test_an_api_views_reader_never_waits_on_a_plain_refresh_longer_than_the_lock_wait(
    world: DatabaseUnderTest,
) -> None:
    with world.connect() as conn:
        conn.execute(PACED_SQL)
    runs: list[RefreshRun] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def refresh() -> None:
        try:
            runs.append(
                refresh_marts(world.settings, ["paced"], mode=RefreshMode.PLAIN, lock_wait_s=1.0)
            )
        except BaseException as exc:  # surfaced by the assertions below
            failures.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=refresh)
    with world.connect() as control, world.connect() as reader:
        control.execute("UPDATE raw.pace SET held = true")
        thread.start()
        wait_until(lambda: held_in(control, "AccessExclusiveLock"), "the plain REFRESH")
        reader.execute("SELECT set_config('statement_timeout', %s, false)", (f"{DEADLINE_S}s",))
        started = time.monotonic()
        assert reader.execute("SELECT n FROM api.paced_view").fetchall() == [(1,)]
        waited = time.monotonic() - started
        wait_until(lambda: held_in(control, "ExclusiveLock"), "the CONCURRENTLY refresh")
        assert reader.execute("SELECT n FROM api.paced_view").fetchall() == [(1,)]
        control.execute("UPDATE raw.pace SET held = false")
        wait_for_event(done, "the refresh to end")
    thread.join()

    assert failures == []
    assert waited < 1.0 + 2.0  # the plain refresh alone would have held it until released
    (paced,) = runs[0].views
    assert paced.status is MartStatus.REFRESHED
    assert paced.mode is AppliedMode.CONCURRENT
    assert paced.mode_reason.startswith("a reader waited ")
    assert paced.mode_reason.endswith("(--lock-wait 1s): refreshed concurrently")


def test_a_plain_refresh_never_queues_behind_a_reader_holding_the_mart(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)
    with world.connect() as holder:
        with holder.transaction():
            holder.execute("SELECT count(*) FROM marts.player_yards")  # holds ACCESS SHARE
            run = refresh_marts(world.settings, ["player_yards+"], lock_wait_s=0.5)
            with world.connect() as reader:
                reader.execute("SET lock_timeout = '1s'")
                reader.execute("SELECT count(*) FROM marts.player_yards")

    assert run.ok
    assert modes(run)["marts.player_yards"] == (
        AppliedMode.CONCURRENT,
        "readers held it past --lock-wait (0.5s): refreshed concurrently",
    )
