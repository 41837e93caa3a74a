"""The lint rules: which statements lock or break a live database, and the safe rewrite."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import StrEnum

from pglast import ast
from pglast.enums import (
    AlterTableType,
    ConstrType,
    NullTestType,
    ObjectType,
    TransactionStmtKind,
)
from pglast.stream import RawStream, maybe_double_quote_name

from cfbops.migrate.statements import Statement, needs_autocommit, qualified_name, walk


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: stable name (squawk's where one exists), severity and one-line summary."""

    name: str
    severity: Severity
    summary: str


_E, _W = Severity.ERROR, Severity.WARNING
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
        Rule("suppression-without-reason", _E, "`cfbops: allow` without `because …`"),
        Rule("invalid-directive", _E, "a `cfbops:` comment cfbops does not understand"),
        Rule("syntax-error", _E, "PostgreSQL's parser rejects the file"),
    )
}

# Functions PostgreSQL marks VOLATILE that people put in defaults; a new column with one of
# these is filled row by row, i.e. the table is rewritten.
VOLATILE_FUNCTIONS = frozenset(
    {
        "random",
        "random_normal",
        "gen_random_uuid",
        "uuidv4",
        "uuidv7",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "clock_timestamp",
        "timeofday",
        "nextval",
    }
)
# STABLE or IMMUTABLE functions common in defaults: evaluated once, stored in the catalog.
NON_VOLATILE_FUNCTIONS = frozenset(
    {
        "now",
        "transaction_timestamp",
        "statement_timestamp",
        "current_setting",
        "lower",
        "upper",
        "concat",
        "format",
        "length",
        "abs",
        "round",
        "date_trunc",
        "make_date",
        "make_interval",
        "make_timestamp",
        "make_timestamptz",
        "to_timestamp",
        "to_date",
        "to_char",
        "timezone",
        "jsonb_build_object",
        "json_build_object",
        "jsonb_build_array",
        "json_build_array",
        "to_jsonb",
        "to_json",
        "array_fill",
        "interval",
    }
)
_SERIAL_TYPES = frozenset({"serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"})
_ENDS_TRANSACTION = frozenset(
    {
        TransactionStmtKind.TRANS_STMT_BEGIN,
        TransactionStmtKind.TRANS_STMT_START,
        TransactionStmtKind.TRANS_STMT_COMMIT,
        TransactionStmtKind.TRANS_STMT_ROLLBACK,
        TransactionStmtKind.TRANS_STMT_PREPARE,
        TransactionStmtKind.TRANS_STMT_COMMIT_PREPARED,
        TransactionStmtKind.TRANS_STMT_ROLLBACK_PREPARED,
    }
)
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
        return table not in self.new_tables


def sql(node: ast.Node) -> str:
    """Render a parse tree back to SQL."""
    return RawStream()(node)


def quote(name: str) -> str:
    return maybe_double_quote_name(name)


def alter(relation: ast.RangeVar, cmd: ast.AlterTableCmd) -> str:
    """`ALTER TABLE relation <cmd>;` rendered from a single subcommand."""
    stmt = ast.AlterTableStmt(relation=relation, cmds=(cmd,), objtype=ObjectType.OBJECT_TABLE)
    return sql(stmt) + ";"


def check_statement(stmt: Statement, state: FileState) -> list[Finding]:
    """Findings for one statement; updates `state` with what it creates."""
    node = stmt.node
    findings: list[Finding] = []
    if isinstance(node, ast.AlterTableStmt) and node.objtype == ObjectType.OBJECT_TABLE:
        findings += _alter_table(node, state)
    elif isinstance(node, ast.IndexStmt):
        findings += _create_index(node, state)
    elif isinstance(node, ast.DropStmt):
        findings += _drop(node, state)
    elif isinstance(node, ast.RenameStmt):
        findings += _rename(node, state)
    elif isinstance(node, ast.TransactionStmt) and node.kind in _ENDS_TRANSACTION:
        # In a no-transaction file the author manages transactions on purpose.
        findings += [] if state.no_transaction else [_transaction_nesting(node)]
    _track_created(node, state)
    if state.no_transaction or needs_autocommit(node):
        findings += _robustness(node, state)
    if needs_autocommit(node) and not state.no_transaction and state.statement_count > 1:
        findings.append(_concurrent_in_transaction(stmt))
    return findings


