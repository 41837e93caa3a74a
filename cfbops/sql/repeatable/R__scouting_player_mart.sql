-- Per player on the latest season's rosters (core.roster's greatest year; a player on
-- two rosters that year: the one loaded last, then the first team by name), as
-- upstream's scout profile: roster facts, recruiting pedigree (the best-rated matching
-- recruit record, through core.roster__recruit_ids or recruits.athlete_id), the scout
-- service's grades and portal events (upstream's scouting tables, not held here: null),
-- the season's box-score production counted from stats.play_stats, and PPA (the
-- season's EPA of the plays he took part in, marts.athlete_season_epa). cfbops's own
-- columns follow: the season's EPA production and the recruit record matched.
DROP MATERIALIZED VIEW IF EXISTS scouting.player_mart CASCADE;

CREATE MATERIALIZED VIEW scouting.player_mart AS
WITH latest_roster AS (
    SELECT DISTINCT ON (r.id) r.*
    FROM core.roster AS r
    WHERE r.year = (SELECT max(year) FROM core.roster)
    ORDER BY r.id, r._dlt_load_id DESC, r.team
),
season_stats AS (
    SELECT ps.athlete_id, ps.game_id, ps.play_id, ps.stat_type, ps.stat
    FROM stats.play_stats AS ps
    WHERE ps.season = (SELECT max(year) FROM core.roster)
),
touchdowns AS (
    SELECT DISTINCT game_id, play_id, athlete_id FROM season_stats WHERE stat_type = 'Touchdown'
),
-- One row per play, player and stat type: a stat credited twice counts once.
credits AS (
    SELECT c.athlete_id, c.stat_type, c.stat,
           EXISTS (SELECT 1 FROM touchdowns AS t
                   WHERE t.game_id = c.game_id AND t.play_id = c.play_id) AS play_scored,
           EXISTS (SELECT 1 FROM touchdowns AS t
                   WHERE t.game_id = c.game_id AND t.play_id = c.play_id
                     AND t.athlete_id = c.athlete_id) AS player_scored
    FROM (
        SELECT athlete_id, game_id, play_id, stat_type, max(stat) AS stat
        FROM season_stats
        GROUP BY athlete_id, game_id, play_id, stat_type
    ) AS c
),
production AS (
    SELECT
        athlete_id,
        count(*) FILTER (WHERE stat_type IN ('Completion', 'Incompletion', 'Interception Thrown')) AS pass_att,
        count(*) FILTER (WHERE stat_type = 'Completion') AS pass_cmp,
        sum(stat) FILTER (WHERE stat_type = 'Completion') AS pass_yds,
        count(*) FILTER (WHERE stat_type = 'Completion' AND play_scored) AS pass_td,
        count(*) FILTER (WHERE stat_type = 'Interception Thrown') AS pass_int,
        count(*) FILTER (WHERE stat_type = 'Rush') AS rush_car,
        sum(stat) FILTER (WHERE stat_type = 'Rush') AS rush_yds,
        count(*) FILTER (WHERE stat_type = 'Rush' AND player_scored) AS rush_td,
        count(*) FILTER (WHERE stat_type = 'Reception') AS rec,
        sum(stat) FILTER (WHERE stat_type = 'Reception') AS rec_yds,
        count(*) FILTER (WHERE stat_type = 'Reception' AND player_scored) AS rec_td,
        count(*) FILTER (WHERE stat_type = 'Tackle') AS tackles,
        count(*) FILTER (WHERE stat_type = 'Sack') AS sacks,
        count(*) FILTER (WHERE stat_type = 'Pass Breakup') AS pass_def,
        count(*) FILTER (WHERE stat_type = 'Interception') AS def_int
    FROM credits
    GROUP BY athlete_id
)
SELECT
    ro.id AS player_id,
    concat_ws(' ', ro.first_name, ro.last_name) AS name,
    ro.team,
    ro.position,
    ro.year AS roster_year,
    ro.height,
    ro.weight,
    ro.jersey,
    ro.home_city,
    ro.home_state,
    rec.stars,
    rec.rating AS recruit_rating,
    rec.ranking AS national_ranking,
    rec.year AS recruit_class,
    rec.school AS high_school,
    NULL::integer AS scouting_id,
    NULL::integer AS composite_grade,
    NULL::jsonb AS traits,
    NULL::text AS draft_projection,
    NULL::text[] AS comps,
    NULL::text AS scouting_status,
    NULL::text AS portal_status,
    NULL::text AS portal_destination,
    NULL::date AS portal_date,
    pr.pass_att::numeric AS pass_att,
    pr.pass_cmp::numeric AS pass_cmp,
    pr.pass_yds::numeric AS pass_yds,
    pr.pass_td::numeric AS pass_td,
    pr.pass_int::numeric AS pass_int,
    round(pr.pass_cmp::numeric / nullif(pr.pass_att, 0), 3) AS pass_pct,
    pr.rush_car::numeric AS rush_car,
    pr.rush_yds::numeric AS rush_yds,
    pr.rush_td::numeric AS rush_td,
    round(pr.rush_yds::numeric / nullif(pr.rush_car, 0), 1) AS rush_ypc,
    pr.rec::numeric AS rec,
    pr.rec_yds::numeric AS rec_yds,
    pr.rec_td::numeric AS rec_td,
    round(pr.rec_yds::numeric / nullif(pr.rec, 0), 1) AS rec_ypr,
    pr.tackles::numeric AS tackles,
    pr.sacks::numeric AS sacks,
    NULL::numeric AS tfl,
    pr.pass_def::numeric AS pass_def,
    pr.def_int::numeric AS def_int,
    ase.epa_per_play::double precision AS ppa_avg,
    ase.total_epa::double precision AS ppa_total,
    -- cfbops's columns
    ase.games,
    ase.plays,
    ase.total_epa,
    ase.epa_per_play,
    ase.success_rate,
    ase.pass_plays,
    ase.pass_epa_per_play,
    ase.rush_plays,
    ase.rush_epa_per_play,
    ase.targets,
    ase.receiving_epa_per_target,
    rec.id AS recruit_id,
    rec.position AS recruit_position,
    rec.committed_to AS recruit_committed_to,
    rank() OVER (PARTITION BY ro.position ORDER BY ase.total_epa DESC NULLS LAST)::integer AS position_epa_rank
