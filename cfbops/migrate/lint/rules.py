"""The lint rule catalog, the per-file state checks share, and SQL rendering helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pglast import ast
from pglast.enums import AlterTableType, ObjectType
from pglast.stream import RawStream, maybe_double_quote_name


class RuleSeverity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: stable name (squawk's where one exists), severity and one-line summary."""

    name: str
    severity: RuleSeverity
    summary: str


_E, _W = RuleSeverity.ERROR, RuleSeverity.WARNING
RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule("adding-foreign-key-constraint", _E, "foreign key without NOT VALID"),
        Rule("constraint-missing-not-valid", _E, "CHECK without NOT VALID, or validated at once"),
        Rule("require-concurrent-index-creation", _E, "CREATE INDEX without CONCURRENTLY"),
        Rule("require-concurrent-index-deletion", _E, "DROP INDEX without CONCURRENTLY"),
        Rule("adding-field-with-default", _E, "new column whose default rewrites the table"),
        Rule("adding-not-nullable-field", _E, "NOT NULL that scans or fails on an existing table"),
        Rule("changing-column-type", _E, "ALTER COLUMN TYPE rewrites the table"),
        Rule("ban-drop-column", _E, "DROP COLUMN breaks readers and loses data"),
        Rule("renaming-column", _W, "RENAME COLUMN breaks clients using the old name"),
        Rule("renaming-table", _W, "RENAME TABLE breaks clients using the old name"),
        Rule("disallowed-unique-constraint", _E, "UNIQUE / PRIMARY KEY without USING INDEX"),
        Rule("prefer-robust-stmts", _W, "statement outside a transaction that fails when retried"),
        Rule("ban-concurrent-index-creation-in-transaction", _E, "CONCURRENTLY in a txn file"),
        Rule("transaction-nesting", _E, "BEGIN / COMMIT in a transactional file"),
        Rule("prefer-set-local", _W, "plain SET: a session setting, not the file's own"),
        Rule("suppression-without-reason", _E, "`cfbops: allow` without `because …`"),
        Rule("invalid-directive", _E, "a `cfbops:` comment cfbops does not understand"),
        Rule("syntax-error", _E, "PostgreSQL's parser rejects the file"),
    )
}

LATER = "-- in a later migration, or later in a no-transaction file:"


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule broken by one statement, before file, line and suppressions are applied."""

    rule: str
    message: str
    fix: str


@dataclass(slots=True)
class FileState:
    """What the statements seen so far in one file created or proved (working state)."""

    no_transaction: bool
    statement_count: int
    new_tables: set[str] = field(default_factory=set)
    new_indexes: set[str] = field(default_factory=set)
    not_valid: set[tuple[str, str]] = field(default_factory=set)
    not_null_checks: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    proven_not_null: set[tuple[str, str]] = field(default_factory=set)
    dropped_constraints: set[tuple[str, str]] = field(default_factory=set)

    def is_existing(self, table: str) -> bool:
        """True unless this file created `table` (schema-qualified) earlier."""
        return table not in self.new_tables


def sql(node: ast.Node) -> str:
    """Render a parse tree back to SQL."""
    return RawStream()(node)


def quote(name: str) -> str:
    """An identifier, double-quoted only when PostgreSQL needs it."""
    return maybe_double_quote_name(name)


def alter(relation: ast.RangeVar, cmd: ast.AlterTableCmd) -> str:
    """`ALTER TABLE relation <cmd>;` rendered from a single subcommand."""
    stmt = ast.AlterTableStmt(relation=relation, cmds=(cmd,), objtype=ObjectType.OBJECT_TABLE)
    return sql(stmt) + ";"


def add_constraint_sql(relation: ast.RangeVar, con: ast.Constraint) -> str:
    """`ALTER TABLE relation ADD <constraint>;`."""
    return alter(relation, ast.AlterTableCmd(subtype=AlterTableType.AT_AddConstraint, def_=con))
