"""Build beside, swap in: the repeatables' views and materialized views are built first
under a build schema, while the live ones keep answering, then moved into place at the end
of the same transaction. Readers of the marts and api views then wait for the swap (drops,
moves, comments, grants: about a second), not for the marts to fill (a minute or more).

A statement is built ahead when that changes nothing of its outcome: a CREATE VIEW or
CREATE MATERIALIZED VIEW whose object its file drops first (or that does not exist yet),
whose inputs from the same run are built ahead too, and whose functions from the same run
can be created first (a CREATE FUNCTION with nothing opaque before it in its file, whose
body names no relation of the run). Its indexes are built with it. Everything else runs in
its place, in file order, as before; each built statement becomes `ALTER … SET SCHEMA`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import psycopg
from pglast import ast, parse_sql
from pglast.enums import ObjectType
from pglast.parser import ParseError
from pglast.stream import RawStream
from psycopg import sql

from cfbops.migrate.dependents.carry import unnamed
from cfbops.migrate.dependents.catalog import create_statement
from cfbops.migrate.dependents.keeper import Keeper
from cfbops.migrate.dependents.model import SavedObject
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.lock_attempts import ATTEMPT_LOCK_TIMEOUT, RETRYABLE, LockRetry
from cfbops.migrate.statements import Statement, qualified_name, walk

BUILD_PREFIX = "cfbops_build_"
_RELATION_DROPS = frozenset({ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW})

EXISTS_SQL = "SELECT pg_catalog.to_regclass(%s) IS NOT NULL"


def build_schema(schema: str) -> str:
    return f"{BUILD_PREFIX}{schema}"[:63]


@dataclass(frozen=True, slots=True)
class Early:
    """A statement run ahead, and the text that runs."""

    file: MigrationFile
    statement: Statement
    text: str


@dataclass(slots=True)
class Swap:
    """What runs ahead, and what each statement becomes in its place."""

    early: list[Early] = field(default_factory=list)
    late: dict[tuple[str, int], str | None] = field(default_factory=dict)
    schemas: set[str] = field(default_factory=set)
    built: set[str] = field(default_factory=set)  # relations built ahead, by real name
    populate: bool = True

    def in_place(self, file: MigrationFile, index: int, statement: Statement) -> str | None:
        """The text to run for statement `index` (0-based) of `file` in its place; None
        when it ran ahead in full (a function, an index of a built view)."""
        return self.late.get((file.key, index), statement.text)

    def open(self, conn: psycopg.Connection) -> None:
        """Create the build schemas and run what runs ahead (errors name the statement)."""
        for schema in sorted(self.schemas):
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        for early in self.early:
            try:
                conn.execute(early.text.encode())
            except psycopg.Error as exc:
                exc.cfbops_statement = early.statement  # type: ignore[attr-defined]
                exc.cfbops_file = early.file  # type: ignore[attr-defined]
                raise

    def keep_ahead(
        self, conn: psycopg.Connection, keeper: Keeper, files: Sequence[MigrationFile]
    ) -> None:
        """Save now what the swap's drops will take; build ahead, filled, the materialized
        views among them and the indexes others gave to what is built ahead, so the swap
        only moves them (what cannot be built ahead is left to the swap, which explains)."""
        keeper.prepare(files)
        for saved in keeper.pending:
            if saved.kind == "materialized view" and self._build_saved(conn, keeper, saved):
                keeper.built[saved.name] = build_schema(saved.name.split(".")[0])
        for name, saved in list(keeper.carry.waiting.items()):
            if name in self.built:
                keeper.carry.waiting[name] = self._index_ahead(conn, keeper, saved)

    def _relocated(self, text: str, also: set[str] = frozenset()) -> ast.Node:
        node = parse_sql(text)[0].stmt
        moved = self.built | also
        for ref in walk(node):
            if isinstance(ref, ast.RangeVar) and ref.schemaname and qualified_name(ref) in moved:
                ref.schemaname = build_schema(ref.schemaname)
        return node

    def _schema(self, conn: psycopg.Connection, schema: str) -> str:
        shadow = build_schema(schema)
        if shadow not in self.schemas:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(shadow)))
            self.schemas.add(shadow)
        return shadow

    def _build_saved(self, conn: psycopg.Connection, keeper: Keeper, saved: SavedObject) -> bool:
        shadow = self._schema(conn, saved.name.split(".")[0])
        try:
            query = RawStream()(self._relocated(saved.definition, set(keeper.built)))
            statement = create_statement(
                replace(saved, definition=query), populate=self.populate, schema=shadow
            )
            indexes = [
                RawStream()(self._relocated(p.statement, {saved.name}))
                for p in saved.parts
                if p.kind == "index"
            ]
            with conn.transaction():
                conn.execute(statement)
                for index in indexes:
                    conn.execute(index.encode())
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
            raise
        except (psycopg.Error, ParseError):
            return False  # the swap re-creates it in place, or says why it cannot
        return True

    def _index_ahead(
        self, conn: psycopg.Connection, keeper: Keeper, saved: SavedObject
    ) -> SavedObject:
        """Build on the new object, ahead, the indexes others gave the old one."""
        schema, _, relation = saved.name.partition(".")
        standing = {
            unnamed(definition)
            for (definition,) in conn.execute(
                "SELECT pg_catalog.pg_get_indexdef(indexrelid) FROM pg_catalog.pg_index "
                "WHERE indrelid = pg_catalog.to_regclass(%s)",
                (f"{build_schema(schema)}.{relation}",),
            )
        }
        left = []
        for part in saved.parts:
            if part.kind != "index":
                left.append(part)
                continue
            text = RawStream()(self._relocated(part.statement, {saved.name}))
            if unnamed(text) in standing:
                continue  # the new object has it under its own name
            try:
                with conn.transaction():
                    conn.execute(text.encode())
            except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
                raise
            except psycopg.Error:
                left.append(part)  # given a try at the swap, which reports why not
                continue
            keeper.carry.carried.append(f"index {part.name} on {saved.name}")
        return replace(saved, parts=tuple(left))

    def close(self, conn: psycopg.Connection) -> None:
        """Drop the build schemas, empty by now (RESTRICT: anything left is an error)."""
        for schema in sorted(self.schemas):
            conn.execute(sql.SQL("DROP SCHEMA {}").format(sql.Identifier(schema)))


def short_lock_tries(conn: psycopg.Connection) -> None:
    """Lock waits of ATTEMPT_LOCK_TIMEOUT for the rest of the transaction (the swap's)."""
    conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(ATTEMPT_LOCK_TIMEOUT)))


