-- One view or materialized view, whole: what re-creating it needs. Names come out
-- schema-qualified because the caller empties search_path first.
SELECT c.relkind::text AS relkind,
       n.nspname AS schema_name,
       c.relname::text AS relation_name,
       pg_catalog.pg_get_viewdef(c.oid) AS definition,
       c.relispopulated AS populated,
       c.reloptions AS reloptions,
       pg_catalog.pg_get_userbyid(c.relowner) AS owner,
       ts.spcname AS tablespace,
       pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
       (
           SELECT coalesce(jsonb_agg(
               jsonb_build_array(x.privilege_type, coalesce(g.rolname, 'PUBLIC'), x.is_grantable)
               ORDER BY x.privilege_type, g.rolname), '[]')
           FROM pg_catalog.aclexplode(c.relacl) AS x
           LEFT JOIN pg_catalog.pg_roles AS g ON g.oid = x.grantee
       ) AS grants
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_tablespace AS ts ON ts.oid = c.reltablespace
WHERE c.oid = %(oid)s
