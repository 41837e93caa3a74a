"""The one decoder of the app's SQLite values: whatever a cell holds (integer, real, text,
blob, null; SQLite types values, not columns) read against the type the app declared.

The app wrote through Python's sqlite3, numpy values included: a `numpy.int32` or `int64`
is bound as its bytes, so an INTEGER column can hold a 4- or 8-byte little-endian BLOB; a
`numpy.float32` a 4-byte REAL; a `numpy.bool_` a 1-byte BOOLEAN. Those decode to their
value, with a note saying so. A value that cannot be read as its column's type raises
`CannotDecode` naming what is wrong; the caller makes it a finding.
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

# PostgreSQL's integer: the nfl columns the app's INTEGERs go to (season, week, counts).
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1
_BLOB_INTEGERS = {4: "<i", 8: "<q"}
_BLOB_REALS = {4: "<f", 8: "<d"}
# ASCII digits only: str.isdigit() would take '²', which int() refuses.
_WHOLE_NUMBER = re.compile(r"\s*[+-]?[0-9]+\s*\Z")
_TRUE_TEXT = frozenset({"1", "true", "t", "yes", "y"})
_FALSE_TEXT = frozenset({"0", "false", "f", "no", "n"})


class Kind(Enum):
    """The app's declared column types, as cfbops reads them."""

    ID = "id"  # INTEGER key: any 64-bit integer
    INTEGER = "integer"  # INTEGER value: PostgreSQL integer range
    REAL = "real"
    TEXT = "text"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"
    DATE = "date"


class Storage(Enum):
    """What SQLite's typeof() says a cell holds."""

    NULL = "null"
    INTEGER = "integer"
    REAL = "real"
    TEXT = "text"
    BLOB = "blob"


@dataclass(frozen=True, slots=True)
class Cell:
    """One value as the file holds it; text as its raw bytes (they may not be UTF-8)."""

    storage: Storage
    raw: Any  # int, float, bytes (text or BLOB) or None, as storage says


@dataclass(frozen=True, slots=True)
class Decoded:
    value: Any
    # Set when the value was not stored as its type (a numpy BLOB, text in a BOOLEAN…).
    note: str | None = None


class CannotDecode(ValueError):
    """The cell holds nothing its column's type can be read from."""


def decode(kind: Kind, cell: Cell) -> Decoded:
    """`cell` as the Python value PostgreSQL takes for a column of `kind`."""
    if cell.storage is Storage.NULL:
        return Decoded(None)
    return _DECODERS[kind](cell)


def _integer(cell: Cell, low: int, high: int) -> Decoded:
    raw = cell.raw
    note = None
    if cell.storage is Storage.INTEGER:
        value = int(raw)
    elif cell.storage is Storage.BLOB and len(raw) in _BLOB_INTEGERS:
        (value,) = struct.unpack(_BLOB_INTEGERS[len(raw)], raw)
        note = f"{len(raw)}-byte little-endian BLOB {raw.hex()} read as {value}"
    elif cell.storage is Storage.REAL and float(raw).is_integer():
        value = int(raw)
        note = f"REAL {raw!r} read as {value}"
    elif cell.storage is Storage.TEXT and _WHOLE_NUMBER.match(_text(raw)):
        value = int(_text(raw))
        note = f"text {_text(raw)!r} read as {value}"
    else:
        raise CannotDecode(f"{describe(cell)} is not an integer")
    if not low <= value <= high:
        raise CannotDecode(f"{value} is out of range ({low}…{high})")
    return Decoded(value, note)


def _id(cell: Cell) -> Decoded:
    return _integer(cell, -(2**63), 2**63 - 1)


def _int4(cell: Cell) -> Decoded:
    return _integer(cell, INT4_MIN, INT4_MAX)


def _real(cell: Cell) -> Decoded:
    raw = cell.raw
    note = None
    if cell.storage is Storage.INTEGER:
        return Decoded(Decimal(int(raw)))
    if cell.storage is Storage.REAL:
        number = float(raw)
    elif cell.storage is Storage.BLOB and len(raw) in _BLOB_REALS:
        (number,) = struct.unpack(_BLOB_REALS[len(raw)], raw)
        note = f"{len(raw)}-byte little-endian BLOB {raw.hex()} read as {number!r}"
    elif cell.storage is Storage.TEXT:
        try:
            number = float(Decimal(_text(raw).strip()))
        except (InvalidOperation, ValueError):
            raise CannotDecode(f"{describe(cell)} is not a number") from None
        note = f"text {_text(raw)!r} read as {number!r}"
    else:
        raise CannotDecode(f"{describe(cell)} is not a number")
    if not math.isfinite(number):
        raise CannotDecode(f"{number!r} is not a finite number")
    # The decimal the app typed (650.0, not 650.00000000001): the float's shortest repr.
    return Decoded(Decimal(repr(number)), note)


