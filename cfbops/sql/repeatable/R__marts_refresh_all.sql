-- Refresh every mart of schemas marts and scouting in dependency order (from
-- marts.refresh_plan, i.e. the catalog). CONCURRENTLY when the mart is populated and
-- has a plain unique index, plainly otherwise. Each mart runs in its own
-- sub-transaction: a failure is reported and rolled back, the others continue, and
-- every mart that depends on a failed one (transitively) is skipped, not refreshed
-- from stale inputs. All of it runs in the caller's transaction.
--
-- status starts as upstream's does, so cron jobs grepping for OK / ERROR keep working:
-- 'OK (layer N)', 'ERROR (layer N): <message>' for a failure, and
-- 'ERROR (layer N): skipped: depends on ...' for a mart not refreshed because an input
-- failed. The layer is the mart's depth in the dependency graph plus one. refresh_mode
-- and error (the message alone, with its SQLSTATE) are cfbops's additions. duration_ms
-- is the whole elapsed time: upstream's EXTRACT(MILLISECONDS ...) dropped the minutes.
CREATE OR REPLACE FUNCTION marts.refresh_all()
RETURNS TABLE (
    view_name     text,
    refreshed_at  timestamptz,
    duration_ms   bigint,
    status        text,
    refresh_mode  text,
    error         text
)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    plan        record;
    started     timestamptz;
    not_fresh   text[] := '{}';  -- failed or skipped marts
    blocked_by  text[];
BEGIN
    FOR plan IN
        SELECT * FROM marts.refresh_plan ORDER BY depth, view_name
    LOOP
        view_name := plan.view_name;
        refreshed_at := NULL;
        duration_ms := NULL;
        error := NULL;
        refresh_mode := NULL;

        blocked_by := ARRAY(
            SELECT unnest(plan.depends_on) INTERSECT SELECT unnest(not_fresh) ORDER BY 1
        );
        IF cardinality(blocked_by) > 0 THEN
            error := 'not refreshed: depends on ' || array_to_string(blocked_by, ', ')
                     || ', which failed or was skipped';
            status := format('ERROR (layer %s): skipped: %s', plan.depth + 1, error);
            not_fresh := not_fresh || plan.view_name;
            RETURN NEXT;
            CONTINUE;
        END IF;

        refresh_mode := CASE WHEN plan.is_populated AND plan.has_concurrent_key
                             THEN 'concurrent' ELSE 'plain' END;
        started := clock_timestamp();
        BEGIN
            IF refresh_mode = 'concurrent' THEN
                EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %I.%I',
                               plan.schema_name, plan.mart_name);
            ELSE
                EXECUTE format('REFRESH MATERIALIZED VIEW %I.%I',
                               plan.schema_name, plan.mart_name);
            END IF;
            refreshed_at := clock_timestamp();
            status := format('OK (layer %s)', plan.depth + 1);
        EXCEPTION WHEN OTHERS THEN
            status := format('ERROR (layer %s): %s', plan.depth + 1, SQLERRM);
            error := SQLSTATE || ': ' || SQLERRM;
            not_fresh := not_fresh || plan.view_name;
        END;
        duration_ms := floor(extract(epoch FROM clock_timestamp() - started) * 1000)::bigint;
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION marts.refresh_all() IS
    'Refresh all marts (marts, scouting) in catalog-derived dependency order; concurrently where possible. status is OK (layer N) or ERROR (layer N): <message>; a failing mart''s dependents are skipped (ERROR (layer N): skipped: ...). Returns one row per mart in refresh order.';
