"""How `import fast6` runs: one at a time, users once per name, a dry run that reads only
(under --read-only too) and leaves the planner nothing to trip on, statistics fresh for its
own statements, and results that do not depend on the file's row order."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fast6_app import backup_file
from waits import wait_for_event, wait_until

from cfbops.cli import main
from cfbops.config import default_sql_dir
from cfbops.migrate.apply import migrate
from cfbops.nfl.fast6.importer import Fast6ImportResult, import_fast6
from cfbops.progress import Progress
from tests.conftest import DatabaseUnderTest

NFL_TABLES = ("users", "weeks", "games", "picks", "results", "player_stats")
TEAMS = ("KC", "BUF", "LA", "SF", "DAL", "PHI")
PLAYERS = {team: [f"{team} Player {n}" for n in range(1, 5)] for team in TEAMS}


def game_id(week: int, away: str, home: str) -> str:
    return f"2025_{week:02d}_{away}_{home}"


def season_file(path, *, users: int = 12, weeks: int = 4, seed: int = 7):
    """A file as the app grows one: picks in no particular order, some without game_id,
    some duplicates, some graded; users, weeks and teams as the app spells them."""
    rng = random.Random(seed)
    pairs = [("KC", "BUF"), ("LA", "SF"), ("DAL", "PHI")]
    picks: list[dict[str, Any]] = []
    results = []
    for week in range(1, weeks + 1):
        for user in range(1, users + 1):
            for _ in range(3):
                away, home = rng.choice(pairs)
                team = rng.choice((away, home))
                pick_id = len(picks) + 1
                picks.append(
                    {
                        "id": pick_id,
                        "user_id": user,
                        "week_id": week,
                        "team": team,
                        "player_name": rng.choice(PLAYERS[team]),
                        "odds": rng.choice((450, 600, 900, None)),
                        # The old app left game_id null on some picks.
                        "game_id": None if rng.random() < 0.2 else game_id(week, away, home),
                        "created_at": f"2025-09-{week:02d} 12:{pick_id % 60:02d}:00",
                    }
                )
                if rng.random() < 0.5:
                    results.append(
                        {
                            "id": len(results) + 1,
                            "pick_id": pick_id,
                            "actual_scorer": "someone",
                            "is_correct": int(rng.random() < 0.2),
                            "any_time_td": int(rng.random() < 0.4),
                        }
                    )
    rng.shuffle(picks)
    return backup_file(
        path,
        {
            "users": [{"id": n, "name": f"user {n}"} for n in range(1, users + 1)],
            "weeks": [{"id": w, "season": 2025, "week": w} for w in range(1, weeks + 1)],
            "picks": picks,
            "results": results,
        },
    )


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return migrated_db


@pytest.fixture
def app_file(tmp_path):
    return season_file(tmp_path / "fast6.db")


def changes(result: Fast6ImportResult) -> dict[str, tuple[int, int, int, int]]:
    return {t.table: (t.inserted, t.updated, t.unchanged, t.not_taken_over) for t in result.tables}


def kinds_and_rows(result: Fast6ImportResult, *leaving_out: str) -> set[tuple[str, int]]:
    return {(f.kind, f.source_id) for f in result.findings if f.kind not in leaving_out}


def table_writes(conn: psycopg.Connection) -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted in each nfl table so far (rolled back or not)."""
    conn.execute("SELECT pg_stat_clear_snapshot()")
    rows = conn.execute(
        "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables"
        " WHERE schemaname = 'nfl' ORDER BY relname"
    ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def wait_until_imports_ended(conn: psycopg.Connection) -> None:
    """An ended import's server process has reported its table statistics."""

    def gone() -> bool:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cfbops import fast6'"
        ).fetchone()
        return row[0] == 0

    wait_until(gone, "the import's server process to end")


