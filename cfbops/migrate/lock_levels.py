"""Which table lock a statement takes, on what, for how long, and whom it blocks.

Facts from PostgreSQL's "Explicit Locking" chapter and the ALTER TABLE reference (which
says ACCESS EXCLUSIVE unless a subcommand is documented otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from cfbops.migrate.columns import rewrite_reason
from cfbops.migrate.statements import Statement, has_option, written_name

NONE = "none"
UNKNOWN = "unknown"
ACCESS_SHARE = "ACCESS SHARE"
ROW_EXCLUSIVE = "ROW EXCLUSIVE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
SHARE = "SHARE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
EXCLUSIVE = "EXCLUSIVE"
ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
# Weakest to strongest; LOCK TABLE's mode numbers index this tuple.
LEVELS = (
    NONE, ACCESS_SHARE, "ROW SHARE", ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE,
    SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE,
)  # fmt: skip
# What ordinary traffic (SELECT, INSERT/UPDATE/DELETE) waits for while the lock is held.
BLOCKS = {
    ACCESS_EXCLUSIVE: "reads and writes",
    EXCLUSIVE: "writes",
    SHARE_ROW_EXCLUSIVE: "writes",
    SHARE: "writes",
    SHARE_UPDATE_EXCLUSIVE: "other DDL only",
    ROW_EXCLUSIVE: "other DDL only",
    "ROW SHARE": "other DDL only",
    ACCESS_SHARE: "other DDL only",
    NONE: "nothing",
}


class Duration(StrEnum):
    BRIEF = "brief"  # catalog change only
    SCAN = "scan"  # holds the lock while it reads the whole table
    REWRITE = "rewrite"  # writes a new copy of the table (and its indexes)
    UNKNOWN = "unknown"  # DO blocks and commands cfbops does not classify


_DURATION_ORDER = (Duration.BRIEF, Duration.SCAN, Duration.REWRITE, Duration.UNKNOWN)


@dataclass(frozen=True, slots=True)
class LockImpact:
    """The strongest table lock a statement takes, on which tables, and for how long."""

    level: str
    tables: tuple[str, ...]
    duration: Duration
    blocks: str
    note: str


def _impact(
    level: str, tables: tuple[str, ...] | list[str], duration: Duration, note: str
) -> LockImpact:
    unique = tuple(dict.fromkeys(tables))
    return LockImpact(level, unique, duration, BLOCKS.get(level, "unknown"), note)


def lock_for(stmt: Statement) -> LockImpact:
    """Classify one statement's locking, from its parse tree alone."""
    node = stmt.node
    match node:
        case ast.AlterTableStmt():
            return _alter_table(node)
        case ast.IndexStmt():
            return _create_index(node)
        case ast.DropStmt():
            return _drop(node)
        case ast.RenameStmt():
            return _rename(node)
        case ast.CreateStmt():
            return _create_table(node)
        case ast.RefreshMatViewStmt():
            return _refresh(node)
        case ast.VacuumStmt():
            return _vacuum(node)
        case ast.ReindexStmt():
            return _reindex(node)
        case ast.InsertStmt() | ast.UpdateStmt() | ast.DeleteStmt() | ast.MergeStmt():
            return _dml(node)
        case ast.DoStmt():
            return LockImpact(
                UNKNOWN, (), Duration.UNKNOWN, "depends on its body",
                "a DO block takes whatever locks the statements in its body take",
            )  # fmt: skip
    return _simple(node)


