-- One row per pair of teams that have met (completed games with both scores). Columns
-- 1-21 are the SPRINT5 list: team1 sorts first by name (then id), recent_results is
-- upstream's jsonb[] of the games since 2014 (null when none), and each team's
-- "current season" is its latest season in the marts. cfbops's additions follow,
-- among them recent_games: the ten latest meetings of any era as one JSON array.
DROP VIEW IF EXISTS api.matchup CASCADE;

CREATE VIEW api.matchup AS
SELECT
    mh.team1::varchar AS team1,
    mh.team2::varchar AS team2,
    mh.total_games,
    mh.team1_wins::bigint AS team1_wins,
    mh.team2_wins::bigint AS team2_wins,
    mh.ties::bigint AS ties,
    mh.first_meeting_year AS first_meeting,
    mh.last_meeting_year AS last_meeting,
    mh.results_since_2014 AS recent_results,
    s1.season AS team1_season,
    s1.wins AS team1_wins_season,
    s1.losses AS team1_losses_season,
    s1.sp_rank AS team1_sp_rank,
    e1.epa_per_play AS team1_epa,
    e1.epa_tier AS team1_epa_tier,
    s2.season AS team2_season,
    s2.wins AS team2_wins_season,
    s2.losses AS team2_losses_season,
    s2.sp_rank AS team2_sp_rank,
    e2.epa_per_play AS team2_epa,
    e2.epa_tier AS team2_epa_tier,
    -- cfbops additions
    mh.team1_id,
    mh.team2_id,
    (mh.team1_wins + 0.5 * mh.ties) / mh.total_games AS team1_win_pct,
    mh.team1_total_points AS team1_points,
    mh.team2_total_points AS team2_points,
    coalesce(mh.recent_results, '[]'::jsonb) AS recent_games
FROM marts.matchup_history AS mh
LEFT JOIN LATERAL (
    SELECT tss.season, tss.wins, tss.losses, tss.sp_rank
    FROM marts.team_season_summary AS tss
    WHERE tss.team_id = mh.team1_id
    ORDER BY tss.season DESC
    LIMIT 1
) AS s1 ON true
LEFT JOIN marts.team_epa_season AS e1 ON e1.team_id = mh.team1_id AND e1.season = s1.season
LEFT JOIN LATERAL (
    SELECT tss.season, tss.wins, tss.losses, tss.sp_rank
    FROM marts.team_season_summary AS tss
    WHERE tss.team_id = mh.team2_id
    ORDER BY tss.season DESC
    LIMIT 1
) AS s2 ON true
LEFT JOIN marts.team_epa_season AS e2 ON e2.team_id = mh.team2_id AND e2.season = s2.season;

COMMENT ON VIEW api.matchup IS
    'One row per pair of teams (team1 < team2 by name, then id): SPRINT5 columns (record, first/last meeting, recent_results jsonb[] since 2014, each team''s current season) then cfbops additions (ids, win pct, points, recent_games: one JSON array of the 10 latest). total_games = team1_wins + team2_wins + ties. See SCHEMA_CONTRACT.md.';

-- A drop and re-create strips grants, and Supabase's PostgREST roles get no default
-- privileges: grant them again whenever they exist.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        GRANT SELECT ON api.matchup TO anon;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        GRANT SELECT ON api.matchup TO authenticated;
    END IF;
END
$$;