def test_two_imports_of_one_file_at_once_add_each_user_and_pick_once(db, db_conn, app_file):
    waiting = threading.Event()
    results: dict[str, Fast6ImportResult | BaseException] = {}

    def run(name: str, on_progress=lambda _: None) -> None:
        try:
            results[name] = import_fast6(db.settings, app_file, progress=on_progress)
        except BaseException as error:  # reported by the assertions below
            results[name] = error

    def second_progress(progress: Progress) -> None:
        if "waiting for another import" in progress.message:
            waiting.set()

    # The first import stops inside its transaction on a table lock the test holds.
    with db.connect(autocommit=False) as blocker:
        blocker.execute("LOCK TABLE nfl.users IN SHARE ROW EXCLUSIVE MODE")
        first = threading.Thread(target=run, args=("first",))
        first.start()
        wait_until(
            lambda: (
                db_conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted"
                    " AND relation = 'nfl.users'::regclass"
                ).fetchone()[0]
                >= 1
            ),
            "the first import to wait on nfl.users",
        )
        second = threading.Thread(target=run, args=("second", second_progress))
        second.start()
        wait_for_event(waiting, "the second import to wait for the first")
        blocker.rollback()
    first.join(60)
    second.join(60)

    assert isinstance(results["first"], Fast6ImportResult), results["first"]
    assert isinstance(results["second"], Fast6ImportResult), results["second"]
    assert db_conn.execute("SELECT count(*), count(DISTINCT name) FROM nfl.users").fetchone() == (
        12,
        12,
    )
    assert results["second"].changed_rows == 0
    assert db_conn.execute(
        "SELECT count(*) FROM (SELECT u.name, p.week_id, p.player_name FROM nfl.picks p"
        " JOIN nfl.users u ON u.id = p.user_id GROUP BY 1, 2, 3 HAVING count(*) > 1) d"
    ).fetchone() == (0,)


def test_users_are_one_per_name_whatever_its_case_and_spaces(db, db_conn):
    db_conn.execute("INSERT INTO nfl.users (name) VALUES ('Ann Lee')")

    with pytest.raises(psycopg.errors.UniqueViolation, match="users_name_key"):
        db_conn.execute("INSERT INTO nfl.users (name) VALUES ('  ann   LEE ')")


def test_an_import_takes_over_the_user_of_the_same_name(db, db_conn, app_file):
    db_conn.execute("INSERT INTO nfl.users (name) VALUES ('User 1')")

    result = import_fast6(db.settings, app_file)

    assert changes(result)["nfl.users"][:3] == (11, 1, 0)
    assert db_conn.execute("SELECT count(*) FROM nfl.users").fetchone() == (12,)


