-- Staging for one snapshot: prices and resolutions as the sources gave them.
CREATE TEMP TABLE market_quotes (
    source text, market_type text, market_id text, day date, team_a text, team_b text,
    player_name text, probability numeric, american_odds integer, raw_price numeric,
    volume numeric
) ON COMMIT DROP;
CREATE TEMP TABLE market_resolutions (
    source text, market_type text, market_id text, day date, team_a text, team_b text,
    player_name text, outcome text, resolved_at timestamptz
) ON COMMIT DROP;
