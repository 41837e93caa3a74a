-- Foreign keys to core.games, step 1 of 2, under upstream's names (UPSTREAM C, its
-- migration 035), so that on the real warehouse they are recognised, not added twice.
--
-- DEFERRABLE INITIALLY DEFERRED, no cascade: dlt's merge deletes a game's rows and
-- re-inserts them inside one transaction, and per-table merge jobs commit in any
-- order. A deferred key is checked at COMMIT, after the parent is back, while a real
-- orphan still fails the commit. (ON DELETE CASCADE, upstream's 032, would silently
-- delete children whenever games are loaded without them.)
--
-- NOT VALID takes only a brief SHARE ROW EXCLUSIVE lock and skips the scan of existing
-- rows; new rows are checked from here on. V0007 validates the existing ones.
-- core.game_team_stats has no key: upstream never gave it one.

ALTER TABLE core.drives
    ADD CONSTRAINT fk_drives_game
    FOREIGN KEY (game_id) REFERENCES core.games (id)
    DEFERRABLE INITIALLY DEFERRED NOT VALID;

ALTER TABLE betting.lines
    ADD CONSTRAINT fk_lines_game
    FOREIGN KEY (game_id) REFERENCES core.games (id)
    DEFERRABLE INITIALLY DEFERRED NOT VALID;

ALTER TABLE stats.game_havoc
    ADD CONSTRAINT fk_game_havoc_game
    FOREIGN KEY (game_id) REFERENCES core.games (id)
    DEFERRABLE INITIALLY DEFERRED NOT VALID;

ALTER TABLE stats.play_stats
    ADD CONSTRAINT fk_play_stats_game
    FOREIGN KEY (game_id) REFERENCES core.games (id)
    DEFERRABLE INITIALLY DEFERRED NOT VALID;

ALTER TABLE metrics.pregame_win_probability
    ADD CONSTRAINT fk_pregame_wp_game
    FOREIGN KEY (game_id) REFERENCES core.games (id)
    DEFERRABLE INITIALLY DEFERRED NOT VALID;

-- core.plays: upstream never managed a key here (partitioned, 3.6M rows). Up to
-- PostgreSQL 17 a NOT VALID foreign key cannot be added to a partitioned table, so the
-- key goes on each partition here, is validated per partition in V0007, and is then
-- added on the parent, which adopts the validated partition keys without a scan.
DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN
        SELECT relid FROM pg_partition_tree('core.plays'::regclass) WHERE isleaf
    LOOP
        EXECUTE format(
            'ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (game_id) REFERENCES core.games (id)'
            ' DEFERRABLE INITIALLY DEFERRED NOT VALID',
            part, 'fk_plays_game');
    END LOOP;
END
$$;
