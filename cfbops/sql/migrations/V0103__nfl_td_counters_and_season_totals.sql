-- The database keeps its own counters exact: nfl.player_stats' touchdown counts and
-- a per-(season, user) totals table that the leaderboard reads instead of
-- aggregating every pick of a season per query.
--
-- Every change to nfl.results or nfl.picks recounts the affected keys from the base
-- tables rather than adding deltas: a recount is right whatever the statement did
-- (many rows, a result moved to another pick, a cascade from a deleted pick or user),
-- and distinct-game counts cannot be kept by deltas anyway. Concurrency: a recount
-- first locks its keys' counter rows (creating them if missing), in key order, and
-- only then counts, in a new statement whose snapshot sees every transaction that
-- held those locks before. Counter rows are never deleted by the triggers (a deleted
-- row could not be locked by a waiting recount); rows counting nothing stay at zero.

-- Scoring, in one place: a correct first-TD pick is worth 3 points; a pick whose
-- player scored a touchdown but not the first one is worth 1. The two do not add up:
-- a correct first-TD pick is 3 points, not 4.
CREATE FUNCTION nfl.pick_points(is_correct boolean, any_time_td boolean)
RETURNS integer
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    SELECT CASE WHEN is_correct THEN 3 WHEN any_time_td THEN 1 ELSE 0 END
$$;

COMMENT ON FUNCTION nfl.pick_points(boolean, boolean) IS
    'Points of a graded pick: 3 for the first touchdown scorer, else 1 for a touchdown scorer, else 0.';

COMMENT ON COLUMN nfl.player_stats.first_td_count IS
    'Number of distinct games (of this season, for this team) in which the player scored '
    'the first touchdown, as graded: games with at least one correct result for a pick of '
    'the player. Several users picking the same scorer in one game count once. Kept by '
    'triggers on nfl.results and nfl.picks.';
COMMENT ON COLUMN nfl.player_stats.any_time_td_count IS
    'Number of distinct games (of this season, for this team) in which the player scored a '
    'touchdown, as graded: games with a result for a pick of the player marked any_time_td '
    'or is_correct (a first touchdown is a touchdown). Kept by triggers.';

CREATE TABLE nfl.user_season_totals (
    season          integer NOT NULL,
    user_id         bigint NOT NULL,
    picks           integer NOT NULL DEFAULT 0,
    graded_picks    integer NOT NULL DEFAULT 0,
    correct_picks   integer NOT NULL DEFAULT 0,
    any_time_picks  integer NOT NULL DEFAULT 0,
    points          integer NOT NULL DEFAULT 0,
    CONSTRAINT user_season_totals_pkey PRIMARY KEY (season, user_id)
);

COMMENT ON TABLE nfl.user_season_totals IS
    'Per season and user: picks made, graded, correct first-TD picks, picks whose player '
    'scored any touchdown, and points (nfl.pick_points). Kept by triggers; read by '
    'nfl.leaderboard. No foreign key to nfl.users: a deleted user''s row stays at zero.';

-- The leaderboard reads one season in ranking order straight off this index, without
-- visiting the table once it is vacuumed (the view lists only rows with picks > 0).
CREATE INDEX user_season_totals_ranking_idx
    ON nfl.user_season_totals (season, points DESC, correct_picks DESC, user_id)
    INCLUDE (any_time_picks, graded_picks, picks)
    WHERE picks > 0;

