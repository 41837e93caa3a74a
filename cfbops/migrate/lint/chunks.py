"""Cut SQL text into chunks of whole statements, streaming, so a large file is parsed a piece
at a time instead of as one tree (a 10 MB file in bounded memory).

Only what decides where a statement ends is recognised: quoted strings ('…', E'…'),
quoted identifiers, dollar quotes, line and (nested) block comments. Cuts fall just after a
top-level `;`, so each chunk parses on its own exactly as it would inside the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

CHUNK_CHARS = 256 * 1024

_NORMAL = re.compile(r"--|/\*|[Ee]'|'|\"|\$(?:[A-Za-z_\x80-\U0010ffff][\w\x80-\U0010ffff]*)?\$|;")
_QUOTE_END = re.compile(r"''|'")
_E_QUOTE_END = re.compile(r"\\.|''|'", re.DOTALL)
_IDENT_END = re.compile(r'""|"')
_BLOCK = re.compile(r"/\*|\*/")
_IDENT_CHAR = re.compile(r"[\w$\x80-\U0010ffff]")


class _Mode(Enum):
    NORMAL = "normal"
    QUOTE = "quote"
    E_QUOTE = "e-quote"
    IDENT = "ident"
    DOLLAR = "dollar"
    BLOCK = "block"


@dataclass(frozen=True, slots=True)
class Chunk:
    """Whole statements starting on line `first_line` (1-based) of the file."""

    first_line: int
    text: str
    statements: int


class _Lexer:
    """Where top-level statements end, one line at a time, keeping state across lines."""

    def __init__(self) -> None:
        self.mode = _Mode.NORMAL
        self.tag = ""
        self.depth = 0
        self.content = False  # something other than blanks and comments since the last `;`

    def ends(self, line: str) -> Iterator[int]:
        """Offsets just after each top-level `;` in `line`."""
        pos = 0
        while pos < len(line):
            if self.mode is _Mode.NORMAL:
                match = _NORMAL.search(line, pos)
                if match is None:
                    self._saw(line[pos:])
                    return
                self._saw(line[pos : match.start()])
                token, pos = match.group(), match.end()
                if token == ";":
                    if self.content:
                        self.content = False
                        yield pos
                    continue
                if token == "--":
                    return
                if token == "/*":
                    self.mode, self.depth = _Mode.BLOCK, 1
                    continue
                self.content = True
                if token.startswith("$"):
                    if match.start() > 0 and _IDENT_CHAR.match(line, match.start() - 1):
                        pos = match.start() + 1  # `a$b$`: part of an identifier, not a quote
                        continue
                    self.mode, self.tag = _Mode.DOLLAR, token
                elif token == '"':
                    self.mode = _Mode.IDENT
                elif len(token) == 2 and not (
                    match.start() > 0 and _IDENT_CHAR.match(line, match.start() - 1)
                ):
                    self.mode = _Mode.E_QUOTE
                else:
                    self.mode = _Mode.QUOTE
            elif self.mode is _Mode.DOLLAR:
                end = line.find(self.tag, pos)
                if end < 0:
                    return
                self.mode, pos = _Mode.NORMAL, end + len(self.tag)
            elif self.mode is _Mode.BLOCK:
                match = _BLOCK.search(line, pos)
                if match is None:
                    return
                self.depth += 1 if match.group() == "/*" else -1
                pos = match.end()
                if self.depth == 0:
                    self.mode = _Mode.NORMAL
            else:
                pattern = {
                    _Mode.QUOTE: _QUOTE_END,
                    _Mode.E_QUOTE: _E_QUOTE_END,
                    _Mode.IDENT: _IDENT_END,
                }[self.mode]
                while True:
                    match = pattern.search(line, pos)
                    if match is None:
                        return
                    pos = match.end()
                    if match.group() in ("'", '"'):
                        self.mode = _Mode.NORMAL
                        break

    def _saw(self, text: str) -> None:
        if not self.content and text.strip():
            self.content = True

    @property
    def pending(self) -> bool:
        """A statement has begun and not yet ended."""
        return self.content


def statement_chunks(lines: Iterable[str], chunk_chars: int = CHUNK_CHARS) -> Iterator[Chunk]:
    """Chunks of at least `chunk_chars` characters (the last one may be shorter), each cut
    just after a top-level `;`; every character of `lines` is in exactly one chunk."""
    lexer = _Lexer()
    parts: list[str] = []
    size = 0
    statements = 0
    first_line = 1
    for number, line in enumerate(lines, start=1):
        taken = 0
        for end in lexer.ends(line):
            statements += 1
            if size + end - taken >= chunk_chars:
                parts.append(line[taken:end])
                yield Chunk(first_line, "".join(parts), statements)
                parts, size, statements, first_line = [], 0, 0, number
                taken = end
        parts.append(line[taken:])
        size += len(line) - taken
    if lexer.pending:
        statements += 1
    if parts and ("".join(parts).strip() or statements):
        yield Chunk(first_line, "".join(parts), statements)
