-- Passing downs: 2nd and 8 or more, 3rd or 4th and 5 or more. Everything else with a
-- down is a standard down.
CREATE OR REPLACE FUNCTION marts.is_passing_down(down bigint, distance bigint)
RETURNS boolean
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN down = 1 THEN false
        WHEN down = 2 THEN distance >= 8
        WHEN down IN (3, 4) THEN distance >= 5
    END
$$;

COMMENT ON FUNCTION marts.is_passing_down(bigint, bigint) IS
    'Passing down: 2nd and 8+, 3rd/4th and 5+; false on other downs, null without a down.';
