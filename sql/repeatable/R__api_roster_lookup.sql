-- One row per roster row whose team name is a known school; the name resolves to one
-- team id through ref.school_names (shared names would otherwise duplicate rows).
DROP VIEW IF EXISTS api.roster_lookup CASCADE;

CREATE VIEW api.roster_lookup AS
SELECT
    r.id AS athlete_id,
    r.season,
    r.first_name,
    r.last_name,
    concat_ws(' ', r.first_name, r.last_name) AS full_name,
    r.team,
    t.id AS team_id,
    t.conference,
    t.classification,
    r.position,
    r.jersey,
    r.height,
    r.weight,
    r.year AS class_year,
    r.home_city,
    r.home_state,
    r.home_country,
    coalesce(r.recruit_ids, '{}') AS recruit_ids
FROM core.roster AS r
JOIN ref.school_names AS sn ON sn.school = r.team
JOIN ref.teams AS t ON t.id = sn.team_id;

COMMENT ON VIEW api.roster_lookup IS
    'One row per roster row (athlete, season) whose team is a known school, with the team id, conference and classification. See SCHEMA_CONTRACT.md.';
