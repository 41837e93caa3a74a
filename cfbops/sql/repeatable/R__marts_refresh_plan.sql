-- The refresh plan of every materialized view in schemas marts and scouting, read from
-- the catalog: what each one reads (through plain views too), its depth in the
-- dependency graph, who reads it, whether it is populated and whether it has a unique
-- index that allows REFRESH ... CONCURRENTLY (plain columns only: no expression, no
-- WHERE). Ordering by (depth, view_name) is a valid refresh order. No hand-kept list.
-- read_by_views: the views an app's query may wait on it through (one outside schema
-- marts, or one nothing reads; a view in marts that others read only passes it on);
-- read_by_marts: the materialized views (any schema) that read it. cfbops's refresh
-- reads the same from the catalog (cfbops/marts/queries/view_readers.sql).
DROP VIEW IF EXISTS marts.refresh_plan CASCADE;

CREATE VIEW marts.refresh_plan AS
WITH RECURSIVE
managed AS (
    SELECT c.oid, n.nspname AS schema_name, c.relname AS mart_name, c.relispopulated
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind = 'm' AND n.nspname IN ('marts', 'scouting')
),
-- relations read by the query of each view or materialized view
reads AS (
    SELECT DISTINCT r.ev_class AS reader, d.refobjid AS read
    FROM pg_catalog.pg_rewrite AS r
    JOIN pg_catalog.pg_depend AS d
        ON d.classid = 'pg_catalog.pg_rewrite'::regclass
       AND d.objid = r.oid
       AND d.refclassid = 'pg_catalog.pg_class'::regclass
       AND d.refobjid <> r.ev_class
    WHERE r.rulename = '_RETURN'
),
-- from each managed mart, everything reached directly or through plain views
reached (mart, rel) AS (
    SELECT m.oid, rd.read
    FROM managed AS m
    JOIN reads AS rd ON rd.reader = m.oid
    UNION
    SELECT re.mart, rd.read
    FROM reached AS re
    JOIN pg_catalog.pg_class AS c ON c.oid = re.rel AND c.relkind = 'v'
    JOIN reads AS rd ON rd.reader = re.rel
),
edges AS (
    SELECT DISTINCT re.mart, re.rel AS upstream
    FROM reached AS re
    JOIN managed AS m ON m.oid = re.rel
    WHERE re.rel <> re.mart
),
depths (mart, depth) AS (
    SELECT m.oid, 0 FROM managed AS m
    UNION ALL
    SELECT e.mart, dp.depth + 1
    FROM depths AS dp
    JOIN edges AS e ON e.upstream = dp.mart
),
-- from each managed mart, the views that read it, directly or through other views
read_through (mart, view) AS (
    SELECT m.oid, rd.reader
    FROM managed AS m
    JOIN reads AS rd ON rd.read = m.oid
    JOIN pg_catalog.pg_class AS v ON v.oid = rd.reader AND v.relkind = 'v'
    UNION
    SELECT rt.mart, rd.reader
    FROM read_through AS rt
    JOIN reads AS rd ON rd.read = rt.view
    JOIN pg_catalog.pg_class AS v ON v.oid = rd.reader AND v.relkind = 'v'
)
SELECT
    format('%I.%I', m.schema_name, m.mart_name) AS view_name,
    m.schema_name,
    m.mart_name,
    (SELECT max(dp.depth) FROM depths AS dp WHERE dp.mart = m.oid) AS depth,
    coalesce(
        ARRAY(
            SELECT format('%I.%I', um.schema_name, um.mart_name)
            FROM edges AS e
            JOIN managed AS um ON um.oid = e.upstream
            WHERE e.mart = m.oid
            ORDER BY 1
        ),
        '{}'
    ) AS depends_on,
    m.relispopulated AS is_populated,
    EXISTS (
        SELECT 1
        FROM pg_catalog.pg_index AS i
        JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
        JOIN pg_catalog.pg_am AS am ON am.oid = ic.relam
        WHERE i.indrelid = m.oid
          AND i.indisunique
          AND i.indisvalid
          AND i.indimmediate
          AND i.indnatts > 0
          AND i.indexprs IS NULL
          AND i.indpred IS NULL
          AND am.amname = 'btree'
    ) AS has_concurrent_key,
    ARRAY(
        SELECT format('%I.%I', vn.nspname, v.relname)
        FROM read_through AS rt
        JOIN pg_catalog.pg_class AS v ON v.oid = rt.view
        JOIN pg_catalog.pg_namespace AS vn ON vn.oid = v.relnamespace
        WHERE rt.mart = m.oid
          AND (vn.nspname <> 'marts' OR NOT EXISTS (SELECT 1 FROM reads WHERE reads.read = v.oid))
        ORDER BY 1
    ) AS read_by_views,
    ARRAY(
        SELECT DISTINCT format('%I.%I', rn.nspname, r.relname)
        FROM reads AS rd
        JOIN pg_catalog.pg_class AS r ON r.oid = rd.reader AND r.relkind = 'm'
        JOIN pg_catalog.pg_namespace AS rn ON rn.oid = r.relnamespace
        WHERE r.oid <> m.oid
          AND (rd.read = m.oid OR rd.read IN (SELECT rt.view FROM read_through AS rt WHERE rt.mart = m.oid))
        ORDER BY 1
    ) AS read_by_marts
FROM managed AS m;

COMMENT ON VIEW marts.refresh_plan IS
    'Every materialized view of schemas marts and scouting with the marts it reads (directly or through plain views), its depth in the dependency graph (order by depth, view_name to refresh), whether it is populated, whether a plain unique index allows REFRESH CONCURRENTLY, the views an app may read it through (read_by_views) and the materialized views that read it (read_by_marts).';
