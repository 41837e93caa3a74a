-- One row per recruit; committed_team_id is null when committed_to is not a known
-- school name (a data-quality finding, not a hidden row).
DROP VIEW IF EXISTS api.recruit_lookup CASCADE;

CREATE VIEW api.recruit_lookup AS
SELECT
    rc.id AS recruit_id,
    rc.athlete_id,
    rc.recruit_type,
    rc.year,
    rc.ranking,
    rc.name,
    rc.position,
    rc.height,
    rc.weight,
    rc.stars,
    rc.rating,
    rc.school AS high_school,
    rc.city,
    rc.state_province,
    rc.country,
    rc.committed_to,
    sn.team_id AS committed_team_id
FROM recruiting.recruits AS rc
LEFT JOIN ref.school_names AS sn ON sn.school = rc.committed_to;

COMMENT ON VIEW api.recruit_lookup IS
    'One row per recruit; stars always 1..5 (table check); committed_team_id resolves committed_to through ref.school_names. See SCHEMA_CONTRACT.md.';
