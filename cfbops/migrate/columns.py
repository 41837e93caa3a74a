"""Facts about a new column: does adding it rewrite the table, and why."""

from __future__ import annotations

from pglast import ast
from pglast.enums import ConstrType

from cfbops.migrate.statements import walk

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

SERIAL_TYPES = frozenset({"serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"})


def column_constraints(column: ast.ColumnDef) -> list[ast.Constraint]:
    """The constraints written on a column (NOT NULL, DEFAULT, REFERENCES, …)."""
    return [c for c in column.constraints or () if isinstance(c, ast.Constraint)]


def type_name(column: ast.ColumnDef) -> str:
    """The column's type name without schema, lower case (`serial`, `int4`, `text`)."""
    return column.typeName.names[-1].sval.lower() if column.typeName else ""


def rewrite_reason(column: ast.ColumnDef) -> str | None:
    """Why adding this column rewrites the table, or None when it is catalog-only."""
    constraints = column_constraints(column)
    default = next((c for c in constraints if c.contype == ConstrType.CONSTR_DEFAULT), None)
    if type_name(column) in SERIAL_TYPES:
        return f"its type {type_name(column)} adds a nextval() default, which is volatile"
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
