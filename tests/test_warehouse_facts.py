"""The consumer facts of the api views on the tiny dataset, marts refreshed."""

from __future__ import annotations

import json

import psycopg
import pytest

from tests.conftest import run_cli


def scalar(conn: psycopg.Connection, query: str, params: tuple = ()) -> object:
    row = conn.execute(query, params).fetchone()
    return row[0] if row else None


def test_lint_passes_on_all_of_the_projects_sql() -> None:
    result = run_cli("--headless", "lint", "--json")

    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["violations"] == []


# --- api.team_detail ---------------------------------------------------------------


def test_team_detail_holds_only_fbs_teams(db_conn) -> None:
    assert (
        scalar(db_conn, "SELECT count(*) FROM api.team_detail WHERE classification <> 'fbs'") == 0
    )
    assert scalar(db_conn, "SELECT count(*) FROM api.team_detail") == scalar(
        db_conn, "SELECT count(*) FROM ref.teams WHERE classification = 'fbs'"
    )


def test_team_detail_has_one_row_per_team_and_per_school(db_conn) -> None:
    rows, teams, schools = db_conn.execute(
        "SELECT count(*), count(DISTINCT team_id), count(DISTINCT school) FROM api.team_detail"
    ).fetchone()

    assert rows == teams == schools


def test_alabama_has_exactly_one_row_with_its_latest_season(db_conn) -> None:
    rows = db_conn.execute(
        "SELECT current_season, games, wins + losses + ties FROM api.team_detail"
        " WHERE school = 'Alabama'"
    ).fetchall()

    assert len(rows) == 1
    season, games, decided = rows[0]
    assert season == 2025
    assert games == decided > 0


# --- api.game_detail ---------------------------------------------------------------


def test_game_detail_has_one_row_per_game(db_conn) -> None:
    assert scalar(db_conn, "SELECT count(*) FROM api.game_detail") == scalar(
        db_conn, "SELECT count(*) FROM core.games"
    )


def test_winner_agrees_with_the_scores(db_conn) -> None:
    disagreeing = scalar(
        db_conn,
        """
        SELECT count(*) FROM api.game_detail
        WHERE winner_id IS DISTINCT FROM CASE
                  WHEN completed AND home_points > away_points THEN home_id
                  WHEN completed AND away_points > home_points THEN away_id END
           OR winner IS DISTINCT FROM CASE
                  WHEN completed AND home_points > away_points THEN home_team
                  WHEN completed AND away_points > home_points THEN away_team END
           OR result IS DISTINCT FROM CASE
                  WHEN NOT completed OR home_points IS NULL OR away_points IS NULL THEN NULL
                  WHEN home_points > away_points THEN 'home'
                  WHEN away_points > home_points THEN 'away' ELSE 'tie' END
        """,
    )

    assert disagreeing == 0


def test_a_completed_game_without_scores_has_no_winner(db_conn) -> None:
    rows = db_conn.execute(
        "SELECT result, winner, winner_id FROM api.game_detail"
        " WHERE completed AND home_points IS NULL"
    ).fetchall()

    assert rows and all(row == (None, None, None) for row in rows)


def test_a_game_not_played_yet_has_no_result(db_conn) -> None:
    rows = db_conn.execute(
        "SELECT DISTINCT result, winner FROM api.game_detail WHERE NOT completed"
    ).fetchall()

    assert rows == [(None, None)]


def test_a_tie_is_a_result_without_a_winner(db_conn) -> None:
    game_id = scalar(db_conn, "SELECT min(id) FROM core.games WHERE completed AND home_points > 0")
    db_conn.execute("UPDATE core.games SET away_points = home_points WHERE id = %s", (game_id,))

    row = db_conn.execute(
        "SELECT result, winner, winner_id FROM api.game_detail WHERE game_id = %s", (game_id,)
    ).fetchone()

    assert row == ("tie", None, None)


def test_the_consensus_line_is_preferred_and_any_line_otherwise(db_conn) -> None:
    wrong = scalar(
        db_conn,
        """
        SELECT count(*) FROM api.game_detail AS gd
        WHERE gd.line_provider IS DISTINCT FROM (
            SELECT l.provider FROM betting.lines AS l WHERE l.game_id = gd.game_id
            ORDER BY l.provider <> 'consensus', l.provider LIMIT 1)
        """,
    )
    without_consensus = scalar(
        db_conn,
        "SELECT count(*) FROM api.game_detail WHERE line_provider NOT IN ('consensus')",
    )

    assert wrong == 0
    assert without_consensus > 0
    assert (
        scalar(db_conn, "SELECT count(*) FROM api.game_detail WHERE line_provider = 'consensus'")
        > 0
    )


