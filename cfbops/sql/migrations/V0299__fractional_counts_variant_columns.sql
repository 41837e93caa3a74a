-- CFBD sends some counts as fractions (a shared sack counts half: UPSTREAM surprise 19).
-- dlt keeps such a value in a `__v_double` twin of the integer column, the integer column
-- null for that row; readers coalesce the pair. stats.game_havoc has its total and
-- front-seven twins since V0005; these are the twins of the other counts the API may send
-- as fractions: the DB havoc events, and a play stat's `stat`. A warehouse dlt loaded may
-- hold them already.
ALTER TABLE stats.game_havoc
    ADD COLUMN IF NOT EXISTS offense__db_havoc_events__v_double double precision,
    ADD COLUMN IF NOT EXISTS defense__db_havoc_events__v_double double precision;
ALTER TABLE stats.play_stats ADD COLUMN IF NOT EXISTS stat__v_double double precision;

COMMENT ON COLUMN stats.play_stats.stat__v_double IS
    'The stat when CFBD sent a fraction (stat is null then): read coalesce(stat, stat__v_double).';
