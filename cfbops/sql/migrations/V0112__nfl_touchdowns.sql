-- Every touchdown of a graded game, from nflverse play-by-play, credited as nflverse
-- does (td_player_id, td_team): a defensive or return touchdown belongs to the player
-- who scored it and his team, not to the side that had the ball. `cfbops grade` writes
-- a game's touchdowns and its picks' results in one transaction.
CREATE TABLE IF NOT EXISTS nfl.touchdowns (
    game_id      text NOT NULL REFERENCES nfl.games (id) ON UPDATE CASCADE,
    play_id      bigint NOT NULL,
    player_id    text,
    player_name  text NOT NULL,
    team         text NOT NULL,
    is_first_td  boolean NOT NULL,
    CONSTRAINT touchdowns_pkey PRIMARY KEY (game_id, play_id)
);

COMMENT ON TABLE nfl.touchdowns IS
    'Touchdowns of graded games (nflverse play-by-play): scorer gsis id and name, the '
    'scoring team, and whether it was the game''s first.';
