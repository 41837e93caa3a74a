"""cfbops's own tables in schema `ops`: the shape each has, whether a database's stand as cfbops
made them, and the one way writers create what is missing (readers never create anything).

A table made by an older cfbops lacks the columns later files add; that is an older schema,
read as such. A table whose columns differ from cfbops's (another tool's table of the same
name, a hand edit) is refused with its name before anything changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

import psycopg

from cfbops.errors import UsageError
from cfbops.queries import package_sql

TIMESTAMPTZ = "timestamp with time zone"
DOUBLE = "double precision"
# The migration engine makes these itself (cfbops/db/queries/engine_objects.sql).
ENGINE = "engine"


@dataclass(frozen=True, slots=True)
class OpsObject:
    """One table (or view) of `ops`: what makes it, its columns as made, columns added later."""

    name: str
    made_by: str  # ENGINE, or the migration file that creates it
    columns: tuple[tuple[str, str], ...]
    # (file, column, type): columns a later file adds; an older schema lacks them.
    added: tuple[tuple[str, str, str], ...] = ()
    view: bool = False

    @property
    def qualified(self) -> str:
        return f"ops.{self.name}"


def _columns(text: str) -> tuple[tuple[str, str], ...]:
    """'name type, name type' as pairs; types as PostgreSQL's format_type writes them."""
    pairs = (part.strip().split(" ", 1) for part in text.split(","))
    return tuple((name, kind) for name, kind in pairs)


_V0200 = "V0200__refresh_history.sql"
_V0230 = "V0230__refresh_run_holder.sql"
_V0296 = "V0296__refresh_run_cancelled_and_planned.sql"
_V0250 = "V0250__cfbd_budget_and_backfill.sql"
_V0260 = "V0260__quality_findings.sql"

