-- The views that read each materialized view, directly or through other views, with
-- their schema and whether anything reads the view in turn. A view outside schema marts,
-- or one nothing reads, is where an app's query may wait on the mart; a view inside
-- marts that other relations read only passes the mart on.
WITH RECURSIVE reads AS (
    SELECT DISTINCT r.ev_class AS reader, d.refobjid AS read
    FROM pg_rewrite r
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
    WHERE r.rulename = '_RETURN'
),
reached (mart, view) AS (
    SELECT m.oid, rd.reader
    FROM pg_class m
    JOIN reads rd ON rd.read = m.oid
    JOIN pg_class v ON v.oid = rd.reader AND v.relkind = 'v'
    WHERE m.relkind = 'm'
  UNION
    SELECT reached.mart, rd.reader
    FROM reached
    JOIN reads rd ON rd.read = reached.view
    JOIN pg_class v ON v.oid = rd.reader AND v.relkind = 'v'
)
SELECT reached.mart::bigint AS mart_oid,
       n.nspname AS schema,
       v.relname AS relname,
       EXISTS (SELECT 1 FROM reads WHERE reads.read = v.oid) AS has_readers
FROM reached
JOIN pg_class v ON v.oid = reached.view
JOIN pg_namespace n ON n.oid = v.relnamespace
ORDER BY 1, 2, 3
