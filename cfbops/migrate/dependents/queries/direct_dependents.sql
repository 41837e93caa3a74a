-- What depends directly on some relations (and on their row types) and functions: the
-- view or materialized view behind each SELECT rule, each function, and anything else
-- (described, so a refusal can name it). Only normal dependencies: indexes, triggers and
-- the like go with their own relation.
WITH targets (classid, objid, referenced_kind, referenced_oid) AS (
    SELECT 'pg_catalog.pg_class'::regclass, oid, 'relation', oid
    FROM unnest(%(relations)s::oid[]) AS oid
    UNION ALL
    SELECT 'pg_catalog.pg_type'::regclass, c.reltype, 'relation', c.oid
    FROM pg_catalog.pg_class AS c
    WHERE c.oid = ANY (%(relations)s::oid[]) AND c.reltype <> 0
    UNION ALL
    SELECT 'pg_catalog.pg_proc'::regclass, oid, 'function', oid
    FROM unnest(%(functions)s::oid[]) AS oid
)
SELECT DISTINCT
    CASE
        WHEN r.ev_type = '1' THEN 'relation'
        WHEN d.classid = 'pg_catalog.pg_proc'::regclass AND p.prokind IN ('f', 'p')
            THEN 'function'
        ELSE 'other'
    END AS kind,
    coalesce(r.ev_class, d.objid) AS oid,
    coalesce(
        rn.nspname || '.' || rc.relname,
        pn.nspname || '.' || p.proname,
        pg_catalog.pg_describe_object(d.classid, d.objid, 0)
    ) AS name,
    t.referenced_kind,
    t.referenced_oid
FROM targets AS t
JOIN pg_catalog.pg_depend AS d
    ON d.refclassid = t.classid AND d.refobjid = t.objid AND d.deptype = 'n'
LEFT JOIN pg_catalog.pg_rewrite AS r
    ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid
LEFT JOIN pg_catalog.pg_class AS rc ON rc.oid = r.ev_class AND r.ev_type = '1'
LEFT JOIN pg_catalog.pg_namespace AS rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_catalog.pg_proc AS p
    ON d.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = d.objid
LEFT JOIN pg_catalog.pg_namespace AS pn ON pn.oid = p.pronamespace
WHERE r.ev_class IS DISTINCT FROM t.referenced_oid
ORDER BY 1, 3
