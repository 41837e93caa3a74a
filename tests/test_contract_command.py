"""`cfbops --headless contract --check|--write` against a real catalog."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest

from cfbops.api_contract import CONTRACT_FILE, NEW_COLUMN_NOTE
from cfbops.cli import main
from tests.conftest import REPO, DatabaseUnderTest


def contract(db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str], *args: str):
    capsys.readouterr()
    code = main(["--headless", "--database-url", db.url, "contract", "--json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out)


@pytest.fixture
def contract_copy(tmp_path: Path) -> Path:
    path = tmp_path / CONTRACT_FILE
    shutil.copyfile(REPO / CONTRACT_FILE, path)
    return path


def test_check_passes_on_the_published_views(
    db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = contract(db, capsys, "--check")
    assert code == 0
    assert document["breaking"] is False
    assert document["removed"] == document["retyped"] == document["added"] == []


def test_check_exits_1_naming_a_renamed_column(
    db: DatabaseUnderTest, db_conn: psycopg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    db_conn.execute("ALTER VIEW api.roster_lookup RENAME COLUMN jersey TO jersey_number")
    code, document = contract(db, capsys)
    assert code == 1
    assert document["breaking"] is True
    assert [(c["view"], c["column"]) for c in document["removed"]] == [
        ("api.roster_lookup", "jersey")
    ]
    assert [(c["view"], c["column"]) for c in document["added"]] == [
        ("api.roster_lookup", "jersey_number")
    ]


def test_write_regenerates_the_tables_and_keeps_the_hand_written_notes(
    db: DatabaseUnderTest,
    db_conn: psycopg.Connection,
    contract_copy: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = contract_copy.read_text(encoding="utf-8")
    db_conn.execute("ALTER VIEW api.roster_lookup RENAME COLUMN jersey TO jersey_number")

    code, document = contract(db, capsys, "--write", "--contract", str(contract_copy))

    assert code == 0 and document["written"] is True
    after = contract_copy.read_text(encoding="utf-8")
    assert f"| `jersey_number` | `bigint` | {NEW_COLUMN_NOTE} |" in after
    assert "| `jersey` |" not in after
    # Everything else is as it was written: only the renamed row differs.
    changed = set(before.splitlines()) ^ set(after.splitlines())
    assert len(changed) == 2 and all("jersey" in line for line in changed)
    assert "Consumers may rely on:" in after
    code, document = contract(db, capsys, "--check", "--contract", str(contract_copy))
    assert code == 0 and document["breaking"] is False


def test_write_on_an_unchanged_catalog_leaves_the_file_byte_for_byte(
    db: DatabaseUnderTest, contract_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = contract_copy.read_bytes()
    code, document = contract(db, capsys, "--write", "--contract", str(contract_copy))
    assert code == 0 and document["written"] is False
    assert contract_copy.read_bytes() == before


def test_a_missing_contract_file_is_one_line_and_exit_2(
    db: DatabaseUnderTest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.md"
    code = main(["--headless", "--database-url", db.url, "contract", "--contract", str(missing)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0 and str(missing) in err