def test_games_with_play_by_play_carry_each_sides_epa(db_conn) -> None:
    missing = scalar(
        db_conn,
        """
        SELECT count(*) FROM api.game_detail AS gd
        WHERE EXISTS (SELECT FROM core.plays p WHERE p.game_id = gd.game_id)
          AND gd.home_team <> gd.away_team
          AND (gd.home_epa IS NULL OR gd.away_epa IS NULL)
        """,
    )

    assert missing == 0


def test_two_teams_of_one_name_stay_out_of_the_side_by_side_marts(db_conn) -> None:
    game_id = scalar(db_conn, "SELECT min(id) FROM core.games WHERE home_team = away_team")

    assert scalar(db_conn, "SELECT count(*) FROM core.plays WHERE game_id = %s", (game_id,)) > 0
    assert (
        scalar(db_conn, "SELECT count(*) FROM marts._game_epa_calc WHERE game_id = %s", (game_id,))
        == 0
    )
    assert (
        scalar(db_conn, "SELECT count(*) FROM api.game_detail WHERE game_id = %s", (game_id,)) == 1
    )


# --- api.matchup -------------------------------------------------------------------


def test_matchup_team1_sorts_before_team2(db_conn) -> None:
    assert (
        scalar(
            db_conn,
            "SELECT count(*) FROM api.matchup WHERE NOT ((team1, team1_id) < (team2, team2_id))",
        )
        == 0
    )
    assert scalar(db_conn, "SELECT count(*) FROM api.matchup WHERE team1 > team2") == 0


def test_matchup_names_tie_only_for_shared_school_names(db_conn) -> None:
    same_name = {
        row[0] for row in db_conn.execute("SELECT team1 FROM api.matchup WHERE team1 = team2")
    }
    shared = {
        row[0]
        for row in db_conn.execute(
            "SELECT school FROM ref.teams GROUP BY school HAVING count(*) > 1"
        )
    }

    assert same_name <= shared
    assert "Albany" in same_name


def test_matchup_wins_and_ties_add_up_to_total_games(db_conn) -> None:
    assert (
        scalar(
            db_conn,
            "SELECT count(*) FROM api.matchup WHERE team1_wins + team2_wins + ties <> total_games",
        )
        == 0
    )
    assert scalar(db_conn, "SELECT count(*) FROM api.matchup") > 1000


def test_matchup_counts_only_games_with_both_scores(db_conn) -> None:
    scored = scalar(
        db_conn,
        "SELECT count(*) FROM core.games WHERE completed AND home_points IS NOT NULL"
        " AND away_points IS NOT NULL AND home_id <> away_id",
    )

    assert scalar(db_conn, "SELECT sum(total_games) FROM api.matchup") == scored


def test_a_tie_counts_in_the_pair_record(db_conn) -> None:
    # The newest scored game heads its pair's recent results.
    game_id, home_id, away_id = db_conn.execute(
        "SELECT id, home_id, away_id FROM core.games WHERE completed"
        " AND home_points IS NOT NULL AND away_points IS NOT NULL AND home_id <> away_id"
        " ORDER BY start_date DESC NULLS LAST, id DESC LIMIT 1"
    ).fetchone()
    db_conn.execute("UPDATE core.games SET away_points = home_points WHERE id = %s", (game_id,))
    db_conn.execute("REFRESH MATERIALIZED VIEW marts.matchup_history")

    ties, total, newest = db_conn.execute(
        "SELECT ties, total_games, recent_games -> 0 FROM api.matchup"
        " WHERE least(team1_id, team2_id) = least(%s, %s)"
        "   AND greatest(team1_id, team2_id) = greatest(%s, %s)",
        (home_id, away_id, home_id, away_id),
    ).fetchone()

    assert ties >= 1 and total >= ties
    assert newest["game_id"] == game_id
    assert newest["winner"] is None and newest["team1_points"] == newest["team2_points"]


