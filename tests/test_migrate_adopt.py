"""`migrate --adopt`: a warehouse built by other hands comes under cfbops without
duplicate objects; differences are reported, never half-applied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfbops.config import default_sql_dir
from cfbops.db.connect import connect
from cfbops.db.locks import advisory_lock
from cfbops.migrate.adopt.adoption import adopt, adoption_plan
from tests.conftest import DatabaseUnderTest, run_cli
from tests.migrate_helpers import write_migrations


@pytest.fixture
def db(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return empty_db


# What the loader built before cfbops: no history, keys under its own names.
EXISTING = """
    CREATE SCHEMA core;
    CREATE TABLE core.games (id bigint NOT NULL, season bigint, _dlt_id varchar NOT NULL,
                             attendance bigint);
    ALTER TABLE core.games ADD CONSTRAINT games_id_unique UNIQUE (id);
    ALTER TABLE core.games ADD CONSTRAINT uq_games_id UNIQUE (id);
    CREATE TABLE core.drives (id varchar NOT NULL, game_id bigint);
    CREATE TABLE core.loader_scratch (x int);
    INSERT INTO core.games VALUES (1, 2024, 'a', 100), (2, 2024, 'b', NULL);
    INSERT INTO core.drives VALUES ('d1', 1), ('d2', 2);
