-- Teams: the FBS programs by name, then programs of the other divisions made of place
-- names and patterns ("North Abilene", "Wabash State"), many of them no longer playing.
-- ~35 school names are shared by different ids (the known defect: "Albany" x3).
-- seed_team keeps the generator's view of each team: its conference row, whether it
-- plays in modern seasons, its first season and its program strength.
CREATE TEMP TABLE seed_team (
    team_id         integer PRIMARY KEY,
    school          text NOT NULL,
    classification  text NOT NULL,
    conference_id   integer,
    conference      text,
    tier            text NOT NULL,
    conf_rank       integer NOT NULL,
    active          boolean NOT NULL,     -- plays in modern seasons
    first_season    integer NOT NULL,
    quality         double precision NOT NULL,
    venue_id        integer
);

WITH fbs (school, conference, blue_blood) AS (
    VALUES
    ('Boston College', 'ACC', false), ('California', 'ACC', false), ('Clemson', 'ACC', true),
    ('Duke', 'ACC', false), ('Florida State', 'ACC', true), ('Georgia Tech', 'ACC', false),
    ('Louisville', 'ACC', false), ('Miami', 'ACC', false), ('NC State', 'ACC', false),
    ('North Carolina', 'ACC', false), ('Pittsburgh', 'ACC', false), ('SMU', 'ACC', false),
    ('Stanford', 'ACC', false), ('Syracuse', 'ACC', false), ('Virginia', 'ACC', false),
    ('Virginia Tech', 'ACC', false), ('Wake Forest', 'ACC', false),
    ('Army', 'American Athletic', false), ('Charlotte', 'American Athletic', false),
    ('East Carolina', 'American Athletic', false), ('Florida Atlantic', 'American Athletic', false),
    ('Memphis', 'American Athletic', false), ('Navy', 'American Athletic', false),
    ('North Texas', 'American Athletic', false), ('Rice', 'American Athletic', false),
    ('South Florida', 'American Athletic', false), ('Temple', 'American Athletic', false),
    ('Tulane', 'American Athletic', false), ('Tulsa', 'American Athletic', false),
    ('UAB', 'American Athletic', false), ('UTSA', 'American Athletic', false),
    ('Arizona', 'Big 12', false), ('Arizona State', 'Big 12', false), ('Baylor', 'Big 12', false),
    ('BYU', 'Big 12', false), ('Cincinnati', 'Big 12', false), ('Colorado', 'Big 12', false),
    ('Houston', 'Big 12', false), ('Iowa State', 'Big 12', false), ('Kansas', 'Big 12', false),
    ('Kansas State', 'Big 12', false), ('Oklahoma State', 'Big 12', false), ('TCU', 'Big 12', false),
    ('Texas Tech', 'Big 12', false), ('UCF', 'Big 12', false), ('Utah', 'Big 12', false),
    ('West Virginia', 'Big 12', false),
    ('Illinois', 'Big Ten', false), ('Indiana', 'Big Ten', false), ('Iowa', 'Big Ten', false),
    ('Maryland', 'Big Ten', false), ('Michigan', 'Big Ten', true), ('Michigan State', 'Big Ten', false),
    ('Minnesota', 'Big Ten', false), ('Nebraska', 'Big Ten', false), ('Northwestern', 'Big Ten', false),
    ('Ohio State', 'Big Ten', true), ('Oregon', 'Big Ten', true), ('Penn State', 'Big Ten', true),
    ('Purdue', 'Big Ten', false), ('Rutgers', 'Big Ten', false), ('UCLA', 'Big Ten', false),
    ('USC', 'Big Ten', true), ('Washington', 'Big Ten', false), ('Wisconsin', 'Big Ten', false),
    ('FIU', 'Conference USA', false), ('Jacksonville State', 'Conference USA', false),
    ('Kennesaw State', 'Conference USA', false), ('Liberty', 'Conference USA', false),
    ('Louisiana Tech', 'Conference USA', false), ('Middle Tennessee', 'Conference USA', false),
    ('New Mexico State', 'Conference USA', false), ('Sam Houston', 'Conference USA', false),
    ('UTEP', 'Conference USA', false), ('Western Kentucky', 'Conference USA', false),
    ('Notre Dame', 'FBS Independents', true), ('UConn', 'FBS Independents', false),
    ('UMass', 'FBS Independents', false),
    ('Akron', 'Mid-American', false), ('Ball State', 'Mid-American', false),
    ('Bowling Green', 'Mid-American', false), ('Buffalo', 'Mid-American', false),
    ('Central Michigan', 'Mid-American', false), ('Eastern Michigan', 'Mid-American', false),
    ('Kent State', 'Mid-American', false), ('Miami (OH)', 'Mid-American', false),
    ('Northern Illinois', 'Mid-American', false), ('Ohio', 'Mid-American', false),
    ('Toledo', 'Mid-American', false), ('Western Michigan', 'Mid-American', false),
    ('Air Force', 'Mountain West', false), ('Boise State', 'Mountain West', false),
    ('Colorado State', 'Mountain West', false), ('Fresno State', 'Mountain West', false),
    ('Hawai''i', 'Mountain West', false), ('Nevada', 'Mountain West', false),
    ('New Mexico', 'Mountain West', false), ('San Diego State', 'Mountain West', false),
    ('San José State', 'Mountain West', false), ('UNLV', 'Mountain West', false),
    ('Utah State', 'Mountain West', false), ('Wyoming', 'Mountain West', false),
    ('Oregon State', 'Pac-12', false), ('Washington State', 'Pac-12', false),
    ('Alabama', 'SEC', true), ('Arkansas', 'SEC', false), ('Auburn', 'SEC', false),
    ('Florida', 'SEC', true), ('Georgia', 'SEC', true), ('Kentucky', 'SEC', false),
    ('LSU', 'SEC', true), ('Mississippi State', 'SEC', false), ('Missouri', 'SEC', false),
    ('Oklahoma', 'SEC', true), ('Ole Miss', 'SEC', false), ('South Carolina', 'SEC', false),
    ('Tennessee', 'SEC', false), ('Texas', 'SEC', true), ('Texas A&M', 'SEC', false),
    ('Vanderbilt', 'SEC', false),
    ('Appalachian State', 'Sun Belt', false), ('Arkansas State', 'Sun Belt', false),
    ('Coastal Carolina', 'Sun Belt', false), ('Georgia Southern', 'Sun Belt', false),
    ('Georgia State', 'Sun Belt', false), ('James Madison', 'Sun Belt', false),
    ('Louisiana', 'Sun Belt', false), ('UL Monroe', 'Sun Belt', false), ('Marshall', 'Sun Belt', false),
    ('Old Dominion', 'Sun Belt', false), ('South Alabama', 'Sun Belt', false),
    ('Southern Miss', 'Sun Belt', false), ('Texas State', 'Sun Belt', false), ('Troy', 'Sun Belt', false)
),
-- Shared names: each appears once per classification listed (Albany: FCS, II and III).
shared (school, classes) AS (
    VALUES
    ('Albany', ARRAY['fcs', 'ii', 'iii']), ('Concordia', ARRAY['ii', 'iii', 'iii']),
    ('Westminster', ARRAY['ii', 'iii', 'iii']), ('Trinity', ARRAY['iii', 'iii', 'iii']),
    ('Wesleyan', ARRAY['ii', 'iii', 'iii']), ('Augustana', ARRAY['ii', 'iii']),
    ('Bethel', ARRAY['ii', 'iii']), ('Columbia', ARRAY['fcs', 'iii']), ('Georgetown', ARRAY['fcs', 'ii']),
    ('Lincoln', ARRAY['ii', 'ii']), ('Loyola', ARRAY['iii', 'iii']), ('Marian', ARRAY['ii', 'iii']),
    ('Northwestern State', ARRAY['fcs', 'ii']), ('St. John''s', ARRAY['fcs', 'iii']),
    ('Saint Joseph''s', ARRAY['ii', 'iii']), ('Washington & Jefferson', ARRAY['iii', 'iii']),
    ('Lindenwood', ARRAY['fcs', 'ii']), ('Emory & Henry', ARRAY['ii', 'iii']),
    ('Southwestern', ARRAY['iii', 'iii']), ('Central', ARRAY['ii', 'iii']),
    ('Olivet', ARRAY['iii', 'iii']), ('Mount St. Joseph', ARRAY['iii', 'iii']),
    ('Saint Anselm', ARRAY['ii', 'iii']), ('Benedictine', ARRAY['ii', 'iii']),
    ('Carroll', ARRAY['ii', 'iii']), ('Wayne State', ARRAY['ii', 'ii']),
    ('Grand View', ARRAY['ii', 'iii']), ('Pacific', ARRAY['ii', 'iii']),
    ('Northern State', ARRAY['ii', 'iii']), ('Western State', ARRAY['ii', 'iii']),
    ('Tarleton', ARRAY['fcs', 'ii']), ('Bluefield', ARRAY['ii', 'iii']),
    ('Union', ARRAY['ii', 'iii']), ('Saint Mary''s', ARRAY['ii', 'iii']), ('Emporia', ARRAY['ii', 'ii'])
),
places (place) AS (
    SELECT unnest(ARRAY[
        'Abilene', 'Adrian', 'Albion', 'Alfred', 'Allegheny', 'Alma', 'Amherst', 'Anderson',
        'Angelo', 'Appalachia', 'Ashland', 'Augusta', 'Aurora', 'Austin', 'Avila', 'Baker',
        'Baldwin', 'Bates', 'Bemidji', 'Benedict', 'Bentley', 'Berea', 'Bethany', 'Birmingham',
        'Bowdoin', 'Bridgewater', 'Brockport', 'Bryant', 'Buena Vista', 'Butler', 'Campbell',
        'Capital', 'Carson', 'Carthage', 'Castleton', 'Centre', 'Chadron', 'Chapman', 'Chowan',
        'Clarion', 'Coe', 'Colby', 'Concord', 'Cortland', 'Crete', 'Cumberland', 'Dakota',
        'Dayton', 'Defiance', 'Delta', 'Denison', 'DePauw', 'Dickinson', 'Doane', 'Drake',
        'Dubuque', 'Duquesne', 'Earlham', 'Elmhurst', 'Elon', 'Endicott', 'Erie', 'Eureka',
        'Fairmont', 'Ferris', 'Ferrum', 'Findlay', 'Fitchburg', 'Franklin', 'Frostburg',
        'Gallaudet', 'Geneva', 'Gettysburg', 'Glenville', 'Gordon', 'Grand Valley', 'Greensboro',
        'Greenville', 'Grinnell', 'Grove City', 'Guilford', 'Hamilton', 'Hamline', 'Hanover',
        'Hartwick', 'Hastings', 'Heidelberg', 'Hendrix', 'Hillsdale', 'Hiram', 'Hobart', 'Hope',
        'Huntingdon', 'Huron', 'Jamestown', 'Juniata', 'Kean', 'Kenyon', 'Keystone', 'Knox',
        'Kutztown', 'Lafayette', 'Lakeland', 'Lane', 'Lawrence', 'Lebanon Valley', 'Lenoir',
        'Linfield', 'Livingstone', 'Loras', 'Luther', 'Lycoming', 'Macalester', 'Manchester',
        'Marietta', 'Maryville', 'McDaniel', 'McMurry', 'Menlo', 'Mercyhurst', 'Merrimack',
        'Middlebury', 'Millersville', 'Millikin', 'Millsaps', 'Minot', 'Monmouth', 'Moravian',
        'Morehouse', 'Muhlenberg', 'Muskingum', 'Newberry', 'Nichols', 'Norwich', 'Oberlin',
        'Otterbein', 'Pace', 'Pomona', 'Puget Sound', 'Randolph', 'Redlands', 'Ripon', 'Rowan',
        'Salisbury', 'Shenandoah', 'Shepherd', 'Shippensburg', 'Simpson', 'Slippery Rock',
        'Springfield', 'Stetson', 'Susquehanna', 'Swarthmore', 'Thiel', 'Tiffin', 'Trine',
        'Tufts', 'Ursinus', 'Valdosta', 'Wabash', 'Walsh', 'Wartburg', 'Waynesburg', 'Wheaton',
        'Whitworth', 'Widener', 'Wilkes', 'Willamette', 'Wingate', 'Wittenberg', 'Wooster',
        'Yankton'
    ])
),
patterns (pattern) AS (
    SELECT unnest(ARRAY[
        '%s', '%s State', '%s College', '%s Tech', 'North %s', 'South %s', 'East %s',
        'West %s', '%s Christian', '%s A&M', 'Central %s', '%s Methodist'
    ])
),
-- Unique made-up names, in a seeded order; the first ones go to the divisions that
-- still play, the rest to programs of the past.
made_up AS (
    SELECT format(pt.pattern, pl.place) AS school,
           row_number() OVER (ORDER BY pg_temp.u(hashtext(format(pt.pattern, pl.place)), 11),
                                       format(pt.pattern, pl.place)) AS n
    FROM places AS pl
    CROSS JOIN patterns AS pt
    WHERE format(pt.pattern, pl.place) NOT IN (SELECT school FROM fbs)
      AND format(pt.pattern, pl.place) NOT IN (SELECT school FROM shared)
),
lower_division AS (
    SELECT m.school,
           CASE WHEN m.n <= 118 THEN 'fcs'
                WHEN m.n <= 268 THEN 'ii'
                WHEN m.n <= 470 THEN 'iii'
                WHEN m.n <= 620 THEN 'fcs'
                WHEN m.n <= 1100 THEN 'ii'
                ELSE 'iii' END AS classification,
           m.n <= 470 AS active,
           m.n AS ord
    FROM made_up AS m
    WHERE m.n <= 1690
    UNION ALL
    SELECT s.school, c.classification,
           s.school = 'Albany' OR c.ord = 1,
           10000 + row_number() OVER (ORDER BY s.school, c.ord)
    FROM shared AS s
    CROSS JOIN LATERAL unnest(s.classes) WITH ORDINALITY AS c (classification, ord)
),
numbered AS (
    SELECT row_number() OVER (ORDER BY f.conference, f.school)::integer AS team_id,
           f.school, 'fbs' AS classification, c.id AS conference_id, f.blue_blood, true AS active
    FROM fbs AS f
    JOIN seed_conference AS c ON c.name = f.conference
    UNION ALL
    SELECT 134 + row_number() OVER (ORDER BY l.ord)::integer,
           l.school, l.classification, NULL, false, l.active
    FROM lower_division AS l
),
-- Teams below FBS get a conference of their division: current ones for teams that still
-- play, defunct ones (or none) for the others.
placed AS (
    SELECT n.*,
           coalesce(n.conference_id, (
               SELECT c.id
               FROM seed_conference AS c
               WHERE c.classification = n.classification
                 AND (c.tier = 'defunct') = NOT n.active
               ORDER BY pg_temp.u(n.team_id::bigint * 1000 + c.id, 13), c.id
               LIMIT 1
           )) AS placed_conference_id
    FROM numbered AS n
)
INSERT INTO seed_team (team_id, school, classification, conference_id, conference, tier,
                       conf_rank, active, first_season, quality, venue_id)
