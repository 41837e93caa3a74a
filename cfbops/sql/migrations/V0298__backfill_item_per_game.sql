-- An item is a game (a season for havoc) whatever job names it: overlapping jobs
-- (`--seasons 2020` and `--seasons 2019-2020`) share one row per game, so a game claimed
-- or done by one runner is never fetched by another. job_id becomes the job whose runner
-- took the item last (planned it, before any runner did).
-- Added whole (a constant default costs no rewrite), then each row given its job's kind.
ALTER TABLE ops.backfill_items ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'play-stats';

UPDATE ops.backfill_items AS i
SET kind = j.kind
FROM ops.backfill_jobs AS j
WHERE j.id = i.job_id AND i.kind <> j.kind;

ALTER TABLE ops.backfill_items ALTER COLUMN kind DROP DEFAULT;

-- Rows of one game in several jobs become one: the furthest along (done, running, pending,
-- failed), carrying every job's calls and attempts so the history keeps what was spent.
WITH ranked AS (
    SELECT job_id, item_key, kind,
           row_number() OVER (
               PARTITION BY kind, item_key
               ORDER BY array_position(ARRAY['done', 'running', 'pending', 'failed'], state),
                        finished_at DESC NULLS LAST, job_id) AS place,
           sum(calls_used) OVER (PARTITION BY kind, item_key) AS all_calls,
           sum(attempts) OVER (PARTITION BY kind, item_key) AS all_attempts
    FROM ops.backfill_items
),
kept AS (
    UPDATE ops.backfill_items AS i
    SET calls_used = r.all_calls, attempts = r.all_attempts
    FROM ranked AS r
    WHERE r.place = 1 AND (i.job_id, i.item_key) = (r.job_id, r.item_key)
)
DELETE FROM ops.backfill_items AS i
USING ranked AS r
WHERE r.place > 1 AND (i.job_id, i.item_key) = (r.job_id, r.item_key);

ALTER TABLE ops.backfill_items DROP CONSTRAINT backfill_items_pkey;
-- cfbops: allow disallowed-unique-constraint because ops.backfill_items is cfbops's own small queue, reshaped in one transaction so no runner ever sees half of it
-- A name of its own, as the queue's index below: not the old key by job made again.
ALTER TABLE ops.backfill_items
    ADD CONSTRAINT backfill_items_game_pkey PRIMARY KEY (kind, item_key);

-- cfbops: allow require-concurrent-index-deletion because ops.backfill_items is cfbops's own small queue, reshaped in one transaction so no runner ever sees half of it
DROP INDEX ops.backfill_items_todo_idx;
-- cfbops: allow require-concurrent-index-creation because ops.backfill_items is cfbops's own small queue, reshaped in one transaction so no runner ever sees half of it
CREATE INDEX backfill_items_queue_idx ON ops.backfill_items (kind, season DESC, item_key)
    WHERE state IN ('pending', 'running');
-- Which job's runners are at work (pause), and a job's items when it is the one asked.
-- cfbops: allow require-concurrent-index-creation because ops.backfill_items is cfbops's own small queue, reshaped in one transaction so no runner ever sees half of it
CREATE INDEX backfill_items_job_idx ON ops.backfill_items (job_id);
