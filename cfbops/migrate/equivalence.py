"""Keys and indexes compared by what they guarantee, not by name.

A warehouse built by other hands holds the same constraint under another name
(`games_id_unique` and `uq_games_id` on `core.games(id)`). Adding ours next to it would
create a third copy, so a file's ADD CONSTRAINT / CREATE INDEX counts as present when an
object with the same columns, target and semantics exists, under any name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from pglast import ast, parse_sql
from pglast.enums import A_Expr_Kind, AlterTableType, BoolExprType, ConstrType
from pglast.stream import RawStream
from psycopg import sql

from cfbops.migrate.statements import Statement, qualified_name


@dataclass(frozen=True, slots=True)
class KeyShape:
    """What a constraint or index guarantees, without its name."""

    kind: str  # unique | foreign | check | index
    table: str
    columns: tuple[str | None, ...]  # None: an expression column of an index
    target: str | None = None
    target_columns: tuple[str, ...] = ()
    on_delete: str = "a"
    on_update: str = "a"
    match: str = "s"
    deferrable: bool = False
    deferred: bool = False
    expression: str | None = None  # a CHECK's condition, or an index's WHERE
    primary: bool = False  # a PRIMARY KEY also needs its columns NOT NULL
    method: str = "btree"

    def describe(self) -> str:
        cols = ", ".join(c or "(expression)" for c in self.columns)
        if self.kind == "foreign":
            deferral = (
                " DEFERRABLE INITIALLY DEFERRED"
                if self.deferred
                else (" DEFERRABLE" if self.deferrable else "")
            )
            return (
                f"FOREIGN KEY {self.table}({cols}) → {self.target}"
                f"({', '.join(self.target_columns)}){deferral}"
            )
        if self.kind == "check":
            return f"CHECK on {self.table} ({self.expression})"
        word = "PRIMARY KEY" if self.primary else self.kind.upper()
        where = f" WHERE {self.expression}" if self.expression else ""
        return f"{word} {self.table}({cols}){where}"


@dataclass(frozen=True, slots=True)
class LiveKey:
    """A constraint or index as the catalog holds it."""

    name: str
    shape: KeyShape
    validated: bool = True
    constraint: bool = True


def normalized(expression: str | None) -> str | None:
    """An expression as PostgreSQL's parser sees it, so spacing and parentheses don't count."""
    if not expression:
        return None
    try:
        node = parse_sql(f"SELECT {expression}")[0].stmt.targetList[0].val
    except Exception:  # the catalog's text is always parseable; a file's may use syntax we skip
        return expression.strip()
    return RawStream()(_without_literal_casts(node))


def _without_literal_casts(node: ast.Node) -> ast.Node:
    for name in node:
        value = getattr(node, name)
        if isinstance(value, ast.Node):
            setattr(node, name, _without_literal_casts(value))
        elif isinstance(value, tuple):
            setattr(
                node,
                name,
                tuple(_without_literal_casts(v) if isinstance(v, ast.Node) else v for v in value),
            )
    # The catalog writes `'fbs'::text` where the file wrote `'fbs'`: same meaning.
    if isinstance(node, ast.TypeCast) and isinstance(node.arg, ast.A_Const):
        return node.arg
    # … and for a varchar column `(kind)::text = ANY ((ARRAY[…])::text[])`: the casts to
    # text of a column and of an array of constants change no comparison's outcome.
    if isinstance(node, ast.TypeCast) and _casts_to_text(node):
        arg = node.arg
        if isinstance(arg, ast.ColumnRef) or (
            isinstance(arg, ast.A_ArrayExpr)
            and all(isinstance(e, ast.A_Const) for e in arg.elements or ())
        ):
            return arg
    # … and `x BETWEEN a AND b` as `x >= a AND x <= b`.
    if isinstance(node, ast.A_Expr) and node.kind == A_Expr_Kind.AEXPR_BETWEEN:
        low, high = node.rexpr

        def compared(operator: str, bound: ast.Node) -> ast.A_Expr:
            return ast.A_Expr(
                kind=A_Expr_Kind.AEXPR_OP,
                name=(ast.String(sval=operator),),
                lexpr=node.lexpr,
                rexpr=bound,
            )

        return ast.BoolExpr(
            boolop=BoolExprType.AND_EXPR, args=(compared(">=", low), compared("<=", high))
        )
    # The catalog stores `x IN (a, b)` as `x = ANY (ARRAY[a, b])` and `NOT IN` as `<> ALL`;
    # a list of one as a plain `x = a` (`x <> a`).
    if isinstance(node, ast.A_Expr) and node.kind == A_Expr_Kind.AEXPR_IN:
        negated = _names(node.name) == ("<>",)
        if len(node.rexpr) == 1:
            return ast.A_Expr(
                kind=A_Expr_Kind.AEXPR_OP, name=node.name, lexpr=node.lexpr, rexpr=node.rexpr[0]
            )
        return ast.A_Expr(
            kind=A_Expr_Kind.AEXPR_OP_ALL if negated else A_Expr_Kind.AEXPR_OP_ANY,
            name=node.name,
            lexpr=node.lexpr,
            rexpr=ast.A_ArrayExpr(elements=tuple(node.rexpr)),
        )
    return node


def _casts_to_text(node: ast.TypeCast) -> bool:
    names = _names(node.typeName.names)
    return names[-1:] == ("text",) and names[:-1] in ((), ("pg_catalog",))


def _names(nodes: object) -> tuple[str, ...]:
    return tuple(n.sval for n in nodes or () if isinstance(n, ast.String))  # type: ignore[attr-defined]


def constraint_shape(
    table: str, constraint: ast.Constraint, column: str | None = None
) -> KeyShape | None:
    """The shape of a table or column constraint (`column` for the column-level form)."""
    kind = constraint.contype
    own = (column,) if column else ()
    if kind in (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE):
        return KeyShape(
            "unique",
            table,
            _names(constraint.keys) or own,
            deferrable=bool(constraint.deferrable),
            deferred=bool(constraint.initdeferred),
            primary=kind == ConstrType.CONSTR_PRIMARY,
        )
    if kind == ConstrType.CONSTR_FOREIGN:
        return KeyShape(
            "foreign",
            table,
            _names(constraint.fk_attrs) or own,
            qualified_name(constraint.pktable),
            _names(constraint.pk_attrs),
            constraint.fk_del_action or "a",
            constraint.fk_upd_action or "a",
            constraint.fk_matchtype or "s",
            bool(constraint.deferrable),
            bool(constraint.initdeferred),
        )
    if kind == ConstrType.CONSTR_CHECK:
        return KeyShape(
            "check", table, own, expression=normalized(RawStream()(constraint.raw_expr))
        )
    return None


def index_shape(node: ast.IndexStmt) -> KeyShape:
    columns = tuple(p.name or None for p in node.indexParams or ())
    predicate = normalized(RawStream()(node.whereClause)) if node.whereClause else None
    return KeyShape(
        "unique" if node.unique else "index",
        qualified_name(node.relation),
        columns,
        expression=predicate,
        method=node.accessMethod or "btree",
    )


def satisfies(live: KeyShape, wanted: KeyShape, not_null: frozenset[str]) -> bool:
    """True when `live` guarantees everything `wanted` asks for."""
    if live.table != wanted.table:
        return False
    if wanted.kind == "foreign":
        return live.kind == "foreign" and (
            sorted(zip(live.columns, live.target_columns, strict=False))
            == sorted(zip(wanted.columns, wanted.target_columns, strict=False))
            and (live.target, live.on_delete, live.on_update, live.match)
            == (wanted.target, wanted.on_delete, wanted.on_update, wanted.match)
            and (live.deferrable, live.deferred) == (wanted.deferrable, wanted.deferred)
        )
    if wanted.kind == "check":
        return live.kind == "check" and live.expression == wanted.expression
    if wanted.kind == "unique" and not wanted.expression and None not in wanted.columns:
        # Uniqueness of a set of columns does not depend on their order in the index.
        return (
            live.kind == "unique"
            and not live.expression
            and None not in live.columns
            and set(live.columns) == set(wanted.columns)
            and (live.deferrable, live.deferred) == (wanted.deferrable, wanted.deferred)
            and (not wanted.primary or set(wanted.columns) <= not_null)
        )
    # Plain or partial/expression indexes: the same columns in the same order, the same
    # method and the same predicate.
    return (
        live.kind == wanted.kind
        and live.columns == wanted.columns
        and live.method == wanted.method
        and live.expression == wanted.expression
        and (None not in wanted.columns)
    )


KEYS_SQL = """
SELECT c.conname, c.contype,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
       fn.nspname || '.' || f.relname,
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
       c.confdeltype, c.confupdtype, c.confmatchtype, c.condeferrable, c.condeferred,
       c.convalidated, pg_get_expr(c.conbin, c.conrelid)
