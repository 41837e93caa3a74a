-- Rosters: four classes of 28 per program and season (FBS and FCS), for the scale's
-- roster seasons; with play-by-play of a few teams only (tiny), the programs that
-- played those games. Signees link to their recruit record (recruit_ids).
INSERT INTO core.roster (
    id, season, first_name, last_name, team, position, height, weight, year, jersey,
    home_city, home_state, home_country, home_latitude, home_longitude, recruit_ids)
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
    pl.athlete_id,
    pl.season,
    pg_temp.first_name(pl.athlete_id),
    pg_temp.last_name(pl.athlete_id) || pg_temp.name_suffix(pl.athlete_id),
    pl.school,
    pg_temp.slot_position(pl.slot),
    coalesce(round(rc.height)::integer, pg_temp.whole(pl.athlete_id, 821, 69, 78)),
    coalesce(rc.weight, CASE WHEN pg_temp.slot_position(pl.slot) IN ('OT', 'OG', 'C', 'DT')
                             THEN pg_temp.whole(pl.athlete_id, 823, 280, 340)
                             ELSE pg_temp.whole(pl.athlete_id, 823, 180, 250) END)
        + 4 * (pl.season - pl.entry_year),
    pl.season - pl.entry_year + 1,
    pg_temp.whole(pl.athlete_id, 827, 1, 99),
    coalesce(rc.city, pg_temp.pick(ARRAY['Atlanta', 'Houston', 'Dallas', 'Miami', 'Tampa',
                                         'Mobile', 'Omaha', 'Denver', 'Boise', 'Toledo'],
                                   pl.athlete_id, 829)),
    coalesce(rc.state_province, pg_temp.pick(ARRAY['GA', 'TX', 'TX', 'FL', 'FL', 'AL', 'NE',
                                                   'CO', 'ID', 'OH'], pl.athlete_id, 829)),
    'USA',
    round((29 + 17 * pg_temp.u(pl.athlete_id, 831))::numeric, 4)::double precision,
    round((-120 + 40 * pg_temp.u(pl.athlete_id, 833))::numeric, 4)::double precision,
    CASE WHEN rc.id IS NOT NULL THEN ARRAY[rc.id] END
FROM players AS pl
LEFT JOIN recruiting.recruits AS rc ON rc.athlete_id = pl.athlete_id
ORDER BY pl.athlete_id, pl.season;
