-- Scoring as the app has it (UPSTREAM §F.4): 3 points for the first touchdown scorer
-- plus 1 for a touchdown scorer, and grading marks a correct pick as an any-time
-- touchdown too, so a correct first-TD pick is worth 4. V0103 gave it 3.

CREATE OR REPLACE FUNCTION nfl.pick_points(is_correct boolean, any_time_td boolean)
RETURNS integer
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    SELECT CASE WHEN is_correct THEN 3 ELSE 0 END + CASE WHEN any_time_td THEN 1 ELSE 0 END
$$;

COMMENT ON FUNCTION nfl.pick_points(boolean, boolean) IS
    'Points of a graded pick: 3 for the first touchdown scorer plus 1 for a touchdown '
    'scorer (a correct first-TD pick graded by cfbops is both: 4).';

-- Every stored total was counted with the old rule.
SELECT nfl.recount_user_season_totals(array_agg(k.season), array_agg(k.user_id))
  FROM (SELECT DISTINCT t.season, t.user_id FROM nfl.user_season_totals t) k;
