"""`lint` goes on past a file it cannot read, and reads a large file a chunk of
statements at a time with the same findings as in one piece."""

from __future__ import annotations

import json
from pathlib import Path

from pglast import parser

from cfbops.migrate.lint.chunks import statement_chunks
from cfbops.migrate.lint.linter import lint_file, lint_sql
from tests.conftest import run_cli

# Everything that hides a `;` from the statement splitter, and a suppression across lines.
TRICKY_SQL = """\
-- a comment; with a semicolon
CREATE TABLE ops.notes (id int, body text DEFAULT 'a;b', "odd;name" int);
/* block; /* nested; */ still comment; */
INSERT INTO ops.notes VALUES (1, E'it\\'s; escaped', 2), (2, 'it''s; doubled', 3);
CREATE FUNCTION ops.f() RETURNS text LANGUAGE plpgsql AS $body$
BEGIN
    RETURN 'x;' || $$inner; quote$$;
END $body$;
CREATE TABLE ops.a$b (id int);
-- cfbops: allow require-concurrent-index-creation because ops.notes is new and empty
CREATE INDEX notes_id ON ops.notes (id);
CREATE INDEX games_season ON core.games (season);
SELECT 1; SELECT 2
"""


def statement_texts(text: str) -> list[str]:
    return [
        text[raw.stmt_location : raw.stmt_location + raw.stmt_len].strip() if raw.stmt_len else ""
        for raw in parser.parse_sql(text)
    ]


def test_chunks_cut_only_between_statements_whatever_hides_a_semicolon() -> None:
    lines = TRICKY_SQL.splitlines(keepends=True)
    for size in (1, 40, 200, 10_000):
        chunks = list(statement_chunks(lines, chunk_chars=size))
        assert "".join(c.text for c in chunks) == TRICKY_SQL
        for chunk in chunks:
            parser.parse_sql(chunk.text)  # each chunk parses on its own
            first = TRICKY_SQL.splitlines()[chunk.first_line - 1]
            assert chunk.text.splitlines()[0] in first
        assert sum(c.statements for c in chunks) == len(statement_texts(TRICKY_SQL)) == 8


def test_a_large_file_gives_the_findings_of_its_parts_at_their_lines(tmp_path: Path) -> None:
    copy = (
        "CREATE INDEX games_{n} ON core.games (season);\n"
        "ALTER TABLE core.games ADD CONSTRAINT games_{n}_fk FOREIGN KEY (home_id)\n"
        "    REFERENCES ref.teams (id);\n"
        "INSERT INTO ops.notes VALUES ({n}, 'padding; {pad}');\n"
    )
    pad = "x" * 700
    copies = 1_000  # about 800 kB: several chunks
    path = tmp_path / "V0300__big.sql"
    path.write_text("".join(copy.format(n=n, pad=pad) for n in range(copies)))
    violations = lint_file(path)
    one = lint_sql(copy.format(n=0, pad=pad), str(path))
    assert len(one) == 2
    assert len(violations) == copies * len(one)
    for n in (0, copies // 2, copies - 1):
        at = [(v.line - 4 * n, v.rule) for v in violations if 4 * n < v.line <= 4 * n + 4]
        assert at == [(v.line, v.rule) for v in one]


def test_a_directory_lint_reports_an_undecodable_file_and_lints_the_rest(
    tmp_path: Path,
) -> None:
    (tmp_path / "V0001__good.sql").write_text("CREATE INDEX g ON core.games (season);\n")
    (tmp_path / "V0002__latin1.sql").write_bytes(
        b"CREATE TABLE ops.t (id int);\n-- caf\xe9\nSELECT 1;\n"
    )
    (tmp_path / "V0003__also_good.sql").write_text("DROP INDEX core.g;\n")
    result = run_cli("--headless", "lint", "--json", str(tmp_path))
    assert result.returncode == 1, result.stderr
    found = {
        (Path(v["file"]).name, v["line"], v["rule"])
        for v in json.loads(result.stdout)["violations"]
    }
    assert found == {
        ("V0001__good.sql", 1, "require-concurrent-index-creation"),
        ("V0002__latin1.sql", 2, "syntax-error"),
        ("V0003__also_good.sql", 1, "require-concurrent-index-deletion"),
    }
    text = run_cli("--headless", "lint", str(tmp_path)).stdout
    assert "not UTF-8 text (byte 0xe9" in text


def test_a_byte_order_mark_is_not_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "V0001__bom.sql"
    path.write_bytes(b"\xef\xbb\xbfCREATE TABLE ops.t (id int);\n")
    assert lint_file(path) == []
