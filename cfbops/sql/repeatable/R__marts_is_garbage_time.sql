-- Garbage time as upstream's marts define it: the fourth quarter with a margin over 28,
-- or the third quarter on with a margin over 35. score_diff is the offense's margin
-- (core.plays.score_diff); an unknown margin counts as 0, as upstream's does.
CREATE OR REPLACE FUNCTION marts.is_garbage_time(period bigint, score_diff bigint)
RETURNS boolean
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (period = 4 AND abs(coalesce(score_diff, 0)) > 28)
        OR (period >= 3 AND abs(coalesce(score_diff, 0)) > 35)
$$;

COMMENT ON FUNCTION marts.is_garbage_time(bigint, bigint) IS
    'Upstream''s garbage time: period 4 with |margin| > 28, or period >= 3 with |margin| > 35 (unknown margin = 0).';
