-- Session-local helpers of the demo generator (schema pg_temp: nothing is left behind).
-- Every random figure is a hash of an entity's key and a salt naming the figure, mixed
-- with the run's seed (pg_temp.seed_value(), created first by the generator): the same
-- key, salt and seed give the same number on every run and every server version,
-- whatever order rows are produced in. hashint8extended is the function hash
-- partitioning relies on, so it is stable across PostgreSQL releases. All of these are
-- IMMUTABLE one-expression SQL functions, which the planner inlines.

-- Uniform in [0, 1).
CREATE FUNCTION pg_temp.u(k bigint, salt integer)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ((hashint8extended(k, pg_temp.seed_value() * 1000003 + salt) >> 11)
            & 9007199254740991)::double precision / 9007199254740992.0
$$;

-- Roughly normal, mean 0 and standard deviation 1 (sum of four uniforms).
CREATE FUNCTION pg_temp.z(k bigint, salt integer)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (pg_temp.u(k, salt) + pg_temp.u(k, salt + 7919) + pg_temp.u(k, salt + 15887)
            + pg_temp.u(k, salt + 23869) - 2.0) * 1.7320508075688772
$$;

-- A whole number in [lo, hi].
CREATE FUNCTION pg_temp.whole(k bigint, salt integer, lo integer, hi integer)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT lo + floor(pg_temp.u(k, salt) * (hi - lo + 1))::integer
$$;

