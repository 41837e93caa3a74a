-- Betting lines for games with an FBS team from seed_scale.lines_first on: a consensus
-- line for nine games in ten, and up to four sportsbooks besides. Spread is from the
-- home team's view (negative: home favoured), built from the two teams' strengths.
INSERT INTO betting.lines (game_id, provider, season, week, home_team, away_team,
                           home_score, away_score, spread, formatted_spread,
                           over_under, home_moneyline, away_moneyline, _dlt_load_id, _dlt_id)
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
    o.id, o.provider, o.season, o.week, o.home_team, o.away_team,
    o.home_points, o.away_points,
    o.spread,
    CASE WHEN o.spread < 0 THEN o.home_team || ' ' || o.spread
         WHEN o.spread > 0 THEN o.away_team || ' -' || o.spread
         ELSE 'PK' END,
    round(2 * (52 + 0.15 * (o.home_strength + o.away_strength)
               + 3 * pg_temp.z(o.id::bigint * 10 + o.n, 883))) / 2,
    ml.home_moneyline,
    ml.away_moneyline,
    pg_temp.load_id(o.season::integer),
    pg_temp.dlt_id('lines', o.id || '/' || o.provider)
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

-- Pregame win probability (CFBD /metrics/wp/pregame) of every game with a consensus
-- line, from that spread.
INSERT INTO metrics.pregame_win_probability (
    season, season_type, week, game_id, home_team, away_team, spread, home_win_probability,
    _dlt_load_id, _dlt_id)
SELECT g.season, g.season_type, g.week, g.id, g.home_team, g.away_team, l.spread,
       round((1 / (1 + exp(l.spread / 7.0)))::numeric, 4),
       pg_temp.load_id(g.season::integer), pg_temp.dlt_id('pregame_win_probability', g.id::text)
FROM betting.lines AS l
JOIN core.games AS g ON g.id = l.game_id
WHERE l.provider = 'consensus'
ORDER BY g.id;
