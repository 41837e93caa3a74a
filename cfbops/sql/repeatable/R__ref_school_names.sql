-- The deduplicated school-name key. ref.teams.school repeats (~35 names shared by
-- different ids), so relationships by name (recruits.committed_to, roster.team,
-- team_recruiting.team, ratings.*) resolve a name through this view: one row per
-- name, with the team id a name means when it is ambiguous (the highest
-- classification, then the lowest id). Data-quality target: recruits whose
-- committed_to has no row here.
DROP VIEW IF EXISTS ref.school_names CASCADE;

CREATE VIEW ref.school_names AS
SELECT DISTINCT ON (t.school)
    t.school,
    t.id AS team_id,
    t.classification,
    count(*) OVER (PARTITION BY t.school)::integer AS team_count
FROM ref.teams AS t
WHERE t.school IS NOT NULL
ORDER BY
    t.school,
    array_position(ARRAY['fbs', 'fcs', 'ii', 'iii'], t.classification) NULLS LAST,
    t.id;

COMMENT ON VIEW ref.school_names IS
    'One row per school name: the team id the name resolves to (highest classification, then lowest id) and how many team ids share it. Relationships by school name (recruits.committed_to, roster.team, ratings) resolve here; names missing from it are data-quality findings.';
