-- Pause the named jobs, or with no names every job a live runner is working on; returns
-- their names, as Job.name spells them.
UPDATE ops.backfill_jobs AS j
SET paused_at = now(), updated_at = now()
WHERE j.paused_at IS NULL
  AND CASE WHEN %(names)s::text[] IS NULL
           THEN EXISTS (
               SELECT 1 FROM ops.backfill_items AS c
               WHERE c.job_id = j.id AND c.state = 'running'
                 AND EXISTS (
                     SELECT 1 FROM pg_stat_get_activity(c.backend_pid) AS a
                     WHERE a.backend_start = c.backend_start))
           ELSE (j.kind || ' ' || CASE WHEN j.first_season = j.last_season
                                       THEN j.first_season::text
                                       ELSE j.first_season || '-' || j.last_season END)
                = ANY(%(names)s::text[])
      END
RETURNING j.kind || ' ' || CASE WHEN j.first_season = j.last_season
                                THEN j.first_season::text
                                ELSE j.first_season || '-' || j.last_season END