def _track_created(node: ast.Node, state: FileState) -> None:
    # CREATE TABLE IF NOT EXISTS is taken as new too: such files are written for a fresh
    # schema, and flagging every index on it would bury the real findings.
    if isinstance(node, ast.CreateStmt):
        state.new_tables.add(qualified_name(node.relation))
    elif isinstance(node, ast.CreateTableAsStmt):
        state.new_tables.add(qualified_name(node.into.rel))


def _alter_table(node: ast.AlterTableStmt, state: FileState) -> list[Finding]:
    table = qualified_name(node.relation)
    existing = state.is_existing(table)
    findings: list[Finding] = []
    for cmd in node.cmds or ():
        match cmd.subtype:
            case AlterTableType.AT_AddColumn if existing:
                findings += _add_column(node.relation, cmd.def_)
            case AlterTableType.AT_AddConstraint:
                findings += _add_constraint(node.relation, cmd.def_, state, existing)
            case AlterTableType.AT_ValidateConstraint:
                findings += _validate(node.relation, cmd.name, state)
            case AlterTableType.AT_SetNotNull if existing:
                if (table, cmd.name) not in state.proven_not_null:
                    findings.append(_set_not_null(node.relation, cmd.name))
            case AlterTableType.AT_AlterColumnType if existing:
                findings.append(_column_type(node.relation, cmd))
            case AlterTableType.AT_DropColumn if existing:
                findings.append(_drop_column(node.relation, cmd.name))
            case AlterTableType.AT_DropConstraint:
                state.dropped_constraints.add((table, cmd.name))
    return findings


# --- ADD COLUMN -------------------------------------------------------------------------


def _column_constraints(column: ast.ColumnDef) -> list[ast.Constraint]:
    return [c for c in column.constraints or () if isinstance(c, ast.Constraint)]


def _type_name(column: ast.ColumnDef) -> str:
    return column.typeName.names[-1].sval.lower() if column.typeName else ""


def _add_column(relation: ast.RangeVar, column: ast.ColumnDef) -> list[Finding]:
    findings = []
    constraints = _column_constraints(column)
    kinds = {c.contype for c in constraints}
    default = next((c for c in constraints if c.contype == ConstrType.CONSTR_DEFAULT), None)
    rewrite = rewrite_reason(column)
    if rewrite:
        findings.append(_field_with_default(relation, column, default, rewrite))
    elif ConstrType.CONSTR_NOTNULL in kinds and default is None:
        findings.append(_required_field(relation, column))
    for con in constraints:
        if con.contype == ConstrType.CONSTR_FOREIGN:
            findings.append(_column_foreign_key(relation, column, con))
        elif con.contype in (ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_PRIMARY):
            findings.append(_column_unique(relation, column, con))
        elif con.contype == ConstrType.CONSTR_CHECK:
            findings.append(_column_check(relation, column, con))
    return findings


def rewrite_reason(column: ast.ColumnDef) -> str | None:
    """Why adding this column rewrites the table, or None when it is catalog-only."""
    constraints = _column_constraints(column)
    default = next((c for c in constraints if c.contype == ConstrType.CONSTR_DEFAULT), None)
    if _type_name(column) in _SERIAL_TYPES:
        return f"its type {_type_name(column)} adds a nextval() default, which is volatile"
    for con in constraints:
        if con.contype == ConstrType.CONSTR_IDENTITY:
            return "an identity column is filled from a sequence, row by row"
        if con.contype == ConstrType.CONSTR_GENERATED and con.generated_kind != "v":
            return "a stored generated column is computed for every existing row"
    if default is None:
        return None
    for node in walk(default.raw_expr):
        if isinstance(node, ast.FuncCall):
            name = node.funcname[-1].sval.lower()
            if name in VOLATILE_FUNCTIONS:
                return f"its default calls {name}(), which is volatile"
            if name not in NON_VOLATILE_FUNCTIONS:
                return f"its default calls {name}(), which cfbops cannot prove non-volatile"
    return None


