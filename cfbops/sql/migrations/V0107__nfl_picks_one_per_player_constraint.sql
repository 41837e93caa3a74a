-- One pick per (user, week, player) — step 3 of 3: the index of V0106 becomes the
-- constraint (a catalog change under a brief lock, no scan).
ALTER TABLE nfl.picks
    ADD CONSTRAINT picks_user_week_player_key UNIQUE USING INDEX picks_user_week_player_key;
