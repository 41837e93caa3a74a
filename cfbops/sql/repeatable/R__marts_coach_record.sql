-- Per coach and team (a stint): seasons, record, and the recruiting classes signed
-- during the stint. A coach's seasons are the dlt child table ref.coaches__seasons,
-- joined on _dlt_parent_id (a coach has no id).
DROP MATERIALIZED VIEW IF EXISTS marts.coach_record CASCADE;

CREATE MATERIALIZED VIEW marts.coach_record AS
SELECT
    c.first_name,
    c.last_name,
    cs.school AS team,
    count(*)::integer AS seasons,
    min(cs.year) AS first_season,
    max(cs.year) AS last_season,
    coalesce(sum(cs.games), 0)::integer AS games,
    coalesce(sum(cs.wins), 0)::integer AS wins,
    coalesce(sum(cs.losses), 0)::integer AS losses,
    coalesce(sum(cs.ties), 0)::integer AS ties,
    (sum(cs.wins) + 0.5 * coalesce(sum(cs.ties), 0))
        / nullif(sum(cs.wins) + sum(cs.losses) + coalesce(sum(cs.ties), 0), 0) AS win_pct,
    count(cs.postseason_rank)::integer AS ranked_finishes,
    avg(tr.rank) AS avg_recruiting_rank,
    min(tr.rank) AS best_recruiting_rank,
    avg(tr.points::numeric) AS avg_recruiting_points
FROM ref.coaches AS c
JOIN ref.coaches__seasons AS cs ON cs._dlt_parent_id = c._dlt_id
LEFT JOIN recruiting.team_recruiting AS tr
    ON tr.team = cs.school AND tr.year = cs.year
WHERE cs.school IS NOT NULL
GROUP BY c.first_name, c.last_name, cs.school;

CREATE UNIQUE INDEX coach_record_coach_team_key ON marts.coach_record (first_name, last_name, team);

COMMENT ON MATERIALIZED VIEW marts.coach_record IS
    'Per coach and team: seasons, games, wins, losses, ties, win_pct (ties count half), ranked finishes, average/best recruiting rank of the classes in those seasons.';
