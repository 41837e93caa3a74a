-- How many of the given picks would have no position once written: a pick keeps a known
-- position; one inserted or changed without one takes the roster's, as the trigger
-- nfl.picks_position_from_roster does (the pick's team first, then the game's two sides).
SELECT count(*)
  FROM unnest(%(player_name)s::text[], %(season)s::integer[], %(team)s::text[],
              %(home_team)s::text[], %(away_team)s::text[], %(position)s::text[],
              %(written)s::boolean[])
       AS f (player_name, season, team, home_team, away_team, position, written)
 CROSS JOIN LATERAL (
       SELECT CASE
                WHEN f.position IS NOT NULL AND btrim(f.position) <> ''
                     AND lower(f.position) <> 'unknown' THEN f.position
                WHEN f.written THEN
                     coalesce(nfl.roster_position(f.player_name, f.season, ARRAY[f.team]),
                              CASE WHEN f.home_team IS NOT NULL
                                   THEN nfl.roster_position(f.player_name, f.season,
                                                            ARRAY[f.home_team, f.away_team])
                              END)
              END AS position
       ) AS final
 WHERE final.position IS NULL OR btrim(final.position) = '' OR lower(final.position) = 'unknown'
