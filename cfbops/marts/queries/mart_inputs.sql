-- What each materialized view reads: tables, partitioned tables, foreign tables and other
-- materialized views, followed through plain views (a view's _RETURN rule depends on the
-- relations it reads). Declared edges (ops.mart_dependency) join in as if the mart's rule
-- named them, and are followed through views the same way.
WITH RECURSIVE declared AS (
    SELECT to_regclass(d.mart) AS mart, to_regclass(d.input) AS rel
    FROM unnest(%(declared_marts)s::text[], %(declared_inputs)s::text[]) AS d (mart, input)
),
reads (mart, rel, declared) AS (
    SELECT m.oid, d.refobjid, false
    FROM pg_class m
    JOIN pg_rewrite r ON r.ev_class = m.oid
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> m.oid
    WHERE m.relkind = 'm'
  UNION
    SELECT declared.mart::oid, declared.rel::oid, true
    FROM declared
    JOIN pg_class m ON m.oid = declared.mart::oid AND m.relkind = 'm'
    WHERE declared.rel IS NOT NULL
  UNION
    SELECT reads.mart, d.refobjid, reads.declared
    FROM reads
    JOIN pg_class v ON v.oid = reads.rel AND v.relkind = 'v'
    JOIN pg_rewrite r ON r.ev_class = v.oid
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> v.oid
)
SELECT reads.mart::bigint AS mart_oid,
       c.oid::bigint AS input_oid,
       n.nspname AS schema,
       c.relname AS relname,
       c.relkind = 'm' AS is_mart,
       bool_and(reads.declared) AS declared
FROM reads
JOIN pg_class c ON c.oid = reads.rel
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm', 'f')
  AND c.oid <> reads.mart
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
GROUP BY reads.mart, c.oid, n.nspname, c.relname, c.relkind
ORDER BY reads.mart, n.nspname, c.relname
