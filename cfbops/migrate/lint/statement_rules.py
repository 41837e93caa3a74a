"""Lint checks per statement: dispatch, indexes, drops, renames, transactions, retries."""

from __future__ import annotations

import copy

from pglast import ast
from pglast.enums import AlterTableType, ObjectType, TransactionStmtKind, VariableSetKind

from cfbops.migrate.lint.alter_rules import check_alter_table
from cfbops.migrate.lint.rules import FileState, Finding, alter, quote, sql
from cfbops.migrate.statements import Statement, needs_autocommit, qualified_name

_ENDS_TRANSACTION = frozenset(
    {
        TransactionStmtKind.TRANS_STMT_BEGIN,
        TransactionStmtKind.TRANS_STMT_START,
        TransactionStmtKind.TRANS_STMT_COMMIT,
        TransactionStmtKind.TRANS_STMT_ROLLBACK,
        TransactionStmtKind.TRANS_STMT_PREPARE,
        TransactionStmtKind.TRANS_STMT_COMMIT_PREPARED,
        TransactionStmtKind.TRANS_STMT_ROLLBACK_PREPARED,
    }
)


def check_statement(stmt: Statement, state: FileState) -> list[Finding]:
    """Findings for one statement; updates `state` with what it creates."""
    node = stmt.node
    findings: list[Finding] = []
    if isinstance(node, ast.AlterTableStmt) and node.objtype == ObjectType.OBJECT_TABLE:
        findings += check_alter_table(node, state)
    elif isinstance(node, ast.IndexStmt):
        findings += _create_index(node, state)
    elif isinstance(node, ast.DropStmt):
        findings += _drop(node, state)
    elif isinstance(node, ast.RenameStmt):
        findings += _rename(node, state)
    elif isinstance(node, ast.VariableSetStmt) and _sets_the_session(node):
        findings.append(_session_set(node, state))
    elif isinstance(node, ast.TransactionStmt) and node.kind in _ENDS_TRANSACTION:
        # In a no-transaction file the author manages transactions on purpose.
        findings += [] if state.no_transaction else [_transaction_nesting(node)]
    _track_created(node, state)
    if state.no_transaction or needs_autocommit(node):
        findings += _robustness(node, state)
    if needs_autocommit(node) and not state.no_transaction and state.statement_count > 1:
        findings.append(_concurrent_in_transaction(stmt))
    return findings


def _track_created(node: ast.Node, state: FileState) -> None:
    # CREATE TABLE IF NOT EXISTS is taken as new too: such files are written for a fresh
    # schema, and flagging every index on it would bury the real findings.
    if isinstance(node, ast.CreateStmt):
        state.new_tables.add(qualified_name(node.relation))
    elif isinstance(node, ast.CreateTableAsStmt):
        state.new_tables.add(qualified_name(node.into.rel))


# --- indexes, drops, renames --------------------------------------------------------------


def index_name(node: ast.IndexStmt) -> str:
    """The index's name, or the one PostgreSQL would choose when it has none."""
    if node.idxname:
        return node.idxname
    columns = [p.name or "expr" for p in node.indexParams or ()]
    return f"{node.relation.relname}_{'_'.join(columns)}_idx"


def _create_index(node: ast.IndexStmt, state: FileState) -> list[Finding]:
    table = qualified_name(node.relation)
    schema = table.split(".", 1)[0]
    state.new_indexes.add(f"{schema}.{index_name(node)}")
    if node.concurrent or not state.is_existing(table):
        return []
    safe = copy.deepcopy(node)
    safe.concurrent = True
    safe.if_not_exists = True
    safe.idxname = index_name(node)
    return [
        Finding(
            "require-concurrent-index-creation",
            f"CREATE INDEX on existing table {sql(node.relation)} takes SHARE and blocks its "
            "writes for the whole build.",
            f"{sql(safe)};\n-- CONCURRENTLY runs outside a transaction: cfbops runs it alone; "
            "best in its own file marked `-- cfbops: no-transaction`.",
        )
    ]


def _drop(node: ast.DropStmt, state: FileState) -> list[Finding]:
    names = [".".join(s.sval for s in obj) for obj in node.objects or () if isinstance(obj, tuple)]
    if node.removeType == ObjectType.OBJECT_TABLE:
        state.new_tables.difference_update(n if "." in n else f"public.{n}" for n in names)
        return []
    if node.removeType != ObjectType.OBJECT_INDEX or node.concurrent:
        return []
    old = [n for n in names if (n if "." in n else f"public.{n}") not in state.new_indexes]
    if not old:
        return []
    fix = "\n".join(f"DROP INDEX CONCURRENTLY IF EXISTS {n};" for n in old)
    return [
        Finding(
            "require-concurrent-index-deletion",
            f"DROP INDEX {', '.join(old)} takes ACCESS EXCLUSIVE on the table "
            "(blocks reads and writes) and waits behind every running query on it.",
            f"{fix}\n-- one index per statement, no CASCADE; runs outside a transaction.",
        )
    ]