CREATE FUNCTION nfl.recount_player_td_counters(
    p_player_name text[], p_season integer[], p_team text[]
)
RETURNS void
LANGUAGE plpgsql
-- Plan with the actual keys: one key (a single graded pick) and thousands (a week's
-- grading in one statement) want different joins.
SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    -- A player gets a row once a pick of theirs is graded.
    INSERT INTO nfl.player_stats (player_name, season, team, position)
    SELECT k.player_name, k.season, k.team,
           (SELECT max(p.position)
              FROM nfl.picks p
             WHERE p.player_name = k.player_name AND p.team = k.team
               AND p.position IS NOT NULL AND lower(p.position) <> 'unknown')
    FROM (SELECT DISTINCT k.player_name, k.season, k.team
            FROM unnest(p_player_name, p_season, p_team) AS k (player_name, season, team)
           WHERE k.player_name IS NOT NULL AND k.season IS NOT NULL AND k.team IS NOT NULL) k
    WHERE NOT EXISTS (
              SELECT FROM nfl.player_stats s
               WHERE s.player_name = k.player_name AND s.season = k.season AND s.team = k.team)
      AND EXISTS (
              SELECT FROM nfl.picks p
                JOIN nfl.weeks w ON w.id = p.week_id
                JOIN nfl.results r ON r.pick_id = p.id
               WHERE p.player_name = k.player_name AND p.team = k.team AND w.season = k.season)
    ORDER BY k.player_name, k.season, k.team
    ON CONFLICT (player_name, season, team) DO NOTHING;

    PERFORM
      FROM nfl.player_stats s
      JOIN (SELECT DISTINCT k.player_name, k.season, k.team
            FROM unnest(p_player_name, p_season, p_team) AS k (player_name, season, team)
           WHERE k.player_name IS NOT NULL AND k.season IS NOT NULL AND k.team IS NOT NULL) k
        ON s.player_name = k.player_name AND s.season = k.season AND s.team = k.team
     ORDER BY s.player_name, s.season, s.team
       FOR UPDATE OF s;

    UPDATE nfl.player_stats s
       SET first_td_count = c.first_td_count,
           any_time_td_count = c.any_time_td_count
      FROM (
            SELECT k.player_name, k.season, k.team,
                   count(DISTINCT g.game_id) FILTER (WHERE g.is_correct) AS first_td_count,
                   count(DISTINCT g.game_id) FILTER (WHERE g.is_correct OR g.any_time_td)
                       AS any_time_td_count
              FROM (SELECT DISTINCT k.player_name, k.season, k.team
            FROM unnest(p_player_name, p_season, p_team) AS k (player_name, season, team)
           WHERE k.player_name IS NOT NULL AND k.season IS NOT NULL AND k.team IS NOT NULL) k
              LEFT JOIN (
                    SELECT p.player_name, p.team, w.season, p.game_id, r.is_correct, r.any_time_td
                      FROM nfl.picks p
                      JOIN nfl.weeks w ON w.id = p.week_id
                      JOIN nfl.results r ON r.pick_id = p.id
                   ) g
                ON g.player_name = k.player_name AND g.team = k.team AND g.season = k.season
             GROUP BY k.player_name, k.season, k.team
           ) c
     WHERE s.player_name = c.player_name AND s.season = c.season AND s.team = c.team
       AND (s.first_td_count, s.any_time_td_count)
           IS DISTINCT FROM (c.first_td_count, c.any_time_td_count);
END;
$$;

COMMENT ON FUNCTION nfl.recount_player_td_counters(text[], integer[], text[]) IS
    'Recount player_stats touchdown counters for the given (player_name, season, team) keys.';