def swap_in(
    conn: psycopg.Connection, retry: LockRetry, keeper: Keeper | None, work: Callable[[], None]
) -> None:
    """Run the swap (`work`: the statements in their places, the re-created dependents) in
    a savepoint with short lock tries. Its drops take ACCESS EXCLUSIVE locks one relation
    after another while readers take theirs in another order: a long wait could deadlock
    or queue every reader behind it. A try that cannot have a lock at once is rolled back
    to the savepoint, after the build, which stands, and tried again."""

    def attempt() -> None:
        state = keeper.snapshot() if keeper is not None else None
        try:
            with conn.transaction():
                short_lock_tries(conn)
                work()
        except RETRYABLE:
            if keeper is not None:
                keeper.rollback(state)
            raise

    retry.run("swapping the rebuilt views in", attempt)


def plan_swap(
    conn: psycopg.Connection, files: Sequence[MigrationFile], *, populate: bool = True
) -> Swap:
    """Decide, for one transaction of repeatables, what is built ahead."""
    swap = Swap(populate=populate)
    created = {name for file in files for s in file.statements for name in _creates(s.node)}
    built: set[str] = set()  # relations built ahead, by their real names
    early_functions: set[str] = set()
    for file in files:
        dropped: set[str] = set()
        opaque = False
        for index, statement in enumerate(file.statements):
            node = statement.node
            if isinstance(node, ast.VariableSetStmt):
                break  # a SET changes how what follows reads: the rest runs in its place
            if isinstance(node, ast.DropStmt) and node.removeType in _RELATION_DROPS:
                dropped |= {_qualified(obj) for obj in node.objects or ()}
                continue
            if isinstance(node, ast.CreateFunctionStmt):
                name = _function_name(node)
                if not opaque and not _body_names(statement.text, created):
                    swap.early.append(Early(file, statement, statement.text))
                    swap.late[(file.key, index)] = None
                    early_functions.add(name)
                continue
            target = _target(node)
            if target is not None:
                name, kind = target
                inputs = (_reads(node) & created) - {name}
                functions = _calls(node) & _function_names(files)
                replaces = name in dropped or not _exists(conn, name)
                if replaces and inputs <= built and functions <= early_functions:
                    schema, relation = name.split(".", 1)
                    shadow = build_schema(schema)
                    swap.schemas.add(shadow)
                    text = _rewritten(node, built, populate)
                    swap.early.append(Early(file, statement, text))
                    swap.late[(file.key, index)] = _move(conn, kind, shadow, relation, schema)
                    built.add(name)
                    swap.built.add(name)
                continue
            if isinstance(node, ast.IndexStmt) and qualified_name(node.relation) in built:
                swap.early.append(Early(file, statement, _rewritten(node, built, populate)))
                swap.late[(file.key, index)] = None
                continue
            if not isinstance(node, ast.CommentStmt | ast.GrantStmt):
                opaque = True
    return swap