SELECT
    p.team_id,
    p.school,
    p.classification,
    CASE WHEN p.active OR pg_temp.u(p.team_id, 17) < 0.6 THEN c.id END,
    CASE WHEN p.active OR pg_temp.u(p.team_id, 17) < 0.6 THEN c.name END,
    coalesce(c.tier, 'defunct'),
    coalesce(c.conf_rank, 999),
    p.active,
    -- first season: FBS programs from 1869 on, most of them before 1900
    CASE WHEN p.school = 'Rutgers' THEN 1869
         WHEN p.classification = 'fbs' THEN 1869 + floor(120 * power(pg_temp.u(p.team_id, 19), 2.2))::integer
         ELSE 1890 + floor(100 * pg_temp.u(p.team_id, 19))::integer END,
    -- program quality in points: blue bloods well above the rest of FBS
    CASE WHEN p.blue_blood THEN 9 ELSE 0 END
        + CASE c.tier WHEN 'power' THEN 4 WHEN 'independent' THEN -3 WHEN 'group' THEN -5 ELSE 0 END
        + CASE p.classification WHEN 'fbs' THEN 0 WHEN 'fcs' THEN -20 WHEN 'ii' THEN -30 ELSE -36 END
        + 12 * (pg_temp.u(p.team_id, 23) - 0.5),
    NULL
