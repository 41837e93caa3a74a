-- What hangs on a view or materialized view besides its definition: indexes (with their
-- comments), triggers, and rules other than the view's own SELECT rule, each as the
-- statement that re-creates it.
SELECT 'index' AS part,
       pg_catalog.pg_get_indexdef(i.indexrelid) AS statement,
       n.nspname || '.' || ic.relname AS part_name,
       pg_catalog.obj_description(i.indexrelid, 'pg_class') AS comment
FROM pg_catalog.pg_index AS i
JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = ic.relnamespace
WHERE i.indrelid = %(oid)s
UNION ALL
SELECT 'trigger', pg_catalog.pg_get_triggerdef(tg.oid), tg.tgname::text,
       pg_catalog.obj_description(tg.oid, 'pg_trigger')
FROM pg_catalog.pg_trigger AS tg
WHERE tg.tgrelid = %(oid)s AND NOT tg.tgisinternal
UNION ALL
SELECT 'rule', pg_catalog.pg_get_ruledef(r.oid), r.rulename::text,
       pg_catalog.obj_description(r.oid, 'pg_rewrite')
FROM pg_catalog.pg_rewrite AS r
WHERE r.ev_class = %(oid)s AND r.ev_type <> '1'
ORDER BY 1, 3
