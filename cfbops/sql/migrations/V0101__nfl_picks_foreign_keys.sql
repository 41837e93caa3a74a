-- Relationships of the picks game, added NOT VALID so existing rows are not scanned
-- under lock; V0102 validates them. Deleting a user removes their picks, deleting a
-- pick removes its result (the counter triggers then recount); games and weeks that
-- picks refer to cannot be deleted.

ALTER TABLE nfl.picks
    ADD CONSTRAINT picks_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES nfl.users (id) ON DELETE CASCADE NOT VALID;

ALTER TABLE nfl.picks
    ADD CONSTRAINT picks_week_id_fkey FOREIGN KEY (week_id)
    REFERENCES nfl.weeks (id) NOT VALID;

ALTER TABLE nfl.picks
    ADD CONSTRAINT picks_game_id_fkey FOREIGN KEY (game_id)
    REFERENCES nfl.games (id) ON UPDATE CASCADE NOT VALID;

ALTER TABLE nfl.results
    ADD CONSTRAINT results_pick_id_fkey FOREIGN KEY (pick_id)
    REFERENCES nfl.picks (id) ON DELETE CASCADE NOT VALID;
