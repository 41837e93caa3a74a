"""How a file runs: as one transaction, or statement by statement; and files that can be neither.

A file that mixes statements PostgreSQL refuses inside a transaction (`CREATE INDEX
CONCURRENTLY` …) with ordinary ones, or that commits by itself, would be half-applied by
a failure: such a file is refused before anything runs, unless it is marked
`-- cfbops: no-transaction` (then each statement commits alone, and progress is kept).
"""

from __future__ import annotations

from pglast import ast

from cfbops.errors import OperationFailed
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.statements import needs_autocommit


class MixedTransactionFile(OperationFailed):
    """A file that can run neither as one transaction nor safely statement by statement."""


def runs_in_transaction(file: MigrationFile) -> bool:
    """True unless the file is marked no-transaction or holds only statements that must
    run outside a transaction."""
    if file.directives.no_transaction:
        return False
    return not file.statements or not all(needs_autocommit(s) for s in file.statements)


def mixing_problem(file: MigrationFile) -> str | None:
    """Why the file cannot run as it is written, in one line; None when it can."""
    if file.directives.no_transaction:
        return None
    for statement in file.statements:
        if isinstance(statement.node, ast.TransactionStmt):
            word = statement.text.split()[0].upper() if statement.text.split() else "COMMIT"
            return (
                f"{file.display_path}:{statement.line}: {word} inside a file cfbops runs as "
                "one transaction would commit part of it on its own; remove it (cfbops "
                "commits each file), or mark the file `-- cfbops: no-transaction`"
            )
    alone = [s for s in file.statements if needs_autocommit(s)]
    if alone and len(alone) < len(file.statements):
        first = alone[0]
        what = " ".join(first.text.split()[:4])
        return (
            f"{file.display_path}:{first.line}: `{what} …` cannot run inside a transaction, "
            "so the file's other statements would commit apart from it and a failure would "
            "leave it half-applied; move it to a file of its own, or mark this file "
            "`-- cfbops: no-transaction` (each statement then commits alone and a retry "
            "resumes where it stopped)"
        )
    return None


def refuse_mixed_files(files: list[MigrationFile] | tuple[MigrationFile, ...]) -> None:
    """Raise for the first pending file that would half-apply; before any SQL runs."""
    for file in files:
        problem = mixing_problem(file)
        if problem is not None:
            raise MixedTransactionFile(f"{problem}. Nothing was applied.")
