"""A small warehouse the refresh tests build for themselves: raw tables, marts, views.

marts.game_totals    <- raw.games
marts.play_yards     <- raw.plays (partitioned by season)
marts.game_summary   <- api.game_view (a plain view) <- game_totals, play_yards  (diamond)
marts.player_yards   <- raw.play_stats, raw.plays, marts.play_yards
marts.player_season  <- marts.player_yards
marts.season_report  <- marts.game_summary, marts.player_season                 (diamond)
marts.team_names     <- raw.teams
marts.fragile        <- raw.fragile_rows(), a function reading raw.flags (declared edge)
marts.fragile_child  <- marts.fragile
"""

from __future__ import annotations

import psycopg

WORLD_SQL = """
CREATE SCHEMA raw;
CREATE SCHEMA marts;
CREATE SCHEMA api;

CREATE TABLE raw.games (id int PRIMARY KEY, season int NOT NULL, home text, away text);
CREATE TABLE raw.plays (id int, season int, game_id int, yards int, PRIMARY KEY (id, season))
    PARTITION BY LIST (season);
CREATE TABLE raw.plays_2022 PARTITION OF raw.plays FOR VALUES IN (2022);
CREATE TABLE raw.plays_2023 PARTITION OF raw.plays FOR VALUES IN (2023);
CREATE TABLE raw.play_stats (play_id int, season int, athlete_id int, stat text);
CREATE TABLE raw.teams (id int PRIMARY KEY, school text);
CREATE TABLE raw.flags (name text PRIMARY KEY, raised boolean NOT NULL);

INSERT INTO raw.games VALUES (1, 2022, 'A', 'B'), (2, 2023, 'B', 'C'), (3, 2023, 'C', 'A');
INSERT INTO raw.plays VALUES (1, 2022, 1, 5), (2, 2022, 1, 7), (3, 2023, 2, -2), (4, 2023, 3, 12);
INSERT INTO raw.play_stats VALUES
    (1, 2022, 10, 'rush'), (2, 2022, 11, 'rush'), (4, 2023, 10, 'catch');
INSERT INTO raw.teams VALUES (1, 'A'), (2, 'B'), (3, 'C');
INSERT INTO raw.flags VALUES ('fragile fails', false);

CREATE MATERIALIZED VIEW marts.game_totals AS
    SELECT id AS game_id, season, home, away FROM raw.games;
CREATE UNIQUE INDEX ON marts.game_totals (game_id);

CREATE MATERIALIZED VIEW marts.play_yards AS
    SELECT game_id, season, sum(yards) AS yards, count(*) AS plays FROM raw.plays GROUP BY 1, 2;
CREATE UNIQUE INDEX ON marts.play_yards (game_id);

CREATE VIEW api.game_view AS
    SELECT g.game_id, g.season, g.home, g.away, coalesce(p.yards, 0) AS yards
    FROM marts.game_totals g LEFT JOIN marts.play_yards p USING (game_id);

CREATE MATERIALIZED VIEW marts.game_summary AS SELECT * FROM api.game_view;
CREATE UNIQUE INDEX ON marts.game_summary (game_id);

CREATE MATERIALIZED VIEW marts.player_yards AS
    SELECT s.athlete_id, s.season, count(*) AS touches, sum(p.yards) AS yards
    FROM raw.play_stats s JOIN raw.plays p ON p.id = s.play_id AND p.season = s.season
    JOIN marts.play_yards g ON g.game_id = p.game_id
    GROUP BY 1, 2;
CREATE UNIQUE INDEX ON marts.player_yards (athlete_id, season);

CREATE MATERIALIZED VIEW marts.player_season AS
    SELECT athlete_id, season, yards FROM marts.player_yards;
CREATE UNIQUE INDEX ON marts.player_season (athlete_id, season);

CREATE MATERIALIZED VIEW marts.season_report AS
    SELECT g.season, count(DISTINCT g.game_id) AS games, count(DISTINCT p.athlete_id) AS players
    FROM marts.game_summary g LEFT JOIN marts.player_season p USING (season)
    GROUP BY g.season;
CREATE UNIQUE INDEX ON marts.season_report (season);

CREATE MATERIALIZED VIEW marts.team_names AS SELECT id, school FROM raw.teams;
CREATE UNIQUE INDEX ON marts.team_names (id);

-- A mart built by a function: the catalog cannot see that it reads raw.flags.
CREATE FUNCTION raw.fragile_rows() RETURNS TABLE (n int) LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT raised FROM raw.flags WHERE name = 'fragile fails') THEN
        RAISE EXCEPTION 'fragile was told to fail';
    END IF;
    RETURN QUERY SELECT 1;
END $$;
CREATE MATERIALIZED VIEW marts.fragile AS SELECT n FROM raw.fragile_rows() AS f (n);
CREATE UNIQUE INDEX ON marts.fragile (n);
CREATE MATERIALIZED VIEW marts.fragile_child AS SELECT n FROM marts.fragile;
CREATE UNIQUE INDEX ON marts.fragile_child (n);
"""

ALL_MARTS = frozenset(
    {
        "marts.game_totals",
        "marts.play_yards",
        "marts.game_summary",
        "marts.player_yards",
        "marts.player_season",
        "marts.season_report",
        "marts.team_names",
        "marts.fragile",
        "marts.fragile_child",
    }
)


def build_world(conn: psycopg.Connection) -> None:
    conn.execute(WORLD_SQL)
    flush_statistics(conn)


def declare_fragile_reads_flags(conn: psycopg.Connection) -> None:
    """Tell cfbops what the catalog cannot see (creates ops tables via the migration file)."""
    from cfbops.marts.history import ensure_history_schema

    ensure_history_schema(conn)
    conn.execute(
        "INSERT INTO ops.mart_dependency (mart, depends_on, note) "
        "VALUES ('marts.fragile', 'raw.flags', 'raw.fragile_rows() reads it')"
    )


def make_fragile_fail(conn: psycopg.Connection, fail: bool = True) -> None:
    conn.execute("UPDATE raw.flags SET raised = %s WHERE name = 'fragile fails'", (fail,))
    flush_statistics(conn)


def flush_statistics(conn: psycopg.Connection) -> None:
    """Make this session's table counters visible to others now (they lag up to a second)."""
    if conn.info.server_version >= 150000:
        conn.execute("SELECT pg_stat_force_next_flush()")
    else:  # the PostgreSQL 14 collector: wait out its reporting interval
        import time

        time.sleep(0.7)
