-- Per defense (team id) and season. Upstream's columns first, with its meaning: plays
-- faced outside garbage time, the EPA and success rate (a positive ppa) they gave up,
-- disruptive plays by the play type's words (sacks, interceptions, fumbles, turnovers,
-- stuffs = runs for no gain, tackles for loss = any play for a loss), and the havoc
-- rates CFBD publishes per game (stats.game_havoc, the season's mean), with havoc_plays
-- CFBD's havoc events summed (a shared sack counts half: a fraction sits in the count's
-- __v_double twin, the integer column null, so the pair is read together). cfbops's own
-- columns follow, counted from the play-by-play on scrimmage plays: front-seven havoc =
-- sacks + tackles for loss on runs, DB havoc = interceptions + passes broken up; forced
-- fumbles count in the total only (the play-by-play does not say who forced them).
DROP MATERIALIZED VIEW IF EXISTS marts.defensive_havoc CASCADE;

CREATE MATERIALIZED VIEW marts.defensive_havoc AS
WITH defensive_plays AS (
    SELECT
        p.season,
        p.game_id,
        p.defense AS team,
        CASE p.defense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        p.ppa::numeric AS ppa,
        NOT coalesce(marts.is_garbage_time(p.period, p.score_diff), false) AS is_competitive,
        p.play_type ILIKE '%sack%' AS is_sack,
        p.play_type ILIKE '%interception%' AS is_interception,
        p.play_type ILIKE '%fumble%' AS is_fumble,
        marts.rush_pass_category(p.play_type) = 'rush' AS is_rush,
        coalesce(p.yards_gained, 0) <= 0 AS is_no_gain,
        coalesce(p.yards_gained, 0) < 0 AS is_loss,
        -- cfbops's: scrimmage plays, by exact play type
        p.down BETWEEN 1 AND 4
            AND marts.play_category(p.play_type) IN ('pass', 'rush', 'fumble') AS is_scrimmage,
        p.play_type = 'Sack' AS is_exact_sack,
        marts.play_category(p.play_type) = 'rush' AND p.yards_gained < 0 AS is_tackle_for_loss,
        p.play_type IN ('Interception', 'Pass Interception', 'Pass Interception Return',
                        'Interception Return Touchdown') AS is_exact_interception,
        marts.play_category(p.play_type) = 'fumble' AS is_forced_fumble,
        p.play_type = 'Pass Incompletion' AND p.play_text ILIKE '%broken up%' AS is_pass_breakup
    FROM core.plays AS p
    JOIN core.games AS g ON g.id = p.game_id
    WHERE p.defense IS NOT NULL
      AND p.offense IS DISTINCT FROM p.defense  -- two teams sharing a name: sides cannot be told apart
    -- OFFSET 0 keeps this subquery whole: each play's flags are computed once here, not
    -- again in every aggregate FILTER that reads them (the planner would copy the
    -- expressions into each): 1.8 s → 1.0 s at the medium seed, same rows.
    OFFSET 0
),
-- Summed per game first, then per season: the season's game count is then a count,
-- where a count(DISTINCT) would sort every play.
games AS (
    SELECT
        team_id,
        season,
        game_id,
        min(team) AS team,
        count(*) FILTER (WHERE is_competitive) AS defensive_plays,
        sum(ppa) FILTER (WHERE is_competitive) AS epa,
        count(ppa) FILTER (WHERE is_competitive) AS epa_plays,
        count(*) FILTER (WHERE is_competitive AND ppa > 0) AS successes,
        count(*) FILTER (WHERE is_competitive AND is_sack) AS sacks,
        count(*) FILTER (WHERE is_competitive AND is_interception) AS interceptions,
        count(*) FILTER (WHERE is_competitive AND is_fumble) AS fumbles,
        count(*) FILTER (WHERE is_competitive AND is_rush AND is_no_gain) AS stuffs,
        count(*) FILTER (WHERE is_competitive AND is_rush) AS rushes_faced,
        count(*) FILTER (WHERE is_competitive AND is_loss) AS tfls,
        count(*) FILTER (WHERE is_scrimmage) AS plays,
        count(*) FILTER (WHERE is_scrimmage AND is_exact_sack) AS pbp_sacks,
        count(*) FILTER (WHERE is_scrimmage AND is_tackle_for_loss) AS tackles_for_loss,
        count(*) FILTER (WHERE is_scrimmage AND is_exact_interception) AS pbp_interceptions,
        count(*) FILTER (WHERE is_scrimmage AND is_forced_fumble) AS forced_fumbles,
        count(*) FILTER (WHERE is_scrimmage AND is_pass_breakup) AS pass_breakups
    FROM defensive_plays
    WHERE team_id IS NOT NULL
    GROUP BY team_id, season, game_id
),
counted AS (
    SELECT
        team_id,
        season,
        min(team)::varchar AS team,
        sum(defensive_plays)::bigint AS defensive_plays,
        -- a mean of every play's ppa: the sum over the count, as avg() computes it
        round(sum(epa) / nullif(sum(epa_plays), 0), 4) AS opp_epa_per_play,
        round(sum(successes)::numeric / nullif(sum(defensive_plays), 0), 4) AS opp_success_rate,
        sum(sacks)::integer AS sacks,
        sum(interceptions)::integer AS interceptions,
        sum(fumbles)::integer AS fumbles,
        sum(stuffs)::integer AS stuffs,
        sum(rushes_faced) AS rushes_faced,
        sum(tfls)::integer AS tfls,
        count(*) FILTER (WHERE plays > 0)::integer AS games,
        sum(plays)::integer AS plays,
        sum(pbp_sacks)::integer AS pbp_sacks,
        sum(tackles_for_loss)::integer AS tackles_for_loss,
        sum(pbp_interceptions)::integer AS pbp_interceptions,
        sum(forced_fumbles)::integer AS forced_fumbles,
        sum(pass_breakups)::integer AS pass_breakups
    FROM games
    GROUP BY team_id, season
),
-- CFBD's per-game havoc rates, the team id read off the game (the defense's side)
havoc AS (
    SELECT
        CASE gh.team WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        g.season,
        round(avg(gh.defense__havoc_rate::numeric), 4) AS havoc_rate,
        round(avg(gh.defense__front_seven_havoc_rate::numeric), 4) AS front_seven_havoc_rate,
        round(avg(gh.defense__db_havoc_rate::numeric), 4) AS db_havoc_rate,
        sum(coalesce(gh.defense__total_havoc_events::numeric,
                     gh.defense__total_havoc_events__v_double::numeric)) AS havoc_events
    FROM stats.game_havoc AS gh
    JOIN core.games AS g ON g.id = gh.game_id
    WHERE g.home_team IS DISTINCT FROM g.away_team
    GROUP BY 1, 2
)
SELECT
    c.team,
    c.season,
    c.defensive_plays,
    c.opp_epa_per_play,
    c.opp_success_rate,
    round(h.havoc_events)::integer AS havoc_plays,
    h.havoc_rate,
    c.sacks,
    c.interceptions,
    c.fumbles,
    c.interceptions + c.fumbles AS turnovers_forced,
    c.stuffs,
    round(c.stuffs::numeric / nullif(c.rushes_faced, 0), 4) AS stuff_rate,
    c.tfls,
    h.front_seven_havoc_rate,
    h.db_havoc_rate,
    -- cfbops's columns: scrimmage plays, by exact play type
    c.team_id,
    c.games,
    c.plays,
    c.pbp_sacks,
    c.tackles_for_loss,
    c.pbp_interceptions,
    c.forced_fumbles,
    c.pass_breakups,
    c.pbp_sacks + c.tackles_for_loss + c.pbp_interceptions + c.forced_fumbles + c.pass_breakups AS havoc_events,
    (c.pbp_sacks + c.tackles_for_loss + c.pbp_interceptions + c.forced_fumbles + c.pass_breakups)::numeric
        / nullif(c.plays, 0) AS pbp_havoc_rate,
    c.pbp_sacks + c.tackles_for_loss AS front_seven_events,
    (c.pbp_sacks + c.tackles_for_loss)::numeric / nullif(c.plays, 0) AS pbp_front_seven_havoc_rate,
    c.pbp_interceptions + c.pass_breakups AS db_events,
    (c.pbp_interceptions + c.pass_breakups)::numeric / nullif(c.plays, 0) AS pbp_db_havoc_rate
