-- Foreign keys to core.games, step 2 of 2: VALIDATE scans existing rows under a
-- SHARE UPDATE EXCLUSIVE lock, which blocks neither reads nor writes. If this fails,
-- orphan rows exist: run the orphan data-quality check, fix or delete them, re-run.

ALTER TABLE core.drives VALIDATE CONSTRAINT fk_drives_game;
ALTER TABLE betting.lines VALIDATE CONSTRAINT fk_lines_game;
ALTER TABLE stats.game_havoc VALIDATE CONSTRAINT fk_game_havoc_game;
ALTER TABLE stats.play_stats VALIDATE CONSTRAINT fk_play_stats_game;
ALTER TABLE metrics.pregame_win_probability VALIDATE CONSTRAINT fk_pregame_wp_game;

-- core.plays: validate the key on each partition (adding it first, NOT VALID, to any
-- partition created since V0006), then add it on the parent.
DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN
        SELECT relid FROM pg_partition_tree('core.plays'::regclass) WHERE isleaf
    LOOP
        IF NOT EXISTS (
            SELECT 1 FROM pg_constraint
            WHERE conrelid = part AND conname = 'fk_plays_game'
        ) THEN
            EXECUTE format(
                'ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (game_id) REFERENCES core.games (id)'
                ' DEFERRABLE INITIALLY DEFERRED NOT VALID',
                part, 'fk_plays_game');
        END IF;
        EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', part, 'fk_plays_game');
    END LOOP;
END
$$;

-- Every partition now holds a validated, identical key: the parent adopts them
-- instead of scanning, and partitions created later inherit it.
-- cfbops: allow adding-foreign-key-constraint because every partition already holds this key validated, so the parent adopts them without a scan
ALTER TABLE core.plays
    ADD CONSTRAINT fk_plays_game
    FOREIGN KEY (game_id) REFERENCES core.games (id)
    DEFERRABLE INITIALLY DEFERRED;
