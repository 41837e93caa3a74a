"""Lint checks for ALTER TABLE: new columns, constraints, NOT NULL, types, drops."""

from __future__ import annotations

import copy

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, NullTestType

from cfbops.migrate.columns import SERIAL_TYPES, column_constraints, rewrite_reason, type_name
from cfbops.migrate.lint.rules import (
    LATER,
    FileState,
    Finding,
    add_constraint_sql,
    alter,
    quote,
    sql,
)
from cfbops.migrate.statements import qualified_name, walk


def check_alter_table(node: ast.AlterTableStmt, state: FileState) -> list[Finding]:
    """Findings for each subcommand; skips hazards on tables created earlier in the file."""
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


# --- ADD COLUMN ---------------------------------------------------------------------------


def _add_column(relation: ast.RangeVar, column: ast.ColumnDef) -> list[Finding]:
    findings = []
    constraints = column_constraints(column)
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


def _field_with_default(
    relation: ast.RangeVar, column: ast.ColumnDef, default: ast.Constraint | None, why: str
) -> Finding:
    table, col = sql(relation), quote(column.colname)
    plain = copy.deepcopy(column)
    plain.constraints = None
    kinds = {c.contype for c in column_constraints(column)}
    if type_name(column) in SERIAL_TYPES:
        big = "bigint" if "8" in type_name(column) or "big" in type_name(column) else "integer"
        plain.typeName = ast.TypeName(names=(ast.String(sval=big),))
    add = alter(relation, ast.AlterTableCmd(subtype=AlterTableType.AT_AddColumn, def_=plain))
    batches = "WHERE {col} IS NULL AND <key range>;  -- repeat per key range, in batches"
    if type_name(column) in SERIAL_TYPES or ConstrType.CONSTR_IDENTITY in kinds:
        seq = quote(f"{relation.relname}_{column.colname}_seq")
        qualified_seq = f"{relation.schemaname}.{seq}" if relation.schemaname else seq
        fix = (
            f"{add}\nCREATE SEQUENCE IF NOT EXISTS {qualified_seq} OWNED BY {table}.{col};\n"
            f"ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT nextval('{qualified_seq}');\n"
            f"UPDATE {table} SET {col} = nextval('{qualified_seq}') " + batches.format(col=col)
        )
    elif ConstrType.CONSTR_GENERATED in kinds:
        expr = next(
            c for c in column_constraints(column) if c.contype == ConstrType.CONSTR_GENERATED
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
        f"{add_constraint_sql(relation, fk)}\n{LATER}\n"
        f"ALTER TABLE {table} VALIDATE CONSTRAINT {quote(fk.conname)};",
    )


def _column_unique(relation: ast.RangeVar, column: ast.ColumnDef, con: ast.Constraint) -> Finding:
    plain = _plain(column)
    keyed = copy.deepcopy(con)
    keyed.keys = (ast.String(sval=column.colname),)
    add = ast.AlterTableCmd(subtype=AlterTableType.AT_AddColumn, def_=plain)
    finding = unique_finding(relation, keyed)
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
        f"{alter(relation, add)}\n{add_constraint_sql(relation, check)}\n{LATER}\n"
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
    kept = tuple(c for c in column_constraints(column) if c.contype not in _SCANNING)
    stripped.constraints = copy.deepcopy(kept) or None
    return stripped


# --- ADD CONSTRAINT / VALIDATE / SET NOT NULL ---------------------------------------------


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
        return [unique_finding(relation, con)]
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
        f"{add_constraint_sql(relation, fk)}\n{LATER}\n"
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
        f"{add_constraint_sql(relation, check)}\n{LATER}\n"
        f"ALTER TABLE {table} VALIDATE CONSTRAINT {quote(check.conname)};",
    )


def unique_finding(relation: ast.RangeVar, con: ast.Constraint) -> Finding:
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


# --- column type, drop --------------------------------------------------------------------


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