"""

FILES = {
    "migrations/V0001__schemas.sql": "CREATE SCHEMA core;",
    "migrations/V0002__games.sql": """
        CREATE TABLE core.games (
            id bigint NOT NULL,
            season bigint,
            _dlt_id varchar NOT NULL,
            CONSTRAINT games_pkey PRIMARY KEY (id)
        );
        CREATE INDEX games_season_idx ON core.games (season);
    """,
    "migrations/V0003__drives.sql": """
        CREATE TABLE core.drives (id varchar NOT NULL, game_id bigint);
        CREATE TABLE core.drive_notes (drive_id varchar, note text);
        ALTER TABLE core.drives ADD CONSTRAINT fk_drives_game FOREIGN KEY (game_id)
            REFERENCES core.games (id) DEFERRABLE INITIALLY DEFERRED NOT VALID;
    """,
    "migrations/V0004__validate.sql": "ALTER TABLE core.drives VALIDATE CONSTRAINT fk_drives_game;",
    "migrations/V0005__ratings.sql": "CREATE TABLE core.ratings (team text, elo bigint);",
    "repeatable/R__core_game_count.sql": """
        CREATE OR REPLACE VIEW core.game_count AS SELECT count(*) AS games FROM core.games;
    """,
}


def _build(db: DatabaseUnderTest) -> None:
    with db.connect() as conn:
        conn.execute(EXISTING)


def _history(db: DatabaseUnderTest) -> list[tuple]:
    with db.connect() as conn:
        return conn.execute(
            "SELECT version, kind, success FROM ops.schema_history ORDER BY installed_rank"
        ).fetchall()


def _actions(result) -> dict[str, str]:
    return {f.file.version: f.action.value for f in result.files}


def test_adopt_records_what_stands_and_applies_what_is_missing(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    result = adopt(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    assert _actions(result) == {
        "0001": "adopt",
        "0002": "complete",  # the table and its key stand; the index is missing
        "0003": "complete",  # drives stands; drive_notes and the deferrable key are missing
        "0004": "apply",
        "0005": "apply",
    }
    assert _history(db)[:5] == [
        ("0001", "adopted", True),
        ("0002", "adopted", True),
        ("0003", "adopted", True),
        ("0004", "versioned", True),
        ("0005", "versioned", True),
    ]
    with db.connect() as conn:
        keys = conn.execute(
            "SELECT conname, condeferrable, convalidated FROM pg_constraint "
            "WHERE conrelid IN ('core.games'::regclass, 'core.drives'::regclass) "
            "AND contype IN ('p', 'u', 'f') ORDER BY conname"
        ).fetchall()
        assert keys == [
            ("fk_drives_game", True, True),
            ("games_id_unique", False, True),
            ("uq_games_id", False, True),
        ]  # no third unique key on games(id)
        assert conn.execute("SELECT to_regclass('core.games_season_idx')").fetchone()[0]
        assert conn.execute("SELECT to_regclass('core.drive_notes')").fetchone()[0]
        assert conn.execute("SELECT games FROM core.game_count").fetchone() == (2,)


def test_each_object_is_reported_and_kept_in_ops(db: DatabaseUnderTest, tmp_path: Path) -> None:
    _build(db)
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", FILES))
    games = next(f for f in result.files if f.file.version == "0002")
    outcomes = {(o.kind, o.name): (o.outcome.value, o.detail) for o in games.objects}
    assert outcomes[("constraint", "games_pkey")] == ("equivalent", "present as games_id_unique")
    assert outcomes[("index", "games_season_idx")] == (
        "missing",
        "built CONCURRENTLY: the table stands",  # it holds the loader's rows
    )
    assert outcomes[("column", "core.games.attendance")][0] == "note"  # dlt appended it
    assert [o.name for o in result.extras] == ["core.loader_scratch"]
    with db.connect() as conn:
        stored = conn.execute(
            "SELECT outcome, detail FROM ops.adopted_objects "
            "WHERE version = '0002' AND object = 'games_pkey'"
        ).fetchall()
    assert stored == [("equivalent", "present as games_id_unique")]


def test_another_type_blocks_everything(db: DatabaseUnderTest, tmp_path: Path) -> None:
    _build(db)
    files = dict(FILES)
    files["migrations/V0003__drives.sql"] = """
        CREATE TABLE core.drives (id bigint NOT NULL, game_id bigint, plays bigint);
    """
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", files))
    assert not result.ok and not result.executed
    drives = next(f for f in result.files if f.file.version == "0003")
    assert drives.action.value == "blocked"
    details = {o.name: o.detail for o in drives.differences}
    assert details == {"core.drives.id": "is character varying; the file declares bigint"}
    assert _history(db) == []  # not even the files before it were recorded
    with db.connect() as conn:
        assert conn.execute("SELECT to_regclass('core.games_season_idx')").fetchone()[0] is None


def test_a_missing_nullable_column_is_added_like_a_missing_index(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    files = dict(FILES)
    files["migrations/V0003__drives.sql"] = FILES["migrations/V0003__drives.sql"].replace(
        "game_id bigint)", "game_id bigint, plays bigint, created_at timestamptz DEFAULT now())"
    )
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", files))
    assert result.ok, result.failed
    drives = next(f for f in result.files if f.file.version == "0003")
    outcomes = {o.name: (o.outcome.value, o.detail) for o in drives.objects if o.kind == "column"}
    assert outcomes["core.drives.plays"] == ("missing", "added: plays bigint")
    assert outcomes["core.drives.created_at"] == (
        "missing",
        "added: created_at timestamptz DEFAULT now()",
    )
    with db.connect() as conn:
        rows = conn.execute("SELECT id, plays, created_at IS NOT NULL FROM core.drives ORDER BY id")
        assert rows.fetchall() == [("d1", None, True), ("d2", None, True)]


def test_a_missing_column_that_needs_a_value_per_row_blocks_with_its_statement(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    files = dict(FILES)
    files["migrations/V0003__drives.sql"] = FILES["migrations/V0003__drives.sql"].replace(
        "game_id bigint)", "game_id bigint, plays bigint NOT NULL)"
    )
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", files))
    assert not result.ok and _history(db) == []
    (difference,) = next(f for f in result.files if f.file.version == "0003").differences
    assert "NOT NULL without a default" in difference.detail
    assert difference.fix == (
        'ALTER TABLE "core"."drives" ADD COLUMN IF NOT EXISTS plays bigint NOT NULL'
    )


def test_a_key_of_the_same_name_meaning_something_else_blocks(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    with db.connect() as conn:
        conn.execute(
            "ALTER TABLE core.drives ADD CONSTRAINT fk_drives_game FOREIGN KEY (game_id) "
            "REFERENCES core.games (id) ON DELETE CASCADE"
        )
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", FILES))
    (blocked,) = result.blocked
    (difference,) = blocked.differences
    assert difference.name == "fk_drives_game"
    assert difference.detail.startswith("exists as FOREIGN KEY core.drives(game_id)")


def test_a_key_differing_only_in_deferrability_is_altered_in_place(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    with db.connect() as conn:
        conn.execute(
            "ALTER TABLE core.drives ADD CONSTRAINT fk_drives_game FOREIGN KEY (game_id) "
            "REFERENCES core.games (id)"
        )
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", FILES))
    assert result.ok, result.failed
    drives = next(f for f in result.files if f.file.version == "0003")
    report = next(o for o in drives.objects if o.name == "fk_drives_game")
    assert report.outcome.value == "altered"
    assert report.fix == (
        'ALTER TABLE "core"."drives" ALTER CONSTRAINT "fk_drives_game" '
        "DEFERRABLE INITIALLY DEFERRED"
    )
    with db.connect() as conn:
        keys = conn.execute(
            "SELECT conname, condeferrable, condeferred FROM pg_constraint "
            "WHERE conrelid = 'core.drives'::regclass AND contype = 'f'"
        ).fetchall()
    assert keys == [("fk_drives_game", True, True)]  # altered, not added beside


def test_an_immediate_copy_of_a_deferred_key_is_reported_with_its_drop(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    with db.connect() as conn:
        conn.execute(
            "ALTER TABLE core.drives ADD CONSTRAINT fk_drives_game_id FOREIGN KEY (game_id) "
            "REFERENCES core.games (id)"
        )
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", FILES))
    assert result.ok, result.failed
    drives = next(f for f in result.files if f.file.version == "0003")
    note = next(o for o in drives.objects if o.name == "fk_drives_game_id")
    assert note.outcome.value == "note" and "immediate (NOT DEFERRABLE) copy" in note.detail
    assert note.fix == 'ALTER TABLE "core"."drives" DROP CONSTRAINT "fk_drives_game_id"'
    with db.connect() as conn:  # reported, left standing: it is not cfbops's to drop
        names = conn.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'core.drives'::regclass "
            "AND contype = 'f' ORDER BY 1"
        ).fetchall()
    assert names == [("fk_drives_game",), ("fk_drives_game_id",)]


def test_plan_adopt_shows_the_same_actions_and_changes_nothing(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    plan = adoption_plan(db.settings, sql_dir)
    assert _actions(plan)["0004"] == "apply"  # validates the key V0003 would add
    assert [f.name for f in plan.pending_repeatable] == ["core_game_count"]
    with db.connect() as conn:
        assert conn.execute("SELECT to_regclass('ops.schema_history')").fetchone()[0] is None
    assert _actions(adopt(db.settings, sql_dir=sql_dir)) == _actions(plan)


def test_cli_plan_adopt_prints_a_per_object_report(db: DatabaseUnderTest, tmp_path: Path) -> None:
    _build(db)
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    base = ("--database-url", db.url, "--headless", "migrate", "--sql-dir", str(sql_dir))
    text = run_cli(*base, "--plan", "--adopt")
    assert text.returncode == 0, text.stderr
    assert "equivalent line 1: constraint games_pkey — present as games_id_unique" in text.stdout
    assert "core.loader_scratch" in text.stdout
    document = json.loads(run_cli(*base, "--plan", "--adopt", "--json").stdout)
    assert document["ok"] and not document["executed"]
    assert [f["action"] for f in document["files"]][:2] == ["adopt", "complete"]


def test_cli_adopt_exits_1_with_the_differences(db: DatabaseUnderTest, tmp_path: Path) -> None:
    _build(db)
    files = {**FILES, "migrations/V0005__ratings.sql": "CREATE TABLE core.drives (id text);"}
    sql_dir = write_migrations(tmp_path / "sql", files)
    result = run_cli(
        "--database-url", db.url, "--headless", "migrate", "--adopt", "--sql-dir", str(sql_dir)
    )
    assert result.returncode == 1
    assert "core.drives.id — is character varying; the file declares text" in result.stdout
    assert "nothing was changed" in result.stdout


def test_adopt_again_and_plain_migrate_find_nothing_to_do(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    assert adopt(db.settings, sql_dir=sql_dir).ok
    again = adopt(db.settings, sql_dir=sql_dir)
    assert again.ok and again.files == () and again.applied == ()
    result = run_cli("--database-url", db.url, "--headless", "migrate", "--sql-dir", str(sql_dir))
    assert result.returncode == 0 and "up to date" in result.stdout


def test_adopt_on_an_empty_database_is_a_plain_migrate(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", FILES))
    assert result.ok
    assert {f.action.value for f in result.files} == {"apply"}
    assert {kind for _, kind, _ in _history(db)} == {"versioned", "repeatable"}


def test_if_not_exists_on_what_stands_runs_again_as_a_plain_file(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    files = {"migrations/V0001__schemas.sql": "CREATE SCHEMA IF NOT EXISTS core;"}
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", files))
    assert result.ok and _actions(result) == {"0001": "apply"}
    assert _history(db) == [("0001", "versioned", True)]


def test_a_history_table_from_before_the_adopted_kind_is_upgraded(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    with db.connect() as conn:
        conn.execute(
            "CREATE SCHEMA ops; CREATE TABLE ops.schema_history ("
            " installed_rank bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, version text,"
            " name text NOT NULL, kind text NOT NULL"
            " CHECK (kind IN ('versioned', 'repeatable', 'baseline')),"
            " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
            " applied_by text NOT NULL DEFAULT current_user,"
            " duration_ms bigint NOT NULL DEFAULT 0, success boolean NOT NULL)"
        )
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", FILES))
    assert result.ok, result.failed
    assert ("0001", "adopted", True) in _history(db)


def test_adopt_with_to_is_a_usage_error(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    result = run_cli(
        "--database-url",
        db.url,
        "--headless",
        "migrate",
        "--adopt",
        "--to",
        "0002",
        "--sql-dir",
        str(sql_dir),
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "--to" in result.stderr


def test_a_half_present_file_whose_rest_fails_pre_flight_applies_none_of_it(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    with db.connect() as conn:
        conn.execute("INSERT INTO core.drives VALUES ('d9', 999)")  # a drive of no game
    files = dict(FILES)
    files["migrations/V0003__drives.sql"] = FILES["migrations/V0003__drives.sql"].replace(
        " NOT VALID", ""
    )
    del files["migrations/V0004__validate.sql"]
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", files))
    assert result.failed is not None and result.failed.version == "0003"
    (check,) = result.failed.preflight
    assert (check.check, check.count) == ("orphans", 1)
    assert check.sample[0]["game_id"] == 999
    assert [row[0] for row in _history(db)] == ["0001", "0002"]  # the files before it stand
    with db.connect() as conn:  # nothing of V0003: not even its missing table
        assert conn.execute("SELECT to_regclass('core.drive_notes')").fetchone()[0] is None


CLEAN_THEN_KEY = {
    "migrations/V0006__drives_of_known_games.sql": """
        DELETE FROM core.drives WHERE game_id = 999;
        ALTER TABLE core.drives ADD CONSTRAINT fk_drives_known_game FOREIGN KEY (game_id)
            REFERENCES core.games (id);
    """,
}


@pytest.mark.parametrize("orphans", [(999,), (999, 998)])
def test_a_file_that_cleans_its_data_before_its_key_is_judged_on_the_cleaned_data(
    db: DatabaseUnderTest, tmp_path: Path, orphans: tuple[int, ...]
) -> None:
    _build(db)
    with db.connect() as conn:
        for n, game in enumerate(orphans):
            conn.execute("INSERT INTO core.drives VALUES (%s, %s)", (f"d{n + 9}", game))
    files = {k: v for k, v in FILES.items() if "V0003" not in k and "V0004" not in k}
    files["migrations/V0003__drives.sql"] = (
        "CREATE TABLE core.drives (id varchar NOT NULL, game_id bigint);"
    )
    sql_dir = write_migrations(tmp_path / "sql", {**files, **CLEAN_THEN_KEY})
    # The DELETE comes first: the count that matters is taken after it, in the plan's
    # rehearsal as in the adoption.
    assert adoption_plan(db.settings, sql_dir).ok is (orphans == (999,))
    result = adopt(db.settings, sql_dir=sql_dir)
    with db.connect() as conn:
        left = sorted(
            r[0] for r in conn.execute("SELECT game_id FROM core.drives WHERE game_id > 900")
        )
    if orphans == (999,):
        assert result.ok, result.failed
        assert left == []
    else:  # one orphan the file does not clean: refused with it, nothing of the file applied
        assert result.failed is not None and result.failed.version == "0006"
        (check,) = result.failed.preflight
        assert (check.check, check.count) == ("orphans", 1)
        assert check.sample[0]["game_id"] == 998
        assert left == [998, 999]


def test_plan_adopt_counts_the_orphans_a_later_validate_would_meet(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    with db.connect() as conn:
        conn.execute("INSERT INTO core.drives VALUES ('d9', 999)")
    plan = adoption_plan(db.settings, write_migrations(tmp_path / "sql", FILES))
    (failing,) = [p for p in plan.preflight if not p.passed]
    assert failing.file.endswith("V0004__validate.sql") and failing.count == 1
    assert not plan.ok


def test_adopt_waits_for_no_one_with_no_wait(db: DatabaseUnderTest, tmp_path: Path) -> None:
    _build(db)
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    with connect(db.settings, application_name="cfbops refresh") as holder:
        with advisory_lock(holder, wait_s=None):
            result = run_cli(
                "--database-url",
                db.url,
                "--headless",
                "migrate",
                "--adopt",
                "--no-wait",
                "--sql-dir",
                str(sql_dir),
            )
    assert result.returncode == 4
    assert "cfbops refresh" in result.stderr
    assert _history_exists(db) is False


def _history_exists(db: DatabaseUnderTest) -> bool:
    with db.connect() as conn:
        return conn.execute("SELECT to_regclass('ops.schema_history') IS NOT NULL").fetchone()[0]


def test_a_check_written_in_is_the_catalogs_any_array(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    # PostgreSQL keeps `kind IN (…)` as `kind = ANY (ARRAY[…])`, with casts to text on a
    # varchar column; the loader named its checks its own way.
    with db.connect() as conn:
        conn.execute(
            "CREATE SCHEMA core; CREATE TABLE core.games (id bigint NOT NULL,"
            " season_type varchar, status text,"
            " CONSTRAINT games_season_type_check CHECK (season_type IN ('regular', 'postseason')),"
            " CONSTRAINT games_status_check CHECK (status NOT IN ('void')))"
        )
    files = {
        "migrations/V0001__schemas.sql": "CREATE SCHEMA core;",
        "migrations/V0002__games.sql": """
            CREATE TABLE core.games (id bigint NOT NULL, season_type varchar, status text);
            ALTER TABLE core.games ADD CONSTRAINT ck_games_season_type
                CHECK (season_type IN ('regular', 'postseason'));
            ALTER TABLE core.games ADD CONSTRAINT ck_games_status CHECK (status NOT IN ('void'));
            ALTER TABLE core.games ADD CONSTRAINT ck_games_other
                CHECK (season_type IN ('regular', 'spring'));
        """,
    }
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", files))

    assert result.ok, result.failed
    games = next(f for f in result.files if f.file.version == "0002")
    outcomes = {o.name: (o.outcome.value, o.detail) for o in games.objects}
    assert outcomes["ck_games_season_type"] == ("equivalent", "present as games_season_type_check")
    assert outcomes["ck_games_status"] == ("equivalent", "present as games_status_check")
    assert outcomes["ck_games_other"][0] == "missing"  # other values: another check
    with db.connect() as conn:
        checks = conn.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'core.games'::regclass"
            " AND contype = 'c' ORDER BY 1"
        ).fetchall()
    assert checks == [("ck_games_other",), ("games_season_type_check",), ("games_status_check",)]


# A function the warehouse holds under another result type: CREATE OR REPLACE cannot change
# it, so the repeatable fails after every versioned file is adopted.
OTHER_RESULT = {
    **FILES,
    "repeatable/R__core_games_played.sql": """
        CREATE OR REPLACE FUNCTION core.games_played() RETURNS bigint
        LANGUAGE sql STABLE AS 'SELECT count(*) FROM core.games';
    """,
}


def _with_other_result(db: DatabaseUnderTest) -> None:
    _build(db)
    with db.connect() as conn:
        conn.execute(
            "CREATE FUNCTION core.games_played() RETURNS integer LANGUAGE sql STABLE "
            "AS 'SELECT count(*)::integer FROM core.games'"
        )


def test_plan_adopt_rehearses_and_names_the_first_failing_statement_and_its_fix(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _with_other_result(db)
    sql_dir = write_migrations(tmp_path / "sql", OTHER_RESULT)
    result = run_cli(
        "--database-url", db.url, "--headless", "migrate", "--plan", "--adopt",
        "--sql-dir", str(sql_dir),
    )  # fmt: skip
    assert result.returncode == 1
    assert (
        "FAILED sql/repeatable/R__core_games_played.sql:1: cannot change return type of existing "
        "function" in result.stdout
    )
    assert "fix: the function stands with another result type" in result.stdout
    assert _history_exists(db) is False  # the rehearsal rolled back, ops and all
    with db.connect() as conn:
        assert conn.execute("SELECT to_regclass('core.drive_notes')").fetchone()[0] is None


def test_a_failing_adopt_says_exactly_what_stands(db: DatabaseUnderTest, tmp_path: Path) -> None:
    _with_other_result(db)
    sql_dir = write_migrations(tmp_path / "sql", OTHER_RESULT)
    result = run_cli(
        "--database-url", db.url, "--headless", "migrate", "--adopt", "--sql-dir", str(sql_dir)
    )
    assert result.returncode == 1
    assert (
        "Stands, recorded in ops.schema_history: V0001, V0002, V0003, V0004, V0005" in result.stdout
    )
    assert [row[0] for row in _history(db)] == ["0001", "0002", "0003", "0004", "0005"]
    with db.connect() as conn:  # nothing of the repeatables: one transaction, rolled back
        assert conn.execute("SELECT to_regclass('core.game_count')").fetchone()[0] is None
    again = run_cli(
        "--database-url", db.url, "--headless", "migrate", "--adopt", "--sql-dir", str(sql_dir)
    )
    assert again.returncode == 1 and "No pending versioned file" in again.stdout


def test_a_database_cfbops_built_whose_history_was_lost_is_adopted_whole(
    migrated_db: DatabaseUnderTest,
) -> None:
    # Every file's objects stand as cfbops wrote them: CHECKs the catalog keeps as
    # `x >= a AND x <= b`, a file that drops a failed build's leftover before building it.
    with migrated_db.connect() as conn:
        conn.execute("DROP SCHEMA ops CASCADE")
    result = adopt(migrated_db.settings, sql_dir=default_sql_dir())
    assert result.ok, result.failed or [d for f in result.blocked for d in f.differences]
    assert not result.blocked
    with migrated_db.connect() as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM ops.schema_history WHERE kind = 'adopted'"
            ).fetchone()[0]
            >= 7
        )


def test_adopt_keeps_a_dependent_or_drops_it_only_when_named(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db)
    with db.connect() as conn:  # the warehouse's own view of the count, and one on it
        conn.execute(
            "CREATE VIEW core.game_count AS"
            " SELECT count(*) AS games, count(DISTINCT season) AS seasons FROM core.games;"
            " CREATE VIEW core.seasons_seen AS SELECT seasons FROM core.game_count"
        )
    files = {
        **FILES,
        "repeatable/R__core_game_count.sql": """
            DROP VIEW IF EXISTS core.game_count CASCADE;
            CREATE VIEW core.game_count AS SELECT count(*) AS games FROM core.games;
        """,
    }
    base = ("--database-url", db.url, "--headless", "migrate", "--adopt", "--sql-dir")
    sql_dir = str(write_migrations(tmp_path / "sql", files))
    refused = run_cli(*base, sql_dir)
    assert refused.returncode == 1
    assert "view core.seasons_seen (not created by any cfbops file)" in refused.stdout
    assert "it reads core.game_count.seasons, which the new definition lacks" in refused.stdout
    accepted = run_cli(*base, sql_dir, "--drop-dependent", "core.seasons_seen")
    assert accepted.returncode == 0, accepted.stdout
    assert "Dropped on request (--drop-dependent): core.seasons_seen" in accepted.stdout
    with db.connect() as conn:
        assert conn.execute("SELECT to_regclass('core.seasons_seen')").fetchone() == (None,)
