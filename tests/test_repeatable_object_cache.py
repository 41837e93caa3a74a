"""The console remembers what each repeatable creates and reads (cfbops home), so a start does
not parse every repeatable again; the answers must be the ones a parse gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
from psycopg import sql

from cfbops.config import default_sql_dir
from cfbops.migrate.files import MigrationFile, load_migrations
from cfbops.migrate.object_cache import ObjectCache
from cfbops.migrate.repeatables import parsed_objects
from cfbops.migrate.state import MigrationState, migration_state


def _keys(state: MigrationState) -> list[str]:
    return [f.key for f in state.pending_repeatable]


def _parsed(files: list[MigrationFile]) -> list[str]:
    return [f.key for f in files if "statements" in vars(f)]


def _drop_one_mart_view(conn: psycopg.Connection, repeatable: list[MigrationFile]) -> str:
    """Drop (CASCADE) a materialized view a repeatable creates: that file and its dependents
    become pending, which only the files' objects can tell."""
    for file in repeatable:
        for name in sorted(parsed_objects(file).defined):
            row = conn.execute(
                "SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", (name,)
            ).fetchone()
            if row and row[0] == "m":
                schema, relation = name.split(".")
                conn.execute(
                    sql.SQL("DROP MATERIALIZED VIEW {} CASCADE").format(
                        sql.Identifier(schema, relation)
                    )
                )
                return file.key
    raise AssertionError("no repeatable creates a materialized view")


def test_a_second_start_answers_from_the_cache_without_parsing(migrated_db, tmp_path):
    home = tmp_path / "home"
    with migrated_db.connect() as conn:
        versioned, repeatable = load_migrations(default_sql_dir())
        dropped = _drop_one_mart_view(conn, repeatable)
        versioned, repeatable = load_migrations(default_sql_dir())
        parsed = migration_state(conn, versioned, repeatable)
        assert dropped in _keys(parsed)

        first = ObjectCache(home)
        versioned, repeatable = load_migrations(default_sql_dir())
        assert _keys(migration_state(conn, versioned, repeatable, first)) == _keys(parsed)
        first.save()

        versioned, repeatable = load_migrations(default_sql_dir())
        again = migration_state(conn, versioned, repeatable, ObjectCache(home))
    assert _keys(again) == _keys(parsed)
    assert _parsed(repeatable) == []


def test_an_edited_repeatable_is_parsed_again(tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(default_sql_dir(), sql_dir)
    home = tmp_path / "home"
    cache = ObjectCache(home)
    _, repeatable = load_migrations(sql_dir)
    for file in repeatable:
        cache(file)
    cache.save()

    edited = repeatable[0].path
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nCREATE VIEW public.added_later AS SELECT 1;\n",
        encoding="utf-8",
    )
    _, repeatable = load_migrations(sql_dir)
    objects = ObjectCache(home)(repeatable[0])
    assert "public.added_later" in objects.defined
    assert _parsed(repeatable) == [repeatable[0].key]


def test_an_unreadable_cache_file_is_parsed_around_and_rewritten(tmp_path):
    home = tmp_path / "home"
    cache_file = home / "cache" / "repeatable-objects.json"
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text("{not json", encoding="utf-8")
    _, repeatable = load_migrations(default_sql_dir())
    cache = ObjectCache(home)
    assert [cache(f) for f in repeatable] == [parsed_objects(f) for f in repeatable]
    cache.save()
    saved = json.loads(cache_file.read_text(encoding="utf-8"))
    assert len(saved["files"]) == len({f.checksum for f in repeatable})
    assert not list(Path(cache_file.parent).glob("*.tmp"))
