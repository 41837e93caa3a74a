"""The names of the objects a migration file creates, and of those it reads or calls."""

from __future__ import annotations

from collections.abc import Iterable

from pglast import ast

from cfbops.migrate.files import MigrationFile
from cfbops.migrate.statements import qualified_name, walk


def _function_name(names: Iterable[ast.Node]) -> str:
    parts = [n.sval for n in names if isinstance(n, ast.String)]
    return ".".join(parts) if len(parts) > 1 else f"public.{parts[0]}"


def defined_objects(file: MigrationFile) -> set[str]:
    """Schema-qualified names of the relations and functions a file creates."""
    defined: set[str] = set()
    for statement in file.statements:
        node = statement.node
        match node:
            case ast.ViewStmt():
                defined.add(qualified_name(node.view))
            case ast.CreateTableAsStmt():
                defined.add(qualified_name(node.into.rel))
            case ast.CreateStmt():
                defined.add(qualified_name(node.relation))
            case ast.CreateFunctionStmt():
                defined.add(_function_name(node.funcname))
    return defined


def referenced_objects(file: MigrationFile) -> set[str]:
    """Names of relations and functions a file's statements read or call."""
    referenced: set[str] = set()
    for statement in file.statements:
        for node in walk(statement.node):
            if isinstance(node, ast.RangeVar):
                referenced.add(qualified_name(node))
            elif isinstance(node, ast.FuncCall):
                referenced.add(_function_name(node.funcname))
    return referenced