CREATE FUNCTION nfl.recount_user_season_totals(p_season integer[], p_user_id bigint[])
RETURNS void
LANGUAGE plpgsql
-- Plan with the actual keys: one key (a single graded pick) and thousands (a week's
-- grading in one statement) want different joins.
SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    INSERT INTO nfl.user_season_totals (season, user_id)
    SELECT k.season, k.user_id
    FROM (SELECT DISTINCT k.season, k.user_id
            FROM unnest(p_season, p_user_id) AS k (season, user_id)
           WHERE k.season IS NOT NULL AND k.user_id IS NOT NULL) k
    ORDER BY k.season, k.user_id
    ON CONFLICT (season, user_id) DO NOTHING;

    PERFORM
      FROM nfl.user_season_totals t
      JOIN (SELECT DISTINCT k.season, k.user_id
            FROM unnest(p_season, p_user_id) AS k (season, user_id)
           WHERE k.season IS NOT NULL AND k.user_id IS NOT NULL) k ON t.season = k.season AND t.user_id = k.user_id
     ORDER BY t.season, t.user_id
       FOR UPDATE OF t;

    UPDATE nfl.user_season_totals t
       SET picks = c.picks,
           graded_picks = c.graded_picks,
           correct_picks = c.correct_picks,
           any_time_picks = c.any_time_picks,
           points = c.points
      FROM (
            SELECT k.season, k.user_id,
                   count(g.pick_id) AS picks,
                   count(g.result_id) AS graded_picks,
                   count(*) FILTER (WHERE g.is_correct) AS correct_picks,
                   count(*) FILTER (WHERE g.is_correct OR g.any_time_td) AS any_time_picks,
                   coalesce(sum(nfl.pick_points(g.is_correct, g.any_time_td)), 0) AS points
              FROM (SELECT DISTINCT k.season, k.user_id
            FROM unnest(p_season, p_user_id) AS k (season, user_id)
           WHERE k.season IS NOT NULL AND k.user_id IS NOT NULL) k
              LEFT JOIN (
                    SELECT w.season, p.user_id, p.id AS pick_id, r.id AS result_id,
                           r.is_correct, r.any_time_td
                      FROM nfl.picks p
                      JOIN nfl.weeks w ON w.id = p.week_id
                      LEFT JOIN nfl.results r ON r.pick_id = p.id
                   ) g
                ON g.season = k.season AND g.user_id = k.user_id
             GROUP BY k.season, k.user_id
           ) c
     WHERE t.season = c.season AND t.user_id = c.user_id
       AND (t.picks, t.graded_picks, t.correct_picks, t.any_time_picks, t.points)
           IS DISTINCT FROM (c.picks, c.graded_picks, c.correct_picks, c.any_time_picks, c.points);
END;
$$;

COMMENT ON FUNCTION nfl.recount_user_season_totals(integer[], bigint[]) IS
    'Recount nfl.user_season_totals for the given (season, user_id) keys.';

CREATE FUNCTION nfl.recount_for_picks(p_pick_ids bigint[])
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    player_names text[];
    player_seasons integer[];
    player_teams text[];
    user_seasons integer[];
    user_ids bigint[];
BEGIN
    -- Picks deleted in this transaction are gone from the join; the picks trigger
    -- recounts their keys from its own transition table.
    SELECT array_agg(k.player_name), array_agg(k.season), array_agg(k.team)
      INTO player_names, player_seasons, player_teams
      FROM (SELECT DISTINCT p.player_name, w.season, p.team
              FROM unnest(p_pick_ids) AS c (pick_id)
              JOIN nfl.picks p ON p.id = c.pick_id
              JOIN nfl.weeks w ON w.id = p.week_id) k;

    SELECT array_agg(k.season), array_agg(k.user_id)
      INTO user_seasons, user_ids
      FROM (SELECT DISTINCT w.season, p.user_id
              FROM unnest(p_pick_ids) AS c (pick_id)
              JOIN nfl.picks p ON p.id = c.pick_id
              JOIN nfl.weeks w ON w.id = p.week_id) k;

    IF player_names IS NOT NULL THEN
        PERFORM nfl.recount_player_td_counters(player_names, player_seasons, player_teams);
    END IF;
    IF user_ids IS NOT NULL THEN
        PERFORM nfl.recount_user_season_totals(user_seasons, user_ids);
    END IF;
END;
$$;

COMMENT ON FUNCTION nfl.recount_for_picks(bigint[]) IS
    'Recount the player counters and season totals that the given (existing) picks feed.';