@pytest.fixture
def before_one_user_per_name(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    result = migrate(empty_db.settings, sql_dir=default_sql_dir(), to_version="0118")
    assert result.ok, result.failed
    return empty_db


def test_migrating_merges_same_named_users_and_their_picks(before_one_user_per_name):
    db = before_one_user_per_name
    with db.connect() as conn:
        week = conn.execute(
            "INSERT INTO nfl.weeks (season, week) VALUES (2025, 1) RETURNING id"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO nfl.games (id, season, week, home_team, away_team)"
            " VALUES ('2025_01_KC_BUF', 2025, 1, 'BUF', 'KC')"
        )
        users = [
            conn.execute("INSERT INTO nfl.users (name) VALUES (%s) RETURNING id", (n,)).fetchone()[
                0
            ]
            for n in ("ann", "Ann ", "bob")
        ]
        for user, player in [(users[0], "Kelce"), (users[1], "Kelce"), (users[1], "Rice")]:
            conn.execute(
                "INSERT INTO nfl.picks (user_id, week_id, game_id, team, player_name)"
                " VALUES (%s, %s, '2025_01_KC_BUF', 'KC', %s)",
                (user, week, player),
            )

    result = migrate(db.settings, sql_dir=default_sql_dir())

    assert result.ok, result.failed
    with db.connect() as conn:
        assert conn.execute("SELECT id, name FROM nfl.users ORDER BY id").fetchall() == [
            (users[0], "ann"),
            (users[2], "bob"),
        ]
        assert conn.execute(
            "SELECT user_id, player_name FROM nfl.picks ORDER BY player_name"
        ).fetchall() == [(users[0], "Kelce"), (users[0], "Rice")]
        assert conn.execute(
            "SELECT user_id, kept_user_id, picks_moved FROM ops.merged_duplicate_users"
        ).fetchall() == [(users[1], users[0], 2)]
        assert conn.execute("SELECT count(*) FROM ops.removed_duplicate_picks").fetchone() == (1,)


def test_the_duplicate_users_check_finds_same_named_users(db, db_conn, capsys):
    # Only with the unique key gone (a hand edit, an older copy) can they exist at all.
    db_conn.execute("DROP INDEX nfl.users_name_key")
    db_conn.execute("INSERT INTO nfl.users (name) VALUES ('ann'), ('ANN'), ('bob')")

    code = main(
        ["--headless", "--database-url", db.url, "check", "--json", "--select", "duplicate_users"]
    )

    document = json.loads(capsys.readouterr().out)
    assert code == 1
    [finding] = document["findings"]
    assert (finding["check"], finding["count"]) == ("duplicate_users", 1)
    assert finding["sample"][0]["names"] == ["ann", "ANN"]


def test_a_dry_run_writes_no_row_even_one_rolled_back(db, db_conn, app_file):
    before = table_writes(db_conn)

    dry = import_fast6(db.settings, app_file, dry_run=True)

    wait_until_imports_ended(db_conn)
    assert dry.changed_rows > 0
    assert table_writes(db_conn) == before


def test_an_import_analyzes_the_tables_it_reads_and_writes(db, db_conn, app_file):
    import_fast6(db.settings, app_file)

    wait_until_imports_ended(db_conn)
    db_conn.execute("SELECT pg_stat_clear_snapshot()")
    analyzed = db_conn.execute(
        "SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'nfl' AND analyze_count > 0"
    ).fetchall()
    assert {name for (name,) in analyzed} >= set(NFL_TABLES)


def test_a_dry_run_reports_what_the_import_then_does(db, app_file):
    dry = import_fast6(db.settings, app_file, dry_run=True)

    real = import_fast6(db.settings, app_file)

    assert changes(dry) == changes(real)
    assert sorted(dry.findings, key=repr) == sorted(real.findings, key=repr)
    assert dry.unknown_positions == real.unknown_positions


def test_a_pick_without_game_id_before_the_pick_naming_its_game_is_placed(db, db_conn, tmp_path):
    path = backup_file(
        tmp_path / "order.db",
        {
            "users": [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}],
            "weeks": [{"id": 1, "season": 2025, "week": 1}],
            "picks": [
                {"id": 1, "user_id": 1, "week_id": 1, "team": "BUF", "player_name": "Josh Allen"},
                {
                    "id": 2,
                    "user_id": 2,
                    "week_id": 1,
                    "team": "KC",
                    "player_name": "Travis Kelce",
                    "game_id": "2025_01_KC_BUF",
                },
            ],
        },
    )

    result = import_fast6(db.settings, path)

    assert result.ok
    assert db_conn.execute("SELECT player_name, game_id FROM nfl.picks ORDER BY 1").fetchall() == [
        ("Josh Allen", "2025_01_KC_BUF"),
        ("Travis Kelce", "2025_01_KC_BUF"),
    ]


def test_a_second_import_of_a_file_finds_everything_unchanged(db, app_file):
    first = import_fast6(db.settings, app_file)

    second = import_fast6(db.settings, app_file)

    assert first.changed_rows > 0 and second.changed_rows == 0
    assert changes(second) == {
        table: (0, 0, inserted + updated + unchanged, not_taken)
        for table, (inserted, updated, unchanged, not_taken) in changes(first).items()
    }
    # What was not imported, merged or mapped the first time is so again.
    assert kinds_and_rows(second, "game_parsed") == kinds_and_rows(first, "game_parsed")


@pytest.fixture
def cli_db(db: DatabaseUnderTest) -> Iterator[list[str]]:
    yield ["--headless", "--database-url", db.url, "--read-only"]


def test_a_dry_run_under_read_only_reads_and_reports(db, db_conn, app_file, cli_db, capsys):
    code = main([*cli_db, "import", "fast6", str(app_file), "--dry-run", "--json"])

    captured = capsys.readouterr()
    assert code in (0, 1) and "internal error" not in captured.err, captured.err
    document = json.loads(captured.out)
    assert document["dry_run"] is True
    assert sum(t["inserted"] for t in document["tables"]) > 0
    assert db_conn.execute("SELECT count(*) FROM nfl.users").fetchone() == (0,)
    assert db_conn.execute("SELECT count(*) FROM ops.fast6_import_findings").fetchone() == (0,)


def test_an_import_under_read_only_is_refused_up_front(db, app_file, cli_db, capsys):
    code = main([*cli_db, "import", "fast6", str(app_file)])

    captured = capsys.readouterr()
    assert code == 2
    assert "without --read-only" in captured.err.strip().splitlines()[-1]
