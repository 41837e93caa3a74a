-- Upstream's eras (its ref.eras, which this warehouse does not hold): a season may be in
-- two (2021-2023 are PLAYOFF_V1 and PORTAL_NIL; 2024 on PLAYOFF_V2 and PORTAL_NIL).
CREATE OR REPLACE FUNCTION marts.season_eras(season bigint)
RETURNS TABLE (era_code varchar, era_name varchar)
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT e.era_code::varchar, e.era_name::varchar
    FROM (
        VALUES
            ('BCS', 'BCS Era', 2004, 2013),
            ('PLAYOFF_V1', 'Playoff V1', 2014, 2023),
            ('PORTAL_NIL', 'Portal/NIL Era', 2021, NULL),
            ('PLAYOFF_V2', 'Playoff V2', 2024, NULL)
    ) AS e (era_code, era_name, start_year, end_year)
    WHERE season >= e.start_year AND (e.end_year IS NULL OR season <= e.end_year)
$$;

COMMENT ON FUNCTION marts.season_eras(bigint) IS
    'The eras a season belongs to, as upstream''s ref.eras defines them: BCS 2004-2013, PLAYOFF_V1 2014-2023, PORTAL_NIL 2021-, PLAYOFF_V2 2024-.';
