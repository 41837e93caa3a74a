-- Category of a CFBD play type: pass, rush, fumble (all three are scrimmage plays),
-- special_teams, penalty, administrative, other.
CREATE OR REPLACE FUNCTION marts.play_category(play_type text)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN play_type IN ('Pass Reception', 'Pass Incompletion', 'Passing Touchdown',
                           'Pass Completion', 'Pass', 'Sack', 'Interception',
                           'Pass Interception', 'Pass Interception Return',
                           'Interception Return Touchdown')
            THEN 'pass'
        WHEN play_type IN ('Rush', 'Rushing Touchdown')
            THEN 'rush'
        WHEN play_type IN ('Fumble Recovery (Own)', 'Fumble Recovery (Opponent)',
                           'Fumble Return Touchdown')
            THEN 'fumble'
        WHEN play_type IN ('Punt', 'Blocked Punt', 'Punt Return Touchdown',
                           'Blocked Punt Touchdown', 'Kickoff', 'Kickoff Return (Offense)',
                           'Kickoff Return Touchdown', 'Field Goal Good', 'Field Goal Missed',
                           'Blocked Field Goal', 'Blocked Field Goal Touchdown',
                           'Missed Field Goal Return', 'Missed Field Goal Return Touchdown',
                           'Extra Point Good', 'Extra Point Missed')
            THEN 'special_teams'
        WHEN play_type = 'Penalty'
            THEN 'penalty'
        WHEN play_type IN ('Timeout', 'End Period', 'End of Half', 'End of Game',
                           'End of Regulation', 'Start of Period')
            THEN 'administrative'
        ELSE 'other'
    END
$$;

COMMENT ON FUNCTION marts.play_category(text) IS
    'Category of a CFBD play type: pass, rush, fumble (scrimmage), special_teams, penalty, administrative, other.';