def _simple(node: ast.Node) -> LockImpact:
    """Statements whose lock does not depend on their options."""
    match node:
        case ast.TruncateStmt():
            tables = [written_name(r) for r in node.relations]
            note = "fast, but waits for every running query on the table first"
            return _impact(ACCESS_EXCLUSIVE, tables, Duration.BRIEF, note)
        case ast.CreateTrigStmt():
            note = "CREATE TRIGGER: no scan, but writers wait until it commits"
            return _impact(SHARE_ROW_EXCLUSIVE, [written_name(node.relation)], Duration.BRIEF, note)
        case ast.ClusterStmt():
            tables = [written_name(node.relation)] if node.relation else []
            return _impact(ACCESS_EXCLUSIVE, tables, Duration.REWRITE, "CLUSTER rewrites the table")
        case ast.CreateTableAsStmt():
            return _create_table_as(node)
        case ast.ViewStmt():
            return _create_view(node)
        case ast.LockStmt():
            tables = [written_name(r) for r in node.relations]
            note = "held until the transaction ends"
            return _impact(LEVELS[node.mode], tables, Duration.BRIEF, note)
        case ast.CreatePolicyStmt():
            note = "CREATE POLICY: catalog only, but waits for every query on the table"
            return _impact(ACCESS_EXCLUSIVE, [written_name(node.table)], Duration.BRIEF, note)
        case ast.CreateStatsStmt():
            return _impact(SHARE_UPDATE_EXCLUSIVE, [], Duration.BRIEF, "catalog only")
        case ast.CommentStmt():
            return _impact(SHARE_UPDATE_EXCLUSIVE, [], Duration.BRIEF, "catalog only")
        case ast.SelectStmt():
            note = "reads take ACCESS SHARE, which only ACCESS EXCLUSIVE waits for"
            return _impact(ACCESS_SHARE, [], Duration.SCAN, note)
        case (
            ast.CreateFunctionStmt() | ast.CreateSchemaStmt() | ast.CreateEnumStmt()
            | ast.AlterEnumStmt() | ast.CreateDomainStmt() | ast.CreateSeqStmt()
            | ast.AlterSeqStmt() | ast.CreateExtensionStmt() | ast.GrantStmt()
            | ast.VariableSetStmt() | ast.CompositeTypeStmt() | ast.TransactionStmt()
            | ast.CreateRoleStmt() | ast.AlterRoleStmt() | ast.GrantRoleStmt()
            | ast.AlterDefaultPrivilegesStmt() | ast.DefineStmt()
        ):  # fmt: skip
            return _impact(NONE, [], Duration.BRIEF, "takes no table lock")
    return LockImpact(
        UNKNOWN, (), Duration.UNKNOWN, "unknown",
        f"cfbops does not classify {type(node).__name__}; see the PostgreSQL documentation",
    )  # fmt: skip


# --- ALTER TABLE --------------------------------------------------------------------------