def _field_with_default(
    relation: ast.RangeVar, column: ast.ColumnDef, default: ast.Constraint | None, why: str
) -> Finding:
    table, col = sql(relation), quote(column.colname)
    plain = copy.deepcopy(column)
    plain.constraints = None
    kinds = {c.contype for c in _column_constraints(column)}
    if _type_name(column) in _SERIAL_TYPES:
        big = "bigint" if "8" in _type_name(column) or "big" in _type_name(column) else "integer"
        plain.typeName = ast.TypeName(names=(ast.String(sval=big),))
    add = alter(relation, ast.AlterTableCmd(subtype=AlterTableType.AT_AddColumn, def_=plain))
    batches = "WHERE {col} IS NULL AND <key range>;  -- repeat per key range, in batches"
    if _type_name(column) in _SERIAL_TYPES or ConstrType.CONSTR_IDENTITY in kinds:
        seq = quote(f"{relation.relname}_{column.colname}_seq")
        qualified_seq = f"{relation.schemaname}.{seq}" if relation.schemaname else seq
        fix = (
            f"{add}\nCREATE SEQUENCE IF NOT EXISTS {qualified_seq} OWNED BY {table}.{col};\n"
            f"ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT nextval('{qualified_seq}');\n"
            f"UPDATE {table} SET {col} = nextval('{qualified_seq}') " + batches.format(col=col)
        )
    elif ConstrType.CONSTR_GENERATED in kinds:
        expr = next(
            c for c in _column_constraints(column) if c.contype == ConstrType.CONSTR_GENERATED
        )
        fix = (
            f"{add}\n-- keep it in step with a BEFORE INSERT OR UPDATE trigger; fill old rows:\n"
            f"UPDATE {table} SET {col} = {sql(expr.raw_expr)} " + batches.format(col=col)
        )
    else:
        fill = sql(default.raw_expr) if default is not None else "<value>"
        fix = (
            f"{add}\nALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT {fill};"
            "  -- new rows only, no rewrite\n"
            f"UPDATE {table} SET {col} = {fill} " + batches.format(col=col)
        )
    if "cannot prove" in why:
        fix += (
            "\n-- or, if the function is STABLE or IMMUTABLE:\n"
            "-- cfbops: allow adding-field-with-default because <function> is not volatile"
        )
    return Finding(
        "adding-field-with-default",
        f"Adding column {col} to existing table {table} rewrites the whole table under "
        f"ACCESS EXCLUSIVE (blocks reads and writes): {why}. Constant and other non-volatile "
        "defaults are fine since PostgreSQL 11 (stored in the catalog, no rewrite).",
        fix,
    )


def _required_field(relation: ast.RangeVar, column: ast.ColumnDef) -> Finding:
    table, col = sql(relation), quote(column.colname)
    nullable = copy.deepcopy(column)
    nullable.constraints = None
    add = alter(relation, ast.AlterTableCmd(subtype=AlterTableType.AT_AddColumn, def_=column))
    add_nullable = alter(
        relation, ast.AlterTableCmd(subtype=AlterTableType.AT_AddColumn, def_=nullable)
    )
    return Finding(
        "adding-not-nullable-field",
        f"Adding NOT NULL column {col} without a default to existing table {table} fails "
        "as soon as the table has a row.",
        f"{add[:-1]} DEFAULT <constant>;  -- a constant default needs no rewrite since PG 11\n"
        "-- or add it nullable, backfill, then SET NOT NULL behind a validated CHECK:\n"
        f"{add_nullable}",
    )


def _column_foreign_key(
    relation: ast.RangeVar, column: ast.ColumnDef, con: ast.Constraint
) -> Finding:
    table = sql(relation)
    fk = copy.deepcopy(con)
    fk.fk_attrs = (ast.String(sval=column.colname),)
    fk.conname = con.conname or f"{relation.relname}_{column.colname}_fkey"
    fk.skip_validation = True
    plain = _plain(column)
    add = ast.AlterTableCmd(subtype=AlterTableType.AT_AddColumn, def_=plain)
    return Finding(
        "adding-foreign-key-constraint",
        f"Adding column {quote(column.colname)} with REFERENCES to existing table {table} "
        f"validates the foreign key at once, holding SHARE ROW EXCLUSIVE on {table} and "
        f"{sql(con.pktable)} (blocks their writes) during a scan of {table}.",
        f"{alter(relation, add)}\n"
        f"{_add(relation, fk)}\n{LATER}\n"
        f"ALTER TABLE {table} VALIDATE CONSTRAINT {quote(fk.conname)};",
    )


