-- Per defense (team id) and season: havoc events on opponents' scrimmage plays.
-- Front-seven havoc = sacks + tackles for loss on runs; DB havoc = interceptions +
-- passes broken up; forced fumbles count in the total only (the play-by-play does not
-- say who forced them).
DROP MATERIALIZED VIEW IF EXISTS marts.defensive_havoc CASCADE;

CREATE MATERIALIZED VIEW marts.defensive_havoc AS
WITH defensive_plays AS (
    SELECT
        p.season,
        p.game_id,
        p.defense AS team,
        CASE p.defense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        p.play_type = 'Sack' AS is_sack,
        marts.play_category(p.play_type) = 'rush' AND p.yards_gained < 0 AS is_tackle_for_loss,
        p.play_type IN ('Interception', 'Pass Interception', 'Pass Interception Return',
                        'Interception Return Touchdown') AS is_interception,
        marts.play_category(p.play_type) = 'fumble' AS is_fumble,
        p.play_type = 'Pass Incompletion' AND p.play_text ILIKE '%broken up%' AS is_pass_breakup
    FROM core.plays AS p
    JOIN core.games AS g ON g.id = p.game_id
    WHERE p.down BETWEEN 1 AND 4
      AND p.offense <> p.defense  -- two teams sharing a name: sides cannot be told apart
      AND marts.play_category(p.play_type) IN ('pass', 'rush', 'fumble')
),
counted AS (
    SELECT
        team_id,
        season,
        min(team) AS team,
        count(DISTINCT game_id)::integer AS games,
        count(*)::integer AS plays,
        count(*) FILTER (WHERE is_sack)::integer AS sacks,
        count(*) FILTER (WHERE is_tackle_for_loss)::integer AS tackles_for_loss,
        count(*) FILTER (WHERE is_interception)::integer AS interceptions,
        count(*) FILTER (WHERE is_fumble)::integer AS forced_fumbles,
        count(*) FILTER (WHERE is_pass_breakup)::integer AS pass_breakups
    FROM defensive_plays
    WHERE team_id IS NOT NULL
    GROUP BY team_id, season
)
SELECT
    c.*,
    c.sacks + c.tackles_for_loss + c.interceptions + c.forced_fumbles + c.pass_breakups AS havoc_events,
    (c.sacks + c.tackles_for_loss + c.interceptions + c.forced_fumbles + c.pass_breakups)::numeric / c.plays AS havoc_rate,
    c.sacks + c.tackles_for_loss AS front_seven_events,
    (c.sacks + c.tackles_for_loss)::numeric / c.plays AS front_seven_havoc_rate,
    c.interceptions + c.pass_breakups AS db_events,
    (c.interceptions + c.pass_breakups)::numeric / c.plays AS db_havoc_rate
FROM counted AS c;

CREATE UNIQUE INDEX defensive_havoc_team_id_season_key ON marts.defensive_havoc (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.defensive_havoc IS
    'Per defense (team id) and season: scrimmage plays faced, sacks, TFLs, interceptions, forced fumbles, pass breakups; havoc, front-seven and DB havoc rates per play.';
