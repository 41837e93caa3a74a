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


@pytest.mark.parametrize("text", ["", "# cfbops\n\nThe operations console.\n"])
def test_check_refuses_a_contract_that_records_no_view(
    db: DatabaseUnderTest, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = tmp_path / "contract.md"
    path.write_text(text)
    code = main(["--headless", "--database-url", db.url, "contract", "--contract", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert (err.strip().count("\n") == 0 and "no api view" in err) or "is empty" in err


def test_check_fails_on_a_contract_cut_short(
    db: DatabaseUnderTest, contract_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract_copy.write_bytes(contract_copy.read_bytes()[:2000])
    code, document = contract(db, capsys, "--contract", str(contract_copy))
    assert code == 1 and document["breaking"]
    assert len(document["unrecorded_views"]) >= 6  # 2,000 bytes hold one view at most


def test_check_fails_on_a_view_the_contract_does_not_record_until_write_records_it(
    db: DatabaseUnderTest,
    db_conn: psycopg.Connection,
    contract_copy: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db_conn.execute("CREATE VIEW api.coaching_history AS SELECT 'Ann'::text AS coach_name")
    code, document = contract(db, capsys, "--contract", str(contract_copy))
    assert code == 1 and document["unrecorded_views"] == ["api.coaching_history"]
    code, _ = contract(db, capsys, "--write", "--contract", str(contract_copy))
    assert code == 0 and "## api.coaching_history" in contract_copy.read_text()
    code, document = contract(db, capsys, "--contract", str(contract_copy))
    assert code == 0 and not document["breaking"]


def test_a_type_changed_within_its_family_passes_and_into_another_fails(
    db: DatabaseUnderTest, contract_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = contract_copy.read_text()
    row = "| `jersey` | `bigint` |"
    assert recorded.count(row) == 1
    contract_copy.write_text(recorded.replace(row, "| `jersey` | `integer` |"))
    code, document = contract(db, capsys, "--contract", str(contract_copy))
    assert code == 0
    assert [c["column"] for c in document["retyped_within_family"]] == ["jersey"]
    contract_copy.write_text(recorded.replace(row, "| `jersey` | `text` |"))
    code, document = contract(db, capsys, "--contract", str(contract_copy))
    assert code == 1 and [c["column"] for c in document["retyped"]] == ["jersey"]


def test_write_refuses_a_file_that_is_not_a_contract(
    db: DatabaseUnderTest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# cfbops\n\nThe operations console.\n")
    argv = ["--headless", "--database-url", db.url, "contract", "--write", "--contract"]
    code = main([*argv, str(readme)])
    assert code == 2 and readme.read_text() == "# cfbops\n\nThe operations console.\n"
    capsys.readouterr()


def test_the_quality_check_fails_on_a_contract_that_records_nothing(
    db: DatabaseUnderTest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    shutil.copyfile(REPO / "README.md", readme)
    argv = ["--headless", "--database-url", db.url, "check", "--json", "--contract", str(readme)]
    capsys.readouterr()
    main([*argv, "--select", "api_contract_breaks"])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["severity"] == "error" and finding["count"] == 1
    assert finding["sample"][0]["change"] == "the contract records no api view"