def _column_unique(relation: ast.RangeVar, column: ast.ColumnDef, con: ast.Constraint) -> Finding:
    plain = _plain(column)
    keyed = copy.deepcopy(con)
    keyed.keys = (ast.String(sval=column.colname),)
    add = ast.AlterTableCmd(subtype=AlterTableType.AT_AddColumn, def_=plain)
    finding = _unique(relation, keyed)
    return Finding(finding.rule, finding.message, f"{alter(relation, add)}\n{finding.fix}")


def _column_check(relation: ast.RangeVar, column: ast.ColumnDef, con: ast.Constraint) -> Finding:
    table = sql(relation)
    check = copy.deepcopy(con)
    check.conname = con.conname or f"{relation.relname}_{column.colname}_check"
    check.skip_validation = True
    add = ast.AlterTableCmd(subtype=AlterTableType.AT_AddColumn, def_=_plain(column))
    return Finding(
        "constraint-missing-not-valid",
        f"Adding column {quote(column.colname)} with a CHECK to existing table {table} checks "
        "every row under ACCESS EXCLUSIVE (blocks reads and writes).",
        f"{alter(relation, add)}\n{_add(relation, check)}\n{LATER}\n"
        f"ALTER TABLE {table} VALIDATE CONSTRAINT {quote(check.conname)};",
    )


_SCANNING = frozenset(
    {
        ConstrType.CONSTR_FOREIGN,
        ConstrType.CONSTR_UNIQUE,
        ConstrType.CONSTR_PRIMARY,
        ConstrType.CONSTR_CHECK,
    }
)


def _plain(column: ast.ColumnDef) -> ast.ColumnDef:
    """The column without the constraints that scan the table when added with it."""
    stripped = copy.deepcopy(column)
    kept = tuple(c for c in _column_constraints(column) if c.contype not in _SCANNING)
    stripped.constraints = copy.deepcopy(kept) or None
    return stripped


def _add(relation: ast.RangeVar, con: ast.Constraint) -> str:
    return alter(relation, ast.AlterTableCmd(subtype=AlterTableType.AT_AddConstraint, def_=con))


# --- ADD CONSTRAINT / VALIDATE / SET NOT NULL ----------------------------------------------


def _add_constraint(
    relation: ast.RangeVar, con: ast.Constraint, state: FileState, existing: bool
) -> list[Finding]:
    table = qualified_name(relation)
    if con.conname and con.skip_validation:
        state.not_valid.add((table, con.conname))
    if con.contype == ConstrType.CONSTR_CHECK:
        columns = _not_null_columns(con.raw_expr)
        if con.skip_validation and con.conname:
            state.not_null_checks[(table, con.conname)] = columns
        elif not con.skip_validation:
            state.proven_not_null.update((table, c) for c in columns)
    if not existing:
        return []
    if con.contype == ConstrType.CONSTR_FOREIGN and not con.skip_validation:
        return [_foreign_key(relation, con)]
    if con.contype == ConstrType.CONSTR_CHECK and not con.skip_validation:
        return [_check(relation, con)]
    if con.contype in (ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_PRIMARY) and not con.indexname:
        return [_unique(relation, con)]
    return []


def _not_null_columns(expr: ast.Node | None) -> set[str]:
    """Columns a CHECK expression proves NOT NULL (`col IS NOT NULL`, AND-ed)."""
    columns = set()
    for node in walk(expr):
        if (
            isinstance(node, ast.NullTest)
            and node.nulltesttype == NullTestType.IS_NOT_NULL
            and isinstance(node.arg, ast.ColumnRef)
        ):
            columns.add(node.arg.fields[-1].sval)
    return columns


def _foreign_key(relation: ast.RangeVar, con: ast.Constraint) -> Finding:
    table = sql(relation)
    fk = copy.deepcopy(con)
    columns = "_".join(a.sval for a in con.fk_attrs or ())
    fk.conname = con.conname or f"{relation.relname}_{columns}_fkey"
    fk.skip_validation = True
    return Finding(
        "adding-foreign-key-constraint",
        f"Adding foreign key {quote(fk.conname)} to existing table {table} without NOT VALID "
        f"scans {table} while holding SHARE ROW EXCLUSIVE on {table} and "
        f"{sql(con.pktable)}, blocking writes to both for the whole scan.",
        f"{_add(relation, fk)}\n{LATER}\n"
        f"ALTER TABLE {table} VALIDATE CONSTRAINT {quote(fk.conname)};",
    )