def test_recent_games_are_one_json_array_of_the_last_ten_newest_first(db_conn) -> None:
    bad_length = scalar(
        db_conn,
        "SELECT count(*) FROM api.matchup WHERE jsonb_typeof(recent_games) <> 'array'"
        " OR jsonb_array_length(recent_games) <> least(total_games, 10)",
    )
    out_of_order = scalar(
        db_conn,
        """
        SELECT count(*) FROM api.matchup AS m
        CROSS JOIN LATERAL jsonb_array_elements(m.recent_games) WITH ORDINALITY AS r (game, n)
        JOIN core.games AS g ON g.id = (r.game ->> 'game_id')::integer
        WHERE EXISTS (
            SELECT FROM jsonb_array_elements(m.recent_games) WITH ORDINALITY AS o (game, n)
            JOIN core.games AS og ON og.id = (o.game ->> 'game_id')::integer
            WHERE o.n > r.n AND og.start_date > g.start_date)
        """,
    )

    assert bad_length == 0
    assert out_of_order == 0


# --- win percentages and ranks ------------------------------------------------------


def test_win_pct_is_between_0_and_1_everywhere(db_conn) -> None:
    for view in ("api.team_history", "api.leaderboard_teams", "api.team_detail"):
        assert (
            scalar(db_conn, f"SELECT count(*) FROM {view} WHERE win_pct NOT BETWEEN 0 AND 1") == 0
        )
    assert scalar(db_conn, "SELECT count(*) FROM api.team_history WHERE win_pct IS NOT NULL") > 500


def test_a_tie_counts_half_a_win(db_conn) -> None:
    game_id, team_id, season = db_conn.execute(
        "SELECT id, home_id, season FROM core.games WHERE completed AND home_points > 0"
        " AND season_type = 'regular' ORDER BY id LIMIT 1"
    ).fetchone()
    db_conn.execute("UPDATE core.games SET away_points = home_points WHERE id = %s", (game_id,))
    db_conn.execute("REFRESH MATERIALIZED VIEW marts.team_season_summary")

    wins, ties, games, win_pct = db_conn.execute(
        "SELECT wins, ties, games, win_pct FROM api.team_history WHERE team_id = %s AND season = %s",
        (team_id, season),
    ).fetchone()

    assert ties == 1
    assert float(win_pct) == pytest.approx((wins + 0.5 * ties) / games)


def test_team_records_recount_from_the_games(db_conn) -> None:
    disagreeing = scalar(
        db_conn,
        """
        WITH sides AS (
            SELECT g.season, g.home_id AS team_id, g.home_points AS pf, g.away_points AS pa
            FROM core.games AS g
            WHERE g.completed AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL
            UNION ALL
            SELECT g.season, g.away_id, g.away_points, g.home_points
            FROM core.games AS g
            WHERE g.completed AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL
        ),
        recount AS (
            SELECT team_id, season, count(*) FILTER (WHERE pf > pa) AS wins,
                   count(*) FILTER (WHERE pf < pa) AS losses, count(*) AS games
            FROM sides GROUP BY team_id, season
        )
        SELECT count(*) FROM api.team_history AS th
        FULL JOIN recount AS r ON r.team_id = th.team_id AND r.season = th.season
        WHERE (th.games > 0 OR r.games > 0)
          AND (th.wins, th.losses, th.games) IS DISTINCT FROM (r.wins, r.losses, r.games)
        """,
    )

    assert disagreeing == 0


def test_leaderboard_ranks_within_season_and_classification(db_conn) -> None:
    broken = scalar(
        db_conn,
        """
        SELECT count(*) FROM (
            SELECT season, classification, min(win_pct_rank) AS best, max(win_pct_rank) AS worst,
                   count(*) AS teams
            FROM api.leaderboard_teams GROUP BY season, classification) AS p
        WHERE p.best <> 1 OR p.worst > p.teams
        """,
    )
    number_ones = {
        row[0]
        for row in db_conn.execute(
            "SELECT DISTINCT classification FROM api.leaderboard_teams WHERE win_pct_rank = 1"
        )
    }

    assert broken == 0
    assert number_ones == {"fbs", "fcs", "ii", "iii"}


def test_leaderboard_epa_ranks_only_teams_with_play_by_play(db_conn) -> None:
    assert (
        scalar(
            db_conn,
            "SELECT count(*) FROM api.leaderboard_teams"
            " WHERE (epa_rank IS NULL) <> (epa_per_play IS NULL)",
        )
        == 0
    )
    assert scalar(db_conn, "SELECT count(*) FROM api.leaderboard_teams WHERE epa_rank = 1") >= 2