FROM latest_roster AS ro
LEFT JOIN marts.athlete_season_epa AS ase
    ON ase.athlete_id = ro.id AND ase.season = ro.year
LEFT JOIN production AS pr
    ON pr.athlete_id = ro.id
-- A UNION of the two ways a recruit record matches, not an OR: the OR left the planner
-- no index to use, so every recruit was scanned for every player (as in
-- marts.team_talent_composite). UNION keeps a record matched both ways once, as the OR did.
LEFT JOIN LATERAL (
    SELECT m.id, m.year, m.stars, m.rating, m.ranking, m.position, m.committed_to, m.school
    FROM (
        SELECT rc.* FROM recruiting.recruits AS rc WHERE rc.athlete_id = ro.id
        UNION
        SELECT rc.*
        FROM core.roster__recruit_ids AS ri
        JOIN recruiting.recruits AS rc ON rc.id = ri.value
        WHERE ri._dlt_parent_id = ro._dlt_id
    ) AS m
    ORDER BY m.rating DESC NULLS LAST, m.id
    LIMIT 1
) AS rec ON true;

CREATE UNIQUE INDEX player_mart_player_id_key ON scouting.player_mart (player_id);

COMMENT ON MATERIALIZED VIEW scouting.player_mart IS
    'Per player on the latest season''s rosters (upstream''s shape): roster facts, best-rated recruit record, scout grades and portal events (not held here: null), the season''s box-score counts from stats.play_stats, PPA (EPA of his plays); then cfbops''s season EPA production, recruit id and EPA rank within position.';
COMMENT ON COLUMN scouting.player_mart.scouting_id IS
    'Always null here: upstream reads scouting.players (its scout service), which this warehouse does not hold.';
COMMENT ON COLUMN scouting.player_mart.composite_grade IS 'Always null here: upstream reads scouting.players, not held here.';
COMMENT ON COLUMN scouting.player_mart.traits IS 'Always null here: upstream reads scouting.players, not held here.';
COMMENT ON COLUMN scouting.player_mart.draft_projection IS 'Always null here: upstream reads scouting.players, not held here.';
COMMENT ON COLUMN scouting.player_mart.comps IS 'Always null here: upstream reads scouting.players, not held here.';
COMMENT ON COLUMN scouting.player_mart.scouting_status IS 'Always null here: upstream reads scouting.players, not held here.';
COMMENT ON COLUMN scouting.player_mart.portal_status IS
    'Always null here: upstream reads scouting.transfer_events (transfer-portal events), not held here.';
COMMENT ON COLUMN scouting.player_mart.portal_destination IS 'Always null here: upstream reads scouting.transfer_events, not held here.';
COMMENT ON COLUMN scouting.player_mart.portal_date IS 'Always null here: upstream reads scouting.transfer_events, not held here.';
COMMENT ON COLUMN scouting.player_mart.pass_att IS
    'Passes thrown in the roster season (Completion, Incompletion and Interception Thrown credits in stats.play_stats); upstream reads CFBD''s season stats, which this warehouse does not load. Null without play stats.';
COMMENT ON COLUMN scouting.player_mart.pass_pct IS 'Completions over attempts, a fraction to 3 places.';
COMMENT ON COLUMN scouting.player_mart.pass_td IS 'Completions on plays with a Touchdown credit.';
COMMENT ON COLUMN scouting.player_mart.tackles IS
    'Tackle credits in stats.play_stats for the roster season (0 where the feed credits none).';
COMMENT ON COLUMN scouting.player_mart.tfl IS
    'Always null here: the play stats do not tell a tackle for loss, and CFBD''s season stats are not loaded.';
COMMENT ON COLUMN scouting.player_mart.pass_def IS 'Pass Breakup credits in stats.play_stats for the roster season.';
COMMENT ON COLUMN scouting.player_mart.ppa_avg IS
    'EPA (CFBD PPA) per play of the plays he took part in that season (marts.athlete_season_epa); upstream reads metrics.ppa_players_season.';
COMMENT ON COLUMN scouting.player_mart.ppa_total IS
    'Total EPA (CFBD PPA) of the plays he took part in that season (marts.athlete_season_epa).';