def _check_name(relation: ast.RangeVar, con: ast.Constraint) -> str:
    if con.conname:
        return con.conname
    column = next((n for n in walk(con.raw_expr) if isinstance(n, ast.ColumnRef)), None)
    suffix = f"_{column.fields[-1].sval}" if column and hasattr(column.fields[-1], "sval") else ""
    return f"{relation.relname}{suffix}_check"


def _check(relation: ast.RangeVar, con: ast.Constraint) -> Finding:
    table = sql(relation)
    check = copy.deepcopy(con)
    check.conname = _check_name(relation, con)
    check.skip_validation = True
    return Finding(
        "constraint-missing-not-valid",
        f"Adding CHECK {quote(check.conname)} to existing table {table} without NOT VALID "
        "checks every row while holding ACCESS EXCLUSIVE (blocks reads and writes).",
        f"{_add(relation, check)}\n{LATER}\n"
        f"ALTER TABLE {table} VALIDATE CONSTRAINT {quote(check.conname)};",
    )


def _validate(relation: ast.RangeVar, name: str, state: FileState) -> list[Finding]:
    table = qualified_name(relation)
    state.proven_not_null.update((table, c) for c in state.not_null_checks.get((table, name), ()))
    if (table, name) not in state.not_valid or state.no_transaction:
        return []
    if not state.is_existing(table):
        return []
    return [
        Finding(
            "constraint-missing-not-valid",
            f"Constraint {quote(name)} is added NOT VALID and validated in the same "
            "transaction, so the lock taken by ADD is held through the validating scan and "
            "NOT VALID gains nothing.",
            f"Move `ALTER TABLE {sql(relation)} VALIDATE CONSTRAINT {quote(name)};` to a later "
            "migration, or mark this file `-- cfbops: no-transaction` so each statement "
            "commits on its own.",
        )
    ]


def _set_not_null(relation: ast.RangeVar, column: str) -> Finding:
    table, col = sql(relation), quote(column)
    name = quote(f"{relation.relname}_{column}_not_null")
    return Finding(
        "adding-not-nullable-field",
        f"SET NOT NULL on {table}.{col} scans the whole table under ACCESS EXCLUSIVE "
        f"(blocks reads and writes), unless a validated CHECK ({col} IS NOT NULL) exists.",
        f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({col} IS NOT NULL) NOT VALID;\n"
        f"{LATER}\n"
        f"ALTER TABLE {table} VALIDATE CONSTRAINT {name};\n"
        f"ALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL;  -- PG 12+: no scan\n"
        f"ALTER TABLE {table} DROP CONSTRAINT {name};\n"
        "-- if such a CHECK was validated by an earlier migration:\n"
        "-- cfbops: allow adding-not-nullable-field because <constraint> is validated",
    )


# --- column type, drop, rename ------------------------------------------------------------


def _column_type(relation: ast.RangeVar, cmd: ast.AlterTableCmd) -> Finding:
    table, col = sql(relation), quote(cmd.name)
    new_type = sql(cmd.def_.typeName) if cmd.def_ and cmd.def_.typeName else "<new type>"
    return Finding(
        "changing-column-type",
        f"Changing the type of {table}.{col} to {new_type} rewrites the table and rebuilds "
        "its indexes under ACCESS EXCLUSIVE (blocks reads and writes). Only binary-coercible "
        "changes (varchar(n) → text, a longer varchar) skip the rewrite.",
        f"ALTER TABLE {table} ADD COLUMN {quote(cmd.name + '_new')} {new_type};\n"
        f"-- backfill it in batches, keep it in step with a trigger, switch readers and "
        f"writers, then drop {col} in a later migration.\n"
        "-- if the change is binary-coercible:\n"
        "-- cfbops: allow changing-column-type because <old> → <new> needs no rewrite",
    )


