-- A new pick without a position (null, blank or 'Unknown') takes the picked player's
-- position from nfl.rosters, matched on season + team + normalised name.

-- Names match on nfl.normalize_player_name. An initial ("P. Mahomes") matches a full
-- first name with the same last name. A match counts only when exactly one player
-- fits: two players of a team who share a last name (and an initial) are never
-- confused, and a last name alone matches nobody.
CREATE FUNCTION nfl.roster_position(p_player_name text, p_season integer, p_teams text[])
RETURNS text
LANGUAGE plpgsql
STABLE
PARALLEL SAFE
AS $$
DECLARE
    wanted text := nfl.normalize_player_name(p_player_name);
    players bigint;
    rostered_position text;
BEGIN
    IF wanted IS NULL OR p_season IS NULL THEN
        RETURN NULL;
    END IF;

    SELECT count(DISTINCT coalesce(r.gsis_id, r.team || '/' || r.player_name)), min(r.position)
      INTO players, rostered_position
      FROM nfl.rosters r
     WHERE r.season = p_season
       AND r.team = ANY (p_teams)
       AND nfl.normalize_player_name(r.player_name) = wanted;

    -- "p mahomes": an initial, then the last name; the first name it stands for may be
    -- two words ("A.St. Brown" = "Amon-Ra St. Brown"). Keys hold only [a-z0-9 ], so
    -- the key can go into the pattern as it is.
    IF players = 0 AND wanted ~ '^[a-z] [a-z0-9]' THEN
        SELECT count(DISTINCT coalesce(r.gsis_id, r.team || '/' || r.player_name)),
               min(r.position)
          INTO players, rostered_position
          FROM nfl.rosters r
         WHERE r.season = p_season
           AND r.team = ANY (p_teams)
           AND nfl.normalize_player_name(r.player_name)
               ~ ('^' || left(wanted, 1) || '[a-z0-9 ]*[a-z0-9] ' || substr(wanted, 3) || '$');
    END IF;

    IF players = 1 AND lower(btrim(rostered_position)) NOT IN ('', 'unknown') THEN
        RETURN rostered_position;
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION nfl.roster_position(text, integer, text[]) IS
    'Position of the one rostered player of these teams in this season whose name matches '
    '(full normalised name first, else initial + last name); null when none or several match.';

CREATE FUNCTION nfl.picks_position_from_roster()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    pick_season integer;
    home text;
    away text;
    rostered_position text;
BEGIN
    SELECT w.season INTO pick_season FROM nfl.weeks w WHERE w.id = NEW.week_id;
    SELECT g.home_team, g.away_team, coalesce(pick_season, g.season)
      INTO home, away, pick_season
      FROM nfl.games g WHERE g.id = NEW.game_id;

    rostered_position := nfl.roster_position(NEW.player_name, pick_season, ARRAY[NEW.team]);
    -- The pick's team may be spelled unlike the roster's: try the game's two sides,
    -- where a name shared across them matches nobody.
    IF rostered_position IS NULL AND home IS NOT NULL THEN
        rostered_position := nfl.roster_position(NEW.player_name, pick_season,
                                                 ARRAY[home, away]);
    END IF;

    IF rostered_position IS NOT NULL THEN
        NEW.position := rostered_position;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER picks_position_before_insert
    BEFORE INSERT ON nfl.picks
    FOR EACH ROW
    WHEN (NEW.position IS NULL OR btrim(NEW.position) = '' OR lower(NEW.position) = 'unknown')
    EXECUTE FUNCTION nfl.picks_position_from_roster();

-- A pick edited to another player while its position is unknown gets it looked up too.
CREATE TRIGGER picks_position_before_update
    BEFORE UPDATE OF player_name, team, week_id, game_id, position ON nfl.picks
    FOR EACH ROW
    WHEN (NEW.position IS NULL OR btrim(NEW.position) = '' OR lower(NEW.position) = 'unknown')
    EXECUTE FUNCTION nfl.picks_position_from_roster();
