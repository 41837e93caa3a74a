-- One row per roster row with a team (player x team x season; core.roster.year is the
-- season). Columns 1-12 are the SPRINT5 list; cfbops's additions follow: the team id
-- the name resolves to through ref.school_names (null for an unknown name), and the
-- player's recruit ids from the child table core.roster__recruit_ids.
DROP VIEW IF EXISTS api.roster_lookup CASCADE;

CREATE VIEW api.roster_lookup AS
SELECT
    r.id,
    r.first_name,
    r.last_name,
    r.team,
    r.position,
    r.height,
    r.weight,
    r.year,
    r.jersey,
    r.home_city,
    r.home_state,
    r.home_country,
    -- cfbops additions
    r.year AS season,
    concat_ws(' ', r.first_name, r.last_name) AS full_name,
    t.id AS team_id,
    t.conference,
    t.classification,
    ARRAY(
        SELECT ri.value FROM core.roster__recruit_ids AS ri
        WHERE ri._dlt_parent_id = r._dlt_id
        ORDER BY ri._dlt_list_idx
    ) AS recruit_ids
FROM core.roster AS r
LEFT JOIN ref.school_names AS sn ON sn.school = r.team
LEFT JOIN ref.teams AS t ON t.id = sn.team_id
WHERE r.team IS NOT NULL;

COMMENT ON VIEW api.roster_lookup IS
    'One row per roster row (athlete, team, season): SPRINT5 columns (year = season) then cfbops additions (season, full_name, team id, conference, classification, recruit_ids). See SCHEMA_CONTRACT.md.';

-- A drop and re-create strips grants, and Supabase's PostgREST roles get no default
-- privileges: grant them again whenever they exist.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        GRANT SELECT ON api.roster_lookup TO anon;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        GRANT SELECT ON api.roster_lookup TO authenticated;
    END IF;
END
$$;
