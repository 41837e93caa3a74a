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
    """A lint rule: stable name (squawk's where one exists), severity, a one-line summary,
    why it matters and the safe way (docs/lint-rules.md is generated from these)."""

    name: str
    severity: RuleSeverity
    summary: str
    why: str
    instead: str


_E, _W = RuleSeverity.ERROR, RuleSeverity.WARNING
RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule(
            "adding-foreign-key-constraint",
            _E,
            "foreign key without NOT VALID",
            "Adding a foreign key to a table that has rows checks every row while holding SHARE "
            "ROW EXCLUSIVE on both tables: their writes wait for the whole scan.",
            "Add it `NOT VALID` (only new rows are checked), then `VALIDATE CONSTRAINT` in a "
            "later migration, which takes a lock writers pass.",
        ),
        Rule(
            "constraint-missing-not-valid",
            _E,
            "CHECK without NOT VALID, or validated at once",
            "A CHECK added to a table that has rows scans it under ACCESS EXCLUSIVE (reads and "
            "writes wait); NOT VALID followed by VALIDATE in the same transaction gains nothing.",
            "Add it `NOT VALID`, then `VALIDATE CONSTRAINT` in a later migration (or in a "
            "`-- cfbops: no-transaction` file, where each statement commits on its own).",
        ),
        Rule(
            "require-concurrent-index-creation",
            _E,
            "CREATE INDEX without CONCURRENTLY",
            "CREATE INDEX on a table that has rows takes SHARE: writes wait for the whole build.",
            "`CREATE INDEX CONCURRENTLY IF NOT EXISTS …`, in its own file marked "
            "`-- cfbops: no-transaction`.",
        ),
        Rule(
            "require-concurrent-index-deletion",
            _E,
            "DROP INDEX without CONCURRENTLY",
            "DROP INDEX takes ACCESS EXCLUSIVE on the table and waits behind every query on it; "
            "every later query queues behind it.",
            "`DROP INDEX CONCURRENTLY IF EXISTS …`, one index per statement, no CASCADE, outside "
            "a transaction.",
        ),
        Rule(
            "adding-field-with-default",
            _E,
            "new column whose default rewrites the table",
            "A volatile default (`random()`, `clock_timestamp()`), a serial, an identity or a "
            "stored generated column rewrites the whole table under ACCESS EXCLUSIVE. Constant "
            "and other non-volatile defaults are stored in the catalog and rewrite nothing.",
            "Add the column plain, set the default for new rows, fill old rows in batches.",
        ),
        Rule(
            "adding-not-nullable-field",
            _E,
            "NOT NULL that scans or fails on an existing table",
            "A NOT NULL column without a default fails as soon as the table has a row; SET NOT "
            "NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK proves it.",
            "Give the new column a constant default; for SET NOT NULL, add `CHECK (col IS NOT "
            "NULL) NOT VALID`, validate it later, then SET NOT NULL (no scan) and drop the check.",
        ),
        Rule(
            "changing-column-type",
            _E,
            "ALTER COLUMN TYPE rewrites the table",
            "Changing a column's type rewrites the table and rebuilds its indexes under ACCESS "
            "EXCLUSIVE; only binary-coercible changes (varchar(n) to text) skip it.",
            "Add a column of the new type, fill it in batches, keep it in step with a trigger, "
            "move readers, then drop the old one.",
        ),
        Rule(
            "ban-drop-column",
            _E,
            "DROP COLUMN breaks readers and loses data",
            "Every query, view and client still using the column breaks, and its data is gone.",
            "Release code that no longer uses the column, then drop it with a written "
            "`-- cfbops: allow ban-drop-column because …`.",
        ),
        Rule(
            "renaming-column",
            _W,
            "RENAME COLUMN breaks clients using the old name",
            "Views follow a rename; application code and functions do not.",
            "Add the new column and keep both in step while clients move, or allow it once no "
            "client uses the old name.",
        ),
        Rule(
            "renaming-table",
            _W,
            "RENAME TABLE breaks clients using the old name",
            "Views follow a rename; application code and functions do not.",
            "Rename it and create a view under the old name until no client uses it.",
        ),
        Rule(
            "disallowed-unique-constraint",
            _E,
            "UNIQUE / PRIMARY KEY without USING INDEX",
            "Adding a UNIQUE or PRIMARY KEY constraint builds its index under ACCESS EXCLUSIVE.",
            "`CREATE UNIQUE INDEX CONCURRENTLY`, then `ADD CONSTRAINT … USING INDEX`.",
        ),
        Rule(
            "prefer-robust-stmts",
            _W,
            "statement outside a transaction that fails when retried",
            "In a no-transaction file, a statement that succeeded runs again when the file is "
            "retried after a later failure, and fails because its object exists (or is gone).",
            "`IF NOT EXISTS` / `IF EXISTS` forms, so a retry passes over what is done.",
        ),
        Rule(
            "ban-concurrent-index-creation-in-transaction",
            _E,
            "CONCURRENTLY in a txn file",
            "CONCURRENTLY cannot run in a transaction: beside other statements it runs alone, "
            "so the file is no longer applied atomically.",
            "Its own file, or mark the file `-- cfbops: no-transaction` and make every "
            "statement safe to re-run.",
        ),
        Rule(
            "transaction-nesting",
            _E,
            "BEGIN / COMMIT in a transactional file",
            "cfbops runs each file in one transaction; BEGIN or COMMIT inside it ends or nests "
            "that transaction.",
            "Remove them; mark the file `-- cfbops: no-transaction` to run outside a transaction.",
        ),
        Rule(
            "prefer-set-local",
            _W,
            "plain SET: a session setting, not the file's own",
            "A plain SET (search_path, statement_timeout, ROLE) lasts for the whole session: "
            "cfbops resets the session after each file, but psql or another tool running the "
            "file carries it into whatever runs next (the next file's tables land in another "
            "schema, its statements time out).",
            "`SET LOCAL …`, which ends with the file's transaction; in a no-transaction file, "
            "schema-qualify names instead (a resumed run skips a SET that already ran).",
        ),
        Rule(
            "suppression-without-reason",
            _E,
            "`cfbops: allow` without `because …`",
            "An exception nobody explained cannot be reviewed later.",
            "`-- cfbops: allow RULE because REASON` on the line before the statement.",
        ),
        Rule(
            "invalid-directive",
            _E,
            "a `cfbops:` comment cfbops does not understand",
            "A misspelt directive (`no-transactions`, an unknown rule) would silently do nothing.",
            "`-- cfbops: no-transaction` or `-- cfbops: allow RULE because REASON`.",
        ),
        Rule(
            "syntax-error",
            _E,
            "PostgreSQL's parser rejects the file",
            "The file cannot run: a statement does not parse, or the file is not UTF-8 text.",
            "Fix the statement at the line given; save the file as UTF-8.",
        ),
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
