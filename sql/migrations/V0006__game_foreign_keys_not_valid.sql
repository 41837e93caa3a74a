-- Foreign keys to core.games, step 1 of 2: added NOT VALID, which takes only a brief
-- SHARE ROW EXCLUSIVE lock and skips the scan of existing rows. From here on every
-- new or updated row is checked. V0007 validates the existing rows.
--
-- Orphans (DOMAIN known defect: plays/drives of games not loaded yet) -- decision:
-- they are REJECTED, for all six relationships. Note that leaving a key NOT VALID
-- would not keep orphans loadable either: NOT VALID only exempts rows that existed
-- when the constraint was added; any later insert is checked. The only ways to keep
-- orphans loadable would be to have no foreign key at all or to divert them, and
-- consumers (marts, api.game_detail) join plays/drives/stats to games and would
-- silently drop them. So the loader must load a game before its drives, plays, play
-- stats, havoc, box score and lines (the games endpoint is one call per season and
-- week, so this costs nothing), and the orphan data-quality check remains the tool
-- that finds the rows blocking V0007 on a warehouse that was loaded before these
-- constraints existed. The one relationship that stays a check, not a key, is
-- recruiting.recruits.committed_to -> school name (see ref.school_names).

ALTER TABLE core.drives
    ADD CONSTRAINT drives_game_id_fkey
    FOREIGN KEY (game_id) REFERENCES core.games (id) NOT VALID;

ALTER TABLE core.game_team_stats
    ADD CONSTRAINT game_team_stats_game_id_fkey
    FOREIGN KEY (game_id) REFERENCES core.games (id) NOT VALID;

ALTER TABLE stats.play_stats
    ADD CONSTRAINT play_stats_game_id_fkey
    FOREIGN KEY (game_id) REFERENCES core.games (id) NOT VALID;

ALTER TABLE stats.game_havoc
    ADD CONSTRAINT game_havoc_game_id_fkey
    FOREIGN KEY (game_id) REFERENCES core.games (id) NOT VALID;

ALTER TABLE betting.lines
    ADD CONSTRAINT lines_game_id_fkey
    FOREIGN KEY (game_id) REFERENCES core.games (id) NOT VALID;

-- core.plays is partitioned. Up to PostgreSQL 17 a NOT VALID foreign key cannot be
-- added to a partitioned table, so (on every version, for one code path) the key goes
-- on each leaf partition here, is validated per partition in V0007, and is then added
-- on the parent, which adopts the validated partition constraints without a scan.
DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN
        SELECT relid FROM pg_partition_tree('core.plays'::regclass) WHERE isleaf
    LOOP
        EXECUTE format(
            'ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (game_id) REFERENCES core.games (id) NOT VALID',
            part, 'plays_game_id_fkey');
    END LOOP;
END
$$;
