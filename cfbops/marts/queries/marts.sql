-- Every materialized view outside the system schemas, and whether it can be refreshed
-- CONCURRENTLY: populated, with a valid immediate unique btree index on plain columns
-- and no WHERE clause (the index PostgreSQL's REFRESH … CONCURRENTLY looks for).
SELECT c.oid::bigint AS oid,
       n.nspname AS schema,
       c.relname AS relname,
       c.relispopulated AS populated,
       EXISTS (
           SELECT 1
           FROM pg_index i
           JOIN pg_class ic ON ic.oid = i.indexrelid
           JOIN pg_am am ON am.oid = ic.relam
           WHERE i.indrelid = c.oid
             AND i.indisunique AND i.indisvalid AND i.indimmediate
             AND i.indnatts > 0 AND i.indpred IS NULL AND i.indexprs IS NULL
             AND am.amname = 'btree'
       ) AS has_unique_index
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'm'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY n.nspname, c.relname