FROM pg_constraint c
LEFT JOIN pg_class f ON f.oid = c.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = f.relnamespace
WHERE c.conrelid = to_regclass(%(table)s) AND c.contype IN ('p', 'u', 'f', 'c')
"""

INDEXES_SQL = """
SELECT ic.relname, i.indisunique, am.amname,
       ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
             WHERE k.o <= i.indnkeyatts ORDER BY k.o),
       pg_get_expr(i.indpred, i.indrelid)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE i.indrelid = to_regclass(%(table)s) AND i.indisvalid
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                  AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u'))
"""

NOT_NULL_SQL = """
SELECT attname::text FROM pg_attribute
WHERE attrelid = to_regclass(%(table)s) AND attnum > 0 AND NOT attisdropped AND attnotnull
"""


def live_keys(conn: psycopg.Connection, table: str) -> list[LiveKey]:
    """Every constraint and every index (not already a constraint's) on `table`."""
    keys: list[LiveKey] = []
    for row in conn.execute(KEYS_SQL, {"table": table}).fetchall():
        name, contype, cols, target, tcols, delete, update, match, dfr, dfd, valid, expr = row
        if contype == "f":
            shape = KeyShape(
                "foreign",
                table,
                tuple(cols),
                target,
                tuple(tcols),
                delete,
                update,
                match,
                dfr,
                dfd,
            )
        elif contype == "c":
            shape = KeyShape("check", table, (), expression=normalized(expr))
        else:
            shape = KeyShape(
                "unique", table, tuple(cols), deferrable=dfr, deferred=dfd, primary=contype == "p"
            )
        keys.append(LiveKey(name, shape, valid, True))
    for name, unique, method, cols, predicate in conn.execute(
        INDEXES_SQL, {"table": table}
    ).fetchall():
        shape = KeyShape(
            "unique" if unique else "index",
            table,
            tuple(cols),
            expression=normalized(predicate),
            method=method,
        )
        keys.append(LiveKey(name, shape, True, False))
    return keys


def not_null_columns(conn: psycopg.Connection, table: str) -> frozenset[str]:
    return frozenset(r[0] for r in conn.execute(NOT_NULL_SQL, {"table": table}).fetchall())


def find_equivalent(
    keys: Sequence[LiveKey], wanted: KeyShape, not_null: frozenset[str]
) -> LiveKey | None:
    """The live object that already guarantees `wanted`; constraints before plain indexes."""
    matches = [k for k in keys if satisfies(k.shape, wanted, not_null)]
    matches.sort(key=lambda k: (not k.constraint, not k.validated, k.name))
    return matches[0] if matches else None


@dataclass(frozen=True, slots=True)
class Equivalent:
    """A statement whose object is already present under another name (or needs only
    validating): what the file wanted, what stands, and the SQL to run instead, if any."""

    line: int
    wanted: str
    existing: str
    table: str
    validate: bool = False  # the equivalent stands NOT VALID: validate it instead

    def message(self) -> str:
        if self.validate:
            return f"line {self.line}: {self.wanted} exists as {self.existing}; validating that"
        return f"line {self.line}: {self.wanted} is present as {self.existing}; not added twice"

    def validate_sql(self) -> sql.Composed:
        schema, _, relation = self.table.partition(".")
        return sql.SQL("ALTER TABLE {} VALIDATE CONSTRAINT {}").format(
            sql.Identifier(schema, relation), sql.Identifier(self.existing)
        )


def wanted_constraint(statement: Statement) -> tuple[str, str | None, KeyShape, bool] | None:
    """(table, name, shape, validates) of a statement that only adds one constraint."""
    node = statement.node
    if not isinstance(node, ast.AlterTableStmt) or len(node.cmds or ()) != 1:
        return None
    command = node.cmds[0]
    if command.subtype != AlterTableType.AT_AddConstraint:
        return None
    table = qualified_name(node.relation)
    shape = constraint_shape(table, command.def_)
    if shape is None:
        return None
    return table, command.def_.conname, shape, not command.def_.skip_validation


def _validated_name(statement: Statement) -> tuple[str, str] | None:
    node = statement.node
    if not isinstance(node, ast.AlterTableStmt) or len(node.cmds or ()) != 1:
        return None
    command = node.cmds[0]
    if command.subtype != AlterTableType.AT_ValidateConstraint:
        return None
    return qualified_name(node.relation), command.name


def defined_constraint(
    files: Sequence[Sequence[Statement]], table: str, name: str
) -> KeyShape | None:
    """How the files define constraint `name` on `table` (the last definition wins)."""
    found = None
    for statements in files:
        for statement in statements:
            wanted = wanted_constraint(statement)
            if wanted and wanted[0] == table and wanted[1] == name:
                found = wanted[2]
    return found


def present_equivalents(
    conn: psycopg.Connection,
    statements: Sequence[Statement],
    earlier: Sequence[Sequence[Statement]] = (),
) -> dict[int, Equivalent]:
    """Statement index → its equivalent, for statements whose object already stands under
    another name (ADD CONSTRAINT, CREATE INDEX) or whose VALIDATE targets such an object."""
    found: dict[int, Equivalent] = {}
    for index, statement in enumerate(statements):
        equivalent = _equivalent_of(conn, statement, [*earlier, statements])
        if equivalent is not None:
            found[index] = equivalent
    return found


def _exists(conn: psycopg.Connection, table: str) -> bool:
    return bool(conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()[0])


def _equivalent_of(
    conn: psycopg.Connection, statement: Statement, files: Sequence[Sequence[Statement]]
) -> Equivalent | None:
    node = statement.node
    if isinstance(node, ast.IndexStmt):
        table, shape, name = qualified_name(node.relation), index_shape(node), node.idxname
        validates = False
    elif (wanted := wanted_constraint(statement)) is not None:
        table, name, shape, validates = wanted
    elif (validated := _validated_name(statement)) is not None:
        table, name = validated
        shape_or_none = defined_constraint(files, table, name)
        if shape_or_none is None or not _exists(conn, table):
            return None
        shape, validates = shape_or_none, True
    else:
        return None
    if not _exists(conn, table):
        return None
    keys = live_keys(conn, table)
    if name and any(k.name == name for k in keys):
        return None  # the object itself stands: PostgreSQL decides (VALIDATE is a no-op)
    match = find_equivalent(keys, shape, not_null_columns(conn, table))
    if match is None:
        return None
    label = f"{name or 'index'} ({shape.describe()})"
    return Equivalent(
        statement.line, label, match.name, table, validate=validates and not match.validated
    )