OBJECTS: dict[str, OpsObject] = {
    o.qualified: o
    for o in (
        OpsObject(
            "schema_history",
            ENGINE,
            _columns(
                f"installed_rank bigint, version text, name text, kind text, checksum text, "
                f"applied_at {TIMESTAMPTZ}, applied_by text, duration_ms bigint, success boolean"
            ),
        ),
        OpsObject(
            "accepted_drift",
            ENGINE,
            _columns(
                f"version text, old_checksum text, new_checksum text, "
                f"accepted_at {TIMESTAMPTZ}, accepted_by text"
            ),
        ),
        OpsObject(
            "statement_progress",
            ENGINE,
            _columns(
                f"file_key text, statement integer, statement_sha256 text, line integer, "
                f"done_at {TIMESTAMPTZ}"
            ),
        ),
        OpsObject(
            "adopted_objects",
            ENGINE,
            _columns(
                f"version text, line integer, kind text, object text, outcome text, "
                f"detail text, adopted_at {TIMESTAMPTZ}"
            ),
        ),
        OpsObject(
            "removed_duplicate_picks",
            "V0105__nfl_resolve_duplicate_picks.sql",
            _columns(
                f"id bigint, pick_id bigint, kept_pick_id bigint, pick jsonb, result jsonb, "
                f"result_action text, removed_at {TIMESTAMPTZ}"
            ),
        ),
        OpsObject(
            "fast6_imports",
            "V0110__nfl_fast6_import.sql",
            _columns(
                f"id bigint, file_name text, file_sha256 text, source_shape text, "
                f"imported_at {TIMESTAMPTZ}, changed_rows jsonb, findings integer"
            ),
        ),
        OpsObject(
            "fast6_import_findings",
            "V0110__nfl_fast6_import.sql",
            _columns(
                f"id bigint, file_sha256 text, kind text, source_table text, source_id bigint, "
                f"source_row jsonb, detail text, logged_at {TIMESTAMPTZ}"
            ),
            added=(("V0116__nfl_fast6_findings_name_their_column.sql", "source_column", "text"),),
        ),
        OpsObject(
            "merged_duplicate_users",
            "V0119__nfl_users_one_per_name.sql",
            _columns(
                f"id bigint, user_id bigint, kept_user_id bigint, user_row jsonb, "
                f"picks_moved integer, merged_at {TIMESTAMPTZ}"
            ),
        ),
        OpsObject(
            "refresh_run",
            _V0200,
            _columns(
                f"run_id bigint, started_at {TIMESTAMPTZ}, finished_at {TIMESTAMPTZ}, "
                f"status text, selection text[], stale_only boolean, workers integer, "
                f"mode text, wall_ms {DOUBLE}, client text"
            ),
            added=((_V0230, "pid", "integer"), (_V0296, "planned", "integer")),
        ),
        OpsObject(
            "mart_refresh",
            _V0200,
            _columns(
                f"mart text, run_id bigint, status text, mode text, started_at {TIMESTAMPTZ}, "
                f"duration_ms {DOUBLE}, analyze_ms {DOUBLE}, rows bigint, error text, "
                f"reason text, inputs jsonb"
            ),
        ),
        OpsObject("mart_dependency", _V0200, _columns("mart text, depends_on text, note text")),
        OpsObject(
            "mart_setting",
            _V0200,
            _columns("mart text, statement_timeout interval"),
            added=(
                ("V0270__mart_setting_work_mem.sql", "work_mem", "text"),
                ("V0310__mart_setting_read_by_apps.sql", "read_by_apps", "boolean"),
            ),
        ),
        OpsObject(
            "mart_last_refresh",
            _V0200,
            _columns(
                f"mart text, run_id bigint, started_at {TIMESTAMPTZ}, duration_ms {DOUBLE}, "
                f"rows bigint, mode text, median_ms {DOUBLE}, samples bigint, regression boolean"
            ),
            view=True,
        ),
        OpsObject(
            "seed_runs",
            "V0201__seed_runs.sql",
            _columns(
                f"id bigint, scale text, seed bigint, rows jsonb, seconds numeric, "
                f"created_at {TIMESTAMPTZ}, created_by text"
            ),
        ),
        OpsObject(
            "cfbd_months",
            _V0250,
            _columns(
                f"month date, monthly_limit integer, api_used integer, api_ledger_used integer, "
                f"api_checked_at {TIMESTAMPTZ}, api_source text"
            ),
        ),
        OpsObject(
            "cfbd_reservations",
            _V0250,
            _columns(
                f"id bigint, month date, holder text, granted integer, spent integer, "
                f"backend_pid integer, backend_start {TIMESTAMPTZ}, created_at {TIMESTAMPTZ}, "
                f"released_at {TIMESTAMPTZ}"
            ),
        ),
        OpsObject(
            "cfbd_calls",
            _V0250,
            _columns(
                f"id bigint, reservation_id bigint, called_at {TIMESTAMPTZ}, "
                f"ended_at {TIMESTAMPTZ}, endpoint text, params jsonb, status integer, "
                f"outcome text, rows integer, duration_ms integer, metered boolean, error text"
            ),
        ),
        OpsObject(
            "backfill_jobs",
            _V0250,
            _columns(
                f"id bigint, kind text, first_season integer, last_season integer, "
                f"created_at {TIMESTAMPTZ}, updated_at {TIMESTAMPTZ}"
            ),
            added=(("V0295__backfill_pause.sql", "paused_at", TIMESTAMPTZ),),
        ),
        OpsObject(
            "backfill_items",
            _V0250,
            _columns(
                f"job_id bigint, item_key bigint, season integer, state text, attempts integer, "
                f"calls_used integer, rows_written integer, reason text, retryable boolean, "
                f"backend_pid integer, backend_start {TIMESTAMPTZ}, finished_at {TIMESTAMPTZ}"
            ),
            # One row per game whatever job names it.
            added=(("V0298__backfill_item_per_game.sql", "kind", "text"),),
        ),
        OpsObject(
            "check_run",
            _V0260,
            _columns(
                f"run_id bigint, started_at {TIMESTAMPTZ}, finished_at {TIMESTAMPTZ}, "
                f"selection text[], wall_ms {DOUBLE}, client text"
            ),
        ),
        OpsObject(
            "check_result",
            _V0260,
            _columns(
                f"run_id bigint, check_name text, family text, severity text, outcome text, "
                f"state text, count bigint, total bigint, message text, action text, "
                f"sample jsonb, error text, muted boolean, duration_ms {DOUBLE}"
            ),
        ),
        OpsObject(
            "check_mute",
            _V0260,
            _columns(
                f"mute_id bigint, check_name text, until date, reason text, "
                f"created_at {TIMESTAMPTZ}, created_by text"
            ),
        ),
    )
}

# Each group a writer ensures, and the files that make it (idempotent, safe to run again).
ENGINE_OBJECTS = (
    "ops.schema_history",
    "ops.accepted_drift",
    "ops.statement_progress",
    "ops.adopted_objects",
)
REFRESH_OBJECTS = (
    "ops.refresh_run",
    "ops.mart_refresh",
    "ops.mart_dependency",
    "ops.mart_setting",
    "ops.mart_last_refresh",
)
QUALITY_OBJECTS = ("ops.check_run", "ops.check_result", "ops.check_mute")
BUDGET_OBJECTS = ("ops.cfbd_months", "ops.cfbd_reservations", "ops.cfbd_calls")
BACKFILL_OBJECTS = ("ops.backfill_jobs", "ops.backfill_items")
# What a reader says of a section whose tables this database does not have yet.
ARRIVES_WITH = "cfbops --headless migrate"
NOT_AVAILABLE = f"not available — arrives with `{ARRIVES_WITH}`"
NOT_AVAILABLE_DOCUMENT = {"available": False, "arrives_with": ARRIVES_WITH}

