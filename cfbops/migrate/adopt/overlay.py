"""The plan's overlay: what a file's statements create, assumed in the Catalog so the
statements and files after it are compared with the database as it will be."""

from __future__ import annotations

from collections.abc import Callable

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from cfbops.migrate.adopt.catalog import Catalog, LiveColumn, LiveTable
from cfbops.migrate.adopt.model import ObjectState
from cfbops.migrate.equivalence import KeyShape, LiveKey, constraint_shape, index_shape
from cfbops.migrate.statements import Statement, qualified_name, written_type

KeyOutcome = Callable[[str, str | None, KeyShape], tuple[ObjectState, str]]


class Overlay:
    """Assumes statements done, in a Catalog's overlay."""

    def __init__(self, catalog: Catalog, key_outcome: KeyOutcome) -> None:
        self.catalog = catalog
        self.key_outcome = key_outcome

    def assume(self, statement: Statement) -> None:
        """Record what this statement creates, so later statements and files see it."""
        node, catalog = statement.node, self.catalog
        if isinstance(node, ast.CreateSchemaStmt):
            catalog.planned_schemas.add(node.schemaname)
        elif isinstance(node, ast.CreateStmt):
            name = qualified_name(node.relation)
            standing = catalog.table(name)
            if standing is not None:
                self._assume_columns(standing, node)
                return
            columns = {}
            parent = qualified_name(node.inhRelations[0]) if node.partbound else None
            if parent and catalog.table(parent):
                columns = dict(catalog.table(parent).columns)
            for element in node.tableElts or ():
                if isinstance(element, ast.ColumnDef):
                    written = written_type(element.typeName)
                    not_null = any(
                        c.contype in (ConstrType.CONSTR_NOTNULL, ConstrType.CONSTR_PRIMARY)
                        for c in element.constraints or ()
                    )
                    columns[element.colname] = LiveColumn(
                        element.colname, catalog.type_oid(written), written, not_null
                    )
            catalog.planned_tables[name] = LiveTable(
                name, columns, node.partspec is not None, parent
            )
            for element in node.tableElts or ():
                constraints = (
                    (element.constraints or ())
                    if isinstance(element, ast.ColumnDef)
                    else (element,)
                )
                column = element.colname if isinstance(element, ast.ColumnDef) else None
                for constraint in constraints:
                    shape = constraint_shape(name, constraint, column)
                    if shape is not None:
                        self._plan_key(name, constraint.conname or "", shape, True)
        elif isinstance(node, ast.IndexStmt):
            self._plan_key(
                qualified_name(node.relation),
                node.idxname or "",
                index_shape(node),
                True,
                constraint=False,
            )
        elif isinstance(node, ast.AlterTableStmt):
            table = qualified_name(node.relation)
            for command in node.cmds or ():
                if command.subtype == AlterTableType.AT_AddConstraint and command.def_.indexname:
                    keys = catalog.planned_keys.get(table, [])
                    for key in keys:
                        if key.name == command.def_.indexname:
                            keys.remove(key)
                            name = command.def_.conname or key.name
                            self._plan_key(table, name, key.shape, True)
                            break
                elif command.subtype == AlterTableType.AT_AddConstraint:
                    shape = constraint_shape(table, command.def_)
                    if (
                        shape is not None
                        and self.key_outcome(table, command.def_.conname, shape)[0]
                        == ObjectState.MISSING
                    ):
                        self._plan_key(
                            table,
                            command.def_.conname or "",
                            shape,
                            not command.def_.skip_validation,
                        )
                elif command.subtype == AlterTableType.AT_ValidateConstraint:
                    for key in catalog.planned_keys.get(table, []):
                        if key.name == command.name:
                            catalog.planned_keys[table].remove(key)
                            self._plan_key(table, key.name, key.shape, True)
                            break
                elif command.subtype == AlterTableType.AT_AddColumn:
                    live = catalog.table(table)
                    column = command.def_
                    if live is not None and column.colname not in live.columns:
                        written = written_type(column.typeName)
                        live.columns[column.colname] = LiveColumn(
                            column.colname, catalog.type_oid(written), written, False
                        )
                        catalog.planned_tables.setdefault(table, live)
        elif isinstance(node, ast.ViewStmt):
            catalog.planned_relations.add(qualified_name(node.view))
        elif isinstance(node, ast.CreateTableAsStmt):
            catalog.planned_relations.add(qualified_name(node.into.rel))
        elif isinstance(node, ast.CreateSeqStmt):
            catalog.planned_relations.add(qualified_name(node.sequence))
        elif isinstance(node, ast.CreateFunctionStmt):
            catalog.planned_routines.add(".".join(n.sval for n in node.funcname))

    def _assume_columns(self, live: LiveTable, node: ast.CreateStmt) -> None:
        """A standing table gains the columns its file declares and it lacks (adoption adds
        the nullable ones; the others block, so assuming them changes no outcome)."""
        missing = [
            element
            for element in node.tableElts or ()
            if isinstance(element, ast.ColumnDef) and element.colname not in live.columns
        ]
        for column in missing:
            written = written_type(column.typeName)
            live.columns[column.colname] = LiveColumn(
                column.colname, self.catalog.type_oid(written), written, False
            )
        if missing:
            self.catalog.planned_tables.setdefault(live.name, live)

    def _plan_key(
        self, table: str, name: str, shape: KeyShape, validated: bool, *, constraint: bool = True
    ) -> None:
        keys = self.catalog.planned_keys.setdefault(table, [])
        keys.append(LiveKey(name, shape, validated, constraint))