def _rename(node: ast.RenameStmt, state: FileState) -> list[Finding]:
    if node.relation is None:
        return []
    table = qualified_name(node.relation)
    old, new = sql(node.relation), quote(node.newname)
    if node.renameType == ObjectType.OBJECT_TABLE:
        if not state.is_existing(table):
            state.new_tables.add(f"{node.relation.schemaname or 'public'}.{node.newname}")
            return []
        target = f"{node.relation.schemaname}.{new}" if node.relation.schemaname else new
        return [
            Finding(
                "renaming-table",
                f"Renaming table {old} to {new} breaks every client and function still using "
                "the old name (views follow the rename, application code does not).",
                f"ALTER TABLE {old} RENAME TO {new};\n"
                f"CREATE VIEW {old} AS SELECT * FROM {target};  -- keeps old clients working;\n"
                "-- drop the view once no client uses the old name.",
            )
        ]
    if node.renameType == ObjectType.OBJECT_COLUMN and state.is_existing(table):
        col = quote(node.subname)
        return [
            Finding(
                "renaming-column",
                f"Renaming {old}.{col} to {new} breaks every client and function still using "
                "the old name (views follow the rename, application code does not).",
                f"Add {new}, keep both in step with a trigger while clients move, then drop "
                f"{col}; or, once no client uses {col}:\n"
                "-- cfbops: allow renaming-column because <no client uses the old name>",
            )
        ]
    return []


# --- transactions and retries -------------------------------------------------------------


def _transaction_nesting(node: ast.TransactionStmt) -> Finding:
    return Finding(
        "transaction-nesting",
        f"{sql(node)} inside a migration: cfbops already runs the file in one transaction; "
        "this ends or nests it, and the file is no longer applied atomically.",
        "Remove it. To run statements outside a transaction, mark the file "
        "`-- cfbops: no-transaction`.",
    )


_SETS = frozenset(
    {
        VariableSetKind.VAR_SET_VALUE,
        VariableSetKind.VAR_SET_DEFAULT,
        VariableSetKind.VAR_SET_CURRENT,
        VariableSetKind.VAR_SET_MULTI,
    }
)


def _sets_the_session(node: ast.VariableSetStmt) -> bool:
    # SET TRANSACTION … lasts for the transaction alone; RESET undoes, never leaks.
    return node.kind in _SETS and not node.is_local and node.name != "TRANSACTION"


def _session_set(node: ast.VariableSetStmt, state: FileState) -> Finding:
    local = copy.copy(node)
    local.is_local = True
    fix = (
        "-- in a no-transaction file SET LOCAL ends with its statement: schema-qualify names "
        "(or pass the setting to the function that needs it) instead, since a resumed run "
        "skips a SET that already ran."
        if state.no_transaction
        else f"{sql(local)};  -- ends with the file's transaction"
    )
    return Finding(
        "prefer-set-local",
        f"{sql(node)} lasts for the whole session, past this file: cfbops resets the session "
        "after each file, but psql or another tool carries it into whatever runs next.",
        fix,
    )


def _concurrent_in_transaction(stmt: Statement) -> Finding:
    words = " ".join(stmt.text.split()[:4])
    return Finding(
        "ban-concurrent-index-creation-in-transaction",
        f"`{words} …` cannot run inside a transaction, and this file has other statements: "
        "cfbops runs it alone in autocommit, so the file is no longer applied atomically.",
        "Move it to its own migration file, or mark this file `-- cfbops: no-transaction` "
        "and make every statement in it safe to re-run.",
    )


def _robustness(node: ast.Node, state: FileState) -> list[Finding]:
    """prefer-robust-stmts: outside a transaction, a retry re-runs what already succeeded."""
    fix = _robust_rewrite(node, state)
    if fix is None:
        return []
    return [
        Finding(
            "prefer-robust-stmts",
            "This statement runs outside a transaction; if the file fails later and is "
            "retried, it runs again and fails because its object already exists (or is gone).",
            fix,
        )
    ]


def _robust_rewrite(node: ast.Node, state: FileState) -> str | None:
    """The retry-safe form of a statement, or None when it already is one."""
    # Only top-level flags change, so a shallow copy leaves `node` intact; a deep one cost
    # more than parsing on large files.
    safe = copy.copy(node)
    match node:
        case ast.CreateStmt(if_not_exists=False) | ast.IndexStmt(if_not_exists=False):
            safe.if_not_exists = True
            if isinstance(safe, ast.IndexStmt):
                safe.idxname = index_name(node)
        case ast.CreateTableAsStmt(if_not_exists=False) | ast.CreateSeqStmt(if_not_exists=False):
            safe.if_not_exists = True
        case ast.CreateSchemaStmt(if_not_exists=False):
            safe.if_not_exists = True
        case ast.DropStmt(missing_ok=False):
            safe.missing_ok = True
        case ast.ViewStmt(replace=False) | ast.CreateFunctionStmt(replace=False):
            safe.replace = True
        case ast.AlterEnumStmt(oldVal=None, skipIfNewValExists=False):
            safe.skipIfNewValExists = True
        case ast.AlterTableStmt():
            return _robust_alter(node, state)
        case _:
            return None
    return sql(safe) + ";"


_IF_EXISTS_FORMS = frozenset(
    {
        AlterTableType.AT_AddColumn,
        AlterTableType.AT_DropColumn,
        AlterTableType.AT_DropConstraint,
    }
)


def _robust_alter(node: ast.AlterTableStmt, state: FileState) -> str | None:
    table = qualified_name(node.relation)
    lines = []
    for cmd in node.cmds or ():
        safe = copy.copy(cmd)
        if cmd.subtype in _IF_EXISTS_FORMS and not cmd.missing_ok:
            safe.missing_ok = True
            lines.append(alter(node.relation, safe))
        elif (
            cmd.subtype == AlterTableType.AT_AddConstraint
            and cmd.def_.conname
            and (table, cmd.def_.conname) not in state.dropped_constraints
        ):
            # ADD CONSTRAINT has no IF NOT EXISTS; dropping it first makes the retry safe.
            drop = ast.AlterTableCmd(
                subtype=AlterTableType.AT_DropConstraint, name=cmd.def_.conname, missing_ok=True
            )
            lines += [alter(node.relation, drop), alter(node.relation, safe)]
    return "\n".join(lines) or None
