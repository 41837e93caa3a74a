-- A relation's columns: name, type, type family (PostgreSQL's type category; an array's
-- is A plus its element's, a domain's its base type's), comment, column grants, default.
SELECT a.attname::text AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name,
       CASE WHEN t.typcategory = 'A' THEN 'A' || coalesce(e.typcategory::text, '?')
            ELSE t.typcategory::text END AS family,
       pg_catalog.col_description(a.attrelid, a.attnum) AS comment,
       (
           SELECT coalesce(jsonb_agg(
               jsonb_build_array(x.privilege_type, coalesce(g.rolname, 'PUBLIC'), x.is_grantable)
               ORDER BY x.privilege_type, g.rolname), '[]')
           FROM pg_catalog.aclexplode(a.attacl) AS x
           LEFT JOIN pg_catalog.pg_roles AS g ON g.oid = x.grantee
       ) AS grants,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_value
FROM pg_catalog.pg_attribute AS a
JOIN pg_catalog.pg_type AS declared ON declared.oid = a.atttypid
JOIN pg_catalog.pg_type AS t
    ON t.oid = CASE WHEN declared.typtype = 'd' THEN declared.typbasetype ELSE declared.oid END
LEFT JOIN pg_catalog.pg_type AS e ON e.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_catalog.pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE a.attrelid = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
