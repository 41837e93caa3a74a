"""SQL as people read it in the plan and the console: long one-line statements laid out."""

from __future__ import annotations

import sqlparse

# A statement its author wrapped is shown as written; one longer than this on a single
# line (generated, or pasted) is re-indented so its clauses can be read.
LONG_LINE = 100


def readable_sql(text: str) -> str:
    """`text` as written, unless it is one line longer than LONG_LINE: then laid out one
    clause per line (layout only: sqlparse never changes a token)."""
    if "\n" in text.strip() or len(text) <= LONG_LINE:
        return text
    return sqlparse.format(text, reindent=True).strip()
