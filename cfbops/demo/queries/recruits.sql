-- Recruits (ids are CFBD strings): a class per program and year (FBS ~13-22 signees, FCS a few). Stronger
-- programs sign more stars. Each signee is slot 0..n of his class, the same slot his
-- roster row has (pg_temp.athlete_id), so recruits, rosters and player marts join.
-- A few never enrol (no athlete id), a few are uncommitted, and about one in a hundred
-- committed to a name that is no school in ref.teams (a JUCO or prep school, a
-- misspelling): the data-quality finding of committed_to.
INSERT INTO recruiting.recruits (
    id, athlete_id, recruit_type, year, ranking, name, school, committed_to, position,
    height, weight, stars, rating, city, state_province, country, hometown_info__latitude,
    hometown_info__longitude, hometown_info__fips_code, recruiting_year, _dlt_load_id, _dlt_id)
WITH classes AS (
    SELECT t.team_id, t.school, t.classification, t.quality, y.year,
           CASE t.classification
               WHEN 'fbs' THEN pg_temp.whole(t.team_id::bigint * 10000 + y.year, 801, 13, 22)
               WHEN 'fcs' THEN pg_temp.whole(t.team_id::bigint * 10000 + y.year, 801, 0, 3)
               ELSE (pg_temp.u(t.team_id::bigint * 10000 + y.year, 801) < 0.15)::integer
           END AS signees
    FROM seed_team AS t
    CROSS JOIN seed_scale AS sc
    CROSS JOIN LATERAL generate_series(sc.recruit_first, sc.last_season) AS y (year)
    WHERE t.active
),
signees AS (
    SELECT
        c.*,
        sl.slot,
        ((c.year - 1990)::bigint * 3000 + c.team_id) * 30 + sl.slot AS recruit_id,
        -- talent: the program's pull and the player's own luck
        0.5 * least(greatest((c.quality + 22) / 36.0, 0), 1)
            + 0.5 * pg_temp.u(((c.year - 1990)::bigint * 3000 + c.team_id) * 30 + sl.slot, 803)
            AS talent,
        pg_temp.u(((c.year - 1990)::bigint * 3000 + c.team_id) * 30 + sl.slot, 805) AS fate
    FROM classes AS c
    CROSS JOIN LATERAL generate_series(0, c.signees - 1) AS sl (slot)
),
rated AS (
    SELECT
        s.*,
        CASE WHEN s.talent > 0.93 THEN 5 WHEN s.talent > 0.74 THEN 4 WHEN s.talent > 0.42 THEN 3
             WHEN s.talent > 0.14 THEN 2 ELSE 1 END AS stars,
        pg_temp.u(s.recruit_id, 807) AS within
    FROM signees AS s
)
SELECT
    r.recruit_id::text,
    CASE WHEN r.fate >= 0.05 AND r.classification IN ('fbs', 'fcs')
         THEN pg_temp.athlete_id(r.team_id, r.year, r.slot)::text END,
    CASE WHEN pg_temp.u(r.recruit_id, 809) < 0.92 THEN 'HighSchool'
         WHEN pg_temp.u(r.recruit_id, 809) < 0.98 THEN 'JUCO' ELSE 'PrepSchool' END,
    r.year,
    row_number() OVER (PARTITION BY r.year ORDER BY r.stars DESC, r.within DESC, r.recruit_id)::integer,
    pg_temp.player_name(CASE WHEN r.fate >= 0.05 AND r.classification IN ('fbs', 'fcs')
                             THEN pg_temp.athlete_id(r.team_id, r.year, r.slot)
                             ELSE r.recruit_id + 1000000000000 END),
    pg_temp.pick(ARRAY['Central', 'North', 'South', 'East', 'West', 'Lincoln', 'Jefferson',
                       'Washington', 'Roosevelt', 'Kennedy', 'Westlake', 'Lakeside',
                       'St. Thomas Aquinas', 'IMG Academy', 'Mater Dei', 'Bishop Gorman'],
                 r.recruit_id, 811)
        || CASE WHEN pg_temp.u(r.recruit_id, 811) < 0.8 THEN ' High School' ELSE '' END,
    CASE WHEN r.fate < 0.03 THEN NULL
         WHEN r.fate < 0.04 THEN pg_temp.pick(ARRAY['Hudson Valley CC', 'Iowa Western CC',
                                                   'Blinn', 'Garden City CC', 'ASA College',
                                                   'Northeast Prep Academy', 'Nowhere State',
                                                   'Copiah-Lincoln CC', 'Alabamma'],
                                             r.recruit_id, 813)
         ELSE r.school END,
    pg_temp.slot_position(r.slot),
    round(70 + 8 * pg_temp.u(r.recruit_id, 815)),
    CASE WHEN pg_temp.slot_position(r.slot) IN ('OT', 'OG', 'C', 'DT')
         THEN pg_temp.whole(r.recruit_id, 817, 270, 340)
         ELSE pg_temp.whole(r.recruit_id, 817, 175, 245) END,
    r.stars,
    round(CASE r.stars
              WHEN 5 THEN 0.9834 + 0.0166 * r.within
              WHEN 4 THEN 0.8900 + 0.0933 * r.within
              WHEN 3 THEN 0.7970 + 0.0929 * r.within
              WHEN 2 THEN 0.7000 + 0.0969 * r.within
              ELSE 0.5000 + 0.1999 * r.within END::numeric, 4),
    pg_temp.pick(ARRAY['Atlanta', 'Houston', 'Dallas', 'Miami', 'Tampa', 'Jacksonville',
                       'Birmingham', 'New Orleans', 'Columbus', 'Cleveland', 'Detroit',
                       'Chicago', 'Los Angeles', 'San Diego', 'Phoenix', 'Charlotte',
                       'Nashville', 'Memphis', 'St. Louis', 'Baltimore'], r.recruit_id, 819),
    pg_temp.pick(ARRAY['GA', 'TX', 'TX', 'FL', 'FL', 'FL', 'AL', 'LA', 'OH', 'OH', 'MI', 'IL',
                       'CA', 'CA', 'AZ', 'NC', 'TN', 'TN', 'MO', 'MD'], r.recruit_id, 819),
    'USA',
    round((29 + 17 * pg_temp.u(r.recruit_id, 823))::numeric, 4)::double precision,
    round((-120 + 40 * pg_temp.u(r.recruit_id, 827))::numeric, 4)::double precision,
    lpad(pg_temp.whole(r.recruit_id, 829, 1001, 56045)::text, 5, '0'),
    r.year,
    pg_temp.load_id(r.year),
    pg_temp.dlt_id('recruits', r.recruit_id::text)
FROM rated AS r
ORDER BY r.recruit_id;
