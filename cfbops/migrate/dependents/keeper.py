"""The keeper of one transaction: before each statement that drops with CASCADE it saves
the dependents no file of the run re-creates; at the end it re-creates them, in dependency
order, re-populating what was populated, or raises naming what cannot come back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import psycopg
from pglast import ast
from pglast.enums import DropBehavior, ObjectType
from pglast.stream import RawStream

from cfbops.migrate.dependents.carry import Carry
from cfbops.migrate.dependents.catalog import (
    Dependent,
    column_reads,
    find_dependents,
    qualified_names,
    recreate_statements,
    relation_columns,
    relation_names,
    save_function,
    save_relation,
    schema_contents,
)
from cfbops.migrate.dependents.model import (
    DependentsLost,
    KeptReport,
    LostDependent,
    SavedObject,
)
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.object_names import defined_objects
from cfbops.migrate.statements import Statement

LOCK_WAITS = (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected)
_RELATIONS = frozenset({
    ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW,
    ObjectType.OBJECT_FOREIGN_TABLE,
})  # fmt: skip
_ROUTINES = frozenset({
    ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE, ObjectType.OBJECT_ROUTINE,
})  # fmt: skip


def _parts(names: object) -> list[str]:
    return [n.sval for n in names or () if isinstance(n, ast.String)]  # type: ignore[attr-defined]


def _qualified(parts: list[str]) -> str:
    return ".".join(parts) if len(parts) > 1 else f"public.{parts[0]}"


def dropped_by_name(statement: Statement) -> tuple[set[str], set[str]]:
    """(relations and functions, schemas) a statement drops by name, whatever its behaviour."""
    node = statement.node
    names: set[str] = set()
    schemas: set[str] = set()
    if not isinstance(node, ast.DropStmt):
        return names, schemas
    for obj in node.objects or ():
        if node.removeType == ObjectType.OBJECT_SCHEMA:
            schemas.add(obj.sval)
        elif node.removeType in _RELATIONS:
            names.add(_qualified(_parts(obj)))
        elif node.removeType in _ROUTINES:
            names.add(_qualified(_parts(obj.objname)))
    return names, schemas


class Keeper:
    """Saves and re-creates, for one transaction, what cascades would take."""

    def __init__(
        self,
        conn: psycopg.Connection,
        run: Sequence[MigrationFile],
        drop_dependent: Iterable[str] = (),
        *,
        populate: bool = True,
        carry: Carry | None = None,
    ) -> None:
        self.conn = conn
        self.defined: set[str] = set()
        self.dropped: set[str] = set()
        self.dropped_schemas: set[str] = set()
        for file in run:
            self.defined |= defined_objects(file)
            for statement in file.statements:
                names, schemas = dropped_by_name(statement)
                self.dropped |= names
                self.dropped_schemas |= schemas
        self.accept = frozenset(drop_dependent)
        self.populate = populate
        self.saved: dict[str, SavedObject] = {}
        self.report = KeptReport()
        self.prepared: set[tuple[str, int]] = set()  # drops whose dependents are saved
        self.built: dict[str, str] = {}  # saved objects built ahead: name → build schema
        # Shared by a run's keepers: an object re-created in a later transaction gets its
        # grants and indexes there.
        self.carry = carry if carry is not None else Carry()

    def snapshot(self) -> tuple:
        """What the keeper holds now, to put back with `rollback` when the statements it
        saw are rolled back to a savepoint and tried again."""
        report = self.report
        counts = (len(report.recreated), len(report.accepted), len(report.lost))
        return dict(self.saved), counts, self.carry.snapshot(), dict(self.built)

    def rollback(self, state: tuple) -> None:
        saved, (recreated, accepted, lost), carry, built = state
        self.saved = dict(saved)
        self.built = dict(built)
        del self.report.recreated[recreated:]
        del self.report.accepted[accepted:]
        del self.report.lost[lost:]
        self.carry.rollback(carry)

    # -- before a drop -------------------------------------------------------------------

    def prepare(self, files: Sequence[MigrationFile]) -> None:
        """Save now what every drop of these files will take, in their order: a swap runs
        nothing between them that changes what they reach, and saving ahead leaves the
        swap's locks less to wait for (and lets what must be filled again be built ahead)."""
        for file in files:
            for statement in file.statements:
                if self._roots(statement.node) is not None:
                    self.before(file, statement)
                    self.prepared.add((file.key, statement.line))

    def before(self, file: MigrationFile, statement: Statement) -> None:
        """Save what `statement`'s CASCADE would take and no file of the run re-creates."""
        if (file.key, statement.line) in self.prepared:
            return
        found = self._reach(statement)
        if found is None:
            return
        kept, replaced, via = found
        where = f"{file.display_path}:{statement.line}"
        refused = [d for d in kept if d.kind == "other"]
        if refused:
            raise DependentsLost(
                tuple(
                    LostDependent(
                        d.name,
                        "object",
                        where,
                        via,
                        error="cfbops cannot save and re-create this kind of object",
                    )
                    for d in refused
                )
            )
        self.carry.remember(self.conn, replaced)
        self._save(kept, where, via)

    def would_keep(self, statement: Statement) -> tuple[list[Dependent], str] | None:
        """What `statement` would take that the keeper saves, and what it drops (said as
        a reader would); None for a statement that drops nothing with CASCADE. Names that
        --drop-dependent accepts go to the report, not to the list."""
        found = self._reach(statement)
        return None if found is None else (found[0], found[2])

    def _reach(self, statement: Statement) -> tuple[list[Dependent], dict[int, str], str] | None:
        """(dependents to save, relations the run drops and re-creates, what is dropped)."""
        roots = self._roots(statement.node)
        if roots is None or not (roots[0] or roots[1]):
            return None
        relations, functions, via = roots
        dependents = find_dependents(self.conn, relations, functions)
        reached = relation_names(self.conn, relations)
        reached.update({d.oid: d.name for d in dependents if d.kind == "relation"})
        replaced = {oid: name for oid, name in reached.items() if name in self.defined}
        return [d for d in dependents if self._kept(d)], replaced, via

    def _kept(self, dependent: Dependent) -> bool:
        name = dependent.name
        if (
            name in self.defined
            or name in self.dropped
            or name.split(".")[0] in self.dropped_schemas
            or name in self.saved
        ):
            return False
        if name in self.accept:
            if name not in self.report.accepted:
                self.report.accepted.append(name)
            return False
        return True

    def _save(self, kept: list[Dependent], where: str, via: str) -> None:
        names = {d.name for d in kept}
        reads = column_reads(self.conn, [d.oid for d in kept])
        with qualified_names(self.conn):
            for dependent in kept:
                if dependent.kind == "relation":
                    saved = save_relation(self.conn, dependent.oid)
                else:
                    saved = save_function(self.conn, dependent.oid)
                self.saved[dependent.name] = replace(
                    saved,
                    reads=tuple(reads.get(dependent.oid, ())),
                    after=tuple(sorted((dependent.reads & names) - {dependent.name})),
                    dropped_by=where,
                    via=via,
                )

    def _roots(self, node: ast.Node) -> tuple[list[int], list[int], str] | None:
        """What a DROP … CASCADE names: relation oids, function oids, and how to say it."""
        if not isinstance(node, ast.DropStmt) or node.behavior != DropBehavior.DROP_CASCADE:
            return None
        conn = self.conn
        relations: list[int] = []
        functions: list[int] = []
        named: list[str] = []
        for obj in node.objects or ():
            if node.removeType == ObjectType.OBJECT_SCHEMA:
                named.append(f"schema {obj.sval}")
                more = schema_contents(conn, [obj.sval])
                relations += more[0]
                functions += more[1]
            elif node.removeType in _RELATIONS:
                name = _qualified(_parts(obj))
                named.append(name)
                row = conn.execute("SELECT pg_catalog.to_regclass(%s)::oid", (name,)).fetchone()
                relations += [row[0]] if row and row[0] else []
            elif node.removeType in _ROUTINES:
                named.append(_qualified(_parts(obj.objname)))
                functions += self._routines(obj)
        return relations, functions, ", ".join(named)

    def _routines(self, obj: ast.ObjectWithArgs) -> list[int]:
        name = _qualified(_parts(obj.objname))
        if obj.args_unspecified:
            schema, _, routine = name.partition(".")
            rows = self.conn.execute(
                "SELECT p.oid FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n "
                "ON n.oid = p.pronamespace WHERE n.nspname = %s AND p.proname = %s",
                (schema, routine),
            ).fetchall()
            return [r[0] for r in rows]
        signature = f"{name}({', '.join(RawStream()(a) for a in obj.objargs or ())})"
        row = self.conn.execute(
            "SELECT pg_catalog.to_regprocedure(%s)::oid", (signature,)
        ).fetchone()
        return [row[0]] if row and row[0] else []

    # -- after the statements ------------------------------------------------------------

    @property
    def pending(self) -> tuple[SavedObject, ...]:
        """What is saved and not re-created yet, in the order re-creation takes."""
        ordered: list[SavedObject] = []
        done: set[str] = set()
        waiting = list(self.saved.values())
        while waiting:
            ready = [s for s in waiting if set(s.after) <= done | {s.name}] or waiting[:1]
            for saved in ready:
                ordered.append(saved)
                done.add(saved.name)
            waiting = [s for s in waiting if s.name not in done]
        return tuple(ordered)

    def restore(self) -> KeptReport:
        """Re-create what was saved, each in a savepoint; raise DependentsLost naming every
        one that cannot come back (the caller's transaction then rolls back)."""
        conn = self.conn
        user = conn.execute("SELECT current_user").fetchone()[0]
        failed: dict[str, LostDependent] = {}
        for saved in self.pending:
            lost_inputs = [name for name in saved.after if name in failed]
            if lost_inputs:
                failed[saved.name] = self._lost(saved, inputs_lost=tuple(lost_inputs))
                continue
            try:
                with conn.transaction():
                    statements = recreate_statements(
                        saved, user, populate=self.populate, built_in=self.built.get(saved.name)
                    )
                    for statement in statements:
                        conn.execute(statement)
                    retyped = self._retyped(saved)
                    if retyped:
                        failed[saved.name] = self._lost(saved, retyped=retyped)
                        raise _Undo
            except _Undo:
                continue
            except LOCK_WAITS:
                raise  # a lock not had at once: the caller tries the whole swap again
            except psycopg.Error as exc:
                failed[saved.name] = self._explained(saved, exc, set(failed))
                continue
            self.report.recreated.append(saved)
        self.saved.clear()
        self.built.clear()
        self.carry.apply(conn)
        if failed:
            self.report.lost += failed.values()
            raise DependentsLost(tuple(failed.values()))
        return self.report

    def _retyped(self, saved: SavedObject) -> tuple[str, ...]:
        if not saved.columns:
            return ()
        oid = self.conn.execute("SELECT to_regclass(%s)::oid", (saved.name,)).fetchone()[0]
        now = {c.name: c for c in relation_columns(self.conn, oid)}
        return tuple(
            f"{c.name} {c.type_name} → {now[c.name].type_name}"
            for c in saved.columns
            if c.name in now and now[c.name].family != c.family
        )

    def _explained(self, saved: SavedObject, exc: psycopg.Error, failed: set[str]) -> LostDependent:
        missing, gone = [], []
        for relation, column in saved.reads:
            exists, has_column = self.conn.execute(
                "SELECT to_regclass(%(r)s) IS NOT NULL, EXISTS (SELECT FROM pg_attribute "
                "WHERE attrelid = to_regclass(%(r)s) AND attname = %(c)s AND NOT attisdropped)",
                {"r": relation, "c": column},
            ).fetchone()
            if not exists:
                gone.append(relation)
            elif not has_column:
                missing.append((relation, column))
        error = exc.diag.message_primary or str(exc).splitlines()[0]
        gone = list(dict.fromkeys(gone))
        return self._lost(
            saved,
            missing=tuple(missing),
            gone=tuple(g for g in gone if g not in failed),
            inputs_lost=tuple(g for g in gone if g in failed),
            error=error,
        )

    @staticmethod
    def _lost(saved: SavedObject, **why: object) -> LostDependent:
        return LostDependent(saved.name, saved.kind, saved.dropped_by, saved.via, **why)  # type: ignore[arg-type]


class _Undo(Exception):
    """Roll the savepoint back: the object came back changed."""