def _drop_column(relation: ast.RangeVar, column: str) -> Finding:
    table, col = sql(relation), quote(column)
    return Finding(
        "ban-drop-column",
        f"Dropping {table}.{col} breaks every query, view and client still using it, and its "
        "data is gone for good.",
        f"First release code that no longer reads or writes {col}; then drop it with\n"
        "-- cfbops: allow ban-drop-column because <no reader or writer is left>\n"
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS {col};",
    )


def _rename(node: ast.RenameStmt, state: FileState) -> list[Finding]:
    if node.relation is None:
        return []
    table = qualified_name(node.relation)
    old, new = sql(node.relation), quote(node.newname)
    if node.renameType == ObjectType.OBJECT_TABLE:
        if not state.is_existing(table):
            state.new_tables.add(f"{node.relation.schemaname or 'public'}.{node.newname}")
            return []
        target = f"{node.relation.schemaname}.{new}" if node.relation.schemaname else new
        return [
            Finding(
                "renaming-table",
                f"Renaming table {old} to {new} breaks every client and function still using "
                "the old name (views follow the rename, application code does not).",
                f"ALTER TABLE {old} RENAME TO {new};\n"
                f"CREATE VIEW {old} AS SELECT * FROM {target};  -- keeps old clients working;\n"
                "-- drop the view once no client uses the old name.",
            )
        ]
    if node.renameType == ObjectType.OBJECT_COLUMN and state.is_existing(table):
        col = quote(node.subname)
        return [
            Finding(
                "renaming-column",
                f"Renaming {old}.{col} to {new} breaks every client and function still using "
                "the old name (views follow the rename, application code does not).",
                f"Add {new}, keep both in step with a trigger while clients move, then drop "
                f"{col}; or, once no client uses {col}:\n"
                "-- cfbops: allow renaming-column because <no client uses the old name>",
            )
        ]
    return []


# --- indexes, UNIQUE ----------------------------------------------------------------------


def _index_name(node: ast.IndexStmt) -> str:
    if node.idxname:
        return node.idxname
    columns = [p.name or "expr" for p in node.indexParams or ()]
    return f"{node.relation.relname}_{'_'.join(columns)}_idx"


def _create_index(node: ast.IndexStmt, state: FileState) -> list[Finding]:
    table = qualified_name(node.relation)
    schema = table.split(".", 1)[0]
    state.new_indexes.add(f"{schema}.{_index_name(node)}")
    if node.concurrent or not state.is_existing(table):
        return []
    safe = copy.deepcopy(node)
    safe.concurrent = True
    safe.if_not_exists = True
    safe.idxname = _index_name(node)
    return [
        Finding(
            "require-concurrent-index-creation",
            f"CREATE INDEX on existing table {sql(node.relation)} takes SHARE and blocks its "
            "writes for the whole build.",
            f"{sql(safe)};\n-- CONCURRENTLY runs outside a transaction: cfbops runs it alone; "
            "best in its own file marked `-- cfbops: no-transaction`.",
        )
    ]


def _unique(relation: ast.RangeVar, con: ast.Constraint) -> Finding:
    table = sql(relation)
    primary = con.contype == ConstrType.CONSTR_PRIMARY
    columns = [k.sval for k in con.keys or ()]
    name = con.conname or (
        f"{relation.relname}_pkey" if primary else f"{relation.relname}_{'_'.join(columns)}_key"
    )
    keys = ", ".join(quote(c) for c in columns)
    kind = "PRIMARY KEY" if primary else "UNIQUE"
    return Finding(
        "disallowed-unique-constraint",
        f"Adding {kind} to existing table {table} builds its index while holding ACCESS "
        "EXCLUSIVE (blocks reads and writes) for the whole build.",
        f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {quote(name)} ON {table} ({keys});\n"
        f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {kind} USING INDEX {quote(name)};"
        + ("  -- the key columns must already be NOT NULL" if primary else ""),
    )


