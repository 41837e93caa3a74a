-- Foreign keys to core.games, step 2 of 2: VALIDATE scans existing rows under a
-- SHARE UPDATE EXCLUSIVE lock, which does not block reads or writes. If this fails,
-- orphan rows exist: run the orphan data-quality check, fix or delete them, re-run.

ALTER TABLE core.drives VALIDATE CONSTRAINT drives_game_id_fkey;
ALTER TABLE core.game_team_stats VALIDATE CONSTRAINT game_team_stats_game_id_fkey;
ALTER TABLE stats.play_stats VALIDATE CONSTRAINT play_stats_game_id_fkey;
ALTER TABLE stats.game_havoc VALIDATE CONSTRAINT game_havoc_game_id_fkey;
ALTER TABLE betting.lines VALIDATE CONSTRAINT lines_game_id_fkey;

-- core.plays: validate the key on each leaf partition (adding it first, NOT VALID, to
-- any partition created since V0006), then add it on the parent.
DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN
        SELECT relid FROM pg_partition_tree('core.plays'::regclass) WHERE isleaf
    LOOP
        IF NOT EXISTS (
            SELECT 1 FROM pg_constraint
            WHERE conrelid = part AND conname = 'plays_game_id_fkey'
        ) THEN
            EXECUTE format(
                'ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (game_id) REFERENCES core.games (id) NOT VALID',
                part, 'plays_game_id_fkey');
        END IF;
        EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', part, 'plays_game_id_fkey');
    END LOOP;
END
$$;

-- Every partition now holds a validated, identical key: the parent adopts them
-- instead of scanning (about a millisecond), and partitions created later inherit it.
-- cfbops: allow adding-foreign-key-constraint because every partition already holds this key validated, so the parent adopts them without a scan
ALTER TABLE core.plays
    ADD CONSTRAINT plays_game_id_fkey
    FOREIGN KEY (game_id) REFERENCES core.games (id);