_PLANNER_ONLY = frozenset({
    AlterTableType.AT_SetStatistics, AlterTableType.AT_SetOptions,
    AlterTableType.AT_ResetOptions, AlterTableType.AT_ClusterOn, AlterTableType.AT_DropCluster,
    AlterTableType.AT_SetRelOptions, AlterTableType.AT_ResetRelOptions,
})  # fmt: skip
_TRIGGER_SWITCHES = frozenset({
    AlterTableType.AT_EnableTrig, AlterTableType.AT_EnableAlwaysTrig,
    AlterTableType.AT_EnableReplicaTrig, AlterTableType.AT_DisableTrig,
    AlterTableType.AT_EnableTrigAll, AlterTableType.AT_DisableTrigAll,
    AlterTableType.AT_EnableTrigUser, AlterTableType.AT_DisableTrigUser,
})  # fmt: skip
_REWRITES = frozenset({
    AlterTableType.AT_SetLogged, AlterTableType.AT_SetUnLogged,
    AlterTableType.AT_SetTableSpace, AlterTableType.AT_SetAccessMethod,
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Part:
    level: str
    duration: Duration
    note: str
    others: tuple[str, ...] = ()


def _alter_table(node: ast.AlterTableStmt) -> LockImpact:
    parts = [_alter_cmd(cmd) for cmd in node.cmds or ()]
    if not parts:
        return _impact(ACCESS_EXCLUSIVE, [written_name(node.relation)], Duration.BRIEF, "")
    # Several subcommands take the strongest lock any of them needs, for the longest time.
    level = max((p.level for p in parts), key=LEVELS.index)
    duration = max((p.duration for p in parts), key=_DURATION_ORDER.index)
    tables = [written_name(node.relation), *(t for p in parts for t in p.others)]
    return _impact(level, tables, duration, "; ".join(p.note for p in parts if p.note))


def _alter_cmd(cmd: ast.AlterTableCmd) -> _Part:
    match cmd.subtype:
        case AlterTableType.AT_AddColumn:
            return _add_column(cmd.def_)
        case AlterTableType.AT_AddConstraint:
            return _add_constraint(cmd.def_)
        case AlterTableType.AT_ValidateConstraint:
            return _Part(
                SHARE_UPDATE_EXCLUSIVE, Duration.SCAN,
                "VALIDATE CONSTRAINT scans the table, but readers and writers go on "
                "(a foreign key's referenced table gets only ROW SHARE)",
            )  # fmt: skip
        case AlterTableType.AT_SetNotNull:
            return _Part(
                ACCESS_EXCLUSIVE, Duration.SCAN,
                f"SET NOT NULL scans for NULLs in {cmd.name}, unless a validated "
                f"CHECK ({cmd.name} IS NOT NULL) proves there are none (PG 12+)",
            )  # fmt: skip
        case AlterTableType.AT_AlterColumnType:
            return _Part(
                ACCESS_EXCLUSIVE, Duration.REWRITE,
                f"changing the type of {cmd.name} rewrites the table and its indexes, unless "
                "the change is binary-coercible",
            )  # fmt: skip
        case AlterTableType.AT_DropColumn:
            return _Part(ACCESS_EXCLUSIVE, Duration.BRIEF, f"DROP COLUMN {cmd.name}: catalog only")
        case AlterTableType.AT_AttachPartition:
            return _Part(
                ACCESS_EXCLUSIVE, Duration.SCAN,
                "ATTACH PARTITION: only SHARE UPDATE EXCLUSIVE on the parent, but ACCESS "
                "EXCLUSIVE on the partition, which is scanned unless a CHECK already proves "
                "the bound",
                (written_name(cmd.def_.name),),
            )  # fmt: skip
        case AlterTableType.AT_DetachPartition:
            partition = (written_name(cmd.def_.name),)
            if cmd.def_.concurrent:
                note = "DETACH PARTITION CONCURRENTLY: readers and writers go on"
                return _Part(SHARE_UPDATE_EXCLUSIVE, Duration.BRIEF, note, partition)
            note = "DETACH PARTITION: ACCESS EXCLUSIVE on parent and partition"
            return _Part(ACCESS_EXCLUSIVE, Duration.BRIEF, note, partition)
        case subtype if subtype in _PLANNER_ONLY:
            return _Part(SHARE_UPDATE_EXCLUSIVE, Duration.BRIEF, "planner settings only")
        case subtype if subtype in _TRIGGER_SWITCHES:
            return _Part(SHARE_ROW_EXCLUSIVE, Duration.BRIEF, "enables or disables a trigger")
        case subtype if subtype in _REWRITES:
            return _Part(ACCESS_EXCLUSIVE, Duration.REWRITE, "copies the whole table")
    return _Part(ACCESS_EXCLUSIVE, Duration.BRIEF, "")


def _add_column(column: ast.ColumnDef) -> _Part:
    reason = rewrite_reason(column)
    if reason:
        return _Part(ACCESS_EXCLUSIVE, Duration.REWRITE, f"ADD COLUMN rewrites the table: {reason}")
    constraints = [c for c in column.constraints or () if isinstance(c, ast.Constraint)]
    kinds = {c.contype for c in constraints}
    others = tuple(
        written_name(c.pktable) for c in constraints if c.contype == ConstrType.CONSTR_FOREIGN
    )
    if others:
        note = "the new foreign key is checked at once; SHARE ROW EXCLUSIVE on " + others[0]
        return _Part(ACCESS_EXCLUSIVE, Duration.SCAN, note, others)
    if kinds & {ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_PRIMARY}:
        return _Part(ACCESS_EXCLUSIVE, Duration.SCAN, "builds a unique index on the new column")
    if ConstrType.CONSTR_CHECK in kinds:
        return _Part(ACCESS_EXCLUSIVE, Duration.SCAN, "checks the new column's CHECK on every row")
    if ConstrType.CONSTR_NOTNULL in kinds and ConstrType.CONSTR_DEFAULT not in kinds:
        return _Part(ACCESS_EXCLUSIVE, Duration.SCAN, "NOT NULL without default: fails on any row")
    return _Part(
        ACCESS_EXCLUSIVE, Duration.BRIEF,
        "ADD COLUMN: catalog only (a non-volatile default is stored in the catalog, PG 11+)",
    )  # fmt: skip


def _add_constraint(con: ast.Constraint) -> _Part:
    match con.contype:
        case ConstrType.CONSTR_FOREIGN:
            others = (written_name(con.pktable),)
            if con.skip_validation:
                note = "foreign key NOT VALID: SHARE ROW EXCLUSIVE on both tables, no scan"
                return _Part(SHARE_ROW_EXCLUSIVE, Duration.BRIEF, note, others)
            note = (
                "foreign key: SHARE ROW EXCLUSIVE on both tables (writes wait) during a full "
                "scan of the referencing table"
            )
            return _Part(SHARE_ROW_EXCLUSIVE, Duration.SCAN, note, others)
        case ConstrType.CONSTR_CHECK:
            if con.skip_validation:
                return _Part(ACCESS_EXCLUSIVE, Duration.BRIEF, "CHECK NOT VALID: no scan")
            return _Part(ACCESS_EXCLUSIVE, Duration.SCAN, "CHECK: every row is checked")
        case ConstrType.CONSTR_UNIQUE | ConstrType.CONSTR_PRIMARY if con.indexname:
            note = f"attaches the existing index {con.indexname}" + (
                "; a PRIMARY KEY also scans for NULLs unless its columns are NOT NULL"
                if con.contype == ConstrType.CONSTR_PRIMARY
                else ""
            )
            return _Part(ACCESS_EXCLUSIVE, Duration.BRIEF, note)
        case ConstrType.CONSTR_UNIQUE | ConstrType.CONSTR_PRIMARY | ConstrType.CONSTR_EXCLUSION:
            note = "builds the constraint's index while holding ACCESS EXCLUSIVE"
            return _Part(ACCESS_EXCLUSIVE, Duration.SCAN, note)
    return _Part(ACCESS_EXCLUSIVE, Duration.BRIEF, "")


# --- other DDL ----------------------------------------------------------------------------


def _create_index(node: ast.IndexStmt) -> LockImpact:
    table = [written_name(node.relation)]
    if node.concurrent:
        note = (
            "CONCURRENTLY: two scans, readers and writers go on; waits for transactions "
            "that could use the index"
        )
        return _impact(SHARE_UPDATE_EXCLUSIVE, table, Duration.SCAN, note)
    note = "CREATE INDEX: reads go on, writes wait for the whole build"
    return _impact(SHARE, table, Duration.SCAN, note)


_RELATION_KINDS = frozenset({
    ObjectType.OBJECT_TABLE, ObjectType.OBJECT_INDEX, ObjectType.OBJECT_VIEW,
    ObjectType.OBJECT_MATVIEW, ObjectType.OBJECT_SEQUENCE, ObjectType.OBJECT_FOREIGN_TABLE,
})  # fmt: skip


def _drop(node: ast.DropStmt) -> LockImpact:
    names = [
        ".".join(part.sval for part in obj)
        for obj in node.objects or ()
        if isinstance(obj, tuple) and all(isinstance(p, ast.String) for p in obj)
    ]
    if node.removeType == ObjectType.OBJECT_INDEX:
        if node.concurrent:
            note = "DROP INDEX CONCURRENTLY: waits for queries using the index, blocks none"
            return _impact(SHARE_UPDATE_EXCLUSIVE, names, Duration.BRIEF, note)
        note = "ACCESS EXCLUSIVE on the index's table: waits for, then blocks, all its queries"
        return _impact(ACCESS_EXCLUSIVE, names, Duration.BRIEF, note)
    if node.removeType in _RELATION_KINDS:
        note = "waits for every running query on it; CASCADE also drops what depends on it"
        return _impact(ACCESS_EXCLUSIVE, names, Duration.BRIEF, note)
    if node.removeType in (
        ObjectType.OBJECT_TRIGGER,
        ObjectType.OBJECT_RULE,
        ObjectType.OBJECT_POLICY,
    ):
        tables = [n.rsplit(".", 1)[0] for n in names]
        return _impact(ACCESS_EXCLUSIVE, tables, Duration.BRIEF, "on the table it belongs to")
    note = "no table lock; CASCADE also drops (and locks) dependent objects"
    return _impact(NONE, [], Duration.BRIEF, note)


def _rename(node: ast.RenameStmt) -> LockImpact:
    if node.relation is None:
        return _impact(NONE, [], Duration.BRIEF, "renames a non-table object; catalog only")
    table = [written_name(node.relation)]
    if node.renameType == ObjectType.OBJECT_INDEX:
        return _impact(SHARE_UPDATE_EXCLUSIVE, table, Duration.BRIEF, "ALTER INDEX RENAME (PG 12+)")
    note = "catalog only, but waits for every running query on the table"
    return _impact(ACCESS_EXCLUSIVE, table, Duration.BRIEF, note)


def _create_table(node: ast.CreateStmt) -> LockImpact:
    new = written_name(node.relation)
    if node.partbound is not None and node.inhRelations:
        parent = written_name(node.inhRelations[0])
        note = "CREATE TABLE … PARTITION OF locks the parent table"
        return _impact(ACCESS_EXCLUSIVE, [parent, new], Duration.BRIEF, note)
    referenced = [
        written_name(c.pktable)
        for element in node.tableElts or ()
        for c in (
            [element] if isinstance(element, ast.Constraint) else (element.constraints or ())
            if isinstance(element, ast.ColumnDef) else ()
        )
        if isinstance(c, ast.Constraint) and c.contype == ConstrType.CONSTR_FOREIGN
    ]  # fmt: skip
    if referenced:
        note = "a new table's foreign keys take SHARE ROW EXCLUSIVE on the referenced tables"
        return _impact(SHARE_ROW_EXCLUSIVE, [new, *referenced], Duration.BRIEF, note)
    return _impact(NONE, [new], Duration.BRIEF, "new table; no lock on existing tables")


def _create_table_as(node: ast.CreateTableAsStmt) -> LockImpact:
    new = written_name(node.into.rel)
    if node.into.skipData:
        return _impact(NONE, [new], Duration.BRIEF, "WITH NO DATA: catalog only")
    note = "runs its query: ACCESS SHARE on the tables it reads, for the whole query"
    return _impact(ACCESS_SHARE, [new], Duration.SCAN, note)


def _create_view(node: ast.ViewStmt) -> LockImpact:
    view = [written_name(node.view)]
    if node.replace:
        note = "OR REPLACE locks an existing view: queries on it wait, briefly"
        return _impact(ACCESS_EXCLUSIVE, view, Duration.BRIEF, note)
    note = "catalog only; brief ACCESS SHARE on the tables it selects from"
    return _impact(ACCESS_SHARE, view, Duration.BRIEF, note)


def _refresh(node: ast.RefreshMatViewStmt) -> LockImpact:
    view = [written_name(node.relation)]
    if node.concurrent:
        note = "CONCURRENTLY: readers go on; needs a unique index on the view"
        return _impact(EXCLUSIVE, view, Duration.SCAN, note)
    note = "recomputes the view; readers wait until it finishes"
    return _impact(ACCESS_EXCLUSIVE, view, Duration.REWRITE, note)


def _vacuum(node: ast.VacuumStmt) -> LockImpact:
    tables = [written_name(r.relation) for r in node.rels or () if r.relation is not None]
    if node.is_vacuumcmd and has_option(node.options, "full"):
        return _impact(ACCESS_EXCLUSIVE, tables, Duration.REWRITE, "VACUUM FULL rewrites the table")
    note = "readers and writers go on" if node.is_vacuumcmd else "ANALYZE samples the table"
    return _impact(SHARE_UPDATE_EXCLUSIVE, tables, Duration.SCAN, note)


def _reindex(node: ast.ReindexStmt) -> LockImpact:
    tables = [written_name(node.relation)] if node.relation else []
    if has_option(node.params, "concurrently"):
        note = "CONCURRENTLY: builds a new index beside the old one; readers and writers go on"
        return _impact(SHARE_UPDATE_EXCLUSIVE, tables, Duration.SCAN, note)
    note = "writes wait; queries that would use the index being rebuilt wait too"
    return _impact(SHARE, tables, Duration.SCAN, note)


def _dml(node: ast.Node) -> LockImpact:
    table = [written_name(node.relation)]
    values_only = isinstance(node, ast.InsertStmt) and (
        node.selectStmt is None
        or (isinstance(node.selectStmt, ast.SelectStmt) and node.selectStmt.valuesLists)
    )
    note = "row locks on changed rows until commit; only SHARE and stronger locks wait"
    return _impact(ROW_EXCLUSIVE, table, Duration.BRIEF if values_only else Duration.SCAN, note)