CREATE FUNCTION nfl.results_recount_counters()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    changed_pick_ids bigint[];
BEGIN
    -- Each branch names only the transition tables its trigger declares.
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT n.pick_id) INTO changed_pick_ids FROM new_results n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT o.pick_id) INTO changed_pick_ids FROM old_results o;
    ELSE
        -- Rows whose counted fields changed, before and after: a result moved to
        -- another pick names both picks.
        SELECT array_agg(DISTINCT d.pick_id) INTO changed_pick_ids
          FROM ((SELECT n.pick_id, n.is_correct, n.any_time_td FROM new_results n
                 EXCEPT ALL
                 SELECT o.pick_id, o.is_correct, o.any_time_td FROM old_results o)
                UNION ALL
                (SELECT o.pick_id, o.is_correct, o.any_time_td FROM old_results o
                 EXCEPT ALL
                 SELECT n.pick_id, n.is_correct, n.any_time_td FROM new_results n)) d;
    END IF;

    IF changed_pick_ids IS NOT NULL THEN
        PERFORM nfl.recount_for_picks(changed_pick_ids);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION nfl.recount_for_pick_rows(
    p_user_id bigint[], p_week_id bigint[], p_player_name text[], p_team text[]
)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    player_names text[];
    player_seasons integer[];
    player_teams text[];
    user_seasons integer[];
    user_ids bigint[];
BEGIN
    IF p_player_name IS NOT NULL THEN
        SELECT array_agg(k.player_name), array_agg(k.season), array_agg(k.team)
          INTO player_names, player_seasons, player_teams
          FROM (SELECT DISTINCT r.player_name, w.season, r.team
                  FROM unnest(p_week_id, p_player_name, p_team)
                       AS r (week_id, player_name, team)
                  JOIN nfl.weeks w ON w.id = r.week_id) k;
    END IF;

    SELECT array_agg(k.season), array_agg(k.user_id)
      INTO user_seasons, user_ids
      FROM (SELECT DISTINCT w.season, r.user_id
              FROM unnest(p_user_id, p_week_id) AS r (user_id, week_id)
              JOIN nfl.weeks w ON w.id = r.week_id) k;

    IF player_names IS NOT NULL THEN
        PERFORM nfl.recount_player_td_counters(player_names, player_seasons, player_teams);
    END IF;
    IF user_ids IS NOT NULL THEN
        PERFORM nfl.recount_user_season_totals(user_seasons, user_ids);
    END IF;
END;
$$;

COMMENT ON FUNCTION nfl.recount_for_pick_rows(bigint[], bigint[], text[], text[]) IS
    'Recount the counters that picks with these (user_id, week_id, player_name, team) '
    'feed, whether or not the picks still exist; without player names, only the totals.';

CREATE FUNCTION nfl.picks_recount_counters()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    user_ids bigint[];
    week_ids bigint[];
    player_names text[];
    teams text[];
BEGIN
    -- Each branch names only the transition tables its trigger declares.
    IF TG_OP = 'INSERT' THEN
        -- A new pick has no result yet: its player's counters cannot move, and
        -- recounting a much-picked player on every insert would cost more than the pick.
        SELECT array_agg(n.user_id), array_agg(n.week_id)
          INTO user_ids, week_ids
          FROM new_picks n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.user_id), array_agg(o.week_id), array_agg(o.player_name),
               array_agg(o.team)
          INTO user_ids, week_ids, player_names, teams
          FROM old_picks o;
    ELSE
        -- Only rows whose counted fields changed, before and after the update.
        SELECT array_agg(d.user_id), array_agg(d.week_id), array_agg(d.player_name),
               array_agg(d.team)
          INTO user_ids, week_ids, player_names, teams
          FROM ((SELECT n.id, n.user_id, n.week_id, n.game_id, n.team, n.player_name
                   FROM new_picks n
                 EXCEPT ALL
                 SELECT o.id, o.user_id, o.week_id, o.game_id, o.team, o.player_name
                   FROM old_picks o)
                UNION ALL
                (SELECT o.id, o.user_id, o.week_id, o.game_id, o.team, o.player_name
                   FROM old_picks o
                 EXCEPT ALL
                 SELECT n.id, n.user_id, n.week_id, n.game_id, n.team, n.player_name
                   FROM new_picks n)) d;
    END IF;

    IF user_ids IS NOT NULL THEN
        PERFORM nfl.recount_for_pick_rows(user_ids, week_ids, player_names, teams);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION nfl.reset_counters_after_truncate()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE nfl.player_stats
       SET first_td_count = 0, any_time_td_count = 0
     WHERE first_td_count <> 0 OR any_time_td_count <> 0;
    UPDATE nfl.user_season_totals
       SET picks = CASE WHEN TG_TABLE_NAME = 'picks' THEN 0 ELSE picks END,
           graded_picks = 0, correct_picks = 0, any_time_picks = 0, points = 0
     WHERE graded_picks <> 0 OR (TG_TABLE_NAME = 'picks' AND picks <> 0);
    RETURN NULL;