def _drop(node: ast.DropStmt, state: FileState) -> list[Finding]:
    names = [".".join(s.sval for s in obj) for obj in node.objects or () if isinstance(obj, tuple)]
    if node.removeType == ObjectType.OBJECT_TABLE:
        state.new_tables.difference_update(n if "." in n else f"public.{n}" for n in names)
        return []
    if node.removeType != ObjectType.OBJECT_INDEX or node.concurrent:
        return []
    old = [n for n in names if (n if "." in n else f"public.{n}") not in state.new_indexes]
    if not old:
        return []
    fix = "\n".join(f"DROP INDEX CONCURRENTLY IF EXISTS {n};" for n in old)
    return [
        Finding(
            "require-concurrent-index-deletion",
            f"DROP INDEX {', '.join(old)} takes ACCESS EXCLUSIVE on the table "
            "(blocks reads and writes) and waits behind every running query on it.",
            f"{fix}\n-- one index per statement, no CASCADE; runs outside a transaction.",
        )
    ]


# --- transactions and retries -------------------------------------------------------------


def _transaction_nesting(node: ast.TransactionStmt) -> Finding:
    return Finding(
        "transaction-nesting",
        f"{sql(node)} inside a migration: cfbops already runs the file in one transaction; "
        "this ends or nests it, and the file is no longer applied atomically.",
        "Remove it. To run statements outside a transaction, mark the file "
        "`-- cfbops: no-transaction`.",
    )


def _concurrent_in_transaction(stmt: Statement) -> Finding:
    words = " ".join(stmt.text.split()[:4])
    return Finding(
        "ban-concurrent-index-creation-in-transaction",
        f"`{words} …` cannot run inside a transaction, and this file has other statements: "
        "cfbops runs it alone in autocommit, so the file is no longer applied atomically.",
        "Move it to its own migration file, or mark this file `-- cfbops: no-transaction` "
        "and make every statement in it safe to re-run.",
    )


def _robustness(node: ast.Node, state: FileState) -> list[Finding]:
    """prefer-robust-stmts: outside a transaction, a retry re-runs what already succeeded."""
    fix = _robust_rewrite(node, state)
    if fix is None:
        return []
    return [
        Finding(
            "prefer-robust-stmts",
            "This statement runs outside a transaction; if the file fails later and is "
            "retried, it runs again and fails because its object already exists (or is gone).",
            fix,
        )
    ]


def _robust_rewrite(node: ast.Node, state: FileState) -> str | None:
    """The retry-safe form of a statement, or None when it already is one."""
    safe = copy.deepcopy(node)
    match node:
        case ast.CreateStmt(if_not_exists=False) | ast.IndexStmt(if_not_exists=False):
            safe.if_not_exists = True
            if isinstance(safe, ast.IndexStmt):
                safe.idxname = _index_name(node)
        case ast.CreateTableAsStmt(if_not_exists=False) | ast.CreateSeqStmt(if_not_exists=False):
            safe.if_not_exists = True
        case ast.CreateSchemaStmt(if_not_exists=False):
            safe.if_not_exists = True
        case ast.DropStmt(missing_ok=False):
            safe.missing_ok = True
        case ast.ViewStmt(replace=False) | ast.CreateFunctionStmt(replace=False):
            safe.replace = True
        case ast.AlterEnumStmt(oldVal=None, skipIfNewValExists=False):
            safe.skipIfNewValExists = True
        case ast.AlterTableStmt():
            return _robust_alter(node, state)
        case _:
            return None
    return sql(safe) + ";"


_IF_EXISTS_FORMS = frozenset(
    {
        AlterTableType.AT_AddColumn,
        AlterTableType.AT_DropColumn,
        AlterTableType.AT_DropConstraint,
    }
)


def _robust_alter(node: ast.AlterTableStmt, state: FileState) -> str | None:
    table = qualified_name(node.relation)
    lines = []
    for cmd in node.cmds or ():
        safe = copy.deepcopy(cmd)
        if cmd.subtype in _IF_EXISTS_FORMS and not cmd.missing_ok:
            safe.missing_ok = True
            lines.append(alter(node.relation, safe))
        elif (
            cmd.subtype == AlterTableType.AT_AddConstraint
            and cmd.def_.conname
            and (table, cmd.def_.conname) not in state.dropped_constraints
        ):
            # ADD CONSTRAINT has no IF NOT EXISTS; dropping it first makes the retry safe.
            drop = ast.AlterTableCmd(
                subtype=AlterTableType.AT_DropConstraint, name=cmd.def_.conname, missing_ok=True
            )
            lines += [alter(node.relation, drop), alter(node.relation, safe)]
    return "\n".join(lines) or None