-- One element of an array.
CREATE FUNCTION pg_temp.pick(choices text[], k bigint, salt integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT choices[1 + floor(pg_temp.u(k, salt) * cardinality(choices))::integer]
$$;

CREATE FUNCTION pg_temp.first_name(k bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_temp.pick(ARRAY[
        'Aaron', 'Adrian', 'Aidan', 'AJ', 'Alex', 'Andre', 'Anthony', 'Antonio', 'Austin',
        'Bailey', 'Blake', 'Brady', 'Brandon', 'Brian', 'Brock', 'Bryce', 'Caleb', 'Cam',
        'Carson', 'Chase', 'Chris', 'Christian', 'Cody', 'Colby', 'Cole', 'Connor', 'Cooper',
        'Corey', 'Dalton', 'Damien', 'Daniel', 'Darius', 'David', 'Dawson', 'DeAndre',
        'Demarcus', 'Derek', 'Devin', 'Devon', 'Dillon', 'Dominic', 'Drew', 'Dylan', 'Eli',
        'Elijah', 'Eric', 'Ethan', 'Evan', 'Gabe', 'Garrett', 'Gavin', 'Grant', 'Hunter',
        'Isaiah', 'Jack', 'Jackson', 'Jacob', 'Jaden', 'Jake', 'Jalen', 'Jamal', 'James',
        'Jaylen', 'Jaylon', 'Ja''Marcus', 'Jeremiah', 'Jordan', 'Josh', 'Josiah', 'Julian',
        'Justin', 'Kade', 'Keenan', 'Kendall', 'Kevin', 'Kobe', 'Kyle', 'Landon', 'Lane',
        'Logan', 'Lucas', 'Malik', 'Marcus', 'Mason', 'Matthew', 'Micah', 'Michael', 'Miles',
        'Nate', 'Nathan', 'Nick', 'Noah', 'Owen', 'Parker', 'Quinn', 'Reggie', 'Ryan', 'Sam',
        'Seth', 'Shane', 'Spencer', 'Tanner', 'Terrell', 'Trey', 'Tristan', 'Ty', 'Tyler',
        'Tyrese', 'Will', 'Xavier', 'Zach', 'Zion'
    ], k, 101)
$$;

CREATE FUNCTION pg_temp.last_name(k bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_temp.pick(ARRAY[
        'Adams', 'Alexander', 'Allen', 'Anderson', 'Bailey', 'Baker', 'Banks', 'Barnes',
        'Bell', 'Bennett', 'Brooks', 'Brown', 'Bryant', 'Butler', 'Campbell', 'Carter',
        'Clark', 'Coleman', 'Collins', 'Cook', 'Cooper', 'Cox', 'Davis', 'Dixon', 'Edwards',
        'Ellis', 'Evans', 'Fisher', 'Ford', 'Foster', 'Freeman', 'Gibson', 'Gordon', 'Graham',
        'Grant', 'Gray', 'Green', 'Griffin', 'Hall', 'Hamilton', 'Harris', 'Harrison', 'Hayes',
        'Henderson', 'Hill', 'Holmes', 'Howard', 'Hughes', 'Hunter', 'Jackson', 'James',
        'Jenkins', 'Johnson', 'Jones', 'Jordan', 'Kelly', 'King', 'Lewis', 'Marshall',
        'Martin', 'Mason', 'McCoy', 'Miller', 'Mitchell', 'Moore', 'Morgan', 'Morris',
        'Murphy', 'Myers', 'Nelson', 'O''Neal', 'Owens', 'Parker', 'Patterson', 'Perry',
        'Peterson', 'Phillips', 'Porter', 'Powell', 'Price', 'Reed', 'Reynolds', 'Richardson',
        'Roberts', 'Robinson', 'Rogers', 'Ross', 'Russell', 'Sanders', 'Scott', 'Simmons',
        'Smith', 'Spencer', 'Stewart', 'St. John', 'Sullivan', 'Taylor', 'Thomas', 'Thompson',
        'Tucker', 'Turner', 'Walker', 'Wallace', 'Ward', 'Washington', 'Watson', 'Webb',
        'Wells', 'West', 'White', 'Williams', 'Wilson', 'Wood', 'Woods', 'Wright', 'Young'
    ], k, 211)
$$;

-- "Jr." and "II" on a few players, as real rosters have them.
CREATE FUNCTION pg_temp.name_suffix(k bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN pg_temp.u(k, 307) < 0.03 THEN ' Jr.'
                WHEN pg_temp.u(k, 307) < 0.04 THEN ' II' ELSE '' END
$$;

CREATE FUNCTION pg_temp.player_name(k bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_temp.first_name(k) || ' ' || pg_temp.last_name(k) || pg_temp.name_suffix(k)
$$;

-- Expected points of a snap from yards to goal, down and distance: about 1 point at
-- one's own 25 on first and ten, about 5 near the goal line; fourth down is worth much
-- less (a punt or a try usually follows), so a failed third down costs EPA.
CREATE FUNCTION pg_temp.expected_points(yards_to_goal integer, down integer, distance integer)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT 6.0 - 0.064 * yards_to_goal
           - CASE coalesce(down, 1) WHEN 1 THEN 0 WHEN 2 THEN 0.35 WHEN 3 THEN 0.85 ELSE 2.2 END
           - 0.04 * (least(coalesce(distance, 10), 30) - 10)
$$;

-- Players. A team signs a class of 28 each year (slot 0..27, see pg_temp.slot_position);
-- the athlete of a team, entry year and slot has one id, so rosters, recruits and
-- player stats agree without looking each other up. A class is on the roster for four
-- seasons (entry year .. entry year + 3).
CREATE FUNCTION pg_temp.athlete_id(team_id bigint, entry_year bigint, slot integer)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ((team_id::bigint * 200 + (entry_year - 1900)) * 100 + slot)
$$;

CREATE FUNCTION pg_temp.slot_position(slot integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (ARRAY['QB', 'RB', 'WR', 'WR', 'TE', 'OT', 'OG', 'C', 'DE', 'DT', 'LB', 'CB',
                  'S', 'WR', 'RB', 'OT', 'OG', 'DE', 'DT', 'LB', 'CB', 'S', 'QB', 'WR',
                  'TE', 'LB', 'CB', 'K'])[slot + 1]
$$;

-- The player in a slot of a team's season: which class (by entry year) fills it.
CREATE FUNCTION pg_temp.season_athlete(team_id bigint, season bigint, slot integer)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_temp.athlete_id(team_id,
                              season - pg_temp.whole(team_id::bigint * 10000 + season, 600 + slot, 0, 3),
                              slot)
$$;

-- Who carried, threw, caught, or made the defensive play of a snap (by the play's key).
CREATE FUNCTION pg_temp.rusher_slot(k bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN pg_temp.u(k, 701) < 0.55 THEN 1 WHEN pg_temp.u(k, 701) < 0.8 THEN 14
                WHEN pg_temp.u(k, 701) < 0.92 THEN 0 ELSE 2 END
$$;

CREATE FUNCTION pg_temp.receiver_slot(k bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (ARRAY[2, 2, 2, 2, 2, 3, 3, 3, 3, 13, 13, 13, 4, 4, 4, 1, 1, 23, 24, 14])
           [1 + floor(20 * pg_temp.u(k, 709))::integer]
$$;

CREATE FUNCTION pg_temp.passer_slot(k bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN pg_temp.u(k, 719) < 0.95 THEN 0 ELSE 22 END
$$;

CREATE FUNCTION pg_temp.rusher_of_passer_slot(k bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (ARRAY[8, 8, 17, 17, 9, 18, 10, 19, 25, 12])[1 + floor(10 * pg_temp.u(k, 727))::integer]
$$;

CREATE FUNCTION pg_temp.cover_slot(k bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (ARRAY[11, 11, 20, 20, 26, 12, 12, 21, 10, 19])[1 + floor(10 * pg_temp.u(k, 733))::integer]
$$;

-- dlt's lineage columns. _dlt_id is a random 14-character url-safe base64 key per row;
-- here it is a hash of the row's natural key (kind names the table), so a row has the
-- same one on every run and under every seed. 84 bits: no collision in millions of rows.
CREATE FUNCTION pg_temp.dlt_id(kind text, k text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT translate(left(encode(decode(md5(kind || '/' || k), 'hex'), 'base64'), 14), '+/', '-_')
$$;

-- _dlt_load_id is the load's start time in epoch seconds; one load per seeded season.
CREATE FUNCTION pg_temp.load_id(season integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (1700000000 + (season - 1860) * 86400)::text || '.000000'
$$;
