"""Time one season's nfl.leaderboard with 10,000 users x 18 weeks x 5 picks.

Builds the data set-based in the database given by --database-url (default: a scratch
embedded server), then prints p50/p95/p99 of the leaderboard query and, for
comparison, the p50 of the old app's aggregate over every pick of the season.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from scratch import scratch_database

from cfbops.config import DatabaseSource, Settings, default_sql_dir
from cfbops.migrate.apply import migrate

# fmt: off
TEAMS = (
    "ARI", "ATL", "BAL", "BUF", "CAR", "CHI", "CIN", "CLE", "DAL", "DEN", "DET", "GB",
    "HOU", "IND", "JAX", "KC", "LAC", "LAR", "LV", "MIA", "MIN", "NE", "NO", "NYG",
    "NYJ", "PHI", "PIT", "SEA", "SF", "TB", "TEN", "WAS",
)
# fmt: on
PLAYERS_PER_TEAM = 20
POSITIONS = ("QB", "RB", "RB", "WR", "WR", "WR", "TE", "TE", "RB", "WR")

LEADERBOARD_QUERY = """
SELECT season, user_id, user_name, points, correct_picks, rank
  FROM nfl.leaderboard
 WHERE season = %(season)s
 ORDER BY points DESC, correct_picks DESC, user_id
"""

LEADERBOARD_PAGE_QUERY = LEADERBOARD_QUERY + " LIMIT 100"

# The app's position filter (what its v12 index player_stats (position, season) served):
# a season's first-TD scorers at one position.
POSITION_FILTER_QUERY = """
SELECT player_name, team, position, first_td_count, any_time_td_count
  FROM nfl.player_stats
 WHERE season = %(season)s AND position = 'RB'
 ORDER BY first_td_count DESC, any_time_td_count DESC, player_name
 LIMIT 25
"""

# The app's graded-results read (its index results (is_correct)): the season's latest
# correct picks.
CORRECT_RESULTS_QUERY = """
SELECT r.pick_id, r.actual_scorer, r.actual_return, r.graded_at
  FROM nfl.results r
  JOIN nfl.picks p ON p.id = r.pick_id
  JOIN nfl.weeks w ON w.id = p.week_id
 WHERE r.is_correct AND w.season = %(season)s
 ORDER BY r.graded_at DESC, r.pick_id DESC
 LIMIT 50
"""

# The floor for any 10,000-row answer: shipping and parsing the rows, no table read.
TRANSFER_FLOOR_QUERY = """
SELECT %(season)s AS season, g::bigint AS user_id, 'user ' || g AS user_name, g AS points,
       g AS correct_picks, g::bigint AS rank
  FROM generate_series(1, 10000) g
"""

# What the old app ran: every pick of the season, joined and aggregated per query.
OLD_AGGREGATE_QUERY = """
SELECT w.season, u.id AS user_id, u.name AS user_name,
       coalesce(sum(CASE WHEN r.is_correct THEN 3 WHEN r.any_time_td THEN 1 ELSE 0 END), 0)
           AS points,
       count(*) FILTER (WHERE r.is_correct) AS correct_picks,
       rank() OVER (ORDER BY
           coalesce(sum(CASE WHEN r.is_correct THEN 3 WHEN r.any_time_td THEN 1 ELSE 0 END), 0)
               DESC,
           count(*) FILTER (WHERE r.is_correct) DESC) AS rank
  FROM nfl.picks p
  JOIN nfl.weeks w ON w.id = p.week_id
  JOIN nfl.users u ON u.id = p.user_id
  LEFT JOIN nfl.results r ON r.pick_id = p.id
 WHERE w.season = %(season)s
 GROUP BY w.season, u.id, u.name
 ORDER BY points DESC, correct_picks DESC, user_id
"""


@dataclass(frozen=True, slots=True)
class Timing:
    label: str
    runs: int
    rows: int
    p50_ms: float
    p95_ms: float
    p99_ms: float


def apply_migrations(url: str) -> None:
    """The project's sql/ through the real migration engine."""
    settings = Settings(
        url, DatabaseSource.FLAG, Path(tempfile.mkdtemp(prefix="cfbops-bench-home-"))
    )
    result = migrate(settings, sql_dir=default_sql_dir())
    if not result.ok:
        raise SystemExit(f"migrations failed: {result.failed or result.drifted}")