def _move(conn: psycopg.Connection, kind: str, shadow: str, relation: str, schema: str) -> str:
    statement = sql.SQL("ALTER {} {} SET SCHEMA {}").format(
        sql.SQL(kind), sql.Identifier(shadow, relation), sql.Identifier(schema)
    )
    return statement.as_string(conn)


def _qualified(obj: object) -> str:
    parts = [n.sval for n in obj if isinstance(n, ast.String)]  # type: ignore[attr-defined]
    return ".".join(parts) if len(parts) > 1 else f"public.{parts[0]}"


def _function_name(node: ast.CreateFunctionStmt) -> str:
    return _qualified(node.funcname)


def _function_names(files: Sequence[MigrationFile]) -> set[str]:
    return {
        _function_name(s.node)
        for file in files
        for s in file.statements
        if isinstance(s.node, ast.CreateFunctionStmt)
    }


def _creates(node: ast.Node) -> list[str]:
    target = _target(node)
    if target is not None:
        return [target[0]]
    if isinstance(node, ast.CreateStmt):
        return [qualified_name(node.relation)]
    return []


def _target(node: ast.Node) -> tuple[str, str] | None:
    """(name, kind) of a plain CREATE VIEW or CREATE MATERIALIZED VIEW."""
    if isinstance(node, ast.ViewStmt) and not node.replace and node.view.schemaname:
        return qualified_name(node.view), "VIEW"
    if (
        isinstance(node, ast.CreateTableAsStmt)
        and node.objtype == ObjectType.OBJECT_MATVIEW
        and not node.if_not_exists
        and node.into.rel.schemaname
    ):
        return qualified_name(node.into.rel), "MATERIALIZED VIEW"
    return None


def _reads(node: ast.Node) -> set[str]:
    return {qualified_name(n) for n in walk(node) if isinstance(n, ast.RangeVar) and n.schemaname}


def _calls(node: ast.Node) -> set[str]:
    return {
        _qualified(n.funcname)
        for n in walk(node)
        if isinstance(n, ast.FuncCall) and len(n.funcname) > 1
    }


def _body_names(text: str, relations: set[str]) -> bool:
    """True when a function's text names a relation of the run (an SQL body is checked
    against the catalog when created: ahead of the swap it would see the old one)."""
    return any(name in text for name in relations)


def _exists(conn: psycopg.Connection, name: str) -> bool:
    return bool(conn.execute(EXISTS_SQL, (name,)).fetchone()[0])


def _rewritten(node: ast.Node, built: set[str], populate: bool) -> str:
    """The statement with its own relation, and every input built ahead, in the build
    schemas; a materialized view left unfilled when `populate` is false."""
    changed: list[tuple[ast.RangeVar, str]] = []
    for ref in walk(node):
        if (
            isinstance(ref, ast.RangeVar)
            and ref.schemaname
            and (qualified_name(ref) in built or ref is _own(node))
        ):
            changed.append((ref, ref.schemaname))
            ref.schemaname = build_schema(ref.schemaname)
    skip = None
    if isinstance(node, ast.CreateTableAsStmt) and not populate:
        skip, node.into.skipData = node.into.skipData, True
    try:
        return RawStream()(node)
    finally:
        for ref, schema in changed:
            ref.schemaname = schema
        if skip is not None:
            node.into.skipData = skip


def _own(node: ast.Node) -> ast.RangeVar | None:
    if isinstance(node, ast.ViewStmt):
        return node.view
    if isinstance(node, ast.CreateTableAsStmt):
        return node.into.rel
    if isinstance(node, ast.IndexStmt):
        return node.relation
    return None
