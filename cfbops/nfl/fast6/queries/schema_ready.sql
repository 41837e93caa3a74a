-- The newest objects the import relies on (V0117, V0120): present, the schema is recent
-- enough to import into.
SELECT to_regclass('nfl.users_name_key') IS NOT NULL
       AND to_regclass('ops.fast6_import_findings_once_per_column') IS NOT NULL
