-- One function, whole: its CREATE statement (schema-qualified: the caller empties
-- search_path first), the signature that names it, owner, comment and grants.
SELECT n.nspname AS schema_name,
       p.proname::text AS function_name,
       pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments,
       pg_catalog.pg_get_functiondef(p.oid) AS definition,
       p.prokind::text AS prokind,
       pg_catalog.pg_get_userbyid(p.proowner) AS owner,
       pg_catalog.obj_description(p.oid, 'pg_proc') AS comment,
       p.proacl IS NOT NULL AS explicit_grants,
       (
           SELECT coalesce(jsonb_agg(
               jsonb_build_array(x.privilege_type, coalesce(g.rolname, 'PUBLIC'), x.is_grantable)
               ORDER BY x.privilege_type, g.rolname), '[]')
           FROM pg_catalog.aclexplode(p.proacl) AS x
           LEFT JOIN pg_catalog.pg_roles AS g ON g.oid = x.grantee
       ) AS grants
FROM pg_catalog.pg_proc AS p
JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
WHERE p.oid = %(oid)s
