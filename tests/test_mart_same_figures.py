"""Marts rewritten for speed give the figures of their previous definitions, to the last
digit, also on the edge cases the rewrites had to keep (a recruit record matched both
ways, plays with no distance, period or yards)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from tests.conftest import REPO

# The definitions before the rewrite (an OR inside a per-row lateral; each play paired
# with each of its splits, then averaged), as the reference the new ones must equal.
PREVIOUS_TALENT = """
WITH player_recruit AS (
    SELECT r.team, r.year AS season, r.id AS athlete_id, best.stars, best.rating
    FROM core.roster AS r
    LEFT JOIN LATERAL (
        SELECT rc.stars, rc.rating::numeric AS rating
        FROM recruiting.recruits AS rc
        WHERE rc.athlete_id = r.id
           OR rc.id IN (SELECT ri.value FROM core.roster__recruit_ids AS ri
                        WHERE ri._dlt_parent_id = r._dlt_id)
        ORDER BY rc.rating DESC NULLS LAST, rc.stars DESC, rc.id
        LIMIT 1
    ) AS best ON true
)
SELECT
    team, season,
    count(*)::integer, count(stars)::integer,
    count(*) FILTER (WHERE stars = 5)::integer, count(*) FILTER (WHERE stars = 4)::integer,
    count(*) FILTER (WHERE stars = 3)::integer, count(*) FILTER (WHERE stars >= 4)::integer,
    count(*) FILTER (WHERE stars >= 4)::numeric / nullif(count(stars), 0),
    avg(stars), avg(rating), coalesce(sum(rating), 0)
FROM player_recruit
GROUP BY team, season
"""

PREVIOUS_PLAYER_MART_RECRUITS = """
SELECT pm.roster_year, pm.player_id, rec.id, rec.year, rec.stars, rec.rating, rec.ranking,
       rec.position, rec.committed_to
FROM scouting.player_mart AS pm
LEFT JOIN LATERAL (
    SELECT r._dlt_id FROM core.roster AS r
    WHERE r.id = pm.player_id AND r.year = pm.roster_year
    ORDER BY r._dlt_load_id DESC, r.team
    LIMIT 1
) AS ro ON true
LEFT JOIN LATERAL (
    SELECT rc.id, rc.year, rc.stars, rc.rating, rc.ranking, rc.position, rc.committed_to
    FROM recruiting.recruits AS rc
    WHERE rc.athlete_id = pm.player_id
       OR rc.id IN (SELECT ri.value FROM core.roster__recruit_ids AS ri
                    WHERE ri._dlt_parent_id = ro._dlt_id)
    ORDER BY rc.rating DESC NULLS LAST, rc.id
    LIMIT 1
) AS rec ON true
"""

PREVIOUS_SPLITS = """
WITH scrimmage AS (
    SELECT
        p.season, p.offense AS team,
        CASE p.offense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END
            AS team_id,
        p.period, p.down, p.distance, p.yards_to_goal, p.yards_gained, p.ppa::numeric AS ppa,
        marts.play_category(p.play_type) AS play_category,
        coalesce(marts.is_successful_play(p.down, p.distance, p.yards_gained), false)
            AS is_success,
        marts.is_passing_down(p.down, p.distance) AS is_passing_down
    FROM core.plays AS p
    JOIN core.games AS g ON g.id = p.game_id
    WHERE p.ppa IS NOT NULL AND p.offense <> p.defense AND p.down BETWEEN 1 AND 4
      AND marts.play_category(p.play_type) IN ('pass', 'rush', 'fumble')
)
SELECT
    s.team_id, s.season, sp.split, min(s.team), count(*)::integer, avg(s.ppa),
    avg(s.is_success::integer), avg(s.ppa) FILTER (WHERE s.is_success),
    avg((s.play_category = 'pass')::integer), avg(s.yards_gained)
FROM scrimmage AS s
CROSS JOIN LATERAL (
    VALUES
        ('all', true), ('first_down', s.down = 1),
        ('second_short', s.down = 2 AND s.distance <= 3),
        ('second_medium', s.down = 2 AND s.distance BETWEEN 4 AND 7),
        ('second_long', s.down = 2 AND s.distance >= 8),
        ('third_short', s.down = 3 AND s.distance <= 3),
        ('third_medium', s.down = 3 AND s.distance BETWEEN 4 AND 6),
        ('third_long', s.down = 3 AND s.distance >= 7),
        ('fourth_down', s.down = 4),
        ('standard_downs', NOT s.is_passing_down), ('passing_downs', s.is_passing_down),
        ('red_zone', s.yards_to_goal <= 20), ('goal_to_go', s.yards_to_goal <= s.distance),
        ('first_half', s.period IN (1, 2)), ('second_half', s.period IN (3, 4)),
        ('overtime', s.period > 4)
) AS sp (split, applies)
WHERE sp.applies AND s.team_id IS NOT NULL
GROUP BY s.team_id, s.season, sp.split
"""

# Plays the splits must treat as before: no distance, no period, no yards, overtime.
EDGE_PLAYS = """
WITH scrimmage AS (
    SELECT id, season, row_number() OVER (ORDER BY season, id) AS n
    FROM core.plays
    WHERE ppa IS NOT NULL AND down = 2 AND marts.play_category(play_type) = 'pass'
)
UPDATE core.plays AS p
SET distance = CASE WHEN s.n % 4 = 0 THEN NULL ELSE p.distance END,
    period = CASE s.n % 4 WHEN 1 THEN NULL WHEN 2 THEN 5 ELSE p.period END,
    yards_gained = CASE WHEN s.n % 4 = 3 THEN NULL ELSE p.yards_gained END