FROM placed AS p
LEFT JOIN seed_conference AS c ON c.id = p.placed_conference_id;

-- Venues: a home stadium for every team that still plays and for a few hundred programs
-- of the past, then neutral sites (bowl games).
CREATE TEMP TABLE seed_venue AS
SELECT
    row_number() OVER (ORDER BY t.active DESC, t.team_id)::integer AS venue_id,
    t.team_id,
    t.school || ' ' || pg_temp.pick(ARRAY['Stadium', 'Field', 'Memorial Stadium', 'Bowl',
                                          'Field at Legion Park', 'Athletic Complex'],
                                    t.team_id, 29) AS name,
    CASE t.classification
        WHEN 'fbs' THEN 25000 + 500 * floor(150 * pg_temp.u(t.team_id, 31) * (1 + (t.quality > 5)::integer * 0.6))::integer
        WHEN 'fcs' THEN 6000 + 100 * floor(200 * pg_temp.u(t.team_id, 31))::integer
        ELSE 1500 + 100 * floor(60 * pg_temp.u(t.team_id, 31))::integer
    END AS capacity,
    pg_temp.u(t.team_id, 37) < 0.8 AS grass,
    pg_temp.u(t.team_id, 41) < 0.05 AS dome
FROM seed_team AS t
WHERE t.active OR pg_temp.u(t.team_id, 43) < 0.08;

