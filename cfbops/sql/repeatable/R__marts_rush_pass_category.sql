-- Upstream's coarse play category, by the play type's words: rush (rush, run), pass
-- (pass, sack), other. Upstream's marts name it play_category; cfbops's finer one is
-- marts.play_category(), which tells scrimmage plays from special teams.
CREATE OR REPLACE FUNCTION marts.rush_pass_category(play_type text)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN play_type ILIKE '%rush%' OR play_type ILIKE '%run%' THEN 'rush'
        WHEN play_type ILIKE '%pass%' OR play_type ILIKE '%sack%' THEN 'pass'
        ELSE 'other'
    END
$$;

COMMENT ON FUNCTION marts.rush_pass_category(text) IS
    'Upstream''s play_category: rush (type mentions rush or run), pass (pass or sack), else other.';
