"""SQL files as parsed statements, plus the `-- cfbops:` comment directives they carry."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pglast import ast, parser
from pglast.enums import AlterTableType, ObjectType
from pglast.stream import RawStream

from cfbops.errors import OperationFailed

_COMMENT_TOKENS = frozenset({"SQL_COMMENT", "C_COMMENT"})
_DIRECTIVE = re.compile(r"^cfbops\s*:\s*(?P<body>.*?)\s*$", re.IGNORECASE | re.DOTALL)
_ALLOW = re.compile(
    r"^allow\s+(?P<rules>.*?)(?:\s+because(?:\s+(?P<reason>.*))?)?$", re.IGNORECASE | re.DOTALL
)


class SqlSyntaxError(OperationFailed):
    """A migration file PostgreSQL's parser rejects; names the file and line."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Statement:
    """One top-level SQL statement: its text, 1-based starting line and parse tree."""

    text: str
    line: int
    node: ast.Node

    @property
    def end_line(self) -> int:
        return self.line + self.text.count("\n")


@dataclass(frozen=True, slots=True)
class Suppression:
    """`-- cfbops: allow RULE[, RULE…] because REASON` on `line`; reason None when missing."""

    line: int
    rules: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True, slots=True)
class DirectiveProblem:
    """A `-- cfbops:` comment that could not be understood."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class FileDirectives:
    """What a file's `-- cfbops:` comments ask of the engine and the linter."""

    no_transaction: bool = False
    suppressions: tuple[Suppression, ...] = ()
    problems: tuple[DirectiveProblem, ...] = ()


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, offset)) + 1


def _tokens(text: str) -> list[parser.Token]:
    try:
        return list(parser.scan(text))
    except parser.ParseError:
        # The parser reports the same problem with a location; directives are best effort.
        return []


def split_statements(text: str, file: str) -> list[Statement]:
    """Split a SQL file into statements with PostgreSQL's own parser."""
    try:
        raws = parser.parse_sql(text)
    except parser.ParseError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        offset = exc.args[1] if len(exc.args) > 1 else getattr(exc, "location", 0)
        raise SqlSyntaxError(file, _line_of(text, int(offset or 0)), message) from None
    # Semicolons never start or end a statement's own text, so they are left out here.
    tokens = [t for t in _tokens(text) if t.name not in _COMMENT_TOKENS and t.name != "ASCII_59"]
    starts = [t.start for t in tokens]
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    statements = []
    for raw in raws:
        start = raw.stmt_location
        end = start + raw.stmt_len if raw.stmt_len else len(text)
        # Older parsers count leading comments (and a missing `;` runs to the end of the
        # file); trim both ends to real tokens so `line` points at the statement itself.
        first, last = bisect_left(starts, start), bisect_left(starts, end)
        if first < last:
            start, end = tokens[first].start, tokens[last - 1].end + 1
        body = text[start:end].strip()
        start += len(text[start:end]) - len(text[start:end].lstrip())
        statements.append(Statement(body, bisect_left(newlines, start) + 1, raw.stmt))
    return statements


def file_directives(text: str) -> FileDirectives:
    """Read `-- cfbops: no-transaction` and `-- cfbops: allow …` comments."""
    no_transaction = False
    suppressions: list[Suppression] = []
    problems: list[DirectiveProblem] = []
    for token in _tokens(text):
        if token.name not in _COMMENT_TOKENS:
            continue
        raw = text[token.start : token.end + 1]
        comment = raw[2:] if token.name == "SQL_COMMENT" else raw[2:-2]
        match = _DIRECTIVE.match(comment.strip())
        if match is None:
            continue
        line = _line_of(text, token.start)
        body = match["body"]
        allow = _ALLOW.match(body)
        if body.lower() == "no-transaction":
            no_transaction = True
        elif allow is not None and allow["rules"].strip():
            rules = tuple(r for r in re.split(r"[\s,]+", allow["rules"].strip()) if r)
            reason = (allow["reason"] or "").strip() or None
            suppressions.append(Suppression(line, rules, reason))
        else:
            problems.append(
                DirectiveProblem(
                    line,
                    f"unknown directive '{body}'; expected 'no-transaction' or "
                    "'allow RULE because REASON'",
                )
            )
    return FileDirectives(no_transaction, tuple(suppressions), tuple(problems))


def needs_autocommit(stmt: Statement | ast.Node) -> bool:
    """True for statements PostgreSQL refuses to run inside a transaction block."""
    node = stmt.node if isinstance(stmt, Statement) else stmt
    match node:
        case ast.IndexStmt(concurrent=True):
            return True
        case ast.DropStmt(removeType=ObjectType.OBJECT_INDEX, concurrent=True):
            return True
        case ast.ReindexStmt():
            return has_option(node.params, "concurrently")
        case ast.AlterEnumStmt(oldVal=None):
            # ADD VALUE may run in a transaction only from PG 12, and even there the new
            # value is unusable until commit; running it alone is right on every version.
            return True
        case ast.VacuumStmt(is_vacuumcmd=True) | ast.CreatedbStmt() | ast.AlterSystemStmt():
            return True
        case ast.DropdbStmt():
            return True
        case ast.AlterTableStmt():
            return any(
                cmd.subtype == AlterTableType.AT_DetachPartition and cmd.def_.concurrent
                for cmd in node.cmds or ()
            )
    return False


def has_option(options: Sequence[ast.DefElem] | None, name: str) -> bool:
    """True when a DefElem option list (REINDEX (…), VACUUM (…)) switches `name` on."""
    for option in options or ():
        if option.defname == name:
            arg = option.arg
            if arg is None:
                return True
            if isinstance(arg, ast.Boolean):
                return bool(arg.boolval)
            value = getattr(arg, "sval", getattr(arg, "ival", None))
            return str(value).lower() not in {"false", "off", "0"}
    return False


def qualified_name(relation: ast.RangeVar) -> str:
    """`schema.name` of a relation, resolving an unqualified name to `public`."""
    return f"{relation.schemaname or 'public'}.{relation.relname}"


def written_type(type_name: ast.TypeName) -> str:
    """A column type as written (`varchar`, `double precision[]`), serials as their integer."""
    text = RawStream()(type_name)
    return SERIAL_INTEGERS.get(text.lower(), text)


SERIAL_INTEGERS = {
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}


def written_name(relation: ast.RangeVar) -> str:
    """A relation's name as the statement writes it (schema only when given)."""
    if relation.schemaname:
        return f"{relation.schemaname}.{relation.relname}"
    return relation.relname


def walk(node: object) -> Iterator[ast.Node]:
    """Every node in a parse tree, depth first, `node` included."""
    if isinstance(node, ast.Node):
        yield node
        for attribute in node:
            yield from walk(getattr(node, attribute))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from walk(item)
