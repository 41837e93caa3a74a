-- Standard success definition: 1st down gains at least 50% of the distance, 2nd down
-- 70%, 3rd and 4th down 100%. Null when the down is unknown.
CREATE OR REPLACE FUNCTION marts.is_successful_play(down bigint, distance bigint, yards_gained bigint)
RETURNS boolean
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN down = 1 THEN yards_gained >= 0.5 * distance
        WHEN down = 2 THEN yards_gained >= 0.7 * distance
        WHEN down IN (3, 4) THEN yards_gained >= distance
    END
$$;

COMMENT ON FUNCTION marts.is_successful_play(bigint, bigint, bigint) IS
    'Success by down and distance: 1st >= 50%, 2nd >= 70%, 3rd/4th >= 100% of the distance.';
