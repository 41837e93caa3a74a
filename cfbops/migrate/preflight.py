"""Pre-flight data checks derived from a file's DDL, each run just before its statement.

Before a FOREIGN KEY: orphans. Before UNIQUE or PRIMARY KEY: duplicate keys. Before
SET NOT NULL: NULLs. Before a CHECK: violating rows. Each with up to five sample rows, so
a constraint that cannot hold is refused with its evidence instead of failing half-way.
`migrate` runs them inside the file's transaction, so the file's own fix-up statements
(an UPDATE, a DELETE of orphans) count; `--plan` runs them on the data as it is.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

import psycopg
from pglast import ast
from pglast.enums import AlterTableType, ConstrType
from pglast.stream import RawStream
from psycopg import sql

from cfbops.migrate.files import MigrationFile
from cfbops.migrate.statements import Statement, qualified_name

SAMPLE_ROWS = 5


@dataclass(frozen=True, slots=True)
class PreflightResult:
    """One check: what it guards, how many rows break it, and a few of them."""

    file: str
    line: int
    check: str  # orphans | duplicates | nulls | check-violations
    target: str
    count: int
    sample: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    tables: tuple[str, ...] = ()  # what the count reads: the table, and a foreign key's parent
    after_lines: tuple[int, ...] = ()  # earlier statements of the file that change them
    # The columns it reads are not there yet (an earlier statement of the file adds them):
    # counted only by `migrate`, just before the statement, once they are.
    not_yet: bool = False

    @property
    def passed(self) -> bool:
        return self.count == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "target": self.target,
            "line": self.line,
            "count": self.count,
            "sample": list(self.sample),
            "after_lines": list(self.after_lines),
            "counted": not self.not_yet,
        }

    def message(self) -> str:
        what = {
            "orphans": "rows without a parent row",
            "duplicates": "duplicated key values",
            "nulls": "NULL values",
            "check-violations": "rows violating the check",
        }[self.check]
        return f"{self.file}:{self.line}: {self.target}: {self.count:,} {what}"


@dataclass(frozen=True, slots=True)
class _Check:
    line: int
    check: str
    table: str
    target: str
    count_sql: sql.Composable
    sample_sql: sql.Composable
    parent: str | None = None
    # The columns the count reads, by table (a CHECK's expression: unknown, so none).
    reads: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _ident(name: str) -> sql.Identifier:
    schema, _, relation = name.rpartition(".")
    return sql.Identifier(schema or "public", relation)


def _cols(names: list[str], alias: str) -> list[sql.Composable]:
    return [sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(n)) for n in names]


def _not_null(names: list[str], alias: str) -> sql.Composable:
    return sql.SQL(" AND ").join(sql.SQL("{} IS NOT NULL").format(c) for c in _cols(names, alias))


def orphans_check(
    line: int, child: str, columns: list[str], parent: str, parent_columns: list[str]
) -> _Check:
    joined = sql.SQL(" AND ").join(
        sql.SQL("{} = {}").format(p, c)
        for p, c in zip(_cols(parent_columns, "p"), _cols(columns, "c"), strict=True)
    )
    where = sql.SQL("{} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {})").format(
        _not_null(columns, "c"), _ident(parent), joined
    )
    return _Check(
        line,
        "orphans",
        child,
        f"{child}({', '.join(columns)}) → {parent}({', '.join(parent_columns)})",
        sql.SQL("SELECT count(*) FROM {} c WHERE {}").format(_ident(child), where),
        sql.SQL("SELECT to_jsonb(c) FROM {} c WHERE {} LIMIT {}").format(
            _ident(child), where, sql.Literal(SAMPLE_ROWS)
        ),
        parent,
        ((child, tuple(columns)), (parent, tuple(parent_columns))),
    )


def duplicates_check(line: int, table: str, columns: list[str], predicate: str | None) -> _Check:
    keys = sql.SQL(", ").join(_cols(columns, "t"))
    where = _not_null(columns, "t")
    if predicate:
        where = sql.SQL("{} AND ({})").format(where, sql.SQL(predicate))
    groups = sql.SQL(
        "SELECT {keys}, count(*) AS copies FROM {table} t WHERE {where} "
        "GROUP BY {keys} HAVING count(*) > 1"
    ).format(keys=keys, table=_ident(table), where=where)
    return _Check(
        line,
        "duplicates",
        table,
        f"{table}({', '.join(columns)})",
        sql.SQL("SELECT count(*) FROM ({}) d").format(groups),
        sql.SQL("SELECT to_jsonb(d) FROM ({}) d ORDER BY d.copies DESC LIMIT {}").format(
            groups, sql.Literal(SAMPLE_ROWS)
        ),
        reads=((table, tuple(columns)),),
    )


def _rows_where(
    line: int,
    check: str,
    table: str,
    target: str,
    where: sql.Composable,
    columns: tuple[str, ...] = (),
) -> _Check:
    """A check counting the rows of `table` matching `where` (which reads `columns`, when
    known), sampling a few of them."""
    return _Check(
        line,
        check,
        table,
        target,
        sql.SQL("SELECT count(*) FROM {} t WHERE {}").format(_ident(table), where),
        sql.SQL("SELECT to_jsonb(t) FROM {} t WHERE {} LIMIT {}").format(
            _ident(table), where, sql.Literal(SAMPLE_ROWS)
        ),
        reads=((table, columns),) if columns else (),
    )


def nulls_check(line: int, table: str, column: str) -> _Check:
    where = sql.SQL("{} IS NULL").format(sql.Identifier(column))
    return _rows_where(line, "nulls", table, f"{table}.{column}", where, (column,))


def violations_check(line: int, table: str, expression: str, name: str) -> _Check:
    where = sql.SQL("NOT ({})").format(sql.SQL(expression))
    return _rows_where(
        line, "check-violations", table, f"{table} CHECK {name or expression}", where
    )


def _names(nodes: Any) -> list[str]:
    return [n.sval for n in nodes or () if isinstance(n, ast.String)]


def _constraint_checks(line: int, table: str, constraint: ast.Constraint) -> list[_Check]:
    kind = constraint.contype
    if kind == ConstrType.CONSTR_FOREIGN and not constraint.skip_validation:
        parent = qualified_name(constraint.pktable)
        return [
            orphans_check(
                line, table, _names(constraint.fk_attrs), parent, _names(constraint.pk_attrs)
            )
        ]
    if kind in (ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_PRIMARY) and not constraint.indexname:
        checks = [duplicates_check(line, table, _names(constraint.keys), None)]
        if kind == ConstrType.CONSTR_PRIMARY:
            checks += [nulls_check(line, table, column) for column in _names(constraint.keys)]
        return checks
    if kind == ConstrType.CONSTR_CHECK and not constraint.skip_validation:
        expression = RawStream()(constraint.raw_expr)
        return [violations_check(line, table, expression, constraint.conname or "")]
    return []


def _derive(conn: psycopg.Connection, statement: Statement, created: set[str]) -> list[_Check]:
    node, line = statement.node, statement.line
    if isinstance(node, ast.IndexStmt) and node.unique:
        table = qualified_name(node.relation)
        columns = [p.name for p in node.indexParams or () if p.name]
        if table in created or len(columns) != len(node.indexParams or ()):
            return []  # a new table, or an expression index: nothing to check
        predicate = RawStream()(node.whereClause) if node.whereClause else None
        return [duplicates_check(line, table, columns, predicate)]
    if not isinstance(node, ast.AlterTableStmt):
        return []
    table = qualified_name(node.relation)
    if table in created:
        return []
    checks: list[_Check] = []
    for command in node.cmds or ():
        if command.subtype == AlterTableType.AT_AddConstraint:
            checks += _constraint_checks(line, table, command.def_)
        elif command.subtype == AlterTableType.AT_SetNotNull:
            checks.append(nulls_check(line, table, command.name))
        elif command.subtype == AlterTableType.AT_ValidateConstraint:
            checks += _validate_checks(conn, line, table, command.name)
    return checks


VALIDATE_SQL = """
SELECT c.contype,
       (SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
       fn.nspname || '.' || f.relname,
       (SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n),
       pg_get_expr(c.conbin, c.conrelid)
FROM pg_constraint c
LEFT JOIN pg_class f ON f.oid = c.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = f.relnamespace
WHERE c.conrelid = to_regclass(%s) AND c.conname = %s
"""


def _validate_checks(conn: psycopg.Connection, line: int, table: str, name: str) -> list[_Check]:
    row = conn.execute(VALIDATE_SQL, (table, name)).fetchone()
    if row is None:
        return []
    contype, columns, parent, parent_columns, expression = row
    if contype == "f":
        return [orphans_check(line, table, list(columns), parent, list(parent_columns))]
    if contype == "c" and expression:
        return [violations_check(line, table, expression, name)]
    return []


def _existing(conn: psycopg.Connection, table: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    return bool(row and row[0])


MISSING_COLUMNS_SQL = """
SELECT count(*) FROM unnest(%s::text[]) AS wanted(name)
WHERE NOT EXISTS (SELECT 1 FROM pg_attribute AS a
                  WHERE a.attrelid = to_regclass(%s) AND a.attname = wanted.name
                    AND a.attnum > 0 AND NOT a.attisdropped)
"""


def _countable(conn: psycopg.Connection, check: _Check) -> bool:
    """Whether every column the check reads stands now."""
    for table, columns in check.reads:
        if conn.execute(MISSING_COLUMNS_SQL, (list(columns), table)).fetchone()[0]:
            return False
    return True


def statement_checks(
    conn: psycopg.Connection, file: MigrationFile, statement: Statement, created: set[str]
) -> list[PreflightResult]:
    """Run the checks one statement implies, against the data as it is now.

    `created` holds the tables the file made before this statement (new, so unchecked);
    a CREATE TABLE adds to it.
    """
    if isinstance(statement.node, ast.CreateStmt):
        created.add(qualified_name(statement.node.relation))
        return []
    results: list[PreflightResult] = []
    for check in _derive(conn, statement, created):
        if not _existing(conn, check.table):
            continue
        if not _countable(conn, check):  # its columns arrive with an earlier statement
            results.append(
                PreflightResult(
                    file.display_path, check.line, check.check, check.target, 0,
                    tables=tuple(t for t in (check.table, check.parent) if t), not_yet=True,
                )
            )  # fmt: skip
            continue
        count = conn.execute(check.count_sql).fetchone()[0]
        sample: tuple[dict[str, Any], ...] = ()
        if count:
            sample = tuple(row[0] for row in conn.execute(check.sample_sql).fetchall())
        results.append(
            PreflightResult(
                file.display_path,
                check.line,
                check.check,
                check.target,
                count,
                sample,
                tuple(t for t in (check.table, check.parent) if t),
            )
        )
    return results


def run_preflight(
    conn: psycopg.Connection, file: MigrationFile, skip: Collection[int] = ()
) -> list[PreflightResult]:
    """Every check the file's DDL implies, against the data as it is now (for the plan).
    Statements whose index is in `skip` will not run (their object already stands under
    another name), so they go unchecked.

    A check whose table an earlier statement of the file writes or alters says so in
    `after_lines`: `migrate` counts again just before that statement, in the file's
    transaction, so a file that fixes its data first is judged on the fixed data.
    """
    created: set[str] = set()
    touched: dict[str, list[int]] = {}
    results: list[PreflightResult] = []
    for index, statement in enumerate(file.statements):
        if index in skip:
            continue
        for result in statement_checks(conn, file, statement, created):
            lines = sorted({line for t in result.tables for line in touched.get(t, ())})
            results.append(replace(result, after_lines=tuple(lines)))
        for table in _written_tables(statement):
            touched.setdefault(table, []).append(statement.line)
    return results


def _written_tables(statement: Statement) -> set[str]:
    """Schema-qualified tables a statement changes rows or definition of."""
    node = statement.node
    if isinstance(node, ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt | ast.AlterTableStmt):
        return {qualified_name(node.relation)}
    if isinstance(node, ast.TruncateStmt):
        return {qualified_name(r) for r in node.relations or ()}
    return set()
