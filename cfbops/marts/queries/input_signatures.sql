-- The change counters and file node of every leaf relation under the given relations
-- (partitions and inheritance children included): inserts + updates + deletes change
-- with every write; relfilenode changes with TRUNCATE and with a plain REFRESH.
WITH RECURSIVE leaves (root, oid) AS (
    SELECT r, r FROM unnest(%(oids)s::oid[]) AS r
  UNION
    SELECT leaves.root, i.inhrelid
    FROM leaves
    JOIN pg_inherits i ON i.inhparent = leaves.oid
)
SELECT leaves.root::bigint AS root,
       c.oid::bigint AS oid,
       n.nspname || '.' || c.relname AS name,
       pg_stat_get_tuples_inserted(c.oid)
         + pg_stat_get_tuples_updated(c.oid)
         + pg_stat_get_tuples_deleted(c.oid) AS changes,
       c.relfilenode::bigint AS filenode
FROM leaves
JOIN pg_class c ON c.oid = leaves.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm', 'f')
ORDER BY 1, 2
