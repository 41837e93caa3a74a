-- CFBD's CORE team ratings (2016 on) from ratings.core_ratings, where that table exists:
-- upstream's HEAD loads it, this warehouse's migrations do not create it. Read
-- dynamically, so the marts that use it stand on a database without it (no rows then),
-- and by key from each row's JSON, so a column the load lacks reads as null. offense is
-- higher-better, defense lower-better, overall = offense - defense.
CREATE OR REPLACE FUNCTION marts.team_core_ratings()
RETURNS TABLE (team text, season bigint, overall double precision,
               offense double precision, defense double precision)
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    IF pg_catalog.to_regclass('ratings.core_ratings') IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE $query$
        SELECT r.j ->> 'team',
               CASE WHEN jsonb_typeof(r.j -> 'year') = 'number' THEN (r.j ->> 'year')::numeric::bigint END,
               CASE WHEN jsonb_typeof(r.j -> 'overall') = 'number' THEN (r.j ->> 'overall')::double precision END,
               CASE WHEN jsonb_typeof(r.j -> 'offense') = 'number' THEN (r.j ->> 'offense')::double precision END,
               CASE WHEN jsonb_typeof(r.j -> 'defense') = 'number' THEN (r.j ->> 'defense')::double precision END
        FROM (SELECT to_jsonb(c) AS j FROM ratings.core_ratings AS c) AS r
    $query$;
END
$$;

COMMENT ON FUNCTION marts.team_core_ratings() IS
    'CFBD CORE ratings per team name and season (year) from ratings.core_ratings when it exists (none otherwise): overall, offense (higher better), defense (lower better).';
