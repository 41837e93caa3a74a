-- One row per recruit. Columns 1-16 are the SPRINT5 list; cfbops adds
-- committed_team_id, null when committed_to is not a known school name (a
-- data-quality finding, not a hidden row).
DROP VIEW IF EXISTS api.recruit_lookup CASCADE;

CREATE VIEW api.recruit_lookup AS
SELECT
    rc.id,
    rc.athlete_id,
    rc.recruit_type,
    rc.year,
    rc.ranking,
    rc.name,
    rc.school,
    rc.committed_to,
    rc.position,
    rc.height,
    rc.weight,
    rc.stars,
    rc.rating,
    rc.city,
    rc.state_province,
    rc.country,
    -- cfbops additions
    sn.team_id AS committed_team_id
FROM recruiting.recruits AS rc
LEFT JOIN ref.school_names AS sn ON sn.school = rc.committed_to;

COMMENT ON VIEW api.recruit_lookup IS
    'One row per recruit: SPRINT5 columns (school = high school, committed_to = college name) then committed_team_id (through ref.school_names). See SCHEMA_CONTRACT.md.';

-- A drop and re-create strips grants, and Supabase's PostgREST roles get no default
-- privileges: grant them again whenever they exist.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        GRANT SELECT ON api.recruit_lookup TO anon;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        GRANT SELECT ON api.recruit_lookup TO authenticated;
    END IF;
END
$$;
