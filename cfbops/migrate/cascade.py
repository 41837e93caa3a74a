"""What a `DROP … CASCADE` would drop besides its targets, from pg_depend."""

from __future__ import annotations

import psycopg
from pglast import ast
from pglast.enums import DropBehavior, ObjectType

# Views hang on their tables through their rewrite rule; follow the rule to its view, and
# only through normal dependencies (indexes, types and the like go with their table).
CASCADE_SQL = """
WITH RECURSIVE victims(classid, objid) AS (
    SELECT 'pg_class'::regclass::oid, c.oid
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %(schema)s AND c.relname = %(name)s
  UNION
    SELECT CASE WHEN r.oid IS NULL THEN d.classid ELSE 'pg_class'::regclass::oid END,
           coalesce(r.ev_class, d.objid)
    FROM victims v
    JOIN pg_depend d ON d.refclassid = v.classid AND d.refobjid = v.objid AND d.deptype = 'n'
    LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
    WHERE v.classid = 'pg_class'::regclass::oid
)
SELECT pg_describe_object(v.classid, v.objid, 0),
       (SELECT n.nspname || '.' || c.relname FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE v.classid = 'pg_class'::regclass::oid AND c.oid = v.objid)
FROM victims v
WHERE NOT (v.classid = 'pg_class'::regclass::oid AND v.objid = (
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %(schema)s AND c.relname = %(name)s))
ORDER BY 1
"""

_RELATIONS = frozenset({
    ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW,
    ObjectType.OBJECT_FOREIGN_TABLE,
})  # fmt: skip


def cascade_victims(conn: psycopg.Connection, node: ast.Node) -> tuple[tuple[str, str | None], ...]:
    """What `DROP … CASCADE` would drop besides its targets: (description, relation name)."""
    if not (
        isinstance(node, ast.DropStmt)
        and node.behavior == DropBehavior.DROP_CASCADE
        and node.removeType in _RELATIONS
    ):
        return ()
    found: dict[str, str | None] = {}
    for obj in node.objects or ():
        parts = [p.sval for p in obj if isinstance(p, ast.String)]
        schema, name = (parts[-2], parts[-1]) if len(parts) >= 2 else ("public", parts[-1])
        for description, relation in conn.execute(
            CASCADE_SQL, {"schema": schema, "name": name}
        ).fetchall():
            found[description] = relation
    return tuple(sorted(found.items()))