FROM scrimmage AS s
WHERE p.id = s.id AND p.season = s.season AND s.n <= 200
"""

# A roster player whose recruit record is linked both by recruit_ids and by athlete_id,
# and who has a second, better-rated record by athlete_id alone.
BOTH_WAYS = """
WITH linked AS (
    SELECT r.id AS athlete_id, ri.value AS recruit_id
    FROM core.roster AS r
    JOIN core.roster__recruit_ids AS ri ON ri._dlt_parent_id = r._dlt_id
    JOIN scouting.player_mart AS pm ON pm.player_id = r.id AND pm.roster_year = r.year
    ORDER BY r.id, ri.value
    LIMIT 3
)
UPDATE recruiting.recruits AS rc SET athlete_id = l.athlete_id
FROM linked AS l WHERE rc.id = l.recruit_id
RETURNING rc.athlete_id
"""


def text_rows(conn: psycopg.Connection, query: sql.Composable | str) -> list[str]:
    """Rows as text, sorted: numerics compare digit for digit, scale included."""
    wrapped = sql.SQL("SELECT t::text FROM ({}) AS t ORDER BY 1").format(
        sql.SQL(query) if isinstance(query, str) else query
    )
    return [row[0] for row in conn.execute(wrapped).fetchall()]


def mart_rows(conn: psycopg.Connection, mart: str, columns: str = "*") -> list[str]:
    schema, name = mart.split(".")
    return text_rows(
        conn, sql.SQL("SELECT {} FROM {}").format(sql.SQL(columns), sql.Identifier(schema, name))
    )


@pytest.fixture
def edged_conn(db_conn: psycopg.Connection) -> psycopg.Connection:
    assert db_conn.execute(EDGE_PLAYS).rowcount == 200
    athletes = db_conn.execute(BOTH_WAYS).fetchall()
    assert athletes, "the tiny dataset has roster players linked to recruit records"
    for (athlete_id,) in athletes:
        db_conn.execute(
            "INSERT INTO recruiting.recruits (id, athlete_id, year, stars, rating, name,"
            " _dlt_load_id, _dlt_id)"
            " VALUES ('edge-' || %(a)s, %(a)s, 2019, 5, 0.9999, 'second record', 'edge',"
            " 'edge-' || %(a)s)",
            {"a": athlete_id},
        )
    failed = db_conn.execute(
        "SELECT view_name, status FROM marts.refresh_all() WHERE status NOT LIKE 'OK%'"
    ).fetchall()
    assert failed == []
    return db_conn


def test_situational_splits_equal_the_previous_definition(edged_conn) -> None:
    rows = mart_rows(edged_conn, "marts.team_situation_splits")

    assert len(rows) > 100
    assert rows == text_rows(edged_conn, PREVIOUS_SPLITS)
    # the overtime split, which the edge plays feed, is there
    overtime = "SELECT count(*) FROM marts.team_situation_splits WHERE split = 'overtime'"
    assert edged_conn.execute(overtime).fetchone()[0] > 0


def test_talent_composite_equals_the_previous_definition(edged_conn) -> None:
    columns = (
        "team, season, roster_size, rated_players, five_stars, four_stars, three_stars,"
        " blue_chips, rated_blue_chip_ratio, avg_stars, avg_rating, talent_points"
    )
    rows = mart_rows(edged_conn, "marts.team_talent_composite", columns)

    assert rows == text_rows(edged_conn, PREVIOUS_TALENT)
    five_stars = "SELECT sum(five_stars) FROM marts.team_talent_composite"
    assert edged_conn.execute(five_stars).fetchone()[0] > 0


def test_player_mart_recruits_equal_the_previous_definition(edged_conn) -> None:
    columns = (
        "roster_year, player_id, recruit_id, recruit_class, stars, recruit_rating,"
        " national_ranking, recruit_position, recruit_committed_to"
    )
    rows = mart_rows(edged_conn, "scouting.player_mart", columns)

    assert rows == text_rows(edged_conn, PREVIOUS_PLAYER_MART_RECRUITS)
    # the better second record of a player linked both ways is the one chosen
    chosen = "SELECT count(*) FROM scouting.player_mart WHERE recruit_id LIKE 'edge-%'"
    assert edged_conn.execute(chosen).fetchone()[0] == 3


# The marts whose per-play subquery is fenced with OFFSET 0 (each play's flags computed
# once, not once per aggregate FILTER reading them).
FENCED = ("_game_epa_calc", "defensive_havoc", "situational_splits")


def _unfenced(mart: str) -> str:
    """The mart's query as its file defines it, the OFFSET 0 fence and its comment taken out."""
    text = (REPO / "cfbops" / "sql" / "repeatable" / f"R__marts_{mart}.sql").read_text()
    body = text.split(" AS\n", 1)[1].split(";\n", 1)[0]
    lines = body.splitlines()
    fence = lines.index("    OFFSET 0")
    while lines[fence - 1].lstrip().startswith("--"):
        fence -= 1
    kept = lines[:fence] + lines[lines.index("    OFFSET 0") + 1 :]
    assert "OFFSET 0" not in "\n".join(kept)
    return "\n".join(kept)


@pytest.mark.parametrize("mart", FENCED)
def test_a_fenced_mart_equals_its_query_without_the_fence(edged_conn, mart: str) -> None:
    rows = mart_rows(edged_conn, f"marts.{mart}")

    assert len(rows) > 50
    assert rows == text_rows(edged_conn, _unfenced(mart))