def test_a_rating_of_a_shared_name_lands_on_one_team_only(db_conn) -> None:
    doubled = scalar(
        db_conn,
        """
        SELECT count(*) FROM (
            SELECT th.team, th.season FROM api.team_history AS th
            WHERE th.elo IS NOT NULL
            GROUP BY th.team, th.season HAVING count(*) > 1) AS d
        """,
    )
    albany = db_conn.execute(
        "SELECT count(DISTINCT team_id) FILTER (WHERE elo IS NOT NULL), count(DISTINCT team_id)"
        " FROM api.team_history WHERE team = 'Albany'"
    ).fetchone()

    assert doubled == 0
    assert albany[0] == 1 and albany[1] > 1


# --- recruits and rosters -------------------------------------------------------------


def test_recruits_stars_are_1_to_5(db_conn) -> None:
    stars = {row[0] for row in db_conn.execute("SELECT DISTINCT stars FROM api.recruit_lookup")}

    assert stars == {1, 2, 3, 4, 5}
    assert scalar(db_conn, "SELECT count(*) FROM api.recruit_lookup") == scalar(
        db_conn, "SELECT count(*) FROM recruiting.recruits"
    )


def test_a_recruit_resolves_to_a_team_only_through_a_known_school_name(db_conn) -> None:
    wrong = scalar(
        db_conn,
        """
        SELECT count(*) FROM api.recruit_lookup AS r
        WHERE (r.committed_team_id IS NULL)
              <> (r.committed_to IS NULL OR r.committed_to NOT IN (SELECT school FROM ref.teams))
        """,
    )
    albany_ids = {
        row[0]
        for row in db_conn.execute(
            "SELECT DISTINCT committed_team_id FROM api.recruit_lookup WHERE committed_to = 'Albany'"
        )
    }

    assert wrong == 0
    assert albany_ids == {
        scalar(db_conn, "SELECT team_id FROM ref.school_names WHERE school = 'Albany'")
    }


def test_roster_lookup_has_one_row_per_roster_row_with_its_season_as_year(db_conn) -> None:
    rows, distinct, seasons_match = db_conn.execute(
        "SELECT count(*), count(DISTINCT (id, team, year)), bool_and(year = season)"
        " FROM api.roster_lookup"
    ).fetchone()

    assert rows == distinct == scalar(db_conn, "SELECT count(*) FROM core.roster")
    assert seasons_match
    assert scalar(db_conn, "SELECT min(year) FROM api.roster_lookup") >= 2000


# --- figures the marts compute -------------------------------------------------------


def test_success_rates_and_havoc_rates_are_proportions(db_conn) -> None:
    assert (
        scalar(
            db_conn,
            "SELECT count(*) FROM marts._game_epa_calc WHERE success_rate NOT BETWEEN 0 AND 1",
        )
        == 0
    )
    assert scalar(
        db_conn, "SELECT bool_and(havoc_rate > 0 AND havoc_rate <= 1) FROM marts.defensive_havoc"
    )
    assert (
        scalar(
            db_conn, "SELECT count(*) FROM marts.team_situation_splits WHERE split = 'third_long'"
        )
        > 0
    )
    assert scalar(
        db_conn,
        "SELECT bool_and(third_long_success BETWEEN 0 AND 1 AND success_rate BETWEEN 0 AND 1)"
        " FROM marts.situational_splits",
    )


def test_tempo_is_in_seconds_per_play(db_conn) -> None:
    low, high = db_conn.execute(
        "SELECT min(seconds_per_play), max(seconds_per_play) FROM marts.team_tempo_metrics"
    ).fetchone()

    assert 10 <= low <= high <= 40


def test_player_epa_exists_only_where_play_stats_were_backfilled(db_conn) -> None:
    seasons = {
        row[0] for row in db_conn.execute("SELECT DISTINCT season FROM marts.player_season_epa")
    }

    assert seasons == {2025}


def test_the_player_mart_joins_recruit_records(db_conn) -> None:
    rated = scalar(db_conn, "SELECT count(*) FROM scouting.player_mart WHERE stars IS NOT NULL")

    assert rated > 100
    assert (
        scalar(
            db_conn,
            "SELECT count(*) FROM scouting.player_mart AS pm WHERE pm.position IS NULL"
            " AND EXISTS (SELECT FROM core.roster AS r"
            "             WHERE r.id = pm.player_id AND r.year = pm.roster_year)",
        )
        == 0
    )


def test_talent_composite_counts_blue_chips_of_the_roster(db_conn) -> None:
    alabama = db_conn.execute(
        "SELECT roster_size, rated_players, blue_chips FROM marts.team_talent_composite"
        " WHERE team = 'Alabama' AND season = 2025"
    ).fetchone()

    assert alabama[0] == 112
    assert 40 <= alabama[1] <= 100
    assert alabama[2] > 5
