"""Run the generator's SQL files, in load order, on one connection and transaction.

The tables are filled in the shapes the real warehouse's dlt pipelines write: dlt
lineage columns (_dlt_load_id, _dlt_id), arrays as child tables keyed by the parent's
_dlt_id, CFBD's string ids as text.

Everything is set-based SQL inside PostgreSQL (cfbops/demo/queries/): helper functions and
work tables live in the session's pg_temp schema and vanish with it. Games are loaded
before the drives, plays and stats that refer to them: those foreign keys are enforced
(orphans cannot be loaded, so the demo has none).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import psycopg
from pglast import ast
from psycopg import sql

from cfbops.demo.scales import Scale
from cfbops.migrate.statements import Statement, qualified_name, split_statements
from cfbops.progress import ProgressCallback, TaskProgress
from cfbops.queries import package_sql

# Every table the seed fills, in load order (parents before children).
SEEDED_TABLES: tuple[str, ...] = (
    "ref.conferences",
    "ref.venues",
    "ref.teams",
    "ref.teams__logos",
    "ref.teams__alternate_names",
    "core.games",
    "core.plays",
    "core.drives",
    "core.games__home_line_scores",
    "core.games__away_line_scores",
    "core.game_team_stats",
    "core.game_team_stats__teams",
    "core.game_team_stats__teams__stats",
    "stats.play_stats",
    "stats.game_havoc",
    "betting.lines",
    "metrics.pregame_win_probability",
    "ref.coaches",
    "ref.coaches__seasons",
    "recruiting.recruits",
    "recruiting.team_recruiting",
    "core.roster",
    "core.roster__recruit_ids",
    "ratings.sp_ratings",
    "ratings.fpi_ratings",
    "ratings.srs_ratings",
    "ratings.elo_ratings",
    "nfl.rosters",
    "nfl.weeks",
    "nfl.games",
    "nfl.users",
    "nfl.picks",
    "nfl.results",
    "nfl.player_stats",
    "nfl.user_season_totals",
)

# Tables the seed does not fill that refer to what it does (by foreign key, so TRUNCATE
# needs them too): emptied with the seeded tables, since they describe replaced games.
CLEARED_WITH_SEED: tuple[str, ...] = (
    "nfl.touchdowns",
    "nfl.market_odds",
    "nfl.market_outcomes",
)

# The picks game's last graded week: week 15 is under way, 16-18 are still to come.
NFL_FINAL_WEEK = 14

SCALE_TABLE_SQL = """
CREATE TEMP TABLE seed_scale AS
SELECT %(scale)s::text AS scale,
       %(seed)s::bigint AS seed,
       %(first_season)s::integer AS first_season,
       %(last_season)s::integer AS last_season,
       %(play_first)s::integer AS play_first,
       %(stats_first)s::integer AS stats_first,
       %(havoc_first)s::integer AS havoc_first,
       %(lines_first)s::integer AS lines_first,
       %(roster_first)s::integer AS roster_first,
       %(recruit_first)s::integer AS recruit_first,
       %(nfl_users)s::integer AS nfl_users,
       %(nfl_final_week)s::integer AS nfl_final_week,
       %(play_focus)s::text[] AS play_focus
"""


@dataclass(frozen=True, slots=True)
class Step:
    """One SQL file of the generator (cfbops/demo/queries/FILE.sql) and what it loads."""

    file: str
    label: str


REFERENCE_STEPS = (
    Step("conferences", "conferences"),
    Step("teams", "teams and venues"),
    Step("games", "games"),
)
# Run once per season of play-by-play, in this order, on that season's simulation.
SEASON_STEPS = (
    Step("simulate", "simulated plays"),
    Step("plays", "plays"),
    Step("drives", "drives"),
    Step("game_scores", "scores"),
    Step("game_team_stats", "box scores"),
    Step("play_stats", "play stats"),
    Step("game_havoc", "havoc"),
)
LATER_STEPS = (
    Step("lines", "betting lines"),
    Step("coaches", "coaches"),
    Step("recruits", "recruits"),
    Step("team_recruiting", "team recruiting"),
    Step("roster", "rosters"),
    Step("ratings", "ratings"),
    Step("nfl", "picks game"),
)


@cache
def statements_of(file: str) -> tuple[Statement, ...]:
    """The parsed statements of one of the generator's SQL files."""
    return tuple(
        split_statements(package_sql("cfbops.demo", file), f"cfbops/demo/queries/{file}.sql")
    )


