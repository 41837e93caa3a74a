"""Compare one versioned file with the catalog: object by object, what stands, what is
missing, what differs. The verdict decides whether the file is adopted, completed,
applied or blocked; nothing here changes the database."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from pglast import ast
from pglast.enums import AlterTableType, ConstrType
from pglast.stream import RawStream
from psycopg import sql

from cfbops.migrate.adopt.catalog import Catalog, LiveColumn, LiveTable
from cfbops.migrate.adopt.keys import (
    alter_deferrability,
    immediate_duplicates,
    only_deferrability_differs,
)
from cfbops.migrate.adopt.model import (
    BLOCKING,
    FileAction,
    FileAdoption,
    ObjectReport,
    ObjectState,
    Runnable,
    Verdict,
)
from cfbops.migrate.adopt.overlay import Overlay
from cfbops.migrate.columns import rewrite_reason
from cfbops.migrate.equivalence import (
    KeyShape,
    LiveKey,
    constraint_shape,
    defined_constraint,
    find_equivalent,
    index_shape,
    satisfies,
)
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.statements import Statement, qualified_name, written_type

# What of a column definition ADD COLUMN carries; keys on the column are compared (and
# added) on their own, like the table's other keys.
_COLUMN_PARTS = frozenset(
    {ConstrType.CONSTR_DEFAULT, ConstrType.CONSTR_NOTNULL, ConstrType.CONSTR_NULL}
)


def _text(node: ast.Node) -> str:
    return RawStream()(node)


def _names(nodes: object) -> str:
    return ".".join(n.sval for n in nodes or () if isinstance(n, ast.String))  # type: ignore[attr-defined]


def _as_sql(conn: psycopg.Connection, composed: sql.Composable) -> str:
    return composed.as_string(conn)


def _concurrently(node: ast.IndexStmt) -> str:
    node.concurrent, node.if_not_exists = True, True
    try:
        return _text(node)
    finally:
        node.concurrent, node.if_not_exists = False, False


def _table_ident(name: str) -> sql.Identifier:
    schema, _, relation = name.partition(".")
    return sql.Identifier(schema, relation)


class Comparer:
    """Compares files with a Catalog; in plan mode it assumes each file's missing objects."""

    def __init__(self, catalog: Catalog, every_file: Sequence[MigrationFile]) -> None:
        self.catalog = catalog
        self.every_file = every_file
        self._overlay = Overlay(catalog, self._key_outcome)

    def compare(self, file: MigrationFile, *, assume: bool) -> FileAdoption:
        saved = self.catalog.overlay()
        verdicts = []
        for statement in file.statements:
            verdicts.append(self._statement(file, statement))
            # Later statements of the file (and, when planning, later files) see it done.
            self._overlay.assume(statement)
        if not assume:
            self.catalog.restore(saved)
        reports = tuple(r for v in verdicts for r in v.reports)
        states = {v.state for v in verdicts}
        if any(r.outcome in BLOCKING for r in reports):
            action = FileAction.BLOCKED
        elif "present" in states and not states & {"missing", "partial"}:
            action = FileAction.ADOPT
        elif "present" not in states and "partial" not in states:
            action = FileAction.APPLY
        else:
            action = FileAction.COMPLETE
        runs: list[Runnable] = []
        if action == FileAction.COMPLETE:
            # DO blocks and data changes run with the missing objects they belong to.
            runs = [r for v in verdicts if v.state != "present" for r in v.runs]
        return FileAdoption(file, action, reports, tuple(runs))

    # -- one statement -----------------------------------------------------------------

    def _statement(self, file: MigrationFile, statement: Statement) -> Verdict:
        node, line = statement.node, statement.line
        whole = [Runnable(line, statement.text)]
        if isinstance(node, ast.CreateSchemaStmt | ast.CreateStmt | ast.IndexStmt):
            verdict = self._created(statement)
            if verdict.state == "present" and node.if_not_exists:
                # Harmless to run again: it says nothing about whether the file ran.
                verdict.state = "rerun"
            return verdict
        if isinstance(node, ast.AlterTableStmt):
            return self._alter(file, statement)
        if isinstance(node, ast.ViewStmt):
            name = qualified_name(node.view)
            return self._definition(
                line, "view", name, self.catalog.relation_exists(name), bool(node.replace), whole
            )
        if isinstance(node, ast.CreateTableAsStmt):
            name = qualified_name(node.into.rel)
            return self._definition(
                line, "materialized view", name, self.catalog.relation_exists(name), False, whole
            )
        if isinstance(node, ast.CreateFunctionStmt):
            name = _names(node.funcname)
            return self._definition(
                line, "function", name, self.catalog.routine_exists(name), bool(node.replace), whole
            )
        if isinstance(node, ast.CreateTrigStmt):
            table = qualified_name(node.relation)
            found = self.catalog.trigger_exists(table, node.trigname)
            return self._definition(
                line, "trigger", f"{node.trigname} on {table}", found, bool(node.replace), whole
            )
        if isinstance(node, ast.CreateSeqStmt):
            name = qualified_name(node.sequence)
            return self._exists(line, "sequence", name, self.catalog.relation_exists(name), whole)
        if isinstance(node, ast.CreateEnumStmt | ast.CompositeTypeStmt | ast.CreateDomainStmt):
            name = _names(getattr(node, "typeName", None) or getattr(node, "domainname", None))
            if isinstance(node, ast.CompositeTypeStmt):
                name = qualified_name(node.typevar)
            found = self.catalog.type_oid(name) is not None
            return self._exists(line, "type", name, found, whole)
        if isinstance(node, ast.CommentStmt | ast.GrantStmt):
            return Verdict([], "rerun", whole)
        if isinstance(node, ast.DropStmt) and self._drop_then_create_stands(file, statement):
            # A file that clears a leftover before building it again (an invalid index
            # after a failed CONCURRENTLY build): what it builds stands, so nothing runs.
            report = ObjectReport(
                line, "statement", "Drop", ObjectState.PRESENT, "what it drops, the file "
                "re-creates, and that stands"
            )  # fmt: skip
            return Verdict([report], "present", whole)
        kind = type(node).__name__.removesuffix("Stmt")
        report = ObjectReport(
            line,
            "statement",
            kind,
            ObjectState.UNCHECKED,
            "cannot be compared; runs only if the file is not fully present",
        )
        return Verdict([report], "unchecked", whole)

    def _drop_then_create_stands(self, file: MigrationFile, statement: Statement) -> bool:
        dropped = {
            _names(obj) if len(obj) > 1 else f"public.{_names(obj)}"
            for obj in statement.node.objects or ()
            if isinstance(obj, list | tuple)
        }
        created = set()
        for later in file.statements:
            node = later.node
            if later.line <= statement.line:
                continue
            if isinstance(node, ast.IndexStmt) and node.idxname:
                schema = node.relation.schemaname or "public"
                created.add(f"{schema}.{node.idxname}")
            elif isinstance(node, ast.CreateStmt):
                created.add(qualified_name(node.relation))
            elif isinstance(node, ast.ViewStmt):
                created.add(qualified_name(node.view))
            elif isinstance(node, ast.CreateTableAsStmt):
                created.add(qualified_name(node.into.rel))
        return (
            bool(dropped)
            and dropped <= created
            and all(self.catalog.relation_exists(name) for name in dropped)
        )

    def _created(self, statement: Statement) -> Verdict:
        node = statement.node
        if isinstance(node, ast.CreateSchemaStmt):
            found = self.catalog.schema_exists(node.schemaname)
            runs = [Runnable(statement.line, statement.text)]
            return self._exists(statement.line, "schema", node.schemaname, found, runs)
        if isinstance(node, ast.CreateStmt):
            return self._table(statement)
        return self._index(statement)

    def _exists(
        self, line: int, kind: str, name: str, found: bool, runs: list[Runnable]
    ) -> Verdict:
        outcome = ObjectState.PRESENT if found else ObjectState.MISSING
        return Verdict(
            [ObjectReport(line, kind, name, outcome)], "present" if found else "missing", runs
        )

    def _definition(
        self, line: int, kind: str, name: str, found: bool, replaces: bool, runs: list[Runnable]
    ) -> Verdict:
        """Views, functions, triggers: their bodies are not compared. CREATE OR REPLACE is
        safe to run again, so it runs whenever its file runs anything."""
        if not found:
            return Verdict([ObjectReport(line, kind, name, ObjectState.MISSING)], "missing", runs)
        detail = "definition not compared" + ("; replaced if its file runs" if replaces else "")
        report = ObjectReport(line, kind, name, ObjectState.PRESENT, detail)
        return Verdict([report], "rerun" if replaces else "present", runs)

    # -- tables --------------------------------------------------------------------------

    def _table(self, statement: Statement) -> Verdict:
        node: ast.CreateStmt = statement.node
        name, line = qualified_name(node.relation), statement.line
        live = self.catalog.table(name)
        if live is None:
            if self.catalog.relation_exists(name):
                report = ObjectReport(
                    line,
                    "table",
                    name,
                    ObjectState.DIFFERENT,
                    "a view or other relation holds this name",
                )
                return Verdict([report], "present", [])
            report = ObjectReport(line, "table", name, ObjectState.MISSING)
            return Verdict([report], "missing", [Runnable(line, statement.text)])
        reports = [ObjectReport(line, "table", name, ObjectState.PRESENT)]
        runs: list[Runnable] = []
        if node.partbound is not None:
            parent = qualified_name(node.inhRelations[0])
            if live.parent != parent:
                reports.append(
                    ObjectReport(
                        line,
                        "partition",
                        name,
                        ObjectState.DIFFERENT,
                        f"exists but is not a partition of {parent}",
                    )
                )
            return Verdict(reports, "present", runs)
        if node.partspec is not None and not live.partitioned:
            reports.append(
                ObjectReport(
                    line,
                    "table",
                    name,
                    ObjectState.DIFFERENT,
                    "the file partitions it; the table is not partitioned",
                )
            )
        written = []
        for element in node.tableElts or ():
            if isinstance(element, ast.ColumnDef):
                written.append(element.colname)
                reports += self._column(line, name, live, element, runs)
                for constraint in element.constraints or ():
                    self._inline_key(statement, name, constraint, element.colname, reports, runs)
            elif isinstance(element, ast.Constraint):
                self._inline_key(statement, name, element, None, reports, runs)
        for extra in live.columns:
            if extra not in written:
                reports.append(
                    ObjectReport(
                        line,
                        "column",
                        f"{name}.{extra}",
                        ObjectState.NOTE,
                        "a column the file does not declare; kept",
                    )
                )
        return Verdict(reports, "partial" if runs else "present", runs)

    def _column(
        self,
        line: int,
        table: str,
        live: LiveTable,
        column: ast.ColumnDef,
        runs: list[Runnable] | None = None,
    ) -> list[ObjectReport]:
        name = f"{table}.{column.colname}"
        written = written_type(column.typeName)
        found = live.columns.get(column.colname)
        if found is None:
            return [self._missing_column(line, table, column, runs)]
        reports = []
        wanted_oid = self.catalog.type_oid(written)
        if wanted_oid is not None and found.type_oid is not None and wanted_oid != found.type_oid:
            reports.append(
                ObjectReport(
                    line,
                    "column",
                    name,
                    ObjectState.DIFFERENT,
                    f"is {found.type_name}; the file declares {written}",
                )
            )
        wants_not_null = any(
            c.contype in (ConstrType.CONSTR_NOTNULL, ConstrType.CONSTR_PRIMARY)
            for c in column.constraints or ()
        )
        if wants_not_null != found.not_null:
            state = "NOT NULL" if found.not_null else "nullable"
            reports.append(
                ObjectReport(
                    line,
                    "column",
                    name,
                    ObjectState.NOTE,
                    f"is {state}; the file says otherwise; left as it is",
                )
            )
        return reports

    def _missing_column(
        self, line: int, table: str, column: ast.ColumnDef, runs: list[Runnable] | None
    ) -> ObjectReport:
        """A column the file declares and the standing table lacks: added like a missing
        index when adding it touches only the catalog (nullable, or a non-volatile
        default); otherwise a difference, with the statement someone must choose to run."""
        name = f"{table}.{column.colname}"
        kept = column.constraints
        column.constraints = (
            tuple(c for c in column.constraints or () if c.contype in _COLUMN_PARTS) or None
        )
        try:
            definition = _text(column)
        finally:
            column.constraints = kept
        head = sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS ").format(_table_ident(table))
        text = _as_sql(self.catalog.conn, head) + definition
        why = rewrite_reason(column) or _needs_values(column)
        if why is not None or runs is None:
            detail = (
                f"missing: the file declares it {written_type(column.typeName)}; {why}, so "
                "adoption leaves it to you: run the fix when the table may be rewritten "
                "(or change the file)"
            )
            return ObjectReport(line, "column", name, ObjectState.DIFFERENT, detail, text)
        runs.append(Runnable(line, text))
        return ObjectReport(line, "column", name, ObjectState.MISSING, f"added: {definition}")

    def _inline_key(
        self,
        statement: Statement,
        table: str,
        constraint: ast.Constraint,
        column: str | None,
        reports: list[ObjectReport],
        runs: list[Runnable],
    ) -> None:
        shape = constraint_shape(table, constraint, column)
        if shape is None:
            return
        label = constraint.conname or shape.describe()
        found, outcome, fixes = self._key(statement.line, table, constraint.conname, shape, label)
        reports += found
        runs += fixes
        if outcome == ObjectState.MISSING:
            runs.append(Runnable(statement.line, self._add_constraint(table, constraint, column)))

    def _add_constraint(self, table: str, constraint: ast.Constraint, column: str | None) -> str:
        """ALTER TABLE … ADD for a key written inside a CREATE TABLE of a table that stands."""
        conn = self.catalog.conn
        name = constraint.conname
        constraint.conname = None
        try:
            body = _text(constraint)
        finally:
            constraint.conname = name
        if column is not None and constraint.contype == ConstrType.CONSTR_FOREIGN:
            body = f"FOREIGN KEY ({_as_sql(conn, sql.Identifier(column))}) {body}"
        elif column is not None and constraint.contype != ConstrType.CONSTR_CHECK:
            body = f"{body} ({_as_sql(conn, sql.Identifier(column))})"
        head = sql.SQL("ALTER TABLE {} ADD ").format(_table_ident(table))
        if name:
            head = sql.SQL("{}CONSTRAINT {} ").format(head, sql.Identifier(name))
        return _as_sql(conn, head) + body

    def _key(
        self, line: int, table: str, name: str | None, shape: KeyShape, label: str
    ) -> tuple[list[ObjectReport], ObjectState, list[Runnable]]:
        """A key's report, what runs to fix it in place, and notes on immediate copies."""
        outcome, detail, answered_by = self._key_match(table, name, shape)
        conn = self.catalog.conn
        runs, fix = [], ""
        if outcome == ObjectState.ALTERED and name:
            fix = alter_deferrability(conn, table, name, shape)
            runs.append(Runnable(line, fix))
        reports = [ObjectReport(line, "constraint", label, outcome, detail, fix)]
        for copy, drop in immediate_duplicates(conn, self.catalog.keys(table), shape, answered_by):
            reports.append(
                ObjectReport(
                    line,
                    "constraint",
                    copy,
                    ObjectState.NOTE,
                    f"an immediate (NOT DEFERRABLE) copy of {label}: a load that deletes and "
                    "re-inserts the parent rows in one transaction still fails on it; left "
                    "alone: drop it",
                    drop,
                )
            )
        return reports, outcome, runs

    def _key_outcome(
        self, table: str, name: str | None, shape: KeyShape
    ) -> tuple[ObjectState, str]:
        outcome, detail, _ = self._key_match(table, name, shape)
        return outcome, detail

    def _key_match(
        self, table: str, name: str | None, shape: KeyShape
    ) -> tuple[ObjectState, str, str | None]:
        """What stands for a key, why, and the name of the key that answers it."""
        keys = self.catalog.keys(table)
        not_null = self.catalog.not_null(table)
        same_name = next((k for k in keys if name and k.name == name), None)
        if same_name is not None:
            if None in shape.columns:
                return ObjectState.PRESENT, "expression index: definition not compared", name
            if satisfies(same_name.shape, shape, not_null):
                detail = "" if same_name.validated else "not validated yet"
                return ObjectState.PRESENT, detail, name
            if only_deferrability_differs(same_name, shape, not_null):
                detail = f"stands as {same_name.shape.describe()}: altered in place"
                return ObjectState.ALTERED, detail, name
            return ObjectState.DIFFERENT, f"exists as {same_name.shape.describe()}", name
        match = find_equivalent(keys, shape, not_null)
        if match is not None:
            detail = f"present as {match.name}" + ("" if match.validated else " (not validated)")
            return ObjectState.EQUIVALENT, detail, match.name
        return ObjectState.MISSING, self._near_miss(keys, shape), None

    @staticmethod
    def _near_miss(keys: list[LiveKey], shape: KeyShape) -> str:
        """Name a key on the same columns that differs in semantics (e.g. not deferrable)."""
        for key in keys:
            if (key.shape.kind, key.shape.columns, key.shape.target) == (
                shape.kind,
                shape.columns,
                shape.target,
            ):
                return f"{key.name} differs: {key.shape.describe()}; this one is added too"
        return ""

    # -- indexes and ALTER TABLE ---------------------------------------------------------

    def _index(self, statement: Statement) -> Verdict:
        node: ast.IndexStmt = statement.node
        table, line = qualified_name(node.relation), statement.line
        label = node.idxname or f"index on {table}"
        if self.catalog.table(table) is None:
            report = ObjectReport(
                line, "index", label, ObjectState.DIFFERENT, f"its table {table} does not exist"
            )
            return Verdict([report], "present", [])
        outcome, detail = self._key_outcome(table, node.idxname, index_shape(node))
        text = statement.text
        if outcome == ObjectState.MISSING and not node.concurrent and self._holds_data(table):
            if self.catalog.table(table).partitioned:
                # PostgreSQL builds no index CONCURRENTLY on a partitioned table.
                note = "built as written: writes to the table wait for the build"
            else:
                # The file builds it on a table it creates empty; here the table is full,
                # so build it without blocking the loader's writes.
                text = _concurrently(node)
                note = "built CONCURRENTLY: the table stands"
            detail = "; ".join(filter(None, [detail, note]))
        report = ObjectReport(line, "index", label, outcome, detail)
        if outcome == ObjectState.MISSING:
            return Verdict([report], "missing", [Runnable(line, text)])
        return Verdict([report], "present", [])

    def _holds_data(self, table: str) -> bool:
        """True for a table the database holds now (not one a file is about to create)."""
        row = self.catalog.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
        return bool(row.fetchone()[0])

    def _alter(self, file: MigrationFile, statement: Statement) -> Verdict:
        node: ast.AlterTableStmt = statement.node
        table, line = qualified_name(node.relation), statement.line
        live = self.catalog.table(table)
        if live is None:
            report = ObjectReport(
                line,
                "table",
                table,
                ObjectState.DIFFERENT,
                "ALTER TABLE on a table that does not exist",
            )
            return Verdict([report], "present", [])
        reports: list[ObjectReport] = []
        runs: list[Runnable] = []
        states = []
        for command in node.cmds or ():
            found, state, extra = self._command(file, line, table, live, command)
            reports += found
            states.append(state)
            runs += extra
        seen = set(states)
        if seen == {"present"}:
            return Verdict(reports, "present", runs)
        # "fixup": it stands, and a statement of its own (VALIDATE, ALTER CONSTRAINT) fixes it.
        if seen <= {"present", "fixup"}:
            return Verdict(reports, "partial", runs)
        if not seen & {"present", "fixup"}:
            return Verdict(
                reports,
                "missing" if "missing" in seen else "unchecked",
                [Runnable(line, statement.text)],
            )
        reports.append(
            ObjectReport(
                line,
                "statement",
                f"ALTER TABLE {table}",
                ObjectState.DIFFERENT,
                "part of this statement stands and part does not; split it "
                "into one statement per change",
            )
        )
        return Verdict(reports, "present", runs)

    def _command(
        self,
        file: MigrationFile,
        line: int,
        table: str,
        live: LiveTable,
        command: ast.AlterTableCmd,
    ) -> tuple[list[ObjectReport], str, list[Runnable]]:
        kind = command.subtype
        if kind == AlterTableType.AT_AddConstraint and command.def_.indexname:
            report, state, runs = self._using_index(line, table, command.def_)
            return [report], state, runs
        if kind == AlterTableType.AT_AddConstraint:
            constraint = command.def_
            shape = constraint_shape(table, constraint)
            if shape is not None:
                label = constraint.conname or shape.describe()
                reports, outcome, runs = self._key(line, table, constraint.conname, shape, label)
                state = {ObjectState.MISSING: "missing", ObjectState.ALTERED: "fixup"}
                return reports, state.get(outcome, "present"), runs
        if kind == AlterTableType.AT_ValidateConstraint:
            report, state, runs = self._validate(file, line, table, command.name)
            return [report], state, runs
        if kind == AlterTableType.AT_AddColumn:
            column: ast.ColumnDef = command.def_
            if column.colname not in live.columns:
                return (
                    [
                        ObjectReport(
                            line, "column", f"{table}.{column.colname}", ObjectState.MISSING
                        )
                    ],
                    "missing",
                    [],
                )
            reports = self._column(line, table, live, column) or [
                ObjectReport(line, "column", f"{table}.{column.colname}", ObjectState.PRESENT)
            ]
            return reports[:1], "present", []
        if kind == AlterTableType.AT_SetNotNull:
            found: LiveColumn | None = live.columns.get(command.name)
            outcome = ObjectState.PRESENT if found and found.not_null else ObjectState.MISSING
            report = ObjectReport(line, "not null", f"{table}.{command.name}", outcome)
            return [report], "present" if outcome == ObjectState.PRESENT else "missing", []
        report = ObjectReport(
            line,
            "statement",
            f"ALTER TABLE {table} ({kind.name})",
            ObjectState.UNCHECKED,
            "cannot be compared",
        )
        return [report], "unchecked", []

    def _using_index(
        self, line: int, table: str, constraint: ast.Constraint
    ) -> tuple[ObjectReport, str, list[Runnable]]:
        """ADD CONSTRAINT … USING INDEX: present once the index has become the constraint."""
        index = constraint.indexname
        named = next((k for k in self.catalog.keys(table) if k.name == index), None)
        label = constraint.conname or index
        if named is None:
            report = ObjectReport(
                line,
                "constraint",
                label,
                ObjectState.DIFFERENT,
                f"no index {index} on {table} to turn into the constraint",
            )
            return report, "present", []
        if named.constraint:
            return ObjectReport(line, "constraint", label, ObjectState.PRESENT), "present", []
        report = ObjectReport(
            line, "constraint", label, ObjectState.MISSING, f"index {index} becomes the constraint"
        )
        return report, "missing", []

    def _validate(
        self, file: MigrationFile, line: int, table: str, name: str
    ) -> tuple[ObjectReport, str, list[Runnable]]:
        keys = self.catalog.keys(table)
        named = next((k for k in keys if k.name == name), None)
        label = f"{name} validated"
        if named is not None:
            outcome = ObjectState.PRESENT if named.validated else ObjectState.MISSING
            return ObjectReport(line, "constraint", label, outcome), outcome.value, []
        earlier = [f.statements for f in self.every_file if f.sort_key <= file.sort_key]
        shape = defined_constraint(earlier, table, name)
        match = find_equivalent(keys, shape, self.catalog.not_null(table)) if shape else None
        if match is None:
            report = ObjectReport(
                line,
                "constraint",
                label,
                ObjectState.DIFFERENT,
                f"no constraint {name} (or its equivalent) on {table}",
            )
            return report, "present", []
        if match.validated:
            report = ObjectReport(
                line, "constraint", label, ObjectState.EQUIVALENT, f"{match.name} stands validated"
            )
            return report, "present", []
        text = _as_sql(
            self.catalog.conn,
            sql.SQL("ALTER TABLE {} VALIDATE CONSTRAINT {}").format(
                _table_ident(table), sql.Identifier(match.name)
            ),
        )
        report = ObjectReport(
            line,
            "constraint",
            label,
            ObjectState.EQUIVALENT,
            f"validating {match.name}, which stands not validated",
        )
        return report, "fixup", [Runnable(line, text)]


def _needs_values(column: ast.ColumnDef) -> str | None:
    """Why a column cannot be added to a table holding rows without a value per row."""
    kinds = {c.contype for c in column.constraints or ()}
    required = kinds & {ConstrType.CONSTR_NOTNULL, ConstrType.CONSTR_PRIMARY}
    if required and ConstrType.CONSTR_DEFAULT not in kinds:
        return "it is NOT NULL without a default, so every standing row would need a value"
    return None
