-- Betting lines for games with an FBS team from seed_scale.lines_first on: a consensus
-- line for nine games in ten, and up to four sportsbooks besides. Spread is from the
-- home team's view (negative: home favoured), built from the two teams' strengths.
INSERT INTO betting.lines (game_id, provider, season, season_type, week, home_team, away_team,
                           home_score, away_score, spread, formatted_spread, spread_open,
                           over_under, over_under_open, home_moneyline, away_moneyline)
WITH offered AS (
    SELECT g.*, sg.home_edge, sg.home_strength, sg.away_strength, pv.provider, pv.n,
           round(2 * (-sg.home_edge + 1.2 * pg_temp.z(g.id::bigint * 10 + pv.n, 871))) / 2 AS spread
    FROM core.games AS g
    JOIN seed_game AS sg ON sg.game_id = g.id
    CROSS JOIN seed_scale AS sc
    CROSS JOIN (VALUES (0, 'consensus'), (1, 'ESPN Bet'), (2, 'DraftKings'), (3, 'Bovada'),
                       (4, 'William Hill (New Jersey)')) AS pv (n, provider)
    WHERE g.season >= sc.lines_first
      AND (g.home_classification = 'fbs' OR g.away_classification = 'fbs')
      AND pg_temp.u(g.id::bigint * 10 + pv.n, 877) < CASE pv.n WHEN 0 THEN 0.9 ELSE 0.22 END
)
SELECT
    o.id, o.provider, o.season, o.season_type, o.week, o.home_team, o.away_team,
    o.home_points, o.away_points,
    o.spread,
    CASE WHEN o.spread < 0 THEN o.home_team || ' ' || o.spread
         WHEN o.spread > 0 THEN o.away_team || ' -' || o.spread
         ELSE 'PK' END,
    o.spread + round(2 * pg_temp.z(o.id::bigint * 10 + o.n, 881)) / 2,
    round(2 * (52 + 0.15 * (o.home_strength + o.away_strength)
               + 3 * pg_temp.z(o.id::bigint * 10 + o.n, 883))) / 2,
    round(2 * (52 + 0.15 * (o.home_strength + o.away_strength)
               + 3 * pg_temp.z(o.id::bigint * 10 + o.n, 887))) / 2,
    ml.home_moneyline,
    ml.away_moneyline
FROM offered AS o
CROSS JOIN LATERAL (
    SELECT 1 / (1 + exp(o.spread / 7.0)) AS home_win
) AS p
CROSS JOIN LATERAL (
    SELECT
        CASE WHEN p.home_win >= 0.5 THEN -least(round(100 * p.home_win / (1 - p.home_win)), 5000)
             ELSE least(round(100 * (1 - p.home_win) / p.home_win), 5000) END::integer AS home_moneyline,
        CASE WHEN p.home_win < 0.5 THEN -least(round(100 * (1 - p.home_win) / p.home_win), 5000)
             ELSE least(round(100 * p.home_win / (1 - p.home_win)), 5000) END::integer AS away_moneyline
) AS ml
ORDER BY o.id, o.provider;