FROM counted AS c
LEFT JOIN havoc AS h ON h.team_id = c.team_id AND h.season = c.season;

CREATE UNIQUE INDEX defensive_havoc_team_id_season_key ON marts.defensive_havoc (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.defensive_havoc IS
    'Per defense (team id) and season: upstream''s plays faced and opponent EPA/success (garbage time out), sacks, interceptions, fumbles, turnovers, stuffs, TFLs by play-type words, CFBD''s havoc rates (stats.game_havoc, mean of games); then cfbops''s scrimmage counts by exact play type and play-by-play havoc rates (pbp_*).';
COMMENT ON COLUMN marts.defensive_havoc.havoc_rate IS
    'Mean of the season''s per-game defensive havoc rates CFBD publishes (stats.game_havoc.defense__havoc_rate); null without havoc data (upstream''s HEAD meaning).';
COMMENT ON COLUMN marts.defensive_havoc.havoc_plays IS
    'CFBD''s defensive havoc events of the season''s games (stats.game_havoc: defense__total_havoc_events, or its __v_double twin when CFBD sent a fraction), rounded; null without havoc data.';
COMMENT ON COLUMN marts.defensive_havoc.pbp_havoc_rate IS
    'cfbops: (sacks + TFLs + interceptions + forced fumbles + pass breakups) per scrimmage play, from the play-by-play.';
