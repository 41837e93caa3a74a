-- Per coach and team (a stint): seasons, record, and the recruiting classes signed
-- during the stint.
DROP MATERIALIZED VIEW IF EXISTS marts.coach_record CASCADE;

CREATE MATERIALIZED VIEW marts.coach_record AS
SELECT
    c.first_name,
    c.last_name,
    c.team,
    count(*)::integer AS seasons,
    min(c.season) AS first_season,
    max(c.season) AS last_season,
    coalesce(sum(c.games), 0)::integer AS games,
    coalesce(sum(c.wins), 0)::integer AS wins,
    coalesce(sum(c.losses), 0)::integer AS losses,
    coalesce(sum(c.ties), 0)::integer AS ties,
    (sum(c.wins) + 0.5 * coalesce(sum(c.ties), 0))
        / nullif(sum(c.wins) + sum(c.losses) + coalesce(sum(c.ties), 0), 0) AS win_pct,
    count(c.postseason_rank)::integer AS ranked_finishes,
    avg(tr.rank) AS avg_recruiting_rank,
    min(tr.rank) AS best_recruiting_rank,
    avg(tr.points) AS avg_recruiting_points
FROM ref.coaches AS c
LEFT JOIN recruiting.team_recruiting AS tr
    ON tr.team = c.team AND tr.year = c.season
GROUP BY c.first_name, c.last_name, c.team;

CREATE UNIQUE INDEX coach_record_coach_team_key ON marts.coach_record (first_name, last_name, team);

COMMENT ON MATERIALIZED VIEW marts.coach_record IS
    'Per coach and team: seasons, games, wins, losses, ties, win_pct (ties count half), ranked finishes, average/best recruiting rank of the classes in those seasons.';
