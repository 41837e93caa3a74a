-- The columns each view, materialized view or SQL-standard function reads, by relation:
-- what its re-creation needs the new definitions to keep.
SELECT coalesce(r.ev_class, d.objid) AS reader,
       n.nspname || '.' || c.relname AS relation,
       a.attname::text AS column_name
FROM pg_catalog.pg_depend AS d
LEFT JOIN pg_catalog.pg_rewrite AS r
    ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid
JOIN pg_catalog.pg_class AS c ON c.oid = d.refobjid
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE d.refclassid = 'pg_catalog.pg_class'::regclass
  AND d.refobjsubid > 0
  AND d.deptype = 'n'
  AND ((d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.ev_class = ANY (%(readers)s::oid[]))
       OR (d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = ANY (%(readers)s::oid[])))
  AND coalesce(r.ev_class, d.objid) <> d.refobjid
ORDER BY 1, 2, 3
