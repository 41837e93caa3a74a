-- Whether apps read a mart directly, which decides how it is refreshed. A mart that only
-- other marts read is refreshed plainly inside the run that refreshes its readers after
-- it (a plain REFRESH skips CONCURRENTLY's duplicate check and diff); one that a view
-- outside marts reads, or apps read, is refreshed CONCURRENTLY so its readers never wait.
-- The catalog shows views, not apps: true says apps read it (always concurrently), false
-- says none do (a mart no view or mart reads may then be refreshed plainly), null (the
-- default) leaves it to the catalog, counting a mart nothing reads as read by apps.
ALTER TABLE ops.mart_setting ADD COLUMN IF NOT EXISTS read_by_apps boolean;
COMMENT ON COLUMN ops.mart_setting.read_by_apps IS
    'true: apps read this mart directly (refresh it concurrently); false: no app does; null: judge from the catalog.';
