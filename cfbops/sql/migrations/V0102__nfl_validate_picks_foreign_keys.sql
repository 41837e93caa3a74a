-- VALIDATE takes only SHARE UPDATE EXCLUSIVE on the referencing table: reads and
-- writes go on while existing rows are checked.

ALTER TABLE nfl.picks VALIDATE CONSTRAINT picks_user_id_fkey;
ALTER TABLE nfl.picks VALIDATE CONSTRAINT picks_week_id_fkey;
ALTER TABLE nfl.picks VALIDATE CONSTRAINT picks_game_id_fkey;
ALTER TABLE nfl.results VALIDATE CONSTRAINT results_pick_id_fkey;
