"""A rehearsal: the run's statements in one transaction that is rolled back, to find what
would fail before anything changes. What cannot run in a transaction, or would only cost
time and long locks without changing the outcome, is planned instead of run: index builds
and VALIDATE on tables that stand (pre-flight counts what would break them), the filling
of materialized views (created WITH NO DATA: their queries are still checked)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pglast import ast
from pglast.enums import AlterTableType, ConstrType
from pglast.stream import RawStream

from cfbops.migrate.statements import Statement, needs_autocommit, qualified_name

# The error classes a rehearsal names, each with the way out.
FIXES = {
    "42P13": "the function stands with another result type, which CREATE OR REPLACE cannot "
    "change: drop it first in the file (DROP FUNCTION … CASCADE; what depends on it is "
    "saved and re-created) or keep its result type",
    "42703": "a column the statement reads or changes does not exist: add it first (a "
    "versioned file) or change the statement",
    "42P01": "a relation the statement reads does not exist: create it first or change the "
    "statement",
    "42883": "a function the statement calls does not exist with those argument types",
    "42P07": "an object of that name already stands: adopt it (migrate --adopt), drop it, or "
    "use CREATE … IF NOT EXISTS / OR REPLACE",
    "2BP01": "other objects depend on it: drop it WITH CASCADE (their dependents are saved "
    "and re-created) or drop them first",
    "23505": "duplicate rows break the key: run `cfbops --headless check` to find them",
    "23503": "orphan rows break the key: run `cfbops --headless check --select relationships`",
    "23502": "rows hold nulls the column may not: fill them first",
    "42501": "the role lacks a privilege: run as the objects' owner or grant it",
    "55P03": "another session holds a lock it needs: retry when it is done (--lock-wait)",
    "57014": "it ran out of time (statement_timeout): raise it, or run it when the database "
    "is quiet",
}


def fix_for(sqlstate: str | None, hint: str | None = None) -> str:
    """The way out of an error, in one line."""
    if sqlstate and sqlstate in FIXES:
        return FIXES[sqlstate]
    return hint or "fix the file or the database, then rehearse again with --plan"


@dataclass(slots=True)
class Rehearsal:
    """Decides, statement by statement, what a rehearsal runs and what it only plans."""

    created: set[str] = field(default_factory=set)  # relations made during the rehearsal
    skipped_indexes: set[str] = field(default_factory=set)
    planned: list[str] = field(default_factory=list)  # "file:line what" not run

    def prepare(self, where: str, statement: Statement, text: str | None = None) -> str | None:
        """The SQL to run for `statement` (`text` when the caller rewrote it), or None when
        the rehearsal only plans it."""
        node = statement.node
        rewritten = text is not None and text != statement.text
        text = text if text is not None else statement.text
        if isinstance(node, ast.CreateStmt):
            self.created.add(qualified_name(node.relation))
        elif isinstance(node, ast.ViewStmt):
            self.created.add(qualified_name(node.view))
        elif isinstance(node, ast.CreateTableAsStmt):
            self.created.add(qualified_name(node.into.rel))
            # Built ahead (unfilled) by the swap, it is only moved into place here.
            return text if rewritten else _unfilled(node)
        elif isinstance(node, ast.RefreshMatViewStmt):
            return self._plan(where, "refresh")
        elif isinstance(node, ast.IndexStmt):
            return self._index(where, node, text)
        elif isinstance(node, ast.AlterTableStmt):
            return self._alter(where, node, text)
        if needs_autocommit(statement):
            return self._plan(where, "outside a transaction")
        return text

    def _plan(self, where: str, why: str) -> None:
        self.planned.append(f"{where} ({why})")
        return None

    def _index(self, where: str, node: ast.IndexStmt, text: str) -> str | None:
        if qualified_name(node.relation) not in self.created:
            if node.idxname:
                self.skipped_indexes.add(node.idxname)
            return self._plan(where, "index build on a standing table")
        if node.concurrent:  # on a table the rehearsal made: nothing to wait for
            node.concurrent = False
            try:
                return RawStream()(node)
            finally:
                node.concurrent = True
        return text

    def _alter(self, where: str, node: ast.AlterTableStmt, text: str) -> str | None:
        table = qualified_name(node.relation)
        commands = node.cmds or ()
        if table in self.created:
            return text
        if all(c.subtype == AlterTableType.AT_ValidateConstraint for c in commands):
            return self._plan(where, "validation: pre-flight counts what would break it")
        for command in commands:
            constraint = command.def_ if isinstance(command.def_, ast.Constraint) else None
            if (
                constraint is not None
                and constraint.contype in (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE)
                and constraint.indexname in self.skipped_indexes
            ):
                return self._plan(where, f"its index {constraint.indexname} is planned")
        return text


def _unfilled(node: ast.CreateTableAsStmt) -> str:
    """CREATE MATERIALIZED VIEW … WITH NO DATA: parsed and checked, not filled."""
    skip = node.into.skipData
    node.into.skipData = True
    try:
        return RawStream()(node)
    finally:
        node.into.skipData = skip
