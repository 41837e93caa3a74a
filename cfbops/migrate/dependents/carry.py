"""What others added to an object the run itself drops and re-creates: its grants (an app's
role reading an api view), column grants and indexes. Remembered before the drop, given
to the new object once it stands (later in the transaction, or in a later one of the run).
An index the new object cannot carry (its column is gone) is reported, not fatal: nothing
reads an index by name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import psycopg
from pglast import parse_sql
from pglast.parser import ParseError
from pglast.stream import RawStream
from psycopg import sql

from cfbops.migrate.dependents.catalog import qualified_names, relation_columns, save_relation
from cfbops.migrate.dependents.model import Grant, SavedObject

_INDEX_NAME = re.compile(r"^(CREATE (?:UNIQUE )?INDEX )\S+ ON ")

RELKIND_SQL = "SELECT relkind FROM pg_catalog.pg_class WHERE oid = %s"
EXISTING_INDEXES_SQL = """
SELECT pg_catalog.pg_get_indexdef(i.indexrelid), ic.relname::text
FROM pg_catalog.pg_index AS i JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
WHERE i.indrelid = pg_catalog.to_regclass(%s)
"""


ACL_SQL = """
SELECT x.privilege_type, coalesce(r.rolname, 'PUBLIC')
FROM pg_catalog.pg_class AS c, pg_catalog.aclexplode(c.relacl) AS x
LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = x.grantee
WHERE c.oid = %s
"""


def _acl(conn: psycopg.Connection, oid: int) -> list[Grant]:
    return [Grant(privilege, grantee) for privilege, grantee in conn.execute(ACL_SQL, (oid,))]


def unnamed(definition: str) -> str:
    """An index's definition without its name, as PostgreSQL's parser reads it: two
    indexes alike but for their names (and how the text was printed) match."""
    try:
        node = parse_sql(definition)[0].stmt
    except ParseError:
        return _INDEX_NAME.sub(r"\1ON ", definition)
    node.idxname = None
    return RawStream()(node)


@dataclass(slots=True)
class Carry:
    """Per run: grants and indexes waiting for the objects the run re-creates."""

    waiting: dict[str, SavedObject] = field(default_factory=dict)
    carried: list[str] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)

    def snapshot(self) -> tuple:
        """What stands now, to put back with `rollback` (a retried attempt starts over)."""
        return dict(self.waiting), len(self.carried), len(self.not_carried)

    def rollback(self, state: tuple) -> None:
        waiting, carried, not_carried = state
        self.waiting = dict(waiting)
        del self.carried[carried:]
        del self.not_carried[not_carried:]

    def remember(self, conn: psycopg.Connection, relations: dict[int, str]) -> None:
        """Save the grants and indexes of relations about to be dropped and re-created."""
        fresh = {oid: name for oid, name in relations.items() if name not in self.waiting}
        if not fresh:
            return
        with qualified_names(conn):
            for oid, name in fresh.items():
                kind = conn.execute(
                    "SELECT relkind FROM pg_catalog.pg_class WHERE oid = %s", (oid,)
                )
                if kind.fetchone()[0] in ("v", "m"):
                    self.waiting[name] = save_relation(conn, oid)

    def apply(self, conn: psycopg.Connection) -> None:
        """Give what waits to each object that stands again; the rest keeps waiting."""
        for name, saved in list(self.waiting.items()):
            exists = conn.execute("SELECT pg_catalog.to_regclass(%s)::oid", (name,)).fetchone()
            if not exists or exists[0] is None:
                continue
            del self.waiting[name]
            self._grants(conn, saved, exists[0])
            self._indexes(conn, saved)

    def _grants(self, conn: psycopg.Connection, saved: SavedObject, oid: int) -> None:
        schema, _, relation = saved.name.partition(".")
        target = sql.Identifier(schema, relation)
        owner = conn.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s", (oid,)
        )
        new_owner = owner.fetchone()[0]
        given = []
        columns = {c.name for c in relation_columns(conn, oid)}
        wanted: list[tuple[Grant, str | None]] = [(g, None) for g in saved.grants]
        wanted += [(g, c.name) for c in saved.columns for g in c.grants if c.name in columns]
        standing = {(g.privilege, g.grantee, None) for g in _acl(conn, oid)}
        standing |= {
            (g.privilege, g.grantee, c.name) for c in relation_columns(conn, oid) for g in c.grants
        }
        for grant, column in wanted:
            if grant.grantee in (saved.owner, new_owner):
                continue  # an owner's own rights come with ownership
            if (grant.privilege, grant.grantee, column) in standing:
                continue  # the file that re-created it granted it again
            privilege = sql.SQL(grant.privilege)
            if column is not None:
                privilege = sql.SQL("{} ({})").format(privilege, sql.Identifier(column))
            grantee = (
                sql.SQL("PUBLIC") if grant.grantee == "PUBLIC" else sql.Identifier(grant.grantee)
            )
            option = sql.SQL(" WITH GRANT OPTION") if grant.grantable else sql.SQL("")
            conn.execute(
                sql.SQL("GRANT {} ON {} TO {}{}").format(privilege, target, grantee, option)
            )
            given.append(f"{grant.privilege}{f' ({column})' if column else ''} to {grant.grantee}")
        if given:
            self.carried.append(f"grants on {saved.name}: {', '.join(sorted(set(given)))}")

    def _indexes(self, conn: psycopg.Connection, saved: SavedObject) -> None:
        standing = conn.execute(EXISTING_INDEXES_SQL, (saved.name,)).fetchall()
        shapes = {unnamed(definition): name for definition, name in standing}
        names = {name for _, name in standing}
        for part in saved.parts:
            if part.kind != "index":
                continue
            if part.name.partition(".")[2] in names:
                continue
            if unnamed(part.statement) in shapes:
                continue  # the new object has it under its own name
            try:
                with conn.transaction():
                    conn.execute(sql.SQL(part.statement))
            except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
                raise  # not had at once: the caller tries again
            except psycopg.Error as exc:
                reason = exc.diag.message_primary or str(exc).splitlines()[0]
                self.not_carried.append(f"index {part.name} on {saved.name}: {reason}")
                continue
            self.carried.append(f"index {part.name} on {saved.name}")