def _text_value(cell: Cell) -> Decoded:
    raw = cell.raw
    if cell.storage in (Storage.TEXT, Storage.BLOB):
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            what = "text" if cell.storage is Storage.TEXT else "BLOB"
            raise CannotDecode(f"{what} {raw.hex()} is not UTF-8 (byte {error.start})") from None
        if "\x00" in value:
            # PostgreSQL text cannot hold NUL; cfbops strips nothing, so the cell is reported.
            raise CannotDecode(f"text {raw.hex()} holds a NUL byte at {value.index(chr(0))}")
        note = f"BLOB {raw.hex()} read as UTF-8 text" if cell.storage is Storage.BLOB else None
        return Decoded(value, note)
    number = raw if cell.storage is Storage.INTEGER else repr(raw)
    return Decoded(str(number), f"{cell.storage.value} {raw!r} read as text")


def _boolean(cell: Cell) -> Decoded:
    raw = cell.raw
    if cell.storage in (Storage.INTEGER, Storage.REAL) and raw in (0, 1):
        return Decoded(bool(raw))
    if cell.storage is Storage.TEXT:
        word = _text(raw).strip().lower()
        if word in _TRUE_TEXT or word in _FALSE_TEXT:
            return Decoded(word in _TRUE_TEXT, f"text {_text(raw)!r} read as {word in _TRUE_TEXT}")
    if cell.storage is Storage.BLOB and len(raw) in (1, 4, 8):
        value = int.from_bytes(raw, "little", signed=True)
        if value in (0, 1):
            return Decoded(bool(value), f"BLOB {raw.hex()} read as {bool(value)}")
    raise CannotDecode(f"{describe(cell)} is not a boolean (0/1, true/false)")


def _timestamp(cell: Cell) -> Decoded:
    if cell.storage is Storage.TEXT:
        text = _text(cell.raw).strip()
        try:
            # SQLite's CURRENT_TIMESTAMP ('2025-09-05 12:00:00', UTC) and Python's
            # isoformat ('2025-09-05T12:00:00.123456', an offset or not): what the app wrote.
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return Decoded(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
    raise CannotDecode(f"{describe(cell)} is not a timestamp (YYYY-MM-DD HH:MM:SS)")


def _date(cell: Cell) -> Decoded:
    if cell.storage is Storage.TEXT:
        text = _text(cell.raw).strip()
        try:
            return Decoded(date.fromisoformat(text))
        except ValueError:
            pass
        try:
            return Decoded(datetime.fromisoformat(text).date(), f"timestamp {text!r} read as date")
        except ValueError:
            pass
    raise CannotDecode(f"{describe(cell)} is not a date (YYYY-MM-DD)")


_DECODERS = {
    Kind.ID: _id,
    Kind.INTEGER: _int4,
    Kind.REAL: _real,
    Kind.TEXT: _text_value,
    Kind.BOOLEAN: _boolean,
    Kind.TIMESTAMP: _timestamp,
    Kind.DATE: _date,
}


def _text(raw: Any) -> str:
    """Text bytes for messages and number parsing; undecodable bytes shown as escapes."""
    return raw.decode("utf-8", errors="backslashreplace") if isinstance(raw, bytes) else str(raw)


def describe(cell: Cell) -> str:
    """The cell as a person reads it in a finding: its storage class and value."""
    if cell.storage is Storage.BLOB:
        return f"BLOB {cell.raw.hex()}" if cell.raw else "an empty BLOB"
    if cell.storage is Storage.TEXT:
        return f"text {_text(cell.raw)[:80]!r}"
    return f"{cell.storage.value} {cell.raw!r}"


def jsonable(cell: Cell) -> Any:
    """The cell for the findings log (jsonb): numbers and clean text as they are; BLOBs,
    text that is not UTF-8 or holds NUL, and non-finite reals as their SQLite literal."""
    raw = cell.raw
    if cell.storage is Storage.BLOB:
        return f"X'{raw.hex().upper()}'"
    if cell.storage is Storage.TEXT:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return f"CAST(X'{raw.hex().upper()}' AS TEXT)"
        return f"CAST(X'{raw.hex().upper()}' AS TEXT)" if "\x00" in text else text
    if cell.storage is Storage.REAL and not math.isfinite(raw):
        return repr(raw)
    return raw