def schedule(weeks: int) -> list[list[tuple[str, str]]]:
    """Round-robin (circle method) pairings, (away, home), one list per week."""
    teams = list(TEAMS)
    rounds = []
    for week in range(weeks):
        pairs = []
        for i in range(len(teams) // 2):
            a, b = teams[i], teams[-1 - i]
            pairs.append((a, b) if week % 2 else (b, a))
        rounds.append(pairs)
        teams = [teams[0], teams[-1], *teams[1:-1]]
    return rounds


def build(
    conn: psycopg.Connection,
    season: int,
    users: int,
    weeks: int,
    per_week: int,
    say: Callable[[str], None],
) -> None:
    with step("users, weeks, games, rosters", say):
        conn.execute(
            "INSERT INTO nfl.users (id, name, email)"
            " SELECT g, 'user ' || g, 'user' || g || '@example.test'"
            "   FROM generate_series(1, %s) g",
            (users,),
        )
        conn.execute(
            "INSERT INTO nfl.weeks (season, week) SELECT %s, g FROM generate_series(1, %s) g",
            (season, weeks),
        )
        conn.execute(
            "CREATE TEMP TABLE bench_games (week int, game_no int, game_id text,"
            " home_team text, away_team text)"
        )
        with conn.cursor().copy(
            "COPY bench_games (week, game_no, game_id, home_team, away_team) FROM STDIN"
        ) as copy:
            for week, pairs in enumerate(schedule(weeks), start=1):
                for game_no, (away, home) in enumerate(pairs):
                    copy.write_row(
                        (week, game_no, f"{season}_{week:02d}_{away}_{home}", home, away)
                    )
        conn.execute(
            "INSERT INTO nfl.games (id, season, week, home_team, away_team, status,"
            "                       home_score, away_score)"
            " SELECT game_id, %s, week, home_team, away_team, 'final', 24, 17 FROM bench_games",
            (season,),
        )
        with conn.cursor().copy(
            "COPY nfl.rosters (season, team, player_name, position, jersey_number, gsis_id)"
            " FROM STDIN"
        ) as copy:
            for team in TEAMS:
                for slot in range(PLAYERS_PER_TEAM):
                    copy.write_row(
                        (
                            season,
                            team,
                            f"{team} Player {slot:02d}",
                            POSITIONS[slot % len(POSITIONS)],
                            slot + 1,
                            f"{team}-{slot:02d}",
                        )
                    )

    with step(f"{users * weeks * per_week:,} picks", say):
        # Each user's picks of a week fall in distinct games, hence distinct players;
        # low roster slots are the popular picks.
        conn.execute(
            """
            INSERT INTO nfl.picks (user_id, week_id, game_id, team, player_name, position, odds)
            SELECT c.user_id, c.week_id, g.game_id, r.team, r.player_name, r.position,
                   300 + 50 * c.slot
              FROM (SELECT u.id AS user_id, w.id AS week_id, w.week,
                           (u.id * 5 + k * 3 + w.week) %% 16 AS game_no,
                           (u.id + k + w.week) %% 2 AS side,
                           floor(%(players)s * power(
                               ((u.id * 7919 + k * 104729 + w.week * 1299709) %% 1000) / 1000.0,
                               2))::int AS slot
                      FROM nfl.users u
                     CROSS JOIN nfl.weeks w
                     CROSS JOIN generate_series(0, %(per_week)s - 1) k
                     WHERE w.season = %(season)s) c
              JOIN bench_games g ON g.week = c.week AND g.game_no = c.game_no
              JOIN nfl.rosters r
                ON r.season = %(season)s
               AND r.team = CASE c.side WHEN 0 THEN g.home_team ELSE g.away_team END
               AND r.jersey_number = c.slot + 1
            """,
            {"season": season, "per_week": per_week, "players": PLAYERS_PER_TEAM},
        )

    with step("results (every pick graded)", say):
        # Per game: the first scorer, then two more scorers, popular slots likelier.
        conn.execute(
            """
            CREATE TEMP TABLE bench_scorers AS
            SELECT g.game_id, r.player_name, s.n = 0 AS is_first
              FROM bench_games g
             CROSS JOIN generate_series(0, 2) s (n)
              JOIN nfl.rosters r
                ON r.season = %(season)s
               AND r.team = CASE (g.week + g.game_no + s.n) %% 2
                                WHEN 0 THEN g.home_team ELSE g.away_team END
               AND r.jersey_number = 1 + floor(%(players)s * power(
                       ((g.week * 31 + g.game_no * 17 + s.n * 7) %% 100) / 100.0, 2))::int
            """,
            {"season": season, "players": PLAYERS_PER_TEAM},
        )
        conn.execute(
            """
            INSERT INTO nfl.results (pick_id, actual_scorer, is_correct, any_time_td,
                                     actual_return)
            SELECT p.id, f.player_name,
                   coalesce(s.is_first, false),
                   s.player_name IS NOT NULL,
                   CASE WHEN s.is_first THEN p.odds / 100.0 ELSE -1 END
              FROM nfl.picks p
              JOIN (SELECT DISTINCT ON (game_id) game_id, player_name FROM bench_scorers
                     WHERE is_first) f ON f.game_id = p.game_id
              LEFT JOIN (SELECT game_id, player_name, bool_or(is_first) AS is_first
                           FROM bench_scorers GROUP BY 1, 2) s
                ON s.game_id = p.game_id AND s.player_name = p.player_name
            """
        )

    with step("vacuum analyze (as autovacuum would)", say):
        for table in (
            "users",
            "weeks",
            "games",
            "rosters",
            "picks",
            "results",
            "player_stats",
            "user_season_totals",
        ):
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier("nfl", table)))


@contextmanager
def step(label: str, say: Callable[[str], None]) -> Iterator[None]:
    started = time.perf_counter()
    yield
    say(f"  {label}: {time.perf_counter() - started:.1f} s")


