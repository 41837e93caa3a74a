-- The marts a running refresh's workers have in hand: their REFRESH statements in the server
-- (only one refresh runs at a time: they hold the operations lock).
SELECT DISTINCT replace(substring(query FROM
    '^\s*REFRESH\s+MATERIALIZED\s+VIEW\s+(?:CONCURRENTLY\s+)?([^\s;]+)'), '"', '')
FROM pg_stat_activity
WHERE datname = current_database() AND state = 'active'
  AND application_name LIKE 'cfbops refresh%'
  AND query ~* '^\s*REFRESH\s+MATERIALIZED\s+VIEW'
ORDER BY 1
