-- One row per user and season with at least one pick, ranked within the season.
-- Reads nfl.user_season_totals (kept by triggers) instead of aggregating the picks:
-- a season's ranking is one ordered scan of user_season_totals_ranking_idx.
-- Points: nfl.pick_points (first-TD scorer 3, plus 1 for any touchdown: a correct pick
-- graded by cfbops is 4, as in the app).
-- Rank: by points, then by correct first-TD picks; users level on both share a rank
-- (rank(), so the next rank skips: 1, 2, 2, 4).
DROP VIEW IF EXISTS nfl.leaderboard CASCADE;

CREATE VIEW nfl.leaderboard AS
SELECT ranked.season,
       ranked.user_id,
       u.name AS user_name,
       ranked.points,
       ranked.correct_picks,
       ranked.rank,
       ranked.any_time_picks,
       ranked.graded_picks,
       ranked.picks
  FROM (SELECT t.season, t.user_id, t.points, t.correct_picks, t.any_time_picks,
               t.graded_picks, t.picks,
               rank() OVER (PARTITION BY t.season
                            ORDER BY t.points DESC, t.correct_picks DESC) AS rank
          FROM nfl.user_season_totals t
         WHERE t.picks > 0) ranked
  JOIN nfl.users u ON u.id = ranked.user_id;

COMMENT ON VIEW nfl.leaderboard IS
    'Season leaderboard: points (3 per correct first-TD pick plus 1 per touchdown '
    'scorer picked, so a correct pick is 4), correct first-TD picks, rank within the season by points then '
    'correct picks (ties share a rank). Filter on season.';
