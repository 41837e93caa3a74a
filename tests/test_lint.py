"""The migration linter, the statement splitter and its directives, read as a specification."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pglast import ast, parse_sql

from cfbops.errors import ExitCode, UsageError
from cfbops.migrate.lint.linter import RULES, RuleSeverity, lint_paths, lint_sql
from cfbops.migrate.statements import (
    SqlSyntaxError,
    file_directives,
    needs_autocommit,
    split_statements,
)

NO_TXN = "-- cfbops: no-transaction\n"

# (id, snippet, rules it must report). Unsafe snippets sit next to their safe twin.
CORPUS: list[tuple[str, str, set[str]]] = [
    ("fk-validated-at-once",
     "ALTER TABLE core.games ADD CONSTRAINT games_home_fk FOREIGN KEY (home_id) "
     "REFERENCES ref.teams (id);",
     {"adding-foreign-key-constraint"}),
    ("fk-not-valid",
     "ALTER TABLE core.games ADD CONSTRAINT games_home_fk FOREIGN KEY (home_id) "
     "REFERENCES ref.teams (id) NOT VALID;",
     set()),
    ("fk-not-valid-then-validate-in-one-transaction",
     "ALTER TABLE core.games ADD CONSTRAINT games_home_fk FOREIGN KEY (home_id) "
     "REFERENCES ref.teams (id) NOT VALID;\n"
     "ALTER TABLE core.games VALIDATE CONSTRAINT games_home_fk;",
     {"constraint-missing-not-valid"}),
    ("fk-not-valid-then-validate-without-transaction",
     NO_TXN + "ALTER TABLE core.games DROP CONSTRAINT IF EXISTS games_home_fk;\n"
     "ALTER TABLE core.games ADD CONSTRAINT games_home_fk FOREIGN KEY (home_id) "
     "REFERENCES ref.teams (id) NOT VALID;\n"
     "ALTER TABLE core.games VALIDATE CONSTRAINT games_home_fk;",
     set()),
    ("validate-alone",
     "ALTER TABLE core.games VALIDATE CONSTRAINT games_home_fk;",
     set()),
    ("fk-column-references",
     "ALTER TABLE core.drives ADD COLUMN offense_id int REFERENCES ref.teams (id);",
     {"adding-foreign-key-constraint"}),
    ("fk-column-then-not-valid",
     "ALTER TABLE core.drives ADD COLUMN offense_id int;\n"
     "ALTER TABLE core.drives ADD CONSTRAINT drives_offense_fk FOREIGN KEY (offense_id) "
     "REFERENCES ref.teams (id) NOT VALID;",
     set()),
    ("check-validated-at-once",
     "ALTER TABLE stats.player_game ADD CONSTRAINT yards_sane CHECK (yards BETWEEN -99 AND 109);",
     {"constraint-missing-not-valid"}),
    ("check-not-valid",
     "ALTER TABLE stats.player_game ADD CONSTRAINT yards_sane "
     "CHECK (yards BETWEEN -99 AND 109) NOT VALID;",
     set()),
    ("check-not-valid-then-validate-in-one-transaction",
     "ALTER TABLE stats.player_game ADD CONSTRAINT yards_sane CHECK (yards > -100) NOT VALID;\n"
     "ALTER TABLE stats.player_game VALIDATE CONSTRAINT yards_sane;",
     {"constraint-missing-not-valid"}),
    ("index-blocking",
     "CREATE INDEX plays_game_idx ON core.plays (game_id);",
     {"require-concurrent-index-creation"}),
    ("index-concurrent",
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS plays_game_idx ON core.plays (game_id);",
     set()),
    ("unique-index-blocking",
     "CREATE UNIQUE INDEX teams_school_idx ON ref.teams (school);",
     {"require-concurrent-index-creation"}),
    ("index-concurrent-not-retry-safe",
     "CREATE INDEX CONCURRENTLY plays_game_idx ON core.plays (game_id);",
     {"prefer-robust-stmts"}),
    ("drop-index-blocking",
     "DROP INDEX core.plays_game_idx;",
     {"require-concurrent-index-deletion"}),
    ("drop-index-concurrent",
     "DROP INDEX CONCURRENTLY IF EXISTS core.plays_game_idx;",
     set()),
    ("column-volatile-default",
     "ALTER TABLE core.games ADD COLUMN loaded_at timestamptz DEFAULT clock_timestamp();",
     {"adding-field-with-default"}),
    ("column-stable-default",
     "ALTER TABLE core.games ADD COLUMN loaded_at timestamptz NOT NULL DEFAULT now();",
     set()),
    ("column-uuid-default",
     "ALTER TABLE nfl.picks ADD COLUMN pick_uuid uuid DEFAULT gen_random_uuid();",
     {"adding-field-with-default"}),
    ("column-constant-default",
     "ALTER TABLE core.games ADD COLUMN neutral_site boolean NOT NULL DEFAULT false;",
     set()),
    ("column-serial",
     "ALTER TABLE recruiting.recruits ADD COLUMN seq bigserial;",
     {"adding-field-with-default"}),
    ("column-identity",
     "ALTER TABLE recruiting.recruits ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;",
     {"adding-field-with-default"}),
    ("column-stored-generated",
     "ALTER TABLE core.games ADD COLUMN margin int GENERATED ALWAYS AS "
     "(home_points - away_points) STORED;",
     {"adding-field-with-default"}),
    ("column-plain",
     "ALTER TABLE recruiting.recruits ADD COLUMN seq bigint;",
     set()),
    ("column-unknown-function-default",
     "ALTER TABLE core.games ADD COLUMN season_label text DEFAULT ops.current_label();",
     {"adding-field-with-default"}),
    ("column-unknown-function-default-suppressed",
     "-- cfbops: allow adding-field-with-default because ops.current_label() is STABLE\n"
     "ALTER TABLE core.games ADD COLUMN season_label text DEFAULT ops.current_label();",
     set()),
    ("column-not-null-without-default",
     "ALTER TABLE core.games ADD COLUMN week int NOT NULL;",
     {"adding-not-nullable-field"}),
    ("column-not-null-with-default",
     "ALTER TABLE core.games ADD COLUMN week int NOT NULL DEFAULT 0;",
     set()),
    ("set-not-null",
     "ALTER TABLE core.games ALTER COLUMN season SET NOT NULL;",
     {"adding-not-nullable-field"}),
    ("set-not-null-behind-validated-check",
     NO_TXN + "ALTER TABLE core.games DROP CONSTRAINT IF EXISTS games_season_nn;\n"
     "ALTER TABLE core.games ADD CONSTRAINT games_season_nn CHECK (season IS NOT NULL) "
     "NOT VALID;\n"
     "ALTER TABLE core.games VALIDATE CONSTRAINT games_season_nn;\n"
     "ALTER TABLE core.games ALTER COLUMN season SET NOT NULL;\n"
     "ALTER TABLE core.games DROP CONSTRAINT IF EXISTS games_season_nn;",
     set()),
    ("change-column-type",
     "ALTER TABLE core.games ALTER COLUMN attendance TYPE bigint;",
     {"changing-column-type"}),
    ("new-column-instead-of-type-change",
     "ALTER TABLE core.games ADD COLUMN attendance_big bigint;",
     set()),
    ("type-change-among-other-subcommands",
     "ALTER TABLE core.games ADD COLUMN notes text, ALTER COLUMN attendance TYPE bigint;",
     {"changing-column-type"}),
    ("drop-column",
     "ALTER TABLE core.games DROP COLUMN legacy_id;",
     {"ban-drop-column"}),
    ("drop-column-acknowledged",
     "-- cfbops: allow ban-drop-column because no reader is left since release 2.3\n"
     "ALTER TABLE core.games DROP COLUMN legacy_id;",
     set()),
    ("rename-column",
     "ALTER TABLE ref.teams RENAME COLUMN school TO school_name;",
     {"renaming-column"}),
    ("rename-column-of-new-table",
     "CREATE TABLE ref.venues (id int, nm text);\n"
     "ALTER TABLE ref.venues RENAME COLUMN nm TO name;",
     set()),
    ("rename-table",
     "ALTER TABLE ref.teams RENAME TO schools;",
     {"renaming-table"}),
    ("rename-new-table",
     "CREATE TABLE ref.venue_tmp (id int);\nALTER TABLE ref.venue_tmp RENAME TO venues;\n"
     "CREATE INDEX venues_id_idx ON ref.venues (id);",
     set()),
    ("unique-constraint",
     "ALTER TABLE ref.teams ADD CONSTRAINT teams_school_key UNIQUE (school);",
     {"disallowed-unique-constraint"}),
    ("unique-constraint-using-index",
     "ALTER TABLE ref.teams ADD CONSTRAINT teams_school_key UNIQUE USING INDEX teams_school_key;",
     set()),
    ("primary-key",
     "ALTER TABLE betting.lines ADD PRIMARY KEY (id);",
     {"disallowed-unique-constraint"}),
    ("primary-key-using-index",
     "ALTER TABLE betting.lines ADD CONSTRAINT lines_pkey PRIMARY KEY USING INDEX lines_pkey;",
     set()),
    ("column-unique",
     "ALTER TABLE ref.teams ADD COLUMN slug text UNIQUE;",
     {"disallowed-unique-constraint"}),
    ("no-transaction-create-not-retry-safe",
     NO_TXN + "CREATE TABLE ops.notes (id int);",
     {"prefer-robust-stmts"}),
    ("no-transaction-create-if-not-exists",
     NO_TXN + "CREATE TABLE IF NOT EXISTS ops.notes (id int);",
     set()),
    ("no-transaction-drop-not-retry-safe",
     NO_TXN + "DROP TABLE ops.notes;",
     {"prefer-robust-stmts"}),
    ("no-transaction-drop-if-exists",
     NO_TXN + "DROP TABLE IF EXISTS ops.notes;",
     set()),
    ("no-transaction-view",
     NO_TXN + "CREATE VIEW api.team_list AS SELECT id, school FROM ref.teams;",
     {"prefer-robust-stmts"}),
    ("no-transaction-or-replace-view",
     NO_TXN + "CREATE OR REPLACE VIEW api.team_list AS SELECT id, school FROM ref.teams;",
     set()),
    ("enum-add-value",
     "ALTER TYPE nfl.pick_state ADD VALUE 'void';",
     {"prefer-robust-stmts"}),
    ("enum-add-value-if-not-exists",
     "ALTER TYPE nfl.pick_state ADD VALUE IF NOT EXISTS 'void';",
     set()),
    ("concurrent-index-in-transactional-file",
     "ALTER TABLE core.games ADD COLUMN venue_id int;\n"
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS games_venue_idx ON core.games (venue_id);",
     {"ban-concurrent-index-creation-in-transaction"}),
    ("concurrent-index-in-no-transaction-file",
     NO_TXN + "ALTER TABLE core.games ADD COLUMN IF NOT EXISTS venue_id int;\n"
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS games_venue_idx ON core.games (venue_id);",
     set()),
    ("explicit-transaction",
     "BEGIN;\nALTER TABLE core.games ADD COLUMN venue_id int;\nCOMMIT;",
     {"transaction-nesting"}),
    ("no-explicit-transaction",
     "ALTER TABLE core.games ADD COLUMN venue_id int;",
     set()),
    ("session-wide-set",
     "SET search_path = nfl;\nCREATE TABLE first_td_notes (id int);",
     {"prefer-set-local"}),
    ("set-local",
     "SET LOCAL search_path = nfl;\nCREATE TABLE first_td_notes (id int);",
     set()),
    ("new-table-indexed-and-keyed",
     "CREATE TABLE nfl.first_td (game_id int NOT NULL, player_id int NOT NULL, week int);\n"
     "CREATE INDEX first_td_player_idx ON nfl.first_td (player_id);\n"
     "ALTER TABLE nfl.first_td ADD FOREIGN KEY (player_id) REFERENCES nfl.players (id);\n"
     "ALTER TABLE nfl.first_td ADD CONSTRAINT first_td_game_key UNIQUE (game_id);\n"
     "ALTER TABLE nfl.first_td ALTER COLUMN week SET NOT NULL;\n"
     "ALTER TABLE nfl.first_td ALTER COLUMN week TYPE smallint;\n"
     "ALTER TABLE nfl.first_td ADD COLUMN graded_at timestamptz DEFAULT clock_timestamp();\n"
     "DROP INDEX nfl.first_td_player_idx;",
     set()),
    ("new-matview-indexed",
     "CREATE MATERIALIZED VIEW marts.team_season AS SELECT 1 AS team_id;\n"
     "CREATE UNIQUE INDEX team_season_key ON marts.team_season (team_id);",
     set()),
    ("unqualified-new-table-is-public",
     "CREATE TABLE teams_stage (id int);\nCREATE INDEX ON public.teams_stage (id);",
     set()),
    ("same-name-other-schema-is-not-new",
     "CREATE TABLE ref.teams_stage (id int);\nCREATE INDEX ON teams_stage (id);",
     {"require-concurrent-index-creation"}),
    ("new-table-dropped-then-altered",
     "CREATE TABLE ops.scratch (id int);\nDROP TABLE ops.scratch;\n"
     "ALTER TABLE ops.scratch ADD CONSTRAINT scratch_id_key UNIQUE (id);",
     {"disallowed-unique-constraint"}),
    ("suppression-without-reason",
     "-- cfbops: allow ban-drop-column\nALTER TABLE core.games DROP COLUMN legacy_id;",
     {"suppression-without-reason", "ban-drop-column"}),
    ("suppression-of-unknown-rule",
     "-- cfbops: allow ban-drop-colum because typo\nALTER TABLE core.games DROP COLUMN legacy_id;",
     {"invalid-directive", "ban-drop-column"}),
    ("misspelt-directive",
     "-- cfbops: no-transation\nSELECT 1;",
     {"invalid-directive"}),
    ("syntax-error",
     "ALTER TABLE core.games ADD COLUMN;",
     {"syntax-error"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("snippet", "expected"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_corpus_reports_exactly_the_expected_rules(snippet: str, expected: set[str]) -> None:
    found = {v.rule for v in lint_sql(snippet, "V0001__corpus.sql")}
    assert found == expected


# Rules about the file's comments and syntax, not a schema change: they have no safe twin.
FILE_RULES = {"syntax-error", "invalid-directive", "suppression-without-reason"}


def test_every_rule_the_linter_reports_has_a_safe_twin_it_passes() -> None:
    # Judged by what the linter says of each snippet, not by the corpus's own labels.
    found = [{v.rule for v in lint_sql(snippet, "V0001__corpus.sql")} for _, snippet, _ in CORPUS]
    clean = [i for i, rules in enumerate(found) if not rules]
    twinned = {
        rule for i in clean for j in (i - 1, i + 1) if 0 <= j < len(found) for rule in found[j]
    }
    assert len(clean) >= 15
    assert sum(1 for rules in found if rules) >= 15
    assert set(RULES) - FILE_RULES <= twinned


def test_every_spec_rule_name_exists_and_is_exercised_by_the_corpus() -> None:
    spec_rules = {
        "adding-foreign-key-constraint", "constraint-missing-not-valid",
        "require-concurrent-index-creation", "require-concurrent-index-deletion",
        "adding-field-with-default", "adding-not-nullable-field", "changing-column-type",
        "ban-drop-column", "renaming-column", "renaming-table", "disallowed-unique-constraint",
        "prefer-robust-stmts", "ban-concurrent-index-creation-in-transaction",
    }  # fmt: skip
    exercised = set().union(*(c[2] for c in CORPUS))
    assert spec_rules <= set(RULES)
    assert set(RULES) <= exercised


def test_violations_carry_the_line_of_their_statement() -> None:
    text = (
        "-- V0007: venues\n"  # 1
        "\n"  # 2
        "CREATE TABLE ref.venues (id int);\n"  # 3
        "/* an index on an old table */\n"  # 4
        "CREATE INDEX plays_game_idx\n"  # 5
        "    ON core.plays (game_id);\n"  # 6
        "ALTER TABLE core.games\n"  # 7
        "    ADD FOREIGN KEY (venue_id) REFERENCES ref.venues (id);\n"  # 8
        "\n"  # 9
        "ALTER TABLE core.games DROP COLUMN venue_name;\n"  # 10
    )
    found = [(v.line, v.rule) for v in lint_sql(text, "V0007__venues.sql")]
    assert found == [
        (5, "require-concurrent-index-creation"),
        (7, "adding-foreign-key-constraint"),
        (10, "ban-drop-column"),
    ]


def test_no_false_positive_on_a_table_created_earlier_in_the_file() -> None:
    text = (
        "CREATE TABLE nfl.picks (id bigint, user_id bigint, player_id bigint);\n"
        "CREATE INDEX picks_user_idx ON nfl.picks (user_id);\n"
        "ALTER TABLE nfl.picks ADD FOREIGN KEY (player_id) REFERENCES nfl.players (id);\n"
        "ALTER TABLE nfl.picks ADD PRIMARY KEY (id);\n"
    )
    assert lint_sql(text, "V0010__picks.sql") == []


def test_the_same_statements_on_an_existing_table_are_reported() -> None:
    text = (
        "CREATE INDEX picks_user_idx ON nfl.picks (user_id);\n"
        "ALTER TABLE nfl.picks ADD FOREIGN KEY (player_id) REFERENCES nfl.players (id);\n"
        "ALTER TABLE nfl.picks ADD PRIMARY KEY (id);\n"
    )
    assert [v.rule for v in lint_sql(text, "V0011__picks.sql")] == [
        "require-concurrent-index-creation",
        "adding-foreign-key-constraint",
        "disallowed-unique-constraint",
    ]


def test_suppression_with_reason_silences_that_rule_on_the_next_statement_only() -> None:
    text = (
        "-- cfbops: allow ban-drop-column because nothing reads it since v2\n"
        "ALTER TABLE core.games DROP COLUMN a;\n"
        "ALTER TABLE core.games DROP COLUMN b;\n"
    )
    assert [(v.line, v.rule) for v in lint_sql(text, "f.sql")] == [(3, "ban-drop-column")]


def test_suppression_on_the_statement_line_applies_to_that_statement() -> None:
    text = (
        "ALTER TABLE core.games DROP COLUMN a;  -- cfbops: allow ban-drop-column because unused\n"
        "ALTER TABLE core.games DROP COLUMN b;\n"
    )
    assert [(v.line, v.rule) for v in lint_sql(text, "f.sql")] == [(2, "ban-drop-column")]


def test_suppression_silences_only_the_rules_it_names() -> None:
    text = (
        "-- cfbops: allow renaming-column because the API view keeps the old name\n"
        "ALTER TABLE core.games DROP COLUMN a;\n"
    )
    assert [v.rule for v in lint_sql(text, "f.sql")] == ["ban-drop-column"]


def test_suppression_without_reason_is_reported_on_its_line_and_silences_nothing() -> None:
    text = "SELECT 1;\n-- cfbops: allow ban-drop-column\nALTER TABLE core.games DROP COLUMN a;\n"
    found = {(v.line, v.rule, v.severity) for v in lint_sql(text, "f.sql")}
    assert found == {
        (2, "suppression-without-reason", RuleSeverity.ERROR),
        (3, "ban-drop-column", RuleSeverity.ERROR),
    }


def test_directive_inside_a_string_is_not_a_directive() -> None:
    text = "SELECT '-- cfbops: no-transaction';\n"
    assert file_directives(text).no_transaction is False


def test_file_directives_read_no_transaction_and_suppressions() -> None:
    text = (
        "-- cfbops: no-transaction\n"
        "-- cfbops: allow renaming-table, renaming-column because v3 clients moved\n"
        "ALTER TABLE ref.teams RENAME TO schools;\n"
    )
    directives = file_directives(text)
    assert directives.no_transaction
    (suppression,) = directives.suppressions
    assert suppression.line == 2
    assert suppression.rules == ("renaming-table", "renaming-column")
    assert suppression.reason == "v3 clients moved"


def test_syntax_error_reports_file_and_line() -> None:
    text = "CREATE TABLE ops.a (id int);\n\nSELECT id\n  FROM FROM ops.a;\n"
    with pytest.raises(SqlSyntaxError) as caught:
        split_statements(text, "sql/migrations/V0003__x.sql")
    error = caught.value
    assert (error.file, error.line) == ("sql/migrations/V0003__x.sql", 4)
    assert str(error) == 'sql/migrations/V0003__x.sql:4: syntax error at or near "FROM"'
    assert error.exit_code == ExitCode.FAILED


def test_syntax_error_becomes_a_lint_violation_on_its_line() -> None:
    text = "SELECT 1;\nSELECT * FROM FROM t;\n"
    (violation,) = lint_sql(text, "V0001__x.sql")
    assert (violation.line, violation.rule, violation.severity) == (2, "syntax-error", "error")


def test_split_statements_gives_text_line_and_node() -> None:
    text = (
        "-- header comment\n"
        "CREATE TABLE ops.a (id int);  -- trailing\n"
        "\n"
        "/* block */ INSERT INTO ops.a\n"
        "VALUES (1);\n"
        "SELECT 'x; -- not a comment'"
    )
    statements = split_statements(text, "f.sql")
    assert [(s.line, s.text) for s in statements] == [
        (2, "CREATE TABLE ops.a (id int)"),
        (4, "INSERT INTO ops.a\nVALUES (1)"),
        (6, "SELECT 'x; -- not a comment'"),
    ]
    assert isinstance(statements[0].node, ast.CreateStmt)
    assert statements[1].end_line == 5


def test_split_statements_of_an_empty_file_is_empty() -> None:
    assert split_statements("-- nothing here\n", "f.sql") == []


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("CREATE INDEX CONCURRENTLY i ON t (a)", True),
        ("CREATE INDEX i ON t (a)", False),
        ("DROP INDEX CONCURRENTLY i", True),
        ("DROP INDEX i", False),
        ("REINDEX INDEX CONCURRENTLY i", True),
        ("REINDEX (CONCURRENTLY) TABLE t", True),
        ("REINDEX TABLE t", False),
        ("ALTER TYPE nfl.pick_state ADD VALUE 'void'", True),
        ("ALTER TYPE nfl.pick_state RENAME VALUE 'a' TO 'b'", False),
        ("VACUUM core.plays", True),
        ("VACUUM (ANALYZE) core.plays", True),
        ("ANALYZE core.plays", False),
        ("CREATE DATABASE scratch", True),
        ("ALTER SYSTEM SET work_mem = '64MB'", True),
        ("ALTER TABLE core.plays DETACH PARTITION core.plays_2004 CONCURRENTLY", True),
        ("ALTER TABLE core.plays DETACH PARTITION core.plays_2004", False),
        ("ALTER TABLE core.games ADD COLUMN a int", False),
        ("REFRESH MATERIALIZED VIEW CONCURRENTLY marts.team_season", False),
    ],
)
def test_needs_autocommit(sql: str, expected: bool) -> None:
    (statement,) = split_statements(sql, "f.sql")
    assert needs_autocommit(statement) is expected


def test_violation_as_dict_has_the_spec_lint_keys() -> None:
    (violation,) = lint_sql("ALTER TABLE core.games DROP COLUMN a;", "V0002__drop.sql")
    assert violation.as_dict() == {
        "file": "V0002__drop.sql",
        "line": 1,
        "rule": "ban-drop-column",
        "severity": "error",
        "message": violation.message,
        "fix": violation.fix,
    }


def test_renames_robustness_and_session_sets_warn_and_the_rest_are_errors() -> None:
    warnings = {name for name, rule in RULES.items() if rule.severity == RuleSeverity.WARNING}
    assert warnings == {
        "renaming-column",
        "renaming-table",
        "prefer-robust-stmts",
        "prefer-set-local",
    }


@pytest.mark.parametrize(
    ("snippet", "expected"), [c[1:] for c in CORPUS if c[2]], ids=[c[0] for c in CORPUS if c[2]]
)
def test_every_violation_names_what_it_is_about_and_offers_a_different_statement(
    snippet: str, expected: set[str]
) -> None:
    # Names from the snippet: schema-qualified or snake_case identifiers, directive words,
    # BEGIN, COMMIT, CONCURRENTLY. A message and fix naming none of them fit any statement.
    names = set(
        re.findall(
            r"\b[a-z]\w*\.\w+|\b[a-z]+_\w+|\b[a-z]+(?:-[a-z]+)+|BEGIN|COMMIT|CONCURRENTLY", snippet
        )
    )
    violations = lint_sql(snippet, "f.sql")
    assert {v.rule for v in violations} == expected
    for violation in violations:
        said = violation.message + "\n" + violation.fix
        assert violation.message.strip() != violation.fix.strip()
        assert violation.fix.strip() != snippet.strip()
        if violation.rule == "syntax-error":
            assert 'at or near ";"' in violation.message
        else:
            assert any(name in said for name in names), (violation.message, violation.fix)


def test_foreign_key_fix_is_runnable_sql_with_not_valid_then_validate() -> None:
    text = "ALTER TABLE core.games ADD FOREIGN KEY (home_id) REFERENCES ref.teams (id);"
    (violation,) = lint_sql(text, "f.sql")
    statements = [s.stmt for s in parse_sql(violation.fix)]
    assert "NOT VALID" in violation.fix
    assert "games_home_id_fkey" in violation.fix
    assert [type(s).__name__ for s in statements] == ["AlterTableStmt", "AlterTableStmt"]


def test_concurrent_index_fix_is_runnable_sql() -> None:
    (violation,) = lint_sql("CREATE INDEX ON core.plays (game_id);", "f.sql")
    (statement,) = parse_sql(violation.fix)
    assert statement.stmt.concurrent and statement.stmt.if_not_exists


def test_lint_paths_reads_directories_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "V0002__drop.sql").write_text("ALTER TABLE t DROP COLUMN c;\n")
    (tmp_path / "V0001__drop.sql").write_text("ALTER TABLE t DROP COLUMN c;\n")
    (tmp_path / "notes.txt").write_text("ALTER TABLE t DROP COLUMN c;\n")
    files = [Path(v.file).relative_to(tmp_path).as_posix() for v in lint_paths([tmp_path])]
    assert files == ["V0001__drop.sql", "b/V0002__drop.sql"]


def test_lint_paths_refuses_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        lint_paths([tmp_path / "missing.sql"])


def test_lint_core_imports_no_ui_library() -> None:
    code = (
        "import sys, cfbops.migrate.lint.linter, cfbops.migrate.lock_levels;"
        "assert not {'textual', 'rich'} & set(sys.modules), 'UI library imported'"
    )
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_a_plain_set_is_a_warning_whose_fix_is_set_local() -> None:
    (violation,) = lint_sql("SET statement_timeout = '1ms';\n", "V0001__timeout.sql")

    assert (violation.rule, violation.severity) == ("prefer-set-local", RuleSeverity.WARNING)
    assert violation.fix.startswith("SET LOCAL statement_timeout")


def test_set_transaction_and_reset_change_no_session() -> None:
    text = "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nRESET search_path;\n"
    assert lint_sql(text, "V0001__fine.sql") == []