# Files a writer may run again at run time on a database the migrations have not reached.
_RERUNNABLE = frozenset({_V0200, _V0230, _V0260, _V0296})

CATALOG_SQL = """
SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = 'ops' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY c.relname, a.attnum
"""


@dataclass(frozen=True, slots=True)
class OpsCatalog:
    """What schema `ops` holds now: each relation's kind and its columns' types."""

    relations: Mapping[str, tuple[str, Mapping[str, str]]]

    def has(self, *names: str) -> bool:
        """Every named relation (`ops.x`) exists."""
        return all(name in self.relations for name in names)

    def has_column(self, name: str, column: str) -> bool:
        return column in self.relations.get(name, ("", {}))[1]

    def differences(self) -> list[str]:
        """Each cfbops object that stands in a shape cfbops did not make, as one phrase."""
        found = []
        for name, (relkind, columns) in self.relations.items():
            expected = OBJECTS.get(name)
            if expected is None:
                continue
            if expected.view != (relkind == "v"):
                made = "a view" if expected.view else "a table"
                found.append(f"{name} is not {made}")
                continue
            missing = [c for c, _ in expected.columns if c not in columns]
            if missing:
                found.append(f"{name} lacks column(s) {', '.join(missing)}")
            typed = [*expected.columns, *((c, t) for _, c, t in expected.added)]
            for column, kind in typed:
                if column in columns and columns[column] != kind:
                    found.append(f"{name}.{column} is {columns[column]}, not {kind}")
        return found


def read_ops_catalog(conn: psycopg.Connection) -> OpsCatalog:
    """One catalog query: every relation of `ops` and its columns (read-only)."""
    relations: dict[str, tuple[str, dict[str, str]]] = {}
    for relname, relkind, column, kind in conn.execute(CATALOG_SQL):
        entry = relations.setdefault(f"ops.{relname}", (relkind, {}))
        if column is not None:
            entry[1][column] = kind
    return OpsCatalog(relations)


def objects_exist(conn: psycopg.Connection, names: Iterable[str]) -> bool:
    """Every named relation exists (the one test of whether a history is there)."""
    row = conn.execute(
        "SELECT bool_and(to_regclass(name) IS NOT NULL) FROM unnest(%s::text[]) AS name",
        (list(names),),
    ).fetchone()
    return bool(row and row[0])


def verify_ops_objects(conn: psycopg.Connection) -> OpsCatalog:
    """Refuse (exit 2) a database whose `ops` objects differ from the shapes cfbops makes,
    naming each; the catalog read, for the caller to use."""
    catalog = read_ops_catalog(conn)
    differences = catalog.differences()
    if differences:
        raise UsageError(
            "cfbops's own objects in schema ops differ from what cfbops makes: "
            + "; ".join(differences)
            + ". Nothing was changed. Rename or move the object that is not cfbops's "
            "(e.g. ALTER TABLE … SET SCHEMA another_schema), or restore it, then run again"
        )
    return catalog


def ensure_objects(conn: psycopg.Connection, names: Iterable[str]) -> None:
    """Writers only: create the named `ops` objects (and columns added later) that are
    missing, in one transaction, from the files that make them."""
    catalog = verify_ops_objects(conn)
    wanted = [OBJECTS[name] for name in names]
    files: set[str] = set()
    for obj in wanted:
        if obj.qualified not in catalog.relations:
            files.add(obj.made_by)
        # Columns a later file adds: where that file can run again; else the older shape
        # stays until `migrate` (readers take it as it is).
        files.update(
            file
            for file, column, _ in obj.added
            if file in _RERUNNABLE and not catalog.has_column(obj.qualified, column)
        )
    if not files:
        return
    with conn.transaction():
        for file in sorted(files, key=lambda f: (f != ENGINE, f)):
            conn.execute(_making_sql(file))


def _making_sql(file: str) -> str:
    if file == ENGINE:
        return package_sql("cfbops.db", "engine_objects")
    if file not in _RERUNNABLE:
        raise UsageError(
            f"the ops tables of {file} are missing; run cfbops --headless migrate first"
        )
    path = resources.files("cfbops").joinpath("sql", "migrations", file)
    return path.read_text(encoding="utf-8")