INSERT INTO seed_venue (venue_id, team_id, name, capacity, grass, dome)
SELECT (SELECT max(venue_id) FROM seed_venue) + b.n, NULL,
       pg_temp.pick(ARRAY['Sun', 'Cotton', 'Orange', 'Peach', 'Gator', 'Citrus', 'Liberty',
                          'Holiday', 'Alamo', 'Fiesta', 'Independence', 'Music City',
                          'Armed Forces', 'Frisco', 'Camellia', 'Cure', 'Boca Raton'],
                    b.n, 47) || ' Bowl Stadium ' || b.n,
       40000 + 1000 * floor(40 * pg_temp.u(b.n, 53))::integer, pg_temp.u(b.n, 59) < 0.5,
       pg_temp.u(b.n, 61) < 0.3
FROM generate_series(1, 837 - (SELECT count(*) FROM seed_venue)::integer) AS b (n);

UPDATE seed_team AS t SET venue_id = v.venue_id FROM seed_venue AS v WHERE v.team_id = t.team_id;

INSERT INTO ref.venues (id, name, capacity, dome, city, state, zip, country_code, latitude,
                        longitude, _dlt_load_id, _dlt_id, grass, timezone, elevation,
                        construction_year)
SELECT
    v.venue_id,
    v.name,
    v.capacity,
    v.dome,
    split_part(v.name, ' ', 1),
    pg_temp.pick(ARRAY['AL', 'AZ', 'CA', 'CO', 'FL', 'GA', 'IA', 'IL', 'IN', 'KS', 'KY', 'LA',
                       'MA', 'MI', 'MN', 'MO', 'MS', 'NC', 'NE', 'NY', 'OH', 'OK', 'OR', 'PA',
                       'SC', 'TN', 'TX', 'UT', 'VA', 'WA', 'WI', 'WV'], v.venue_id, 67),
    lpad(pg_temp.whole(v.venue_id, 71, 10000, 99999)::text, 5, '0'),
    'US',
    round((25 + 23 * pg_temp.u(v.venue_id, 79))::numeric, 5)::double precision,
    round((-122 + 52 * pg_temp.u(v.venue_id, 83))::numeric, 5)::double precision,
    pg_temp.load_id(2025),
    pg_temp.dlt_id('venues', v.venue_id::text),
    v.grass,
    pg_temp.pick(ARRAY['America/New_York', 'America/Chicago', 'America/Denver',
                       'America/Los_Angeles'], v.venue_id, 73),
    -- CFBD sends elevation as a string
    round((1500 * power(pg_temp.u(v.venue_id, 89), 3))::numeric, 1)::text,
    1895 + floor(125 * pg_temp.u(v.venue_id, 97))::integer
