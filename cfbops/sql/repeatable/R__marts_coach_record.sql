-- Per coach and team (a stint). Upstream's columns first, with its meaning: seasons,
-- record, win pct (wins over wins and losses), best preseason and final ranks, average
-- SP+ of those seasons and the average rank of the team's recruiting classes from the
-- first season to the last. cfbops's own columns follow: ranked finishes, best class
-- rank and average class points of the seasons coached. A coach's seasons are the dlt
-- child table ref.coaches__seasons, joined on _dlt_parent_id (a coach has no id).
DROP MATERIALIZED VIEW IF EXISTS marts.coach_record CASCADE;

CREATE MATERIALIZED VIEW marts.coach_record AS
WITH stints AS (
    SELECT
        c.first_name,
        c.last_name,
        cs.school AS team,
        min(cs.year) AS first_season,
        max(cs.year) AS last_season,
        count(DISTINCT cs.year) AS seasons_at_team,
        coalesce(sum(cs.games), 0)::integer AS total_games,
        coalesce(sum(cs.wins), 0)::integer AS total_wins,
        coalesce(sum(cs.losses), 0)::integer AS total_losses,
        coalesce(sum(cs.ties), 0)::integer AS total_ties,
        min(cs.preseason_rank) AS best_preseason_rank,
        min(cs.postseason_rank) AS best_postseason_rank,
        avg(cs.sp_overall::numeric) AS avg_sp_rating,
        count(cs.postseason_rank)::integer AS ranked_finishes,
        min(tr.rank) AS best_recruiting_rank,
        avg(tr.points::numeric) AS avg_recruiting_points
    FROM ref.coaches AS c
    JOIN ref.coaches__seasons AS cs ON cs._dlt_parent_id = c._dlt_id
    LEFT JOIN recruiting.team_recruiting AS tr
        ON tr.team = cs.school AND tr.year = cs.year
    WHERE cs.school IS NOT NULL
    GROUP BY c.first_name, c.last_name, cs.school
)
SELECT
    (s.first_name || ' ' || s.last_name)::text AS coach_name,
    s.first_name,
    s.last_name,
    s.team,
    s.first_season,
    s.last_season,
    s.seasons_at_team,
    s.total_games,
    s.total_wins,
    s.total_losses,
    s.total_ties,
    round(s.total_wins::numeric / nullif(s.total_wins + s.total_losses, 0), 4) AS win_pct,
    s.best_preseason_rank,
    s.best_postseason_rank,
    round(s.avg_sp_rating, 2) AS avg_sp_rating,
    (SELECT round(avg(tr.rank), 1)
       FROM recruiting.team_recruiting AS tr
      WHERE tr.team = s.team AND tr.year BETWEEN s.first_season AND s.last_season) AS avg_recruiting_rank,
    -- cfbops's columns
    s.ranked_finishes,
    s.best_recruiting_rank,
    s.avg_recruiting_points
FROM stints AS s;

CREATE UNIQUE INDEX coach_record_coach_team_key ON marts.coach_record (first_name, last_name, team);

COMMENT ON MATERIALIZED VIEW marts.coach_record IS
    'Per coach and team: upstream''s seasons, games, wins, losses, ties, win_pct (wins / (wins + losses)), best preseason and final ranks, average SP+ and average recruiting-class rank over the stint''s years; then cfbops''s ranked finishes, best class rank and average class points of the seasons coached.';
COMMENT ON COLUMN marts.coach_record.avg_sp_rating IS
    'Mean SP+ overall (ref.coaches__seasons.sp_overall) of the stint''s seasons, 2 places.';
