-- Rosters: four classes of 28 per program and season (FBS and FCS), for the scale's
-- roster seasons; with play-by-play of a few teams only (tiny), the programs that
-- played those games. As the loader writes them: id is the athlete id (text), year the
-- SEASON (the loader overwrites CFBD's class year with it), and a signee's recruit
-- record is in the child table core.roster__recruit_ids.
INSERT INTO core.roster (
    id, first_name, last_name, team, year, _dlt_load_id, _dlt_id, weight, height, jersey,
    position, home_city, home_state, home_country, home_latitude, home_longitude,
    home_county_fips)
WITH programs AS (
    SELECT t.team_id, t.school, y.season
    FROM seed_team AS t
    CROSS JOIN seed_scale AS sc
    CROSS JOIN LATERAL generate_series(sc.roster_first, sc.last_season) AS y (season)
    WHERE t.active
      AND t.classification IN ('fbs', 'fcs')
      AND (sc.play_focus IS NULL OR t.team_id IN (
              SELECT unnest(ARRAY[g.home_id, g.away_id])
              FROM core.games AS g
              WHERE g.season = y.season
                AND EXISTS (SELECT FROM core.drives AS d WHERE d.game_id = g.id)))
),
players AS (
    SELECT p.team_id, p.school, p.season, c.entry_year, sl.slot,
           pg_temp.athlete_id(p.team_id, c.entry_year, sl.slot) AS athlete_id
    FROM programs AS p
    CROSS JOIN LATERAL generate_series(p.season - 3, p.season) AS c (entry_year)
    CROSS JOIN generate_series(0, 27) AS sl (slot)
)
SELECT
    pl.athlete_id::text,
    pg_temp.first_name(pl.athlete_id),
    pg_temp.last_name(pl.athlete_id) || pg_temp.name_suffix(pl.athlete_id),
    pl.school,
    pl.season,
    pg_temp.load_id(pl.season),
    pg_temp.dlt_id('roster', pl.athlete_id || '/' || pl.school || '/' || pl.season),
    coalesce(rc.weight, CASE WHEN pg_temp.slot_position(pl.slot) IN ('OT', 'OG', 'C', 'DT')
                             THEN pg_temp.whole(pl.athlete_id, 823, 280, 340)
                             ELSE pg_temp.whole(pl.athlete_id, 823, 180, 250) END)
        + 4 * (pl.season - pl.entry_year),
    coalesce(rc.height, pg_temp.whole(pl.athlete_id, 821, 69, 78)),
    pg_temp.whole(pl.athlete_id, 827, 1, 99),
    pg_temp.slot_position(pl.slot),
    coalesce(rc.city, pg_temp.pick(ARRAY['Atlanta', 'Houston', 'Dallas', 'Miami', 'Tampa',
                                         'Mobile', 'Omaha', 'Denver', 'Boise', 'Toledo'],
                                   pl.athlete_id, 829)),
    coalesce(rc.state_province, pg_temp.pick(ARRAY['GA', 'TX', 'TX', 'FL', 'FL', 'AL', 'NE',
                                                   'CO', 'ID', 'OH'], pl.athlete_id, 829)),
    'USA',
    round((29 + 17 * pg_temp.u(pl.athlete_id, 831))::numeric, 4)::double precision,
    round((-120 + 40 * pg_temp.u(pl.athlete_id, 833))::numeric, 4)::double precision,
    coalesce(rc.hometown_info__fips_code, lpad(pg_temp.whole(pl.athlete_id, 835, 1001, 56045)::text, 5, '0'))
FROM players AS pl
LEFT JOIN recruiting.recruits AS rc ON rc.athlete_id = pl.athlete_id::text
ORDER BY pl.athlete_id, pl.season;

INSERT INTO core.roster__recruit_ids (value, _dlt_root_id, _dlt_parent_id, _dlt_list_idx, _dlt_id)
SELECT rc.id, r._dlt_id, r._dlt_id, 0, pg_temp.dlt_id('roster__recruit_ids', r._dlt_id || '/' || rc.id)
FROM core.roster AS r
JOIN recruiting.recruits AS rc ON rc.athlete_id = r.id
ORDER BY r.id, r.year;