FROM seed_venue AS v
ORDER BY v.venue_id;

-- location__* is the home venue, flattened by dlt.
INSERT INTO ref.teams (id, school, mascot, abbreviation, conference, classification, color,
                       alternate_color, twitter, location__id, location__name, location__city,
                       location__state, location__zip, location__country_code,
                       location__timezone, location__latitude, location__longitude,
                       location__elevation, location__capacity, location__construction_year,
                       location__grass, location__dome, _dlt_load_id, _dlt_id, division)
SELECT
    t.team_id,
    t.school,
    pg_temp.pick(ARRAY['Bears', 'Bulldogs', 'Cardinals', 'Cougars', 'Crusaders', 'Eagles',
                       'Falcons', 'Golden Bears', 'Hawks', 'Hornets', 'Huskies', 'Knights',
                       'Lions', 'Lumberjacks', 'Mustangs', 'Owls', 'Panthers', 'Pioneers',
                       'Rams', 'Ravens', 'Rebels', 'Saints', 'Spartans', 'Storm', 'Tigers',
                       'Titans', 'Trojans', 'Vikings', 'Warriors', 'Wildcats', 'Wolves',
                       'Yellow Jackets', 'Blue Devils', 'Great Danes', 'Golden Rams',
                       'Paladins', 'Thunder', 'Monarchs', 'Pirates', 'Mountaineers'],
                 t.team_id, 101),
    upper(left(regexp_replace(t.school, '[^A-Za-z]', '', 'g'), 4)),
    t.conference,
    t.classification,
    '#' || lpad(to_hex(pg_temp.whole(t.team_id, 107, 0, 16777215)), 6, '0'),
    '#' || lpad(to_hex(pg_temp.whole(t.team_id, 109, 0, 16777215)), 6, '0'),
    CASE WHEN t.active THEN '@' || regexp_replace(t.school, '[^A-Za-z]', '', 'g') || 'FB' END,
    v.id, v.name, v.city, v.state, v.zip, v.country_code, v.timezone, v.latitude, v.longitude,
    v.elevation, v.capacity, v.construction_year, v.grass, v.dome,
    pg_temp.load_id(2025),
    pg_temp.dlt_id('teams', t.team_id::text),
    CASE WHEN t.tier IN ('power', 'group') THEN pg_temp.pick(ARRAY['East', 'West'], t.team_id, 103) END
