"""Lock classification of migration statements: level, tables, duration, who waits."""

from __future__ import annotations

import pytest

from cfbops.migrate.lock_levels import Duration, LockImpact, lock_for
from cfbops.migrate.statements import split_statements

AE, SRE, SUE = "ACCESS EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE"
BRIEF, SCAN, REWRITE = Duration.BRIEF, Duration.SCAN, Duration.REWRITE

# (id, statement, level, duration, tables)
CASES: list[tuple[str, str, str, Duration, tuple[str, ...]]] = [
    ("fk-not-valid",
     "ALTER TABLE core.games ADD CONSTRAINT games_home_fk FOREIGN KEY (home_id) "
     "REFERENCES ref.teams (id) NOT VALID", SRE, BRIEF, ("core.games", "ref.teams")),
    ("fk-validate",
     "ALTER TABLE core.games VALIDATE CONSTRAINT games_home_fk", SUE, SCAN, ("core.games",)),
    ("fk-plain",
     "ALTER TABLE core.games ADD FOREIGN KEY (home_id) REFERENCES ref.teams (id)",
     SRE, SCAN, ("core.games", "ref.teams")),
    ("check-plain", "ALTER TABLE core.games ADD CHECK (season > 1868)", AE, SCAN, ("core.games",)),
    ("check-not-valid",
     "ALTER TABLE core.games ADD CHECK (season > 1868) NOT VALID", AE, BRIEF, ("core.games",)),
    ("create-index", "CREATE INDEX ON core.plays (game_id)", "SHARE", SCAN, ("core.plays",)),
    ("create-index-concurrently",
     "CREATE INDEX CONCURRENTLY ON core.plays (game_id)", SUE, SCAN, ("core.plays",)),
    ("add-column", "ALTER TABLE core.games ADD COLUMN notes text", AE, BRIEF, ("core.games",)),
    ("add-column-constant-default",
     "ALTER TABLE core.games ADD COLUMN neutral boolean NOT NULL DEFAULT false",
     AE, BRIEF, ("core.games",)),
    ("add-column-volatile-default",
     "ALTER TABLE core.games ADD COLUMN uid uuid DEFAULT gen_random_uuid()",
     AE, REWRITE, ("core.games",)),
    ("alter-column-type",
     "ALTER TABLE core.games ALTER COLUMN attendance TYPE bigint", AE, REWRITE, ("core.games",)),
    ("set-not-null",
     "ALTER TABLE core.games ALTER COLUMN season SET NOT NULL", AE, SCAN, ("core.games",)),
    ("add-unique",
     "ALTER TABLE ref.teams ADD CONSTRAINT teams_school_key UNIQUE (school)",
     AE, SCAN, ("ref.teams",)),
    ("add-unique-using-index",
     "ALTER TABLE ref.teams ADD CONSTRAINT teams_school_key UNIQUE USING INDEX teams_school_key",
     AE, BRIEF, ("ref.teams",)),
    ("create-table", "CREATE TABLE ops.notes (id int)", "none", BRIEF, ("ops.notes",)),
    ("create-table-with-fk",
     "CREATE TABLE nfl.picks (id int, player_id int REFERENCES nfl.players (id))",
     SRE, BRIEF, ("nfl.picks", "nfl.players")),
    ("create-view", "CREATE VIEW api.teams AS SELECT 1", "ACCESS SHARE", BRIEF, ("api.teams",)),
    ("create-or-replace-view",
     "CREATE OR REPLACE VIEW api.teams AS SELECT 1", AE, BRIEF, ("api.teams",)),
    ("create-matview",
     "CREATE MATERIALIZED VIEW marts.m AS SELECT 1", "ACCESS SHARE", SCAN, ("marts.m",)),
    ("create-function",
     "CREATE FUNCTION ops.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "none", BRIEF, ()),
    ("create-trigger",
     "CREATE TRIGGER picks_count AFTER INSERT ON nfl.picks FOR EACH ROW "
     "EXECUTE FUNCTION nfl.bump()", SRE, BRIEF, ("nfl.picks",)),
    ("drop-table", "DROP TABLE ops.notes", AE, BRIEF, ("ops.notes",)),
    ("drop-index", "DROP INDEX core.plays_game_idx", AE, BRIEF, ("core.plays_game_idx",)),
    ("drop-index-concurrently",
     "DROP INDEX CONCURRENTLY core.plays_game_idx", SUE, BRIEF, ("core.plays_game_idx",)),
    ("drop-column", "ALTER TABLE core.games DROP COLUMN notes", AE, BRIEF, ("core.games",)),
    ("rename-table", "ALTER TABLE ref.teams RENAME TO schools", AE, BRIEF, ("ref.teams",)),
    ("rename-column",
     "ALTER TABLE ref.teams RENAME COLUMN school TO name", AE, BRIEF, ("ref.teams",)),
    ("refresh", "REFRESH MATERIALIZED VIEW marts.m", AE, REWRITE, ("marts.m",)),
    ("refresh-concurrently",
     "REFRESH MATERIALIZED VIEW CONCURRENTLY marts.m", "EXCLUSIVE", SCAN, ("marts.m",)),
    ("truncate", "TRUNCATE ops.a, ops.b", AE, BRIEF, ("ops.a", "ops.b")),
    ("insert-values", "INSERT INTO ops.a VALUES (1)", "ROW EXCLUSIVE", BRIEF, ("ops.a",)),
    ("update", "UPDATE ops.a SET x = 1", "ROW EXCLUSIVE", SCAN, ("ops.a",)),
    ("delete", "DELETE FROM ops.a WHERE x = 1", "ROW EXCLUSIVE", SCAN, ("ops.a",)),
    ("vacuum-full", "VACUUM FULL core.plays", AE, REWRITE, ("core.plays",)),
    ("reindex-concurrently",
     "REINDEX TABLE CONCURRENTLY core.plays", SUE, SCAN, ("core.plays",)),
    ("unqualified-table-as-written", "TRUNCATE teams", AE, BRIEF, ("teams",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sql", "level", "duration", "tables"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_lock_level_duration_and_tables(
    sql: str, level: str, duration: Duration, tables: tuple[str, ...]
) -> None:
    impact = lock_for(split_statements(sql, "f.sql")[0])
    assert (impact.level, impact.duration, impact.tables) == (level, duration, tables)


def _lock(sql: str) -> LockImpact:
    return lock_for(split_statements(sql, "f.sql")[0])


@pytest.mark.parametrize(
    ("level", "blocks"),
    [
        ("ACCESS EXCLUSIVE", "reads and writes"),
        ("SHARE ROW EXCLUSIVE", "writes"),
        ("SHARE", "writes"),
        ("SHARE UPDATE EXCLUSIVE", "other DDL only"),
        ("ROW EXCLUSIVE", "other DDL only"),
        ("none", "nothing"),
    ],
)
def test_blocks_follows_the_level(level: str, blocks: str) -> None:
    samples = {c[2]: c[1] for c in CASES}
    assert _lock(samples[level]).blocks == blocks


def test_validate_constraint_says_writers_go_on() -> None:
    impact = _lock("ALTER TABLE core.games VALIDATE CONSTRAINT games_home_fk")
    assert "writers go on" in impact.note


def test_several_subcommands_take_the_strongest_lock_for_the_longest_time() -> None:
    impact = _lock(
        "ALTER TABLE core.games ADD CONSTRAINT f FOREIGN KEY (home_id) REFERENCES ref.teams (id) "
        "NOT VALID, ALTER COLUMN attendance TYPE bigint"
    )
    assert (impact.level, impact.duration) == ("ACCESS EXCLUSIVE", Duration.REWRITE)
    assert impact.tables == ("core.games", "ref.teams")


def test_do_block_depends_on_its_body() -> None:
    impact = _lock("DO $$ BEGIN PERFORM 1; END $$")
    assert (impact.level, impact.duration, impact.blocks) == (
        "unknown",
        Duration.UNKNOWN,
        "depends on its body",
    )


def test_lock_table_takes_the_mode_it_names() -> None:
    assert _lock("LOCK TABLE ops.a IN SHARE ROW EXCLUSIVE MODE").level == "SHARE ROW EXCLUSIVE"


def test_create_partition_locks_the_parent() -> None:
    impact = _lock("CREATE TABLE core.plays_2024 PARTITION OF core.plays FOR VALUES IN (2024)")
    assert impact.level == "ACCESS EXCLUSIVE"
    assert impact.tables[0] == "core.plays"


def test_unclassified_statement_is_reported_as_unknown_not_guessed() -> None:
    impact = _lock("CREATE PUBLICATION p FOR ALL TABLES")
    assert (impact.level, impact.duration) == ("unknown", Duration.UNKNOWN)