def time_query(
    conn: psycopg.Connection, label: str, query: str, season: int, runs: int, warmup: int = 5
) -> Timing:
    params = {"season": season}
    rows = 0
    for _ in range(warmup):
        rows = len(conn.execute(query, params, prepare=True).fetchall())
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = len(conn.execute(query, params, prepare=True).fetchall())
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return Timing(label, runs, rows, statistics.median(samples), cuts[94], cuts[98])


def server_side_ms(conn: psycopg.Connection, query: str, season: int) -> float:
    plan = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query, {"season": season})
    document = plan.fetchone()[0][0]
    return float(document["Planning Time"]) + float(document["Execution Time"])


def plan_shape(conn: psycopg.Connection, query: str, season: int) -> str:
    """The scans of a query's plan, e.g. 'Seq Scan on player_stats'."""
    plan = conn.execute("EXPLAIN (FORMAT JSON) " + query, {"season": season})
    scans: list[str] = []

    def walk(node: dict) -> None:
        if "Scan" in node["Node Type"]:
            target = node.get("Index Name") or node.get("Relation Name", "")
            scans.append(f"{node['Node Type']} {target}".strip())
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan.fetchone()[0][0]["Plan"])
    return ", ".join(scans)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty database (default: a scratch server)")
    parser.add_argument("--season", type=int, default=2025)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=18)
    parser.add_argument("--picks-per-week", type=int, default=5)
    parser.add_argument("--runs", type=int, default=500, help="timed leaderboard queries")
    parser.add_argument("--old-runs", type=int, default=20, help="timed old-style aggregates")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not 1 <= args.picks_per_week <= 16 or not 1 <= args.weeks <= 18:
        print("--picks-per-week must be 1..16 and --weeks 1..18", file=sys.stderr)
        return 2

    def say(line: str) -> None:
        print(line, flush=True)

    with scratch_database(args.database_url) as url, psycopg.connect(url, autocommit=True) as conn:
        taken = conn.execute("SELECT to_regclass('nfl.picks') IS NOT NULL").fetchone()[0]
        if taken:
            print("the database already has nfl.picks: give an empty database", file=sys.stderr)
            return 2
        say(
            f"PostgreSQL {conn.info.server_version // 10000}; building "
            f"{args.users:,} users x {args.weeks} weeks x {args.picks_per_week} picks"
        )
        with step("migrations", say):
            apply_migrations(url)
        started = time.perf_counter()
        build(conn, args.season, args.users, args.weeks, args.picks_per_week, say)
        say(f"  built in {time.perf_counter() - started:.1f} s")

        timings = [
            time_query(
                conn, "leaderboard, whole season", LEADERBOARD_QUERY, args.season, args.runs
            ),
            time_query(
                conn, "leaderboard, top 100", LEADERBOARD_PAGE_QUERY, args.season, args.runs
            ),
            time_query(
                conn,
                "old aggregate over picks",
                OLD_AGGREGATE_QUERY,
                args.season,
                args.old_runs,
                warmup=1,
            ),
            time_query(
                conn, "floor: 10,000 made-up rows", TRANSFER_FLOOR_QUERY, args.season, args.runs
            ),
            time_query(conn, "position filter (RB)", POSITION_FILTER_QUERY, args.season, args.runs),
            time_query(
                conn, "latest correct results", CORRECT_RESULTS_QUERY, args.season, args.runs
            ),
        ]
        say("")
        say(f"{'query':28} {'runs':>5} {'rows':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for t in timings:
            say(
                f"{t.label:28} {t.runs:5d} {t.rows:6d} {t.p50_ms:8.2f} {t.p95_ms:8.2f}"
                f" {t.p99_ms:8.2f}"
            )
        say("")
        say("server side (planning + execution, one EXPLAIN ANALYZE):")
        for label, query in (
            ("leaderboard, whole season", LEADERBOARD_QUERY),
            ("leaderboard, top 100", LEADERBOARD_PAGE_QUERY),
            ("old aggregate over picks", OLD_AGGREGATE_QUERY),
            ("position filter (RB)", POSITION_FILTER_QUERY),
            ("latest correct results", CORRECT_RESULTS_QUERY),
        ):
            say(f"  {label:28} {server_side_ms(conn, query, args.season):8.2f} ms")
        say("")
        say("plans (EXPLAIN):")
        for label, query in (
            ("position filter (RB)", POSITION_FILTER_QUERY),
            ("latest correct results", CORRECT_RESULTS_QUERY),
        ):
            say(f"  {label:28} {plan_shape(conn, query, args.season)}")
        rows = conn.execute(
            "SELECT (SELECT count(*) FROM nfl.player_stats), (SELECT count(*) FROM nfl.results),"
            "       (SELECT count(*) FROM nfl.results WHERE is_correct)"
        ).fetchone()
        say(f"  player_stats {rows[0]:,} rows; results {rows[1]:,}, of them correct {rows[2]:,}")
        old = timings[2].p50_ms
        say(
            f"\nwhole-season leaderboard p50 is {old / timings[0].p50_ms:.0f}x faster than "
            "the old aggregate"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