FROM seed_team AS t
LEFT JOIN ref.venues AS v ON v.id = t.venue_id
ORDER BY t.team_id;

-- Arrays are child tables: logos for programs that still play in FBS/FCS (index 0 is
-- the primary logo), the school name and its abbreviation as alternate names.
INSERT INTO ref.teams__logos (value, _dlt_parent_id, _dlt_list_idx, _dlt_id)
SELECT l.url, tm._dlt_id, l.idx, pg_temp.dlt_id('teams__logos', t.team_id || '/' || l.idx)
FROM seed_team AS t
JOIN ref.teams AS tm ON tm.id = t.team_id
CROSS JOIN LATERAL (
    VALUES (0, 'http://a.espncdn.com/i/teamlogos/ncaa/500/' || t.team_id || '.png'),
           (1, 'http://a.espncdn.com/i/teamlogos/ncaa/500-dark/' || t.team_id || '.png')
) AS l (idx, url)
WHERE t.classification IN ('fbs', 'fcs') AND t.active
ORDER BY t.team_id, l.idx;

INSERT INTO ref.teams__alternate_names (value, _dlt_parent_id, _dlt_list_idx, _dlt_id)
SELECT a.name, tm._dlt_id, a.idx, pg_temp.dlt_id('teams__alternate_names', tm.id || '/' || a.idx)
FROM ref.teams AS tm
CROSS JOIN LATERAL (VALUES (0, tm.school), (1, tm.abbreviation)) AS a (idx, name)
ORDER BY tm.id, a.idx;