def inserted_table(statement: Statement) -> str | None:
    """The seeded table an INSERT statement fills, if it is one."""
    if isinstance(statement.node, ast.InsertStmt):
        name = qualified_name(statement.node.relation)
        return name if name in SEEDED_TABLES else None
    return None


def run_file(conn: psycopg.Connection, file: str) -> Counter[str]:
    """Execute one generator file; the rows each seeded table received."""
    rows: Counter[str] = Counter()
    for statement in statements_of(file):
        cursor = conn.execute(statement.text.encode())
        table = inserted_table(statement)
        if table is not None and cursor.rowcount > 0:
            rows[table] += cursor.rowcount
    return rows


def prepare_session(conn: psycopg.Connection, scale: Scale, seed: int) -> None:
    """The session's helpers: the seed, the scale's parameters, the hash functions."""
    # The simulation's lateral steps are evaluated once per row; caching them only costs.
    conn.execute("SET enable_memoize = off")
    conn.execute("SET work_mem = '256MB'")
    conn.execute(
        sql.SQL(
            "CREATE FUNCTION pg_temp.seed_value() RETURNS bigint"
            " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS {}"
        ).format(sql.Literal(f"SELECT {int(seed)}::bigint"))
    )
    conn.execute(
        SCALE_TABLE_SQL,
        {
            "scale": scale.name,
            "seed": seed,
            "first_season": scale.first_season,
            "last_season": scale.last_season,
            "play_first": scale.play_first,
            "stats_first": scale.stats_first,
            "havoc_first": scale.havoc_first,
            "lines_first": scale.lines_first,
            "roster_first": scale.roster_first,
            "recruit_first": scale.recruit_first,
            "nfl_users": scale.nfl_users,
            "nfl_final_week": NFL_FINAL_WEEK,
            "play_focus": list(scale.play_focus) if scale.play_focus else None,
        },
    )
    conn.execute("ANALYZE seed_scale")
    conn.execute("CREATE TEMP TABLE seed_step (season integer NOT NULL)")
    run_file(conn, "functions")


@dataclass(frozen=True, slots=True)
class Generated:
    """What the generator loaded: rows per table, and seconds spent in each SQL file."""

    rows: Counter[str]
    file_seconds: dict[str, float]


class _Loader:
    """Runs generator files on one connection, adding up the time each file takes."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn
        self.file_seconds: Counter[str] = Counter()

    def run(self, file: str) -> Counter[str]:
        started = time.monotonic()
        rows = run_file(self.conn, file)
        self.file_seconds[file] += time.monotonic() - started
        return rows

    def season(self, season: int, scale: Scale) -> Counter[str]:
        self.conn.execute("DROP TABLE IF EXISTS seed_sim_game, seed_sim")
        self.conn.execute("TRUNCATE seed_step")
        self.conn.execute("INSERT INTO seed_step (season) VALUES (%s)", (season,))
        rows: Counter[str] = Counter()
        for step in SEASON_STEPS:
            if step.file == "play_stats" and season < scale.stats_first:
                continue
            if step.file == "game_havoc" and season < scale.havoc_first:
                continue
            rows += self.run(step.file)
        return rows


def generate(
    conn: psycopg.Connection, scale: Scale, seed: int, progress: ProgressCallback
) -> Generated:
    """Load the whole dataset into empty tables."""
    play_seasons = range(scale.play_first, scale.last_season + 1)
    task = TaskProgress(
        progress, f"seed {scale.name}", len(REFERENCE_STEPS) + len(play_seasons) + len(LATER_STEPS)
    )
    prepare_session(conn, scale, seed)
    loader = _Loader(conn)
    total: Counter[str] = Counter()
    for step in REFERENCE_STEPS:
        total += _timed(task, step.label, lambda step=step: loader.run(step.file))
    for season in play_seasons:
        total += _timed(
            task, f"{season} play-by-play", lambda season=season: loader.season(season, scale)
        )
    for step in LATER_STEPS:
        total += _timed(task, step.label, lambda step=step: loader.run(step.file))
    return Generated(total, dict(loader.file_seconds))


def _timed(task: TaskProgress, label: str, work: Callable[[], Counter[str]]) -> Counter[str]:
    started = time.monotonic()
    rows = work()
    seconds = max(time.monotonic() - started, 1e-6)
    rate = sum(rows.values()) / seconds
    task.step(f"{label}: {_describe(rows.items())} in {seconds:.1f}s ({rate:,.0f} rows/s)")
    return rows


def _describe(rows: Iterable[tuple[str, int]]) -> str:
    parts = [f"{count:,} {table}" for table, count in rows]
    return ", ".join(parts) if parts else "no rows"