END;
$$;

-- Transition tables allow one event per trigger, hence three triggers per table.
CREATE TRIGGER results_recount_after_insert
    AFTER INSERT ON nfl.results
    REFERENCING NEW TABLE AS new_results
    FOR EACH STATEMENT EXECUTE FUNCTION nfl.results_recount_counters();
CREATE TRIGGER results_recount_after_update
    AFTER UPDATE ON nfl.results
    REFERENCING OLD TABLE AS old_results NEW TABLE AS new_results
    FOR EACH STATEMENT EXECUTE FUNCTION nfl.results_recount_counters();
CREATE TRIGGER results_recount_after_delete
    AFTER DELETE ON nfl.results
    REFERENCING OLD TABLE AS old_results
    FOR EACH STATEMENT EXECUTE FUNCTION nfl.results_recount_counters();
CREATE TRIGGER results_reset_after_truncate
    AFTER TRUNCATE ON nfl.results
    FOR EACH STATEMENT EXECUTE FUNCTION nfl.reset_counters_after_truncate();

CREATE TRIGGER picks_recount_after_insert
    AFTER INSERT ON nfl.picks
    REFERENCING NEW TABLE AS new_picks
    FOR EACH STATEMENT EXECUTE FUNCTION nfl.picks_recount_counters();
CREATE TRIGGER picks_recount_after_update
    AFTER UPDATE ON nfl.picks
    REFERENCING OLD TABLE AS old_picks NEW TABLE AS new_picks
    FOR EACH STATEMENT EXECUTE FUNCTION nfl.picks_recount_counters();
CREATE TRIGGER picks_recount_after_delete
    AFTER DELETE ON nfl.picks
    REFERENCING OLD TABLE AS old_picks
    FOR EACH STATEMENT EXECUTE FUNCTION nfl.picks_recount_counters();
CREATE TRIGGER picks_reset_after_truncate
    AFTER TRUNCATE ON nfl.picks
    FOR EACH STATEMENT EXECUTE FUNCTION nfl.reset_counters_after_truncate();

-- Old data's counters are out of step with its graded results: recount everything
-- once, including player_stats rows that no graded pick supports any more.
SELECT nfl.recount_player_td_counters(array_agg(k.player_name), array_agg(k.season),
                                      array_agg(k.team))
  FROM (SELECT s.player_name, s.season, s.team FROM nfl.player_stats s
        UNION
        SELECT p.player_name, w.season, p.team
          FROM nfl.picks p
          JOIN nfl.weeks w ON w.id = p.week_id
          JOIN nfl.results r ON r.pick_id = p.id) k;

SELECT nfl.recount_user_season_totals(array_agg(k.season), array_agg(k.user_id))
  FROM (SELECT DISTINCT w.season, p.user_id
          FROM nfl.picks p
          JOIN nfl.weeks w ON w.id = p.week_id) k;
